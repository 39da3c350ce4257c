// The README's example (https://spec.matrix.org/v1.19/client-server-api/#push-rules),
// run exactly as written so the docs cannot rot silently.
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect, it, vi } from "vitest";

it("README example runs as written and prints what its comments say", async () => {
  const logs = await runReadmeExample();
  expect(logs).toHaveLength(2);
  expect(logs[0]?.[0]).toMatchObject({
    ruleId: "deploys",
    kind: "content",
    notify: true,
    highlight: true,
    sound: null,
    tweaks: { highlight: true },
  });
  const trace = logs[1]?.[0] as unknown[];
  expect(trace.slice(0, 2)).toEqual([
    { ruleId: ".m.rule.master", kind: "override", outcome: "disabled" },
    { ruleId: ".m.rule.suppress_notices", kind: "override", outcome: "failed", condition: 0, reason: "mismatch" },
  ]);
});

/**
 * Runs the first `ts` code block of README.md exactly as written, so the
 * documented example cannot rot: the block is written to a temporary module
 * beside this test and imported through vitest, which resolves `@weft/*` to
 * the sibling sources. What the example prints with `console.log` is
 * returned, so the test can hold the `// …` comments to their word.
 */
async function runReadmeExample(): Promise<unknown[][]> {
  const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
  const code = /^```ts\n([\s\S]*?)^```$/m.exec(readme)?.[1];
  if (code === undefined) throw new Error("expected a ```ts block in README.md, got none");
  const file = fileURLToPath(new URL(`./.readme-example-${process.pid}-${Date.now()}.ts`, import.meta.url));
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
