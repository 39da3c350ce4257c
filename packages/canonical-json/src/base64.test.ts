/** Unit tests for unpadded base64: https://spec.matrix.org/v1.19/appendices/#unpadded-base64 */
import fc from "fast-check";
import { expect, test } from "vitest";
import { decodeBase64Portable, encodeBase64Portable } from "./base64.js";
import { decodeBase64, encodeBase64, encodeBase64Url } from "./index.js";

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

test("the portable decoder agrees with the Buffer fast path", () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 90, maxLength: 700 }), fc.boolean(), (bytes, urlSafe) => {
      const text = urlSafe ? encodeBase64Url(bytes) : encodeBase64(bytes);
      const viaBuffer = decodeBase64(text);
      expect(viaBuffer).toEqual(bytes);
      expect(Object.getPrototypeOf(viaBuffer)).toBe(Uint8Array.prototype);
      expect(viaBuffer.byteOffset).toBe(0);
      expect(decodeBase64Portable(text)).toEqual(bytes);
    }),
    { numRuns: 100 },
  );
});

test("junk in long text is still rejected on the Buffer path", () => {
  const text = `${"QUJD".repeat(50)}!${"QUJD".repeat(50)}A`;
  expect(() => decodeBase64(text)).toThrow(expect.objectContaining({ code: "INVALID_BASE64", offset: 200 }));
});
