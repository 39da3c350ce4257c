import fc from "fast-check";
import { expect, test } from "vitest";
import { encodeBase64Portable } from "./base64.js";
import { encodeBase64, encodeBase64Url } from "./index.js";

test("the portable encoder (used where Buffer is missing) agrees with the Buffer fast path at every size", () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 100, maxLength: 700 }), (bytes) => {
      expect(encodeBase64Portable(bytes)).toBe(encodeBase64(bytes));
      expect(encodeBase64Portable(bytes, true)).toBe(encodeBase64Url(bytes));
    }),
    { numRuns: 100 },
  );
});

test("URL-safe alphabet uses - and _", () => {
  expect(encodeBase64(new Uint8Array([0xfb, 0xff, 0xbf]))).toBe("+/+/");
  expect(encodeBase64Url(new Uint8Array([0xfb, 0xff, 0xbf]))).toBe("-_-_");
});
