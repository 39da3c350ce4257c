// "Auth difference" and (since room version 12) "Conflicted state subgraph",
// https://spec.matrix.org/v1.19/rooms/v2/#definitions and
// https://spec.matrix.org/v1.19/rooms/v12/#definitions.
//
// Decision (as Synapse and Ruma): the full auth chain C_i of a state set S_i
// includes the events of S_i themselves, not only their auth events.
//
// How it is computed without building every C_i: unconflicted events are in
// every S_i, so they and their auth chains are in every C_i and never in the
// difference. Writing D_i for the auth chains of S_i's *conflicted* events,
// ∪C_i − ∩C_i = ∪D_i − ∩D_i − U, where U is everything reachable from the
// unconflicted events. We walk down from the conflicted events in decreasing
// auth depth, carrying a bit mask of the state sets that reach each event; an
// unconflicted event (met on the way, in auth-depth order) carries the full mask.
// Masks are final when popped (every event that can reach x has a greater auth
// depth), and the walk stops as soon as only full masks remain below — so the
// work follows the conflicted neighbourhood, not the size of the room.

import { Heap } from "./heap.js";
import { due, ensureClosure, record, TICK, type Context, type Step } from "./context.js";
import type { EventRecord } from "./auth-chain-cache.js";
import type { StateKey } from "./state-key.js";

/** Event IDs in `∪C_i − ∩C_i`. @internal */
export function* authDifferenceStep(
  ctx: Context,
  stateSets: readonly ReadonlyMap<StateKey, string>[],
  unconflicted: ReadonlyMap<StateKey, string>,
  conflictedKeys: Iterable<StateKey>,
): Step<Set<string>> {
  if (ctx.hasAuthDiff) return (yield { kind: "authDiff", stateSets }) as Set<string>;
  const n = stateSets.length;
  // Only conflicted keys differ between the sets: the rest is the unconflicted state map.
  const perSet: string[][] = stateSets.map(() => []);
  for (const key of conflictedKeys) {
    for (let i = 0; i < n; i++) {
      const id = stateSets[i]!.get(key);
      if (id !== undefined) perSet[i]!.push(id);
    }
  }
  // One pass over the unconflicted events: bucket the ones whose auth depth is
  // known (a warm cache: all of them) and load the auth chains of the others.
  const buckets: EventRecord[][] = [];
  let unknown: string[] | undefined;
  const cache = ctx.cache;
  unconflicted.forEach((id) => {
    const rec = cache.get(id);
    if (rec === undefined || rec.authDepth < 0) (unknown ??= []).push(id);
    else (buckets[rec.authDepth] ??= []).push(rec);
  });
  if (due(ctx, unconflicted.size / 64)) yield TICK;
  const conflictedIds = perSet.flat();
  yield* ensureClosure(ctx, unknown === undefined ? conflictedIds : [...conflictedIds, ...unknown]);
  if (unknown !== undefined) {
    for (const id of unknown) {
      const rec = record(ctx, id);
      (buckets[rec.authDepth] ??= []).push(rec);
    }
  }
  if (n > 30) return naiveAuthDifference(ctx, perSet, unconflicted.values());

  const full = n === 31 ? 0x7fffffff : (1 << n) - 1;
  const mask = new Map<string, number>();
  const heap = new Heap<EventRecord>((a, b) => b.authDepth - a.authDepth);
  let partialInHeap = 0;
  const touch = (rec: EventRecord, bits: number): void => {
    const old = mask.get(rec.id);
    if (old === undefined) {
      mask.set(rec.id, bits);
      heap.push(rec);
      if (bits !== full) partialInHeap++;
    } else if ((old | bits) !== old) {
      const now = old | bits;
      mask.set(rec.id, now);
      if (now === full) partialInHeap--;
    }
  };
  for (let i = 0; i < n; i++) for (const id of perSet[i]!) touch(record(ctx, id), 1 << i);

  // Unconflicted events, by auth depth, are fed in lazily from the top.
  let level = buckets.length - 1;
  const difference = new Set<string>();
  while (partialInHeap > 0) {
    const topDepth = heap.peek()!.authDepth;
    for (; level >= topDepth; level--) for (const rec of buckets[level] ?? []) touch(rec, full);
    const rec = heap.pop()!;
    const bits = mask.get(rec.id)!;
    if (bits !== full) {
      partialInHeap--;
      difference.add(rec.id);
    }
    for (const a of rec.authIds) touch(record(ctx, a), bits);
    if (due(ctx)) yield TICK;
  }
  return difference;
}

/** Everything reachable from `ids` through auth edges, `ids` included. */
function closureOf(ctx: Context, ids: Iterable<string>): Set<string> {
  const chain = new Set<string>();
  const stack = [...ids];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (chain.has(id)) continue;
    chain.add(id);
    for (const a of record(ctx, id).authIds) stack.push(a);
  }
  return chain;
}

/** Full auth chains as sets, used for more than 30 state sets (bit masks would overflow). */
function naiveAuthDifference(ctx: Context, perSet: string[][], unconflictedIds: Iterable<string>): Set<string> {
  const counts = new Map<string, number>();
  for (const ids of perSet) for (const id of closureOf(ctx, ids)) counts.set(id, (counts.get(id) ?? 0) + 1);
  const common = closureOf(ctx, unconflictedIds); // in every C_i
  const diff = new Set<string>();
  for (const [id, c] of counts) if (c < perSet.length && !common.has(id)) diff.add(id);
  return diff;
}

/**
 * The conflicted state subgraph (room version 12): every event on an
 * `auth_events` path between two events of the conflicted state set, endpoints
 * included. An event can only lie on such a path if its auth depth is greater
 * than the smallest auth depth of a conflicted event, which bounds the walk.
 * @internal
 */
export function* conflictedSubgraphStep(ctx: Context, conflicted: ReadonlySet<string>): Step<Set<string>> {
  if (ctx.hasSubgraph) return (yield { kind: "subgraph", conflicted }) as Set<string>;
  yield* ensureClosure(ctx, conflicted);
  let minDepth = Number.POSITIVE_INFINITY;
  for (const id of conflicted) minDepth = Math.min(minDepth, record(ctx, id).authDepth);
  // Strict ancestors of conflicted events that could still reach a conflicted event.
  const region = new Map<string, EventRecord>();
  const reachedConflicted = new Set<string>();
  const stack: EventRecord[] = [...conflicted].map((id) => record(ctx, id));
  while (stack.length > 0) {
    const rec = stack.pop()!;
    for (const a of rec.authIds) {
      const ar = record(ctx, a);
      if (conflicted.has(a)) reachedConflicted.add(a);
      if (ar.authDepth <= minDepth || region.has(a)) continue;
      region.set(a, ar);
      stack.push(ar);
    }
    if (due(ctx)) yield TICK;
  }
  // reaches(x): some auth path of ≥ 1 edge from x ends at a conflicted event.
  const ordered = [...region.values(), ...[...conflicted].map((id) => record(ctx, id))].sort((a, b) => a.authDepth - b.authDepth);
  const reaches = new Set<string>();
  for (const rec of ordered) {
    for (const a of rec.authIds) {
      if (conflicted.has(a) || reaches.has(a)) {
        reaches.add(rec.id);
        break;
      }
    }
  }
  const subgraph = new Set<string>();
  for (const id of region.keys()) if (reaches.has(id)) subgraph.add(id);
  for (const id of conflicted) if (reaches.has(id) || reachedConflicted.has(id)) subgraph.add(id);
  return subgraph;
}
