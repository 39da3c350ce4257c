import { readdirSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { defineProject, type UserWorkspaceConfig } from "vitest/config";

const root = dirname(fileURLToPath(import.meta.url));

/**
 * Maps every `@weft/<dir>` package to its TypeScript source entry, and a
 * subpath export `@weft/<dir>/<name>` to `src/<name>.ts`.
 */
function workspaceAliases(): { find: RegExp; replacement: string }[] {
  const aliases: { find: RegExp; replacement: string }[] = [];
  for (const dir of readdirSync(join(root, "packages"))) {
    const src = join(root, "packages", dir, "src");
    if (!existsSync(join(src, "index.ts"))) continue;
    aliases.push({ find: new RegExp(`^@weft/${dir}$`), replacement: join(src, "index.ts") });
    aliases.push({ find: new RegExp(`^@weft/${dir}/([a-z-]+)$`), replacement: join(src, "$1.ts") });
  }
  return aliases;
}

/**
 * The vitest project config every package uses: unit tests beside the code
 * (`src/**\/*.test.ts`), fixture and property tests in `test/`, benchmarks in
 * `bench/` (run only by `pnpm bench`).
 */
export function weftProject(name: string, extra: UserWorkspaceConfig["test"] = {}): UserWorkspaceConfig {
  return defineProject({
    resolve: { alias: workspaceAliases() },
    test: {
      name,
      include: ["src/**/*.test.ts", "test/**/*.test.ts"],
      benchmark: { include: ["bench/**/*.bench.ts"] },
      // PGlite and real-server tests start databases; on a busy 2-core CI
      // machine that can take seconds, so the defaults are generous.
      testTimeout: 30_000,
      hookTimeout: 60_000,
      ...extra,
    },
  });
}
