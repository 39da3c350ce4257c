// Laws of the resolution of a set of states (https://spec.matrix.org/v1.19/rooms/v2/#algorithm,
// https://spec.matrix.org/v1.19/rooms/v12/#algorithm), checked with fast-check on
// random forked rooms, and agreement with a spec-literal reference implementation.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { referencedEventIds, type EventReferencePair } from "@weft/common";
import { AuthChainCache, authDifference, resolveState, resolveStateSync, splitConflictedState, stateKey, type StateMap } from "../src/index.js";
import { naiveAuthDifference, naiveResolve } from "../bench/naive.js";
import { checkAuth } from "./helpers/auth-rules.js";
import { randomRoom, type Op } from "./helpers/random-room.js";

const op: fc.Arbitrary<Op> = fc.record({
  fork: fc.nat(7),
  kind: fc.nat(5),
  user: fc.nat(4),
  other: fc.nat(4),
  level: fc.constantFrom(0, 25, 50, 75, 100),
});
const roomArb = fc.record({ version: fc.constantFrom("2", "11", "12"), forks: fc.integer({ min: 2, max: 4 }), ops: fc.array(op, { minLength: 1, maxLength: 25 }) });
const opts = { authCheck: checkAuth };
const RUNS = { numRuns: 60 };

describe("state resolution laws", () => {
  it("does not depend on the order of the state sets", () => {
    // A random room, then a true random permutation of its state sets.
    const withPermutation = roomArb.chain((r) => {
      const indices = Array.from({ length: r.forks }, (_, i) => i);
      return fc.tuple(fc.constant(r), fc.shuffledSubarray(indices, { minLength: r.forks, maxLength: r.forks }));
    });
    fc.assert(
      fc.property(withPermutation, ([{ version, forks, ops }, permutation]) => {
        const room = randomRoom(version, forks, ops);
        const a = resolveStateSync(version, room.stateSets, room.getEvent, opts);
        const permuted = permutation.map((i) => room.stateSets[i]!);
        expect(resolveStateSync(version, permuted, room.getEvent, opts)).toEqual(a);
      }),
      RUNS,
    );
  });

  it("splits state maps as the definition says, whatever their insertion order", () => {
    // Keys and values from small alphabets so that maps share, differ and miss keys;
    // each map is built in its own random order (the split's lockstep walk must not care).
    const entries = fc.uniqueArray(fc.tuple(fc.constantFrom("a", "b", "c", "d", "e", "f", "g", "h"), fc.constantFrom("$1", "$2", "$3")), { selector: ([k]) => k, maxLength: 8 });
    fc.assert(
      fc.property(fc.array(entries, { minLength: 1, maxLength: 5 }), fc.boolean(), (lists, shareFirst) => {
        const sets: Map<string, string>[] = lists.map((l) => new Map(l));
        if (shareFirst && sets.length > 1) sets[1] = new Map(sets[0]); // identical maps in step
        for (const flavor of ["v1", "v2"] as const) {
          const { unconflicted, conflicted } = splitConflictedState(sets, flavor);
          const keys = new Set(sets.flatMap((m) => [...m.keys()]));
          for (const k of keys) {
            const values: (string | undefined)[] = sets.map((m) => m.get(k));
            const present = values.filter((v): v is string => v !== undefined);
            const agree = new Set(present).size === 1 && (flavor === "v1" || present.length === sets.length);
            if (agree) {
              expect(unconflicted.get(k)).toBe(present[0]);
              expect(conflicted.has(k)).toBe(false);
            } else {
              expect(unconflicted.has(k)).toBe(false);
              expect(conflicted.get(k)).toEqual([...new Set(present)].sort());
            }
          }
          expect(unconflicted.size + conflicted.size).toBe(keys.size);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("keeps the unconflicted state and only returns input events under their own keys", () => {
    fc.assert(
      fc.property(roomArb, ({ version, forks, ops }) => {
        const room = randomRoom(version, forks, ops);
        const resolved = resolveStateSync(version, room.stateSets, room.getEvent, opts);
        const [first, ...rest] = room.stateSets;
        for (const [k, v] of first!) if (rest.every((s) => s.get(k) === v)) expect(resolved.get(k)).toBe(v);
        // Inputs: the state sets' events and their auth chains.
        const inputs = new Set<string>();
        const stack = room.stateSets.flatMap((s) => [...s.values()]);
        while (stack.length) {
          const id = stack.pop()!;
          if (inputs.has(id)) continue;
          inputs.add(id);
          stack.push(...referencedEventIds(room.getEvent(id)!.auth_events as (string | EventReferencePair)[]));
        }
        for (const [k, id] of resolved) {
          expect(inputs.has(id)).toBe(true);
          const e = room.getEvent(id)!;
          expect(stateKey(e.type, e.state_key!)).toBe(k);
        }
      }),
      RUNS,
    );
  });

  it("returns a single state set unchanged, and ignores duplicated sets", () => {
    fc.assert(
      fc.property(roomArb, ({ version, forks, ops }) => {
        const room = randomRoom(version, forks, ops);
        const [a, b] = room.stateSets as [StateMap, StateMap];
        expect(resolveStateSync(version, [a], room.getEvent, opts)).toEqual(a);
        expect(resolveStateSync(version, [a, a, a], room.getEvent, opts)).toEqual(a);
        expect(resolveStateSync(version, [a, b, a], room.getEvent, opts)).toEqual(resolveStateSync(version, [a, b], room.getEvent, opts));
        // Resolving a resolved state with itself changes nothing.
        const r = resolveStateSync(version, [a, b], room.getEvent, opts);
        expect(resolveStateSync(version, [r, r], room.getEvent, opts)).toEqual(r);
      }),
      RUNS,
    );
  });

  it("agrees with the spec-literal reference implementation", () => {
    fc.assert(
      fc.property(roomArb, ({ version, forks, ops }) => {
        const room = randomRoom(version, forks, ops);
        expect(resolveStateSync(version, room.stateSets, room.getEvent, opts)).toEqual(naiveResolve(version, room.stateSets, room.getEvent, checkAuth));
      }),
      RUNS,
    );
  });

  it("computes the same auth difference as full auth chains", () => {
    fc.assert(
      fc.property(roomArb, ({ version, forks, ops }) => {
        const room = randomRoom(version, forks, ops);
        expect(authDifference(version, room.stateSets, room.getEvent)).toEqual(naiveAuthDifference(version, room.stateSets, room.getEvent));
      }),
      RUNS,
    );
  });

  it("gives the same answer async, with a warm cache, and with an auth-difference accelerator", async () => {
    await fc.assert(
      fc.asyncProperty(roomArb, async ({ version, forks, ops }) => {
        const room = randomRoom(version, forks, ops);
        const expected = resolveStateSync(version, room.stateSets, room.getEvent, opts);
        const cache = new AuthChainCache();
        const source = { getEvents: (ids: string[]) => ids.map(room.getEvent).filter((e) => e !== undefined) };
        expect(await resolveState(version, room.stateSets, source, { ...opts, cache, yieldEvery: 3 })).toEqual(expected);
        expect(await resolveState(version, room.stateSets, { getEvents: () => [] }, { ...opts, cache })).toEqual(expected);
        const accelerated = { ...source, authChainDifference: (sets: readonly ReadonlyMap<string, string>[]) => naiveAuthDifference(version, [...sets], room.getEvent) };
        expect(await resolveState(version, room.stateSets, accelerated, opts)).toEqual(expected);
      }),
      { numRuns: 30 },
    );
  });
});
