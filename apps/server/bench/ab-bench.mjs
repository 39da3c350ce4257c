#!/usr/bin/env node
// A/B load generator: two server builds, each on its own empty database, sent
// alternating rounds of messages so that the machine's drift (this VM's speed
// moves by up to 2× within minutes) hits both alike. Prints each build's
// msg/s over all rounds, its best round, and its CPU per message from /proc
// (the server process, and the PostgreSQL backends of its database).
//
// Usage (from the repository root):
//   node -e "import('./apps/server/bench/bench-server.mjs').then((m) => m.bundleServer('cli', 'a'))"
//   (change the code) … bundleServer('cli', 'b')
//   A_BUNDLE=apps/server/bench/.build/a.mjs A_DATABASE_URL=postgres://…/a \
//   B_BUNDLE=apps/server/bench/.build/b.mjs B_DATABASE_URL=postgres://…/b \
//   SENDERS=10 node apps/server/bench/ab-bench.mjs
// Options (env): SENDERS (default 1; each in its own room), ROUND (messages
// per round, default 1000), ROUNDS (per build, default 8), WARMUP (per build,
// default 5000), A_ARGS / B_ARGS (node flags, default --max-semi-space-size=4).

import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cpuMs, registerUser } from "./bench-server.mjs";
import { BenchConnection } from "./http-client.mjs";

const SENDERS = Number(process.env.SENDERS ?? 1);
const ROUND = Number(process.env.ROUND ?? 1000);
const ROUNDS = Number(process.env.ROUNDS ?? 8);
const WARMUP = Number(process.env.WARMUP ?? 5000);

/** Local PostgreSQL backends connected to database `name` (their command line names it). */
function backendsOf(name) {
  return readdirSync("/proc").filter((pid) => {
    if (!/^\d+$/.test(pid)) return false;
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
      return cmdline.startsWith("postgres: ") && cmdline.split(" ").includes(name);
    } catch {
      return false;
    }
  });
}

/** Starts build `label` and prepares its senders; returns `run(messagesPerSender)` and its tallies. */
async function startBuild(label) {
  const bundle = process.env[`${label}_BUNDLE`];
  const databaseUrl = process.env[`${label}_DATABASE_URL`];
  if (!bundle || !databaseUrl) throw new Error(`set ${label}_BUNDLE and ${label}_DATABASE_URL`);
  const port = 20000 + Math.floor(Math.random() * 20000);
  const args = (process.env[`${label}_ARGS`] ?? "--max-semi-space-size=4").split(/\s+/).filter(Boolean);
  const child = spawn(process.execPath, [...args, bundle, "start"], {
    env: {
      ...process.env, DATABASE_URL: databaseUrl, WEFT_LISTEN: `127.0.0.1:${port}`, WEFT_DATA_DIR: mkdtempSync(join(tmpdir(), "weft-ab-")),
      WEFT_RATE_LIMITS: "off", WEFT_REGISTRATION: "open", WEFT_LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "inherit", "inherit"],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (i === 300) throw new Error(`build ${label} did not start`);
    try {
      if ((await fetch(`${url}/_matrix/client/versions`)).ok) break;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const senders = [];
  for (let i = 0; i < SENDERS; i++) {
    const user = await registerUser(url, `ab${i}${Math.random().toString(36).slice(2, 8)}`);
    const connection = await BenchConnection.open(url);
    const created = await connection.request("POST", "/_matrix/client/v3/createRoom", { token: user.token, body: {} });
    senders.push({ user, connection, room: encodeURIComponent(created.body.room_id) });
  }
  let txn = 0;
  const run = (perSender) =>
    Promise.all(
      senders.map(async ({ user, connection, room }) => {
        for (let i = 0; i < perSender; i++) {
          const path = `/_matrix/client/v3/rooms/${room}/send/m.room.message/ab${++txn}`;
          const response = await connection.request("PUT", path, { token: user.token, body: { msgtype: "m.text", body: `hello ${i}` } });
          if (response.status !== 200) throw new Error(`${label}: ${response.status} ${JSON.stringify(response.body)}`);
        }
      }),
    );
  const database = decodeURIComponent(new URL(databaseUrl).pathname.slice(1));
  return { label, child, senders, run, database, ms: 0, serverMs: 0, postgresMs: 0, sent: 0, best: 0 };
}

const builds = [await startBuild("A"), await startBuild("B")];
for (const build of builds) await build.run(Math.ceil(WARMUP / SENDERS));
for (let round = 0; round < ROUNDS; round++) {
  for (const build of round % 2 === 0 ? builds : [...builds].reverse()) {
    const backends = backendsOf(build.database);
    const server0 = cpuMs([build.child.pid]);
    const postgres0 = cpuMs(backends);
    const start = performance.now();
    await build.run(Math.ceil(ROUND / SENDERS));
    const ms = performance.now() - start;
    const sent = Math.ceil(ROUND / SENDERS) * SENDERS;
    build.ms += ms;
    build.serverMs += cpuMs([build.child.pid]) - server0;
    build.postgresMs += cpuMs(backends) - postgres0;
    build.sent += sent;
    build.best = Math.max(build.best, (sent / ms) * 1000);
  }
}
for (const build of builds) {
  const perMessage = (ms) => Math.round((ms * 1000) / build.sent);
  console.log(
    `${build.label}: ${Math.round((build.sent / build.ms) * 1000)} msg/s (best round ${Math.round(build.best)}), ` +
      `server ${perMessage(build.serverMs)} µs/msg, PostgreSQL backends ${perMessage(build.postgresMs)} µs/msg, ${SENDERS} sender(s)`,
  );
  for (const { connection } of build.senders) connection.close();
  build.child.kill("SIGTERM");
}
