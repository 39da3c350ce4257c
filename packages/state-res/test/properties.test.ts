// Laws of the resolution of a set of states (https://spec.matrix.org/v1.19/rooms/v2/#algorithm,
// https://spec.matrix.org/v1.19/rooms/v12/#algorithm), checked with fast-check on
// random forked rooms, and agreement with a spec-literal reference implementation.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { referencedEventIds, type EventReferencePair } from "@weft/common";
import { AuthChainCache, authDifference, resolveState, resolveStateSync, stateKey, type StateMap } from "../src/index.js";
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
    fc.assert(
      fc.property(roomArb, fc.integer(), ({ version, forks, ops }, seed) => {
        const room = randomRoom(version, forks, ops);
        const a = resolveStateSync(version, room.stateSets, room.getEvent, opts);
        const shuffled = [...room.stateSets].sort(() => 0).reverse();
        if (seed % 2) shuffled.push(shuffled.shift()!);
        expect(resolveStateSync(version, shuffled, room.getEvent, opts)).toEqual(a);
      }),
      RUNS,
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
