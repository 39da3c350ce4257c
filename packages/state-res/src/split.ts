// "Unconflicted state map and conflicted state set",
// https://spec.matrix.org/v1.19/rooms/v2/#definitions (state resolution v2 and
// v2.1), and the v1 notion of a *conflict*, https://spec.matrix.org/v1.19/rooms/v1/#state-resolution.

import type { StateKey, StateMap } from "./state-key.js";

/** The split of a list of state maps. */
export interface ConflictSplit {
  /** Keys every state map agrees on (v2: present in every map with the same event). */
  readonly unconflicted: StateMap;
  /** The other keys, each with the distinct event IDs the maps hold for it (sorted). */
  readonly conflicted: Map<StateKey, string[]>;
}

/**
 * Splits state maps into the unconflicted state map and the conflicted state set.
 *
 * - `"v2"` (room versions 2–12): a key is unconflicted only when *every* map has
 *   it with the same event; a key missing from some map is conflicted.
 * - `"v1"` (room version 1): a conflict is "different event IDs for the same key";
 *   a key present in only some maps, always with the same event, is unconflicted.
 *
 * @param stateSets - the state maps to resolve.
 * @param flavor - which definition to apply.
 * @returns the unconflicted state map and the conflicted event IDs per key.
 * @example
 * ```ts
 * const { unconflicted, conflicted } = splitConflictedState([a, b]);
 * ```
 * @see https://spec.matrix.org/v1.19/rooms/v2/#definitions
 */
export function splitConflictedState(stateSets: readonly ReadonlyMap<StateKey, string>[], flavor: "v1" | "v2" = "v2"): ConflictSplit {
  const unconflicted: StateMap = new Map();
  const conflicted = new Map<StateKey, string[]>();
  const n = stateSets.length;
  if (n === 0) return { unconflicted, conflicted };
  // Any key in the union must be checked; keys of the first map are most of them.
  const seen = new Set<StateKey>();
  for (let i = 0; i < n; i++) {
    for (const [key, id] of stateSets[i]!) {
      if (i > 0 && (stateSets[0]!.has(key) || seen.has(key))) continue;
      if (i > 0) seen.add(key);
      let same = true;
      let ids: Set<string> | undefined;
      for (let j = 0; j < n; j++) {
        if (j === i) continue;
        const other = stateSets[j]!.get(key);
        if (other === id) continue;
        if (other === undefined && flavor === "v1") continue;
        same = false;
        if (other !== undefined) (ids ??= new Set([id])).add(other);
      }
      if (same) unconflicted.set(key, id);
      else conflicted.set(key, [...(ids ?? new Set([id]))].sort());
    }
  }
  return { unconflicted, conflicted };
}
