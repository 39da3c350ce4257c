/**
 * Spec vectors: the worked examples of the Canonical JSON and Unpadded Base64
 * appendices (https://spec.matrix.org/v1.19/appendices/#canonical-json,
 * https://spec.matrix.org/v1.19/appendices/#unpadded-base64), plus outputs of the
 * appendix's Python reference implementation (generate-python-fixtures.py).
 */
import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import {
  decodeBase64,
  encodeBase64,
  encodeCanonicalJson,
  encodeCanonicalJsonBytes,
  formatLegacyNumber,
  parseLegacyJson,
  parseStrictJson,
  validateStrictJsonText,
} from "../src/index.js";

function fixture<T>(name: string): { source: string; cases: T[] } {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8")) as { source: string; cases: T[] };
}

const spec = fixture<{ name: string; input: string; canonical: string }>("spec-canonical-json.json");
const base64 = fixture<{ input: string; base64: string }>("spec-unpadded-base64.json");
const pythonDocs = fixture<{ input: string; canonical: string }>("python-canonical-json.json");
const pythonFloats = fixture<{ token: string; python: string }>("python-float-repr.json");

describe("spec appendix: canonical JSON examples", () => {
  test.each(spec.cases)("$name", ({ input, canonical }) => {
    expect(encodeCanonicalJson(JSON.parse(input))).toBe(canonical);
    expect(new TextDecoder().decode(encodeCanonicalJsonBytes(JSON.parse(input)))).toBe(canonical);
    // Canonical output is itself valid strict JSON and a fixed point.
    expect(encodeCanonicalJson(parseStrictJson(canonical))).toBe(canonical);
  });

  test("the 1e10 example is encodable, but its text breaks the strict (v6+) number rules", () => {
    const input = spec.cases.find((c) => c.input.includes("1e10"))?.input ?? "";
    const r = validateStrictJsonText(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect([r.error.code, r.error.path]).toEqual(["NON_INTEGER_NUMBER", "$.b"]);
  });
});

describe("spec appendix: unpadded base64 examples", () => {
  test.each(base64.cases)("UNPADDED_BASE64($input) = $base64", ({ input, base64: expected }) => {
    const bytes = new TextEncoder().encode(input);
    expect(encodeBase64(bytes)).toBe(expected);
    expect(decodeBase64(expected)).toEqual(bytes);
    expect(decodeBase64(expected.padEnd(Math.ceil(expected.length / 4) * 4, "="))).toEqual(bytes);
  });
});

describe("Python reference implementation (room versions 1–5, legacy numbers)", () => {
  test(`${pythonDocs.cases.length} documents re-encode byte for byte`, () => {
    for (const { input, canonical } of pythonDocs.cases) {
      expect(encodeCanonicalJson(parseLegacyJson(input), { legacyNumbers: true })).toBe(canonical);
    }
  });

  test("documents with only safe integers also encode identically in strict mode", () => {
    let strict = 0;
    for (const { input, canonical } of pythonDocs.cases) {
      const r = validateStrictJsonText(input);
      if (!r.ok) continue;
      strict++;
      expect(encodeCanonicalJson(r.value)).toBe(canonical);
    }
    expect(strict).toBeGreaterThan(10);
  });

  test(`${pythonFloats.cases.length} float tokens are spelled as Python's repr`, () => {
    for (const { token, python } of pythonFloats.cases) {
      expect([token, formatLegacyNumber(token)]).toEqual([token, python]);
    }
  });
});
