// The README's example (https://spec.matrix.org/v1.19/appendices/#canonical-json),
// run exactly as written so the docs cannot rot silently.
import { expect, it } from "vitest";
import { runReadmeExample } from "../../../vitest.readme.js";

it("README example runs as written and prints what its comments say", async () => {
  const logs = await runReadmeExample(import.meta.url);
  expect(logs).toEqual([
    ["NON_INTEGER_NUMBER", "$.content.body"],
    ["NON_INTEGER_NUMBER", "$.content.n", "M_BAD_JSON"],
  ]);
});
