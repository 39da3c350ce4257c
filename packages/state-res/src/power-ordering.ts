// Step 1 of https://spec.matrix.org/v1.19/rooms/v2/#algorithm: the power events
// of the full conflicted set, enlarged with their auth chains' events that are
// also in the full conflicted set, sorted by the *reverse topological power
// ordering* (https://spec.matrix.org/v1.19/rooms/v2/#definitions).
//
// Decision (as Synapse and Ruma): the auth chain of a power event is walked
// through events of the full conflicted set only, and the DAG's edges are the
// auth edges between events of X.

import { isPowerEvent, senderPowerLevel, senderPowerLevelNow } from "./power.js";
import { record, due, TICK, ensure, type Context, type Step } from "./context.js";
import { lexicographicalTopologicalSort } from "./topological-sort.js";

/** Compares event IDs by code point (the order every implementation uses for ASCII IDs). */
export function compareEventIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Step 1: select X and sort it. @internal */
export function* sortPowerEventsStep(ctx: Context, fullConflictedSet: ReadonlySet<string>): Step<string[]> {
  yield* ensure(ctx, fullConflictedSet);
  const roots: string[] = [];
  for (const id of fullConflictedSet) if (isPowerEvent(record(ctx, id).event)) roots.push(id);
  return yield* reverseTopologicalPowerOrderingStep(ctx, roots, fullConflictedSet);
}

/**
 * Enlarges `ids` with their auth ancestors inside `within` and sorts them by the
 * reverse topological power ordering. @internal
 */
export function* reverseTopologicalPowerOrderingStep(ctx: Context, ids: Iterable<string>, within: ReadonlySet<string>): Step<string[]> {
  const graph = new Map<string, string[]>();
  const stack = [...ids];
  yield* ensure(ctx, stack);
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (graph.has(id)) continue;
    if (!ctx.cache.has(id)) yield* ensure(ctx, [id]);
    const rec = record(ctx, id);
    const deps: string[] = [];
    for (const a of rec.authIds) if (within.has(a)) deps.push(a);
    graph.set(id, deps);
    for (const d of deps) if (!graph.has(d)) stack.push(d);
  }
  // The sort keys, looked up once per event (not per comparison).
  const keys = new Map<string, { power: number; ts: number }>();
  for (const id of graph.keys()) {
    const rec = record(ctx, id);
    const power = senderPowerLevelNow(ctx, rec) ?? (yield* senderPowerLevel(ctx, rec));
    keys.set(id, { power, ts: rec.event.origin_server_ts });
    if (due(ctx)) yield TICK;
  }
  return lexicographicalTopologicalSort(graph, (x, y) => {
    // 1. greater sender power first; 2. smaller origin_server_ts; 3. smaller event_id.
    const kx = keys.get(x)!;
    const ky = keys.get(y)!;
    if (kx.power !== ky.power) return kx.power > ky.power ? -1 : 1;
    if (kx.ts !== ky.ts) return kx.ts < ky.ts ? -1 : 1;
    return compareEventIds(x, y);
  });
}
