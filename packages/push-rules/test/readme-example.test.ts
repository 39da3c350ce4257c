// The README's example (https://spec.matrix.org/v1.19/client-server-api/#push-rules),
// run exactly as written so the docs cannot rot silently.
import { expect, it } from "vitest";
import { runReadmeExample } from "../../../vitest.readme.js";

it("README example runs as written and prints what its comments say", async () => {
  const logs = await runReadmeExample(import.meta.url);
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
