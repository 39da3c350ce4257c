// The README's example (https://spec.matrix.org/v1.19/server-server-api/#auth-events-selection),
// run exactly as written so the docs cannot rot silently.
import { expect, it } from "vitest";
import { runReadmeExample } from "../../../vitest.readme.js";

it("README example runs as written and prints what its comments say", async () => {
  const logs = await runReadmeExample(import.meta.url);
  expect(logs).toEqual([[["$power-levels", "$bob-join"]]]);
});
