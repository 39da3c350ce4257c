// Benchmarks of https://spec.matrix.org/v1.19/rooms/v2/#algorithm and
// https://spec.matrix.org/v1.19/rooms/v12/#algorithm on generated rooms, against
// the spec-literal baseline in naive.ts. Run: npx vitest bench --run --project @weft/state-res

import { bench, describe } from "vitest";
import { AuthChainCache, authDifference, resolveStateSync, resolveState } from "../src/index.js";
import { checkAuth } from "../test/helpers/auth-rules.js";
import { bigRoom } from "./generate.js";
import { naiveResolve } from "./naive.js";

const opts = { authCheck: checkAuth };

function suite(title: string, version: string, stateEvents: number, forks: number, perFork: number, withNaive: boolean): void {
  const room = bigRoom({ version, stateEvents, powerLevelChanges: 400, usersMapSize: 2000, forks, perFork });
  const cache = new AuthChainCache();
  resolveStateSync(version, room.stateSets, room.getEvent, { ...opts, cache }); // warm-up, fills the cache
  const diff = authDifference(version, room.stateSets, room.getEvent, { cache });
  describe(`${title} (room ${version}, ${room.stateSets[0]!.size} state events, ${forks * perFork} conflicted, ${forks} forks)`, () => {
    bench("warm AuthChainCache, no-op auth check (library overhead only)", () => {
      resolveStateSync(version, room.stateSets, room.getEvent, { authCheck: () => ({ ok: true }), cache });
    }, { time: 1500, warmupIterations: 5 });
    bench("warm AuthChainCache", () => {
      resolveStateSync(version, room.stateSets, room.getEvent, { ...opts, cache });
    }, { time: 1500, warmupIterations: 5 });
    bench("auth-difference accelerator, cold", () => {
      resolveStateSync(version, room.stateSets, room.getEvent, { ...opts, authChainDifference: () => diff });
    }, { time: 1500, warmupIterations: 2 });
    bench("cold (no cache: loads every auth chain)", () => {
      resolveStateSync(version, room.stateSets, room.getEvent, opts);
    }, { time: 1500, warmupIterations: 1 });
    bench("async resolveState, warm cache", async () => {
      await resolveState(version, room.stateSets, { getEvents: (ids) => ids.map((i) => room.getEvent(i)!) }, { ...opts, cache });
    }, { time: 1500, warmupIterations: 2 });
    if (withNaive) {
      bench("naive spec-literal baseline", () => {
        naiveResolve(version, room.stateSets, room.getEvent, checkAuth);
      }, { time: 1500, iterations: 3, warmupIterations: 1 });
    }
  });
}

suite("10k state, 500 conflicted", "11", 10_000, 4, 125, true);
// The spec-literal conflicted-subgraph walk takes minutes here (measured once: ~115 s), so v2.1 runs without the baseline.
suite("10k state, 500 conflicted, v2.1", "12", 10_000, 4, 125, false);
suite("50k state, 100 conflicted", "11", 50_000, 4, 25, true);
