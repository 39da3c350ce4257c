#!/usr/bin/env node
// Spaces bench (issue 8): GET /_matrix/client/v1/rooms/{roomId}/hierarchy
// (https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv1roomsroomidhierarchy)
// over a space of 1,000 rooms. Target: ≤ 100 ms for the first page of 50.
//
// Usage:
//   node apps/server/bench/hierarchy-bench.mjs                       # builds and starts a server (PGlite)
//   DATABASE_URL=postgres://… node apps/server/bench/hierarchy-bench.mjs   # …on PostgreSQL (use an empty database)
//   WEFT_BENCH_URL=http://127.0.0.1:8008 node apps/server/bench/hierarchy-bench.mjs   # a running server
// Options (env): BENCH_ROOMS (default 1000), BENCH_LAYOUT ("flat": every room a
// child of the root; "nested": 10 sub-spaces sharing the rooms; default flat),
// BENCH_RUNS (timed requests per figure, default 30).
// Without WEFT_BENCH_URL the server is bundled from source with esbuild
// (workspace packages aliased to their src/) and started on a free port.

import { registerUser, startBenchServer } from "./bench-server.mjs";

const ROOMS = Number(process.env.BENCH_ROOMS ?? 1000);
const LAYOUT = process.env.BENCH_LAYOUT ?? "flat";
const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const CONCURRENCY = 4;


async function api(url, method, path, { token, body } = {}) {
  const res = await fetch(url + path, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await res.json();
  if (!res.ok && res.status !== 401) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}


const roomPath = (id) => `/_matrix/client/v3/rooms/${encodeURIComponent(id)}`;
const hierarchyPath = (id, query) => `/_matrix/client/v1/rooms/${encodeURIComponent(id)}/hierarchy?${query}`;

/** Runs `fn` over `items` with a few requests in flight. */
async function pool(items, fn) {
  let next = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i], i);
    }
  }));
}

function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
  return { p50: at(50), p95: at(95) };
}

async function timed(runs, fn) {
  await fn(); // warm-up
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    samples.push(performance.now() - start);
  }
  return stats(samples);
}

async function main() {
  let url = process.env.WEFT_BENCH_URL;
  let child;
  if (!url) ({ url, child } = await startBenchServer({ name: "hierarchy" }));
  try {
    const tag = Math.random().toString(36).slice(2, 7);
    const alice = await registerUser(url, `hb${tag}a`);
    const bob = await registerUser(url, `hb${tag}b`);
    const create = async (body) =>
      (await api(url, "POST", "/_matrix/client/v3/createRoom", { token: alice.token, body: { preset: "public_chat", ...body } })).room_id;
    const link = (parent, child, order) =>
      api(url, "PUT", `${roomPath(parent)}/state/m.space.child/${encodeURIComponent(child)}`, {
        token: alice.token,
        body: { via: [new URL(url).hostname], ...(order ? { order } : {}) },
      });

    const setupStart = performance.now();
    const space = await create({ name: "Bench space", creation_content: { type: "m.space" } });
    const subSpaces = [];
    if (LAYOUT === "nested") {
      for (let s = 0; s < 10; s++) {
        const sub = await create({ name: `Sub-space ${s}`, creation_content: { type: "m.space" } });
        await link(space, sub, `s${String(s).padStart(2, "0")}`);
        subSpaces.push(sub);
      }
    }
    const rooms = Array.from({ length: ROOMS - subSpaces.length }, (_, i) => i);
    await pool(rooms, async (i) => {
      // The nonce keeps create events distinct: rooms created by one user in the
      // same millisecond would otherwise hash to the same v12 room ID.
      const id = await create({ name: `Room ${i}`, topic: `Topic of room ${i}`, creation_content: { "weft.bench.nonce": `${tag}-${i}` } });
      await link(subSpaces.length ? subSpaces[i % subSpaces.length] : space, id);
    });
    const setupSeconds = (performance.now() - setupStart) / 1000;

    // Correctness check: the whole walk, page by page, lists every room once.
    let from;
    const seen = new Set();
    let pages = 0;
    const walkStart = performance.now();
    let coldFirstPage;
    do {
      const pageStart = performance.now();
      const page = await api(url, "GET", hierarchyPath(space, `limit=50${from ? `&from=${encodeURIComponent(from)}` : ""}`), { token: bob.token });
      for (const r of page.rooms) {
        if (seen.has(r.room_id)) throw new Error(`room listed twice: ${r.room_id}`);
        seen.add(r.room_id);
      }
      coldFirstPage ??= performance.now() - pageStart;
      from = page.next_batch;
      pages += 1;
      if (from && from.length >= 2048) throw new Error(`token of ${from.length} bytes`);
    } while (from);
    const walkMs = performance.now() - walkStart; // cold: the first pass over every room
    if (seen.size !== ROOMS + 1) throw new Error(`expected ${ROOMS + 1} rooms, saw ${seen.size}`);

    const first = await timed(RUNS, () => api(url, "GET", hierarchyPath(space, "limit=50"), { token: bob.token }));
    const skip = Math.floor(ROOMS / 2);
    const middle = await api(url, "GET", hierarchyPath(space, `limit=${skip}`), { token: bob.token });
    const deep = await timed(RUNS, () =>
      api(url, "GET", hierarchyPath(space, `limit=50&from=${encodeURIComponent(middle.next_batch)}`), { token: bob.token }),
    );
    const summary = await timed(RUNS, () => api(url, "GET", `/_matrix/client/v1/room_summary/${encodeURIComponent(space)}`, { token: bob.token }));

    const rows = [
      [`first page of 50, cold (first request after setup)`, `${coldFirstPage.toFixed(1)} ms`, "≤ 100 ms"],
      [`first page of 50, warm (${ROOMS}-room ${LAYOUT} space)`, `p50 ${first.p50.toFixed(1)} ms, p95 ${first.p95.toFixed(1)} ms`, "≤ 100 ms"],
      [`page of 50 after ${skip} rooms (re-walk from the token)`, `p50 ${deep.p50.toFixed(1)} ms, p95 ${deep.p95.toFixed(1)} ms`, ""],
      [`whole space, ${pages} pages of 50`, `${walkMs.toFixed(0)} ms`, ""],
      ["room summary of the space", `p50 ${summary.p50.toFixed(1)} ms`, ""],
    ];
    console.log(`\nWeft spaces bench — ${process.env.DATABASE_URL ? "PostgreSQL" : url === process.env.WEFT_BENCH_URL ? "external server" : "PGlite"}, ${ROOMS} rooms, layout ${LAYOUT}, setup ${setupSeconds.toFixed(0)} s\n`);
    console.log("| measure | result | target |\n|---|---|---|");
    for (const [name, value, target] of rows) console.log(`| ${name} | ${value} | ${target} |`);
  } finally {
    child?.kill("SIGTERM");
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
