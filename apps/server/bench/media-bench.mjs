#!/usr/bin/env node
// Content repository throughput (issue 9, part of "pnpm bench:server"):
//   upload and download of a large file (MB/s; downloads should run at
//   disk/loopback speed, ≥ 300 MB/s) and thumbnail latency (first request,
//   which generates, and cached requests).
// https://spec.matrix.org/v1.19/client-server-api/#content-repository
//
// Usage:
//   WEFT_BENCH_URL=http://127.0.0.1:8008 node bench/media-bench.mjs   # a running server (open registration, no rate limits)
//   DATABASE_URL=postgres://… node bench/media-bench.mjs              # builds and starts one
// Without WEFT_BENCH_URL the script bundles the server from source with
// esbuild (workspace packages aliased to their src/), starts it on a free
// port with a 1 GiB upload limit, and uses PGlite unless DATABASE_URL is set.
// Options (env): BENCH_MEDIA_MB (file size, default 200), BENCH_RUNS (default 3),
// BENCH_THUMBNAILS (cached thumbnail requests, default 200).

import { request } from "node:http";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { registerUser, startBenchServer } from "./bench-server.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const sharp = createRequire(join(here, "..", "package.json"))("sharp");
const SIZE_MB = Number(process.env.BENCH_MEDIA_MB ?? 200);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const THUMBNAILS = Number(process.env.BENCH_THUMBNAILS ?? 200);
const CHUNK = 1024 * 1024;



/** Streams `mb` generated MiB to the upload endpoint; returns [mxc, seconds]. */
function upload(url, token, mb) {
  const base = Buffer.alloc(CHUNK);
  for (let i = 0; i < CHUNK; i++) base[i] = (i * 31 + 7) & 0xff;
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request(`${url}/_matrix/media/v3/upload?filename=bench.bin`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/octet-stream", "content-length": String(mb * CHUNK) },
    }, (res) => {
      let text = "";
      res.on("data", (c) => (text += c));
      res.on("end", () => (res.statusCode === 200 ? resolve([JSON.parse(text).content_uri, (performance.now() - started) / 1000]) : reject(new Error(`upload: ${res.statusCode} ${text}`))));
    });
    req.on("error", reject);
    let n = 0;
    const write = () => {
      while (n < mb) {
        const chunk = Buffer.from(base);
        chunk.writeUInt32BE(n++, 0);
        if (!req.write(chunk)) return void req.once("drain", write);
      }
      req.end();
    };
    write();
  });
}

/** Downloads a path, discarding the bytes; returns [bytes, seconds]. */
function download(url, token, path) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    request(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } }, (res) => {
      let size = 0;
      res.on("data", (c) => (size += c.length));
      res.on("end", () => (res.statusCode === 200 ? resolve([size, (performance.now() - started) / 1000]) : reject(new Error(`download: ${res.statusCode}`))));
    })
      .on("error", reject)
      .end();
  });
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function main() {
  let url = process.env.WEFT_BENCH_URL;
  let child;
  if (!url) ({ url, child } = await startBenchServer({ name: "media", configYaml: `media:\n  max_upload_bytes: ${1024 * 1024 * 1024}\n` }));
  const rows = [];
  try {
    const { token } = await registerUser(url, `media${Date.now()}`);
    // Warm up (JIT, file system caches).
    const [warm] = await upload(url, token, 8);
    await download(url, token, `/_matrix/client/v1/media/download/${warm.slice(6)}`);

    const uploads = [];
    const downloads = [];
    for (let run = 0; run < RUNS; run++) {
      const [mxc, upSeconds] = await upload(url, token, SIZE_MB);
      uploads.push(SIZE_MB / upSeconds);
      const [size, downSeconds] = await download(url, token, `/_matrix/client/v1/media/download/${mxc.slice(6)}`);
      if (size !== SIZE_MB * CHUNK) throw new Error(`downloaded ${size} bytes, expected ${SIZE_MB * CHUNK}`);
      downloads.push(SIZE_MB / downSeconds);
    }
    rows.push([`upload ${SIZE_MB} MiB (streamed, SHA-256, fsync, rename), median of ${RUNS}`, `${median(uploads).toFixed(0)} MB/s`, ""]);
    rows.push([`download ${SIZE_MB} MiB, median of ${RUNS}`, `${median(downloads).toFixed(0)} MB/s`, "≥ 300 MB/s"]);

    const jpeg = await sharp({ create: { width: 2400, height: 1600, channels: 3, background: { r: 90, g: 140, b: 200 } } }).jpeg({ quality: 90 }).toBuffer();
    const imageRes = await fetch(`${url}/_matrix/media/v3/upload?filename=photo.jpg`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "image/jpeg" }, body: jpeg });
    const image = (await imageRes.json()).content_uri.slice(6);
    for (const [w, h, method] of [[32, 32, "crop"], [96, 96, "crop"], [320, 240, "scale"], [800, 600, "scale"]]) {
      const path = `/_matrix/client/v1/media/thumbnail/${image}?width=${w}&height=${h}&method=${method}`;
      const [, seconds] = await download(url, token, path);
      rows.push([`thumbnail ${w}x${h} ${method} of a 2400x1600 JPEG, first request (generates)`, `${(seconds * 1000).toFixed(1)} ms`, ""]);
    }
    const latencies = [];
    for (let i = 0; i < THUMBNAILS; i++) {
      const [, seconds] = await download(url, token, `/_matrix/client/v1/media/thumbnail/${image}?width=96&height=96&method=crop`);
      latencies.push(seconds * 1000);
    }
    latencies.sort((a, b) => a - b);
    rows.push([`thumbnail 96x96 crop, cached, p50 of ${THUMBNAILS}`, `${percentile(latencies, 50).toFixed(2)} ms`, ""]);
    rows.push([`thumbnail 96x96 crop, cached, p95`, `${percentile(latencies, 95).toFixed(2)} ms`, ""]);
  } finally {
    child?.kill("SIGTERM");
  }
  const width = Math.max(...rows.map((r) => r[0].length));
  console.log(`\nWeft media bench — ${url}${process.env.DATABASE_URL ? " (PostgreSQL)" : child ? " (PGlite)" : ""}`);
  console.log(`${"measure".padEnd(width)}  ${"result".padStart(12)}  target`);
  for (const [name, value, target] of rows) console.log(`${name.padEnd(width)}  ${value.padStart(12)}  ${target}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
