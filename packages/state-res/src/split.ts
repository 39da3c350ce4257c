// "Unconflicted state map and conflicted state set",
// https://spec.matrix.org/v1.19/rooms/v2/#definitions (state resolution v2 and
// v2.1), and the v1 notion of a *conflict*, https://spec.matrix.org/v1.19/rooms/v1/#state-resolution.
//
// Speed (v2): the state sets of a fork usually share almost every entry, and
// state maps built from a common ancestor (copy, then `set`) iterate their
// shared keys in the same order — Matrix state never loses a key, so updates
// keep their position and new keys come last. The split therefore walks the
// smallest map and each other map in lockstep and compares entries by identity,
// touching the hash tables only where the two walks disagree; every key of
// either map is still compared exactly once, so maps in any order give the same
// answer (just more slowly). The walks use `forEach` and index arrays, never
// iterator objects (a 10k-entry map would otherwise leave ~10^5 short-lived
// objects per resolution for the garbage collector). The unconflicted state
// map is built from the smallest map's entries minus the few conflicted keys,
// reusing the input's own key strings.

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
 * The returned maps are new (the inputs are never modified or aliased).
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
  const n = stateSets.length;
  if (n === 0) return { unconflicted: new Map(), conflicted: new Map() };
  return flavor === "v2" ? splitV2(stateSets) : splitV1(stateSets);
}

/**
 * The keys on which `other` differs from the base map (present in one only, or
 * with different events), added to `out`. The base map is given as parallel
 * arrays of its keys and event IDs in iteration order; `other` is walked with
 * `forEach` (no iterator objects) in lockstep with them.
 */
function addDifferingKeys(
  base: ReadonlyMap<StateKey, string>,
  baseKeys: readonly StateKey[],
  baseIds: readonly string[],
  other: ReadonlyMap<StateKey, string>,
  out: Set<StateKey>,
): void {
  const n = baseKeys.length;
  let i = 0;
  other.forEach((oid, ok) => {
    if (i < n) {
      const bk = baseKeys[i]!;
      const bid = baseIds[i]!;
      i++;
      if (bk === ok) {
        // In step: one comparison of event IDs, no hashing.
        if (bid !== oid) out.add(bk);
        return;
      }
      // Out of step: each key is looked up in the other map.
      if (other.get(bk) !== bid) out.add(bk);
    }
    if (base.get(ok) !== oid) out.add(ok);
  });
  // `other` ended first: compare what is left of the base by lookup.
  for (; i < n; i++) if (other.get(baseKeys[i]!) !== baseIds[i]) out.add(baseKeys[i]!);
}

function splitV2(stateSets: readonly ReadonlyMap<StateKey, string>[]): ConflictSplit {
  const n = stateSets.length;
  let b = 0;
  for (let i = 1; i < n; i++) if (stateSets[i]!.size < stateSets[b]!.size) b = i;
  const base = stateSets[b]!;
  // The base map as two arrays, read once: every other map is compared with
  // them, and the unconflicted state map is built from them.
  const baseKeys: StateKey[] = new Array<StateKey>(base.size);
  const baseIds: string[] = new Array<string>(base.size);
  let j = 0;
  base.forEach((id, key) => {
    baseKeys[j] = key;
    baseIds[j++] = id;
  });
  const differing = new Set<StateKey>();
  for (let i = 0; i < n; i++) if (i !== b && stateSets[i] !== base) addDifferingKeys(base, baseKeys, baseIds, stateSets[i]!, differing);
  const unconflicted: StateMap = new Map();
  if (differing.size === 0) {
    for (let k = 0; k < baseKeys.length; k++) unconflicted.set(baseKeys[k]!, baseIds[k]!);
  } else {
    for (let k = 0; k < baseKeys.length; k++) if (!differing.has(baseKeys[k]!)) unconflicted.set(baseKeys[k]!, baseIds[k]!);
  }
  const conflicted = new Map<StateKey, string[]>();
  for (const key of differing) {
    const ids: string[] = [];
    for (const s of stateSets) {
      const id = s.get(key);
      if (id !== undefined && !ids.includes(id)) ids.push(id);
    }
    conflicted.set(key, sortSmall(ids));
  }
  return { unconflicted, conflicted };
}

/** Sorts a short list of event IDs by code unit, as `Array.prototype.sort` does, without its per-call scratch space. */
function sortSmall(ids: string[]): string[] {
  if (ids.length > 8) return ids.sort();
  for (let i = 1; i < ids.length; i++) {
    const id = ids[i]!;
    let j = i - 1;
    for (; j >= 0 && ids[j]! > id; j--) ids[j + 1] = ids[j]!;
    ids[j + 1] = id;
  }
  return ids;
}

function splitV1(stateSets: readonly ReadonlyMap<StateKey, string>[]): ConflictSplit {
  // Room version 1 is rare and small; the union is built key by key.
  const unconflicted: StateMap = new Map();
  const conflicted = new Map<StateKey, string[]>();
  for (const s of stateSets) {
    for (const [key, id] of s) {
      const ids = conflicted.get(key);
      if (ids !== undefined) {
        if (!ids.includes(id)) ids.push(id);
        continue;
      }
      const known = unconflicted.get(key);
      if (known === undefined) unconflicted.set(key, id);
      else if (known !== id) {
        unconflicted.delete(key);
        conflicted.set(key, [known, id]);
      }
    }
  }
  for (const ids of conflicted.values()) ids.sort();
  return { unconflicted, conflicted };
}
