// A binary min-heap ordered by a comparator; used by Kahn's algorithm for the
// lexicographically smallest topological ordering
// (https://spec.matrix.org/v1.19/rooms/v2/#definitions, "Reverse topological power ordering").

/**
 * A binary min-heap: `pop` returns the smallest item by `compare`.
 *
 * @example
 * ```ts
 * const heap = new Heap<number>((a, b) => a - b);
 * heap.push(3); heap.push(1); heap.pop(); // 1
 * ```
 */
export class Heap<T> {
  private readonly items: T[] = [];
  constructor(private readonly compare: (a: T, b: T) => number) {}

  get size(): number {
    return this.items.length;
  }

  /** The smallest item, without removing it. */
  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    const items = this.items;
    let i = items.push(item) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.compare(items[parent]!, item) <= 0) break;
      items[i] = items[parent]!;
      i = parent;
    }
    items[i] = item;
  }

  /** Removes and returns the smallest item. */
  pop(): T | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || last === undefined) return top;
    const n = items.length;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const child = r < n && this.compare(items[r]!, items[l]!) < 0 ? r : l;
      if (this.compare(items[child]!, last) >= 0) break;
      items[i] = items[child]!;
      i = child;
    }
    items[i] = last;
    return top;
  }
}
