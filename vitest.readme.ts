import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { vi } from "vitest";

/**
 * Runs the first `ts` code block of a package's README.md exactly as written,
 * so the documented example cannot rot: the block is written to a temporary
 * module beside the calling test and imported through vitest, which resolves
 * `@weft/*` to the sibling sources. What the example prints with
 * `console.log` is returned, so the test can hold the `// …` comments to
 * their word.
 *
 * @param testFileUrl - the calling test's `import.meta.url`; the README is
 *   read from the folder above it (`packages/<name>/README.md`).
 */
export async function runReadmeExample(testFileUrl: string): Promise<unknown[][]> {
  const readme = readFileSync(new URL("../README.md", testFileUrl), "utf8");
  const code = /^```ts\n([\s\S]*?)^```$/m.exec(readme)?.[1];
  if (code === undefined) throw new Error("expected a ```ts block in README.md, got none");
  const file = fileURLToPath(new URL(`./.readme-example-${process.pid}-${Date.now()}.ts`, testFileUrl));
  writeFileSync(file, code);
  const logs: unknown[][] = [];
  const log = vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => void logs.push(args));
  try {
    await import(/* @vite-ignore */ file);
  } finally {
    log.mockRestore();
    rmSync(file, { force: true });
  }
  return logs;
}
