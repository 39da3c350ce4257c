// What every server load generator shares: bundle the server from source with
// esbuild (workspace packages aliased to their src/, so no build is needed),
// start it on a free loopback port with rate limits off, and register users.

import { execFileSync, spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
/** The repository root. */
export const root = join(here, "..", "..", "..");

/**
 * Bundles `apps/server/src/<entry>.ts` into `bench/.build/<name>.mjs` and
 * returns its path. PGlite loads its WebAssembly and data files from beside
 * the bundle, so they are copied there.
 */
export function bundleServer(entry, name) {
  const buildDir = join(here, ".build");
  mkdirSync(buildDir, { recursive: true });
  const out = join(buildDir, `${name}.mjs`);
  const aliases = readdirSync(join(root, "packages"))
    .filter((pkg) => existsSync(join(root, "packages", pkg, "src", "index.ts")))
    .map((pkg) => `--alias:@weft/${pkg}=./packages/${pkg}/src/index.ts`);
  execFileSync(
    join(root, "node_modules", ".bin", "esbuild"),
    [
      `apps/server/src/${entry}.ts`, "--bundle", "--platform=node", "--format=esm", "--target=node20",
      "--external:sharp", "--external:pg-native", ...aliases,
      "--banner:js=import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
      `--outfile=${out}`, "--log-level=warning",
    ],
    { cwd: root, stdio: "inherit" },
  );
  const pgliteDist = join(root, "packages", "storage-pg", "node_modules", "@electric-sql", "pglite", "dist");
  for (const file of readdirSync(pgliteDist).filter((f) => f.endsWith(".wasm") || f.endsWith(".data"))) {
    copyFileSync(join(pgliteDist, file), join(buildDir, file));
  }
  return out;
}

/**
 * Starts a bundled server in a child process: PostgreSQL when DATABASE_URL is
 * set, otherwise PGlite in a fresh data directory. `configYaml` is written to
 * a config file; BENCH_SERVER_ARGS adds node flags (e.g. `--cpu-prof`).
 *
 * @returns `{ url, child }` once `/versions` answers.
 */
export async function startBenchServer({ name, configYaml } = {}) {
  const out = bundleServer("cli", `${name ?? "bench"}-cli`);
  const port = 20000 + Math.floor(Math.random() * 20000);
  const dataDir = mkdtempSync(join(tmpdir(), `weft-${name ?? "bench"}-`));
  const args = [out, "start"];
  if (configYaml) {
    const configFile = join(dataDir, "weft.yaml");
    writeFileSync(configFile, configYaml);
    args.push("--config", configFile);
  }
  // The same V8 flag as `weft start` (a smaller young generation keeps idle
  // RSS under 150 MB at no measured cost in throughput).
  const extra = (process.env.BENCH_SERVER_ARGS ?? "--max-semi-space-size=4").split(/\s+/).filter(Boolean);
  const child = spawn(process.execPath, [...extra, ...args], {
    env: { ...process.env, WEFT_LISTEN: `127.0.0.1:${port}`, WEFT_DATA_DIR: dataDir, WEFT_RATE_LIMITS: "off", WEFT_REGISTRATION: "open", WEFT_LOG_LEVEL: "warn" },
    stdio: ["ignore", "inherit", "inherit"],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${url}/_matrix/client/versions`)).ok) return { url, child };
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill("SIGTERM");
  throw new Error("server did not start");
}

/** Registers `username` with open registration (`m.login.dummy`); returns `{ userId, token }`. */
export async function registerUser(url, username) {
  const body = { username, password: `bench-${username}-password` };
  const post = (json) =>
    fetch(`${url}/_matrix/client/v3/register`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(json) }).then((r) => r.json());
  const first = await post(body);
  const done = first.access_token ? first : await post({ ...body, auth: { type: "m.login.dummy", session: first.session } });
  if (!done.access_token) throw new Error(`register ${username}: ${JSON.stringify(done)}`);
  return { userId: done.user_id, token: done.access_token };
}

/** CPU time (user + system, ms) of the processes `pids`, from /proc. */
export function cpuMs(pids) {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // the process ended
    }
  }
  return ticks * 10; // USER_HZ is 100 on Linux
}
