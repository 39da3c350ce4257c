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
// answer (just more slowly). The unconflicted state map is a copy of the
// smallest map with the few conflicted keys deleted — no per-key work beyond
// the copy, and the input's own key strings are reused.

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

/** The keys on which two maps differ (present in one only, or with different events), added to `out`. */
function addDifferingKeys(base: ReadonlyMap<StateKey, string>, other: ReadonlyMap<StateKey, string>, out: Set<StateKey>): void {
  const baseKeys = base.keys();
  const baseIds = base.values();
  const otherKeys = other.keys();
  const otherIds = other.values();
  for (;;) {
    const bk = baseKeys.next();
    const ok = otherKeys.next();
    if (bk.done === true || ok.done === true) {
      // One walk ended: compare what is left of the other one by lookup.
      if (bk.done !== true) {
        for (let r: IteratorResult<StateKey> = bk; r.done !== true; r = baseKeys.next()) {
          if (other.get(r.value) !== baseIds.next().value) out.add(r.value);
        }
      }
      if (ok.done !== true) {
        for (let r: IteratorResult<StateKey> = ok; r.done !== true; r = otherKeys.next()) {
          if (base.get(r.value) !== otherIds.next().value) out.add(r.value);
        }
      }
      return;
    }
    const bid = baseIds.next().value;
    const oid = otherIds.next().value;
    if (bk.value === ok.value) {
      // In step: one comparison of event IDs, no hashing.
      if (bid !== oid) out.add(bk.value);
    } else {
      // Out of step: each key is looked up in the other map.
      if (other.get(bk.value) !== bid) out.add(bk.value);
      if (base.get(ok.value) !== oid) out.add(ok.value);
    }
  }
}

function splitV2(stateSets: readonly ReadonlyMap<StateKey, string>[]): ConflictSplit {
  const n = stateSets.length;
  let b = 0;
  for (let i = 1; i < n; i++) if (stateSets[i]!.size < stateSets[b]!.size) b = i;
  const base = stateSets[b]!;
  const differing = new Set<StateKey>();
  for (let i = 0; i < n; i++) if (i !== b && stateSets[i] !== base) addDifferingKeys(base, stateSets[i]!, differing);
  const unconflicted: StateMap = new Map(base);
  const conflicted = new Map<StateKey, string[]>();
  for (const key of differing) {
    unconflicted.delete(key);
    const ids: string[] = [];
    for (const s of stateSets) {
      const id = s.get(key);
      if (id !== undefined && !ids.includes(id)) ids.push(id);
    }
    conflicted.set(key, ids.sort());
  }
  return { unconflicted, conflicted };
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
