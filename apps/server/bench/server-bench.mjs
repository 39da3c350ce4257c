#!/usr/bin/env node
// Load generator for a Weft server (issue 6, "pnpm bench:server"):
//   sequential message sends, 10 concurrent senders (own rooms and one shared
//   room), sync wake-up latency (send → the other user's long poll returns)
//   and idle RSS.
//
// Usage:
//   WEFT_BENCH_URL=http://127.0.0.1:8008 node bench/server-bench.mjs   # a running server
//   DATABASE_URL=postgres://… node bench/server-bench.mjs              # builds and starts one
// Without WEFT_BENCH_URL the script bundles the server from source with
// esbuild (workspace packages aliased to their src/), starts it on a free port
// with rate limits off, and measures its RSS. Without DATABASE_URL the started
// server uses embedded PGlite (the targets are for PostgreSQL).
// The client is bench/http-client.mjs (keep-alive sockets, ~35 µs per request)
// so that the figures measure the server, not node:http's client.
// Every phase measures a warmed server: BENCH_WARMUP messages (default 6000,
// half sequential, half from the 10 concurrent senders) go first, because
// V8 is still compiling the send path for the first few thousand requests
// (measured: a 300-message warm-up left ~160 µs per message of optimizing
// compiler work on V8's helper threads in the sequential phase, ~0 after
// 4,000). The figures are a long-running server's, not a cold start's.
// Options (env): BENCH_MESSAGES (default 2000), BENCH_WAKEUPS (default 200),
// BENCH_WARMUP (default 6000), BENCH_SERVER_ARGS (extra node flags for the
// started server, e.g. --cpu-prof).

import { spawn } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { cpuMs, registerUser, startBenchServer } from "./bench-server.mjs";
import { BenchConnection } from "./http-client.mjs";

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 2000);
const WAKEUPS = Number(process.env.BENCH_WAKEUPS ?? 200);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 6000);

const room = (id) => `/_matrix/client/v3/rooms/${encodeURIComponent(id)}`;
let txn = 0;
/** Sends one message on `connection` as `user`. */
const send = (connection, user, roomId, body) =>
  connection.request("PUT", `${room(roomId)}/send/m.room.message/b${Date.now()}-${++txn}`, { token: user.token, body: { msgtype: "m.text", body } });
/** A request on a fresh connection (setup steps). */
async function once(url, method, path, options) {
  const connection = await BenchConnection.open(url);
  try {
    return (await connection.request(method, path, options)).body;
  } finally {
    connection.close();
  }
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** PostgreSQL server processes on this machine (for CPU per message, when the database is local). */
function postgresPids() {
  return readdirSync("/proc").filter((pid) => {
    if (!/^\d+$/.test(pid)) return false;
    try {
      return readFileSync(`/proc/${pid}/comm`, "utf8").startsWith("postgres");
    } catch {
      return false;
    }
  });
}

// The machine's ceiling for this client: an empty node:http server in its own
// process answering the same PUT (context for the figures on a shared box).
async function emptyServerCeiling(count) {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const code = `require("node:http").createServer((q, s) => { q.resume(); q.on("end", () => { s.writeHead(200, { "content-type": "application/json", "content-length": 17 }); s.end('{"event_id":"$x"}'); }); }).listen(${port}, "127.0.0.1", () => console.log("up"));`;
  const child = spawn(process.execPath, ["-e", code], { stdio: ["ignore", "pipe", "inherit"] });
  await new Promise((resolve) => child.stdout.once("data", resolve));
  const connection = await BenchConnection.open(`http://127.0.0.1:${port}`);
  try {
    const user = { token: "t" };
    for (let i = 0; i < 500; i++) await send(connection, user, "!r:x", "warm");
    const start = performance.now();
    for (let i = 0; i < count; i++) await send(connection, user, "!r:x", `seq ${i}`);
    return Math.round(count / ((performance.now() - start) / 1000));
  } finally {
    connection.close();
    child.kill("SIGTERM");
  }
}

async function main() {
  const ceiling = await emptyServerCeiling(MESSAGES);
  let url = process.env.WEFT_BENCH_URL;
  let child;
  if (!url) ({ url, child } = await startBenchServer({ name: "server" }));
  const rows = [];
  try {
    const tag = Math.random().toString(36).slice(2, 7);
    const users = [];
    for (let i = 0; i < 11; i++) users.push(await registerUser(url, `bench${tag}${i}`));
    const [alice, ...senders] = users;
    const bob = senders[0];
    const connections = await Promise.all(users.map(() => BenchConnection.open(url)));
    const [aliceConnection, ...senderConnections] = connections;
    const perMessage = (ms, count) => `${Math.round((ms * 1000) / count)} µs`;

    // Warm-up (not measured): the sequential and the concurrent send paths.
    const { room_id: warmRoom } = await once(url, "POST", "/_matrix/client/v3/createRoom", { token: alice.token, body: { preset: "public_chat" } });
    for (let i = 0; i < WARMUP / 2; i++) await send(aliceConnection, alice, warmRoom, `warm ${i}`);
    const warmRooms = [];
    for (const s of senders) warmRooms.push((await once(url, "POST", "/_matrix/client/v3/createRoom", { token: s.token, body: {} })).room_id);
    const warmPer = Math.ceil(WARMUP / 2 / senders.length);
    await Promise.all(senders.map(async (s, k) => { for (let i = 0; i < warmPer; i++) await send(senderConnections[k], s, warmRooms[k], `warm ${i}`); }));

    // Sequential sends. (PostgreSQL's processes are listed now: the warm-up opened pool connections.)
    const pgPids = postgresPids();
    const { room_id: seqRoom } = await once(url, "POST", "/_matrix/client/v3/createRoom", { token: alice.token, body: { preset: "public_chat" } });
    for (let i = 0; i < 200; i++) await send(aliceConnection, alice, seqRoom, `warm ${i}`);
    let start = performance.now();
    const serverCpu = child ? cpuMs([child.pid]) : 0;
    const pgCpu = cpuMs(pgPids);
    for (let i = 0; i < MESSAGES; i++) await send(aliceConnection, alice, seqRoom, `seq ${i}`);
    rows.push(["sequential sends (1 sender)", `${Math.round(MESSAGES / ((performance.now() - start) / 1000))} msg/s`, "≥ 1,500"]);
    if (child) rows.push(["  server CPU per message", perMessage(cpuMs([child.pid]) - serverCpu, MESSAGES), ""]);
    if (pgPids.length > 0) rows.push(["  PostgreSQL CPU per message (local processes)", perMessage(cpuMs(pgPids) - pgCpu, MESSAGES), ""]);

    // 10 concurrent senders, each in its own room.
    const own = [];
    for (const s of senders) own.push((await once(url, "POST", "/_matrix/client/v3/createRoom", { token: s.token, body: {} })).room_id);
    const per = Math.ceil(MESSAGES / senders.length);
    start = performance.now();
    await Promise.all(senders.map(async (s, k) => { for (let i = 0; i < per; i++) await send(senderConnections[k], s, own[k], `c ${i}`); }));
    rows.push(["10 concurrent senders (own rooms)", `${Math.round((per * senders.length) / ((performance.now() - start) / 1000))} msg/s`, "≥ 4,000"]);

    // 10 concurrent senders in one shared room.
    for (const s of senders) await once(url, "POST", `${room(seqRoom)}/join`, { token: s.token, body: {} });
    start = performance.now();
    await Promise.all(senders.map(async (s, k) => { for (let i = 0; i < per; i++) await send(senderConnections[k], s, seqRoom, `s ${i}`); }));
    rows.push(["10 concurrent senders (one room)", `${Math.round((per * senders.length) / ((performance.now() - start) / 1000))} msg/s`, ""]);

    // Sync wake-up: bob long-polls; alice sends; time until bob's /sync returns.
    const { room_id: wakeRoom } = await once(url, "POST", "/_matrix/client/v3/createRoom", { token: alice.token, body: { preset: "public_chat" } });
    await once(url, "POST", `${room(wakeRoom)}/join`, { token: bob.token, body: {} });
    const bobConnection = senderConnections[0];
    const filter = encodeURIComponent(JSON.stringify({ room: { rooms: [wakeRoom], timeline: { limit: 5 } }, presence: { types: [] } }));
    let since = (await bobConnection.request("GET", `/_matrix/client/v3/sync?timeout=0&filter=${filter}`, { token: bob.token })).body.next_batch;
    const latencies = [];
    for (let i = 0; i < WAKEUPS; i++) {
      const poll = bobConnection.request("GET", `/_matrix/client/v3/sync?timeout=30000&since=${since}&filter=${filter}`, { token: bob.token }).then((r) => [r.body, performance.now()]);
      await new Promise((r) => setTimeout(r, 5));
      const sentAt = performance.now();
      await send(aliceConnection, alice, wakeRoom, `wake ${i}`);
      const [res, doneAt] = await poll;
      since = res.next_batch;
      latencies.push(doneAt - sentAt);
    }
    for (const connection of connections) connection.close();
    latencies.sort((a, b) => a - b);
    rows.push(["sync wake-up p50 (send → long poll returns)", `${percentile(latencies, 50).toFixed(1)} ms`, "≤ 5 ms"]);
    rows.push(["sync wake-up p95", `${percentile(latencies, 95).toFixed(1)} ms`, ""]);

    if (child) {
      // RSS sampled each second for BENCH_IDLE_MS (default 2 s) once the load stops; the last sample counts.
      const idleMs = Number(process.env.BENCH_IDLE_MS ?? 2000);
      const samples = [];
      for (let t = 0; t < idleMs; t += 1000) {
        await new Promise((r) => setTimeout(r, Math.min(1000, idleMs - t)));
        const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
        samples.push(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
      }
      if (process.env.BENCH_IDLE_MS) console.log(`RSS while idle (MB, each second): ${samples.map((s) => s.toFixed(0)).join(" ")}`);
      rows.push([`idle RSS ${Math.round(idleMs / 1000)} s after the run`, `${samples.at(-1).toFixed(0)} MB`, "≤ 150 MB"]);
    }
  } finally {
    child?.kill("SIGTERM");
  }
  const width = Math.max(...rows.map((r) => r[0].length));
  console.log(`\nWeft server bench — ${url}${process.env.DATABASE_URL ? " (PostgreSQL)" : child ? " (PGlite)" : ""}, ${MESSAGES} messages, ${WAKEUPS} wake-ups, after a ${WARMUP}-message warm-up`);
  console.log(`(an empty node:http server answers this client's sequential PUTs at ${ceiling} req/s on this machine right now)`);
  console.log(`${"measure".padEnd(width)}  ${"result".padStart(12)}  target`);
  for (const [name, value, target] of rows) console.log(`${name.padEnd(width)}  ${value.padStart(12)}  ${target}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
