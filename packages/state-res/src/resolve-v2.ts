// State resolution v2 (room versions 2–11), https://spec.matrix.org/v1.19/rooms/v2/#algorithm,
// and v2.1 (room version 12, MSC4297), https://spec.matrix.org/v1.19/rooms/v12/#algorithm.

import { authDifferenceStep, conflictedSubgraphStep } from "./auth-difference.js";
import { due, TICK, type Context, type Step } from "./context.js";
import { iterativeAuthChecksStep } from "./iterative-auth-checks.js";
import { mainlineOrderingStep } from "./mainline.js";
import { sortPowerEventsStep } from "./power-ordering.js";
import { splitConflictedState } from "./split.js";
import { stateKey, type StateMap } from "./state-key.js";

const POWER_LEVELS_KEY = stateKey("m.room.power_levels", "");

/** The resolution of a set of states, v2 or v2.1. @internal */
export function* resolveV2Step(ctx: Context, stateSets: readonly ReadonlyMap<string, string>[]): Step<StateMap> {
  const v21 = ctx.rules.stateResolution === "v2.1";
  if (stateSets.length === 0) return new Map();
  if (stateSets.length === 1) return new Map(stateSets[0]);

  // Definitions: the unconflicted state map and the conflicted state set.
  const { unconflicted, conflicted } = splitConflictedState(stateSets, "v2");
  if (conflicted.size === 0) return unconflicted;
  const conflictedIds = new Set<string>();
  for (const ids of conflicted.values()) for (const id of ids) conflictedIds.add(id);
  if (due(ctx, stateSets.length * unconflicted.size / 64)) yield TICK;

  // Definitions: the full conflicted set = conflicted state set ∪ auth difference
  // (∪ conflicted state subgraph, since room version 12).
  const fullConflictedSet = new Set<string>(conflictedIds);
  for (const id of yield* authDifferenceStep(ctx, stateSets, unconflicted, conflicted.keys())) fullConflictedSet.add(id);
  if (v21) for (const id of yield* conflictedSubgraphStep(ctx, conflictedIds)) fullConflictedSet.add(id);

  // 1. Select the power events of the full conflicted set, enlarge them with their
  //    auth chains' events in the full conflicted set, and sort by the reverse
  //    topological power ordering.
  const powerEvents = yield* sortPowerEventsStep(ctx, fullConflictedSet);

  // 2. Iterative auth checks from the unconflicted state map — from an empty
  //    state map since room version 12 (v2.1).
  const base: ReadonlyMap<string, string> = v21 ? new Map() : unconflicted;
  const changes = yield* iterativeAuthChecksStep(ctx, powerEvents, base, "power");

  // 3. The remaining events, by the mainline ordering based on the power levels
  //    event of the partially resolved state.
  const picked = new Set(powerEvents);
  // (No pre-sort: the mainline ordering is a total order, ties broken by event ID.)
  const remaining: string[] = [];
  for (const id of fullConflictedSet) if (!picked.has(id)) remaining.push(id);
  const ordered = yield* mainlineOrderingStep(ctx, remaining, changes.get(POWER_LEVELS_KEY) ?? base.get(POWER_LEVELS_KEY));

  // 4. Iterative auth checks on the partially resolved state.
  yield* iterativeAuthChecksStep(ctx, ordered, base, "mainline", changes);

  // 5. The unconflicted state map wins over anything replayed. (`unconflicted`
  //    is our own map from the split, so it becomes the result without a copy.)
  const resolved: StateMap = unconflicted;
  for (const [key, id] of changes) if (!resolved.has(key)) resolved.set(key, id);
  return resolved;
}
