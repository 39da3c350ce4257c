// Runs the README example so the documented output stays true.
import { expect, it } from "vitest";
import { runReadmeExample } from "../../../vitest.readme.js";

it("runs the README example", async () => {
  const logs = await runReadmeExample(import.meta.url);
  expect(logs).toEqual([[{ kind: "stored", position: 1, queued: 0 }], ["$hello", 1]]);
}, 30_000);
