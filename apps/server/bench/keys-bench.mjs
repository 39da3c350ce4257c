#!/usr/bin/env node
// E2EE key endpoints under load (issue 7, part of "pnpm bench:server"):
//   POST /keys/claim for 300 devices in one request (target ≤ 50 ms) and
//   POST /keys/query for 1,000 devices in one request (target ≤ 30 ms).
// https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3keysclaim
// https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3keysquery
//
// Usage:
//   WEFT_BENCH_URL=http://127.0.0.1:8008 node bench/keys-bench.mjs   # a running server (open registration, no rate limits)
//   DATABASE_URL=postgres://… node bench/keys-bench.mjs              # builds and starts one
// Without WEFT_BENCH_URL the script bundles the server from source with
// esbuild, starts it on a free port, and uses PGlite unless DATABASE_URL is set.
// Options (env): BENCH_RUNS (default 30).
// Each run is timed from the request to the last byte of the response.

import { createPrivateKey, generateKeyPairSync, sign } from "node:crypto";
import { startBenchServer } from "./bench-server.mjs";

const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const CLAIM_DEVICES = 300;
const QUERY_DEVICES = 1000;
const OTKS_PER_DEVICE = RUNS + 5;

async function api(url, method, path, body, token) {
  const res = await fetch(url + path, {
    method,
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  return { status: res.status, body: json };
}

async function postText(url, path, body, token) {
  const res = await fetch(url + path, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${text.slice(0, 200)}`);
  return text;
}

// Canonical JSON for the small objects signed here (strings, arrays, objects).
function canonical(value) {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

function signed(obj, userId, keyName, privateKey) {
  const { signatures: _s, unsigned: _u, ...rest } = obj;
  const sig = sign(null, Buffer.from(canonical(rest)), privateKey).toString("base64").replace(/=+$/, "");
  return { ...obj, signatures: { [userId]: { [`ed25519:${keyName}`]: sig } } };
}

function newDeviceKeys(userId, deviceId, otkCount) {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const pub = publicKey.export({ format: "der", type: "spki" }).subarray(-32).toString("base64").replace(/=+$/, "");
  const device_keys = signed(
    { user_id: userId, device_id: deviceId, algorithms: ["m.olm.v1.curve25519-aes-sha2", "m.megolm.v1.aes-sha2"], keys: { [`curve25519:${deviceId}`]: "c".repeat(43), [`ed25519:${deviceId}`]: pub } },
    userId, deviceId, createPrivateKey(privateKey.export({ format: "pem", type: "pkcs8" })),
  );
  const one_time_keys = {};
  for (let i = 0; i < otkCount; i++) one_time_keys[`signed_curve25519:AAAA${String(i).padStart(4, "0")}`] = signed({ key: `k${i}`.padEnd(43, "x") }, userId, deviceId, privateKey);
  const fallback_keys = { "signed_curve25519:FALLBACK": signed({ key: "f".repeat(43), fallback: true }, userId, deviceId, privateKey) };
  return { device_keys, one_time_keys, fallback_keys };
}

async function registerDevice(url, username, otkCount) {
  const first = await api(url, "POST", "/_matrix/client/v3/register", { username });
  const res = await api(url, "POST", "/_matrix/client/v3/register", { username, auth: { type: "m.login.dummy", session: first.body.session } });
  if (res.status !== 200) throw new Error(`register ${username}: ${JSON.stringify(res.body)}`);
  const { user_id, device_id, access_token } = res.body;
  const up = await api(url, "POST", "/_matrix/client/v3/keys/upload", newDeviceKeys(user_id, device_id, otkCount), access_token);
  if (up.status !== 200) throw new Error(`upload ${username}: ${JSON.stringify(up.body)}`);
  return { userId: user_id, deviceId: device_id, token: access_token };
}

async function inBatches(n, size, fn) {
  const out = [];
  for (let i = 0; i < n; i += size) out.push(...(await Promise.all(Array.from({ length: Math.min(size, n - i) }, (_, j) => fn(i + j)))));
  return out;
}

function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  return { median: at(0.5), p95: at(0.95) };
}

async function timeRuns(fn) {
  for (let i = 0; i < 3; i++) await fn(); // warm-up
  const samples = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    await fn();
    samples.push(performance.now() - started);
  }
  return stats(samples);
}

const started = process.env.WEFT_BENCH_URL ? { url: process.env.WEFT_BENCH_URL, child: undefined } : await startBenchServer({ name: "keys" });
const { url, child } = started;
try {
  const tag = Date.now().toString(36);
  const setupStart = performance.now();
  const devices = await inBatches(QUERY_DEVICES, 20, (i) => registerDevice(url, `kb${tag}${i}`, i < CLAIM_DEVICES ? OTKS_PER_DEVICE : 0));
  const setupMs = performance.now() - setupStart;
  const caller = devices[0];

  const claimBody = { one_time_keys: {} };
  for (const d of devices.slice(0, CLAIM_DEVICES)) claimBody.one_time_keys[d.userId] = { [d.deviceId]: "signed_curve25519" };
  // Timed to the last byte of the response; the client's JSON.parse of the
  // body (≈ 5 ms for the 0.5 MB query answer) is done once, after the runs.
  let claimText = "";
  const claim = await timeRuns(async () => {
    claimText = await postText(url, "/_matrix/client/v3/keys/claim", claimBody, caller.token);
  });
  const claimedKeys = Object.keys(JSON.parse(claimText).one_time_keys).length;

  const queryBody = { device_keys: {} };
  for (const d of devices) queryBody.device_keys[d.userId] = [];
  let queryText = "";
  const query = await timeRuns(async () => {
    queryText = await postText(url, "/_matrix/client/v3/keys/query", queryBody, caller.token);
  });
  const queried = Object.values(JSON.parse(queryText).device_keys).reduce((n, byDevice) => n + Object.keys(byDevice).length, 0);

  console.log(`\nWeft E2EE key bench — ${url}${process.env.DATABASE_URL ? " (PostgreSQL)" : child ? " (PGlite)" : ""}, ${RUNS} runs after 3 warm-ups (setup: ${QUERY_DEVICES} devices in ${(setupMs / 1000).toFixed(1)} s)`);
  console.table([
    { endpoint: `/keys/claim, ${CLAIM_DEVICES} devices (${claimedKeys} users answered)`, median_ms: claim.median.toFixed(1), p95_ms: claim.p95.toFixed(1), target: "≤ 50 ms" },
    { endpoint: `/keys/query, ${QUERY_DEVICES} devices (${queried} returned)`, median_ms: query.median.toFixed(1), p95_ms: query.p95.toFixed(1), target: "≤ 30 ms" },
  ]);
} finally {
  child?.kill("SIGTERM");
}
