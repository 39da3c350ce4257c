/** The README example, kept honest (https://spec.matrix.org/v1.19/appendices/#canonical-json). */
import { expect, test } from "vitest";
import {
  decodeBase64,
  encodeBase64,
  encodeCanonicalJson,
  encodeCanonicalJsonBytes,
  isCanonicalJsonError,
  parseLegacyJson,
  validateStrictJsonText,
} from "../src/index.js";

test("README example", () => {
  expect(encodeCanonicalJson({ b: "2", a: "1", n: -0 })).toBe('{"a":"1","b":"2","n":0}');
  expect(encodeCanonicalJsonBytes({ a: "日" })).toEqual(new TextEncoder().encode('{"a":"日"}'));

  let seen: unknown;
  try {
    encodeCanonicalJson({ content: { body: 1.5 } });
  } catch (err) {
    if (isCanonicalJsonError(err)) seen = [err.code, err.path];
  }
  expect(seen).toEqual(["NON_INTEGER_NUMBER", "$.content.body"]);

  const r = validateStrictJsonText('{"content":{"n":1.0}}');
  expect(r.ok ? null : [r.error.code, r.error.path, r.error.errcode]).toEqual(["NON_INTEGER_NUMBER", "$.content.n", "M_BAD_JSON"]);

  const old = parseLegacyJson('{"content":{"n":1.0,"big":12345678901234567890}}');
  expect(encodeCanonicalJson(old, { legacyNumbers: true })).toBe('{"content":{"big":12345678901234567890,"n":1.0}}');

  expect(encodeBase64(new TextEncoder().encode("foob"))).toBe("Zm9vYg");
  expect(decodeBase64("Zm9vYg==")).toEqual(new TextEncoder().encode("foob"));
});
