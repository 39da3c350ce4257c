// A stand-alone timing/profiling driver for the benchmark rooms of
// state-res.bench.ts (https://spec.matrix.org/v1.19/rooms/v2/#algorithm), for
// `node --cpu-prof`. Build and run (from packages/state-res):
//   npx esbuild bench/profile.ts --bundle --platform=node --format=esm --outfile=/tmp/sr/profile.mjs \
//     --alias:@weft/common=../common/src/index.ts --alias:@weft/event-auth=../event-auth/src/index.ts
//   node /tmp/sr/profile.mjs [case] [iterations]
//   node --cpu-prof --cpu-prof-dir=/tmp/sr/prof /tmp/sr/profile.mjs v11-10k 200   # hot spots
//   node --trace-gc /tmp/sr/profile.mjs v11-10k 200                               # GC pressure
// (`npx esbuild` resolves to the workspace's esbuild; tsx is not installed.)
// Cases: v11-10k, v12-10k, v11-50k; append ":noop" for a no-op auth check, ":naive" for the baseline,
// ":cold", ":accel", or ":split" / ":clone" / ":authdiff" for single steps. Prints wall and CPU
// time (min, median, p90, mean) and the time spent inside the auth check per event type.

import { checkAuthAgainstState } from "@weft/event-auth";
import { AuthChainCache, authDifference, resolveStateSync, splitConflictedState, type AuthCheck } from "../src/index.js";
import { bigRoom } from "./generate.js";
import { naiveResolve } from "./naive.js";

const [name = "v11-10k", mode = "warm"] = (process.argv[2] ?? "v11-10k:warm").split(":");
const iterations = Number(process.argv[3] ?? 30);
const shapes: Record<string, [string, number, number]> = {
  "v11-10k": ["11", 10_000, 125],
  "v12-10k": ["12", 10_000, 125],
  "v11-50k": ["11", 50_000, 25],
};
const [version, stateEvents, perFork] = shapes[name]!;
const room = bigRoom({ version, stateEvents, powerLevelChanges: 400, usersMapSize: 2000, forks: 4, perFork });
let authMs = 0;
const authTypeMs = new Map<string, number>();
const authCalls = new Map<string, number>();
const real: AuthCheck = (e, s, v) => {
  const t = performance.now();
  const r = checkAuthAgainstState(e, s, v);
  const dt = performance.now() - t;
  authMs += dt;
  authCalls.set(e.type, (authCalls.get(e.type) ?? 0) + 1);
  authTypeMs.set(e.type, (authTypeMs.get(e.type) ?? 0) + dt);
  return r;
};
const noop: AuthCheck = () => ({ ok: true });
const cache = new AuthChainCache();
const authCheck = mode === "noop" ? noop : real;
resolveStateSync(version, room.stateSets, room.getEvent, { authCheck, cache });
const diff = authDifference(version, room.stateSets, room.getEvent, { cache });
const run = (): unknown => {
  switch (mode) {
    case "split": return splitConflictedState(room.stateSets);
    case "clone": return new Map(room.stateSets[0]!);
    case "authdiff": return authDifference(version, room.stateSets, room.getEvent, { cache });
    case "naive": return naiveResolve(version, room.stateSets, room.getEvent, real);
    case "cold": return resolveStateSync(version, room.stateSets, room.getEvent, { authCheck });
    case "accel": return resolveStateSync(version, room.stateSets, room.getEvent, { authCheck, authChainDifference: () => diff });
    default: return resolveStateSync(version, room.stateSets, room.getEvent, { authCheck, cache });
  }
};
authMs = 0;
authCalls.clear();
authTypeMs.clear();
const times: number[] = [];
const cpu: number[] = [];
for (let i = 0; i < iterations; i++) {
  const c = process.cpuUsage();
  const t = performance.now();
  run();
  times.push(performance.now() - t);
  const d = process.cpuUsage(c);
  cpu.push((d.user + d.system) / 1000);
}
cpu.sort((a, b) => a - b);
times.sort((a, b) => a - b);
const mean = times.reduce((a, b) => a + b, 0) / times.length;
const cpuMean = cpu.reduce((a, b) => a + b, 0) / cpu.length;
const p90 = (xs: number[]): string => xs[Math.floor(xs.length * 0.9)]!.toFixed(1);
console.log(`${name}:${mode} n=${iterations} min ${times[0]!.toFixed(1)} median ${times[times.length >> 1]!.toFixed(1)} p90 ${p90(times)} mean ${mean.toFixed(1)} ms (CPU min ${cpu[0]!.toFixed(1)} median ${cpu[cpu.length >> 1]!.toFixed(1)} p90 ${p90(cpu)} mean ${cpuMean.toFixed(1)}); inside the auth check ${(authMs / iterations).toFixed(1)} ms/run, calls/run ${JSON.stringify(Object.fromEntries([...authCalls].map(([k, v]) => [k, v / iterations])))}, µs/call ${JSON.stringify(Object.fromEntries([...authTypeMs].map(([k, v]) => [k, Math.round((1000 * v) / authCalls.get(k)!)])))}`);
