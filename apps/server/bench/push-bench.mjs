#!/usr/bin/env node
// Push evaluation cost on the send path (issue 8): messages sent into a
// 1,000-member room with push rules evaluated and notifications recorded for
// every member, against the same room with the push hook removed and a
// 1-member room. Drives the server's services in-process (bundled from source
// with esbuild, workspace packages aliased to src/) — no HTTP, so the figures
// are the persist path alone.
//
// Usage: node apps/server/bench/push-bench.mjs                 # embedded PGlite
//        DATABASE_URL=postgres://… node apps/server/bench/push-bench.mjs
// Options (env): BENCH_MEMBERS (default 1000), BENCH_MESSAGES per case (default
// 400), BENCH_ROUNDS (default 8).

import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { bundleServer } from "./bench-server.mjs";

const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 1000);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 400);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 8);

const out = bundleServer("index", "push-bench-entry");
const { loadConfig, startServer } = await import(pathToFileURL(out).href);

const dataDir = mkdtempSync(join(tmpdir(), "weft-push-bench-"));
const config = loadConfig({
  env: {},
  overrides: {
    server_name: "localhost", listen: "127.0.0.1:0", data_dir: dataDir, log_level: "silent", rate_limits: "off", registration: "open",
    ...(process.env.DATABASE_URL ? { database_url: process.env.DATABASE_URL } : {}),
  },
});
const server = await startServer(config);
const { rooms } = server.services;
const persister = rooms.persister;
const pushHook = persister.inTransaction;
// The hook timed: evaluation plus its SQL, without the transaction around it.
let hookMs = 0;
let hookCalls = 0;
const hook = async (...args) => {
  const started = performance.now();
  try {
    return await pushHook(...args);
  } finally {
    hookMs += performance.now() - started;
    hookCalls++;
  }
};
const requester = (userId) => ({ userId, deviceId: "BENCH", tokenId: "0", isAdmin: false });
const owner = `@owner-${Date.now()}:localhost`;

async function roomWith(members) {
  const { room_id: roomId } = await rooms.createRoom(requester(owner), { preset: "public_chat" });
  const users = Array.from({ length: members - 1 }, (_, i) => `@m${i}-${roomId.slice(1, 8)}:localhost`);
  for (let i = 0; i < users.length; i += 100) {
    await persister.send(roomId, users.slice(i, i + 100).map((u) => ({ type: "m.room.member", stateKey: u, sender: u, content: { membership: "join", displayname: u.slice(1, 6) } })));
  }
  return roomId;
}

const send = (roomId, i) => persister.send(roomId, [{ type: "m.room.message", sender: owner, content: { msgtype: "m.text", body: `message ${i} about nothing in particular` } }]);

/** Mean ms per message over `count` sequential sends. */
async function timeSends(roomId, count) {
  const started = performance.now();
  for (let i = 0; i < count; i++) await send(roomId, i);
  return (performance.now() - started) / count;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

console.log(`Weft push bench on ${server.db.description ?? "database"}: ${ROUNDS} interleaved rounds of ${MESSAGES / ROUNDS} sequential sends per case`);
const big = await roomWith(MEMBERS);
const small = await roomWith(1);
for (let i = 0; i < 20; i++) await send(big, i); // warm-up
for (let i = 0; i < 20; i++) await send(small, i);
// The machine is shared: the cases alternate in rounds and each figure is a
// median over rounds, so drift in background load hits all cases alike.
const cases = { pushBig: [], noPushBig: [], pushSmall: [], added: [] };
const perRound = Math.max(1, Math.floor(MESSAGES / ROUNDS));
const hookInBig = [];
for (let r = 0; r < ROUNDS; r++) {
  persister.inTransaction = hook;
  [hookMs, hookCalls] = [0, 0];
  const withPush = await timeSends(big, perRound);
  hookInBig.push(hookMs / hookCalls);
  persister.inTransaction = undefined;
  const withoutPush = await timeSends(big, perRound);
  persister.inTransaction = pushHook;
  cases.pushBig.push(withPush);
  cases.noPushBig.push(withoutPush);
  cases.pushSmall.push(await timeSends(small, perRound));
  cases.added.push(withPush - withoutPush);
}
const row = (label, xs) => console.log(`${label.padEnd(44)} ${median(xs).toFixed(2)} ms/message`);
row(`${MEMBERS}-member room, push evaluated`, cases.pushBig);
row(`${MEMBERS}-member room, push hook removed`, cases.noPushBig);
row("1-member room, push evaluated", cases.pushSmall);
row(`${MEMBERS}-member room, inside the push hook`, hookInBig);
const { rows } = await server.db.query("SELECT count(*)::int AS n FROM notification_groups WHERE room_id = $1", [big]);
console.log(`notification rows stored for the big room: ${rows[0].n} (one per event and distinct decision)`);
console.log(`added by push per message: ${median(cases.added).toFixed(2)} ms (median of per-round differences; target ≤ 5 ms)`);
await server.close(1000);
