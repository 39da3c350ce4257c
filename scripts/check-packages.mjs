#!/usr/bin/env node
// Checks the packed result of every public workspace package (STYLE.md §8):
// `publint --strict` (package.json, exports map, files) and
// `@arethetypeswrong/cli --profile esm-only` (types resolve for ESM consumers).
//
// Usage, after `pnpm build`:
//   pnpm check:packages                  every non-private package
//   pnpm check:packages common signing   only these (directory names)
//   pnpm check:packages --skip-attw      publint only (attw is fetched from npm)
//
// Private packages (test-fixtures, the server) are never published and skipped.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ATTW = "@arethetypeswrong/cli@0.18.5";
const root = dirname(dirname(fileURLToPath(import.meta.url)));
const args = process.argv.slice(2);
const skipAttw = args.includes("--skip-attw");
const only = args.filter((a) => !a.startsWith("--"));

// publint packs with the workspace's package manager; `pnpm pack` is the
// faithful one (rewrites `workspace:^`, applies publishConfig), so use it when
// pnpm is on PATH (it is under `pnpm check:packages`), else fall back to npm.
const hasPnpm = spawnSync("pnpm", ["--version"], { stdio: "ignore", shell: false }).status === 0;

const dirs = ["packages", "apps"].flatMap((group) =>
  readdirSync(join(root, group)).map((name) => ({ name, dir: join(root, group, name) })),
);

const failures = [];
let checked = 0;
for (const { name, dir } of dirs) {
  const manifestPath = join(dir, "package.json");
  if (!existsSync(manifestPath)) continue;
  if (only.length > 0 && !only.includes(name)) continue;
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
  if (manifest.private === true) {
    console.log(`- ${manifest.name}: private, skipped`);
    continue;
  }
  console.log(`\n=== ${manifest.name}`);
  checked++;
  if (!existsSync(join(dir, "dist"))) {
    failures.push(`${manifest.name}: no dist/ (run \`pnpm build\` first)`);
    console.log("no dist/ — run `pnpm build` first");
    continue;
  }
  const run = (label, cmd, cmdArgs) => {
    const r = spawnSync(cmd, cmdArgs, { cwd: dir, stdio: "inherit" });
    if (r.status !== 0) failures.push(`${manifest.name}: ${label} failed (exit ${r.status ?? r.signal ?? r.error?.message})`);
  };
  run("publint", join(root, "node_modules", ".bin", "publint"), ["--strict", ...(hasPnpm ? [] : ["--pack", "npm"])]);
  if (!skipAttw) run("attw", "npx", ["-y", ATTW, "--pack", ".", "--profile", "esm-only"]);
}

console.log(`\n${checked} package(s) checked.`);
if (failures.length > 0) {
  console.error(`\n${failures.length} problem(s):\n${failures.map((f) => `  ✗ ${f}`).join("\n")}`);
  process.exit(1);
}
console.log("All packages pass.");
