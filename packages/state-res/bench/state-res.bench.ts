// Benchmarks of https://spec.matrix.org/v1.19/rooms/v2/#algorithm and
// https://spec.matrix.org/v1.19/rooms/v12/#algorithm on generated rooms, against
// the spec-literal baseline in naive.ts. Run: npx vitest bench --run --project @weft/state-res
//
// The auth check is the real one — @weft/event-auth's checkAuthAgainstState, the
// default — for every headline figure and for the baseline; the "no-op auth
// check" rows isolate this library's own work. Before any timing, each suite
// checks that the fast path and the baseline agree on the resolved state.

import { bench, describe } from "vitest";
import { checkAuthAgainstState } from "@weft/event-auth";
import { AuthChainCache, authDifference, resolveState, resolveStateSync, type AuthCheck } from "../src/index.js";
import { bigRoom } from "./generate.js";
import { naiveResolve } from "./naive.js";

const realAuth: AuthCheck = (event, state, roomVersion) => checkAuthAgainstState(event, state, roomVersion);
const noopAuth: AuthCheck = () => ({ ok: true });

interface Suite {
  title: string;
  version: string;
  stateEvents: number;
  /** Power level changes in the shared history, and the size their `users` map grows to. */
  powerLevelChanges?: number;
  usersMapSize?: number;
  forks: number;
  perFork: number;
  /** Also time the fast path cold, with the accelerator, and async. */
  variants: boolean;
  naive: boolean;
}

function sameState(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}

function suite(s: Suite): void {
  const { version } = s;
  const room = bigRoom({ version, stateEvents: s.stateEvents, powerLevelChanges: s.powerLevelChanges ?? 400, usersMapSize: s.usersMapSize ?? 2000, forks: s.forks, perFork: s.perFork });
  const cache = new AuthChainCache();
  const resolved = resolveStateSync(version, room.stateSets, room.getEvent, { authCheck: realAuth, cache }); // warm-up, fills the cache
  if (s.naive && !sameState(resolved, naiveResolve(version, room.stateSets, room.getEvent, realAuth))) {
    throw new Error(`${s.title}: the fast path and the spec-literal baseline disagree`);
  }
  const diff = authDifference(version, room.stateSets, room.getEvent, { cache });
  const opts = { time: 2000, warmupIterations: 5 };
  describe(`${s.title} (room ${version}, ${room.stateSets[0]!.size} state events, ${s.forks * s.perFork} conflicted, ${s.forks} forks, ${s.powerLevelChanges ?? 400} power level changes)`, () => {
    bench("warm AuthChainCache, @weft/event-auth", () => {
      resolveStateSync(version, room.stateSets, room.getEvent, { authCheck: realAuth, cache });
    }, opts);
    bench("warm AuthChainCache, no-op auth check (library only)", () => {
      resolveStateSync(version, room.stateSets, room.getEvent, { authCheck: noopAuth, cache });
    }, opts);
    if (s.variants) {
      bench("auth-difference accelerator, cold cache, @weft/event-auth", () => {
        resolveStateSync(version, room.stateSets, room.getEvent, { authCheck: realAuth, authChainDifference: () => diff });
      }, { time: 2000, warmupIterations: 2 });
      bench("cold (no cache: loads every auth chain), @weft/event-auth", () => {
        resolveStateSync(version, room.stateSets, room.getEvent, { authCheck: realAuth });
      }, { time: 2000, warmupIterations: 1 });
      bench("async resolveState, warm cache, @weft/event-auth", async () => {
        await resolveState(version, room.stateSets, { getEvents: (ids) => ids.map((i) => room.getEvent(i)!) }, { authCheck: realAuth, cache });
      }, { time: 2000, warmupIterations: 2 });
    }
    if (s.naive) {
      bench("spec-literal baseline (naive.ts), @weft/event-auth", () => {
        naiveResolve(version, room.stateSets, room.getEvent, realAuth);
      }, { time: 3000, iterations: 3, warmupIterations: 1 });
    }
  });
}

suite({ title: "10k state, 500 conflicted", version: "11", stateEvents: 10_000, forks: 4, perFork: 125, variants: true, naive: true });
// The spec-literal conflicted-subgraph walk (v2.1) is quadratic in the auth chains:
// tens of seconds at 10k (measured once each: ~115 s under load 13, 27.8 s under load 3; ~35 s at 1k state with 400 power level
// changes), so the baseline runs on a smaller room with a shorter power levels chain.
suite({ title: "10k state, 500 conflicted, v2.1", version: "12", stateEvents: 10_000, forks: 4, perFork: 125, variants: false, naive: false });
suite({ title: "2k state, 100 conflicted, v2.1 (reduced, with baseline)", version: "12", stateEvents: 2_000, powerLevelChanges: 100, usersMapSize: 500, forks: 4, perFork: 25, variants: false, naive: true });
suite({ title: "50k state, 100 conflicted", version: "11", stateEvents: 50_000, forks: 4, perFork: 25, variants: true, naive: true });
