// The lexicographically smallest topological ordering (Kahn's algorithm with a
// heap), https://spec.matrix.org/v1.19/rooms/v2/#definitions — "The reverse
// topological power ordering can be found by sorting the events using Kahn's
// algorithm for topological sorting, and at each step selecting, among all the
// candidate vertices, the smallest vertex using the above comparison relation."

import { Heap } from "./heap.js";
import { StateResError } from "./errors.js";

/**
 * Sorts a DAG so that every node comes after the nodes it points to (for the auth
 * DAG: every event after its auth events), choosing at each step the smallest
 * available node by `compare`. Nodes that appear only as edge targets are
 * included too.
 *
 * @param graph - node → the nodes it depends on (e.g. event → its auth events).
 * @param compare - a total order used to break ties (negative: `a` first).
 * @returns all nodes, dependencies first.
 * @throws {StateResError} `AUTH_CYCLE` when the graph has a cycle.
 * @example
 * ```ts
 * const graph = new Map([["l", ["o"]], ["m", ["n", "o"]], ["n", ["o"]], ["o", []], ["p", ["o"]]]);
 * lexicographicalTopologicalSort(graph, (a, b) => (a < b ? -1 : a > b ? 1 : 0)); // ["o", "l", "n", "m", "p"]
 * ```
 * @see https://spec.matrix.org/v1.19/rooms/v2/#definitions
 */
export function lexicographicalTopologicalSort<T>(graph: ReadonlyMap<T, Iterable<T>>, compare: (a: T, b: T) => number): T[] {
  // Count each node's outstanding dependencies and index who depends on whom.
  const pending = new Map<T, number>();
  const dependents = new Map<T, T[]>();
  for (const [node, deps] of graph) {
    let count = 0;
    const seen = new Set<T>();
    for (const dep of deps) {
      if (seen.has(dep)) continue;
      seen.add(dep);
      count++;
      let list = dependents.get(dep);
      if (list === undefined) dependents.set(dep, (list = []));
      list.push(node);
      if (!graph.has(dep) && !pending.has(dep)) pending.set(dep, 0);
    }
    pending.set(node, count);
  }
  const heap = new Heap<T>(compare);
  for (const [node, count] of pending) if (count === 0) heap.push(node);
  const sorted: T[] = [];
  while (heap.size > 0) {
    const node = heap.pop()!;
    sorted.push(node);
    for (const dependent of dependents.get(node) ?? []) {
      const left = pending.get(dependent)! - 1;
      pending.set(dependent, left);
      if (left === 0) heap.push(dependent);
    }
  }
  if (sorted.length !== pending.size) {
    throw new StateResError("AUTH_CYCLE", `expected an acyclic graph, got a cycle among ${pending.size - sorted.length} nodes`);
  }
  return sorted;
}
