/**
 * Laws of canonical JSON (https://spec.matrix.org/v1.19/appendices/#canonical-json)
 * and unpadded base64 (https://spec.matrix.org/v1.19/appendices/#unpadded-base64),
 * checked with fast-check.
 */
import { deepStrictEqual } from "node:assert/strict";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { encodeCanonicalJsonReference } from "../src/encode.js";
import {
  compareByCodePoint,
  decodeBase64,
  encodeBase64,
  encodeBase64Url,
  encodeCanonicalJson,
  encodeCanonicalJsonBytes,
  formatPythonFloat,
  parseLegacyJson,
  parseStrictJson,
} from "../src/index.js";
import { LegacyNumber } from "../src/index.js";
import { jsonArb, jsonObjectArb, keyArb, objectFrom, oracleEncode, reverseInsertion } from "./arbitraries.js";

/** Room version 1–5 values: floats and integers beyond 2**53 as well. */
const legacyArb: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constant(null),
    fc.maxSafeInteger(),
    // Integral doubles beyond 2**53 are refused on purpose (ambiguous after JSON.parse).
    fc.double({ noNaN: true, noDefaultInfinity: true }).filter((x) => !Number.isInteger(x) || Number.isSafeInteger(x)),
    fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map((n) => new LegacyNumber(String(n))),
    fc.string({ unit: "binary", maxLength: 8 }),
    tie("array"),
    tie("object"),
  ),
  array: fc.array(tie("value"), { maxLength: 4 }),
  object: fc.array(fc.tuple(keyArb, tie("value")), { maxLength: 5 }).map(objectFrom),
})).value;

// node:assert's deep equality, not toStrictEqual: vitest compares `constructor`
// properties to check types, which is wrong for objects with an own "constructor" key.
const runs = { numRuns: 300 };

describe("canonical JSON laws", () => {
  test("deterministic: key insertion order does not matter", () => {
    fc.assert(
      fc.property(jsonArb, (v) => {
        expect(encodeCanonicalJson(reverseInsertion(v))).toBe(encodeCanonicalJson(v));
      }),
      runs,
    );
  });

  test("keys are ordered by code point (agrees with an independent oracle)", () => {
    fc.assert(
      fc.property(jsonArb, (v) => {
        expect(encodeCanonicalJson(v)).toBe(oracleEncode(v));
      }),
      runs,
    );
  });

  test("compareByCodePoint agrees with comparing code point arrays", () => {
    fc.assert(
      fc.property(keyArb, keyArb, (a, b) => {
        const x = Array.from(a, (c) => c.codePointAt(0) as number);
        const y = Array.from(b, (c) => c.codePointAt(0) as number);
        let expected = 0;
        for (let i = 0; i < Math.min(x.length, y.length) && expected === 0; i++) expected = (x[i] as number) - (y[i] as number);
        if (expected === 0) expected = x.length - y.length;
        expect(Math.sign(compareByCodePoint(a, b))).toBe(Math.sign(expected));
      }),
      runs,
    );
  });

  test("round-trips through JSON.parse to a deep-equal value", () => {
    fc.assert(
      fc.property(jsonArb, (v) => {
        deepStrictEqual(JSON.parse(encodeCanonicalJson(v)), v);
      }),
      runs,
    );
  });

  test("idempotent: encoding the parse of the output gives the output", () => {
    fc.assert(
      fc.property(jsonArb, (v) => {
        const once = encodeCanonicalJson(v);
        expect(encodeCanonicalJson(JSON.parse(once))).toBe(once);
        expect(encodeCanonicalJson(parseStrictJson(once))).toBe(once);
      }),
      runs,
    );
  });

  test("the fast path agrees with the reference encoder", () => {
    fc.assert(
      fc.property(jsonArb, (v) => {
        expect(encodeCanonicalJson(v)).toBe(encodeCanonicalJsonReference(v));
      }),
      runs,
    );
  });

  test("bytes are the UTF-8 of the text", () => {
    fc.assert(
      fc.property(jsonArb, (v) => {
        expect(Buffer.from(encodeCanonicalJsonBytes(v)).toString("utf8")).toBe(encodeCanonicalJson(v));
      }),
      { numRuns: 100 },
    );
  });

  test("output has no insignificant whitespace and only grammar escapes", () => {
    fc.assert(
      fc.property(jsonArb, (v) => {
        const out = encodeCanonicalJson(v);
        // Outside strings: no whitespace. Inside: only \" \\ \b \f \n \r \t and \u00XX for other controls.
        const outside = out.replace(/"(?:[^"\\]|\\.)*"/g, '""');
        expect(outside).not.toMatch(/\s/);
        for (const m of out.matchAll(/\\(u[0-9a-fA-F]{4}|.)/g)) {
          const esc = m[1] as string;
          if (esc.length === 1) expect('"\\bfnrt').toContain(esc);
          else expect(esc).toMatch(/^u00(0[0-7be-f]|1[0-9a-f])$/);
        }
      }),
      runs,
    );
  });
});

describe("strict and legacy JSON text", () => {
  test("any spacing of valid JSON passes the strict rules and parses to the same value", () => {
    fc.assert(
      fc.property(jsonObjectArb, fc.constantFrom(undefined, 1, 2, "\t"), (v, indent) => {
        const text = JSON.stringify(v, null, indent);
        deepStrictEqual(parseStrictJson(text), JSON.parse(text));
        deepStrictEqual(parseStrictJson(text, { rejectDuplicateKeys: true }), JSON.parse(text));
      }),
      runs,
    );
  });

  test("parseLegacyJson agrees with JSON.parse when every number is a safe integer", () => {
    fc.assert(
      fc.property(jsonObjectArb, (v) => {
        const text = JSON.stringify(v, null, 1);
        deepStrictEqual(parseLegacyJson(text), JSON.parse(text));
        deepStrictEqual(parseLegacyJson(text, { rejectDuplicateKeys: true }), JSON.parse(text));
      }),
      runs,
    );
  });

  test("legacy encoding is idempotent through parseLegacyJson and keeps every number", () => {
    fc.assert(
      fc.property(legacyArb, (v) => {
        const once = encodeCanonicalJson(v, { legacyNumbers: true });
        expect(encodeCanonicalJson(parseLegacyJson(once), { legacyNumbers: true })).toBe(once);
        expect(encodeCanonicalJsonReference(v, { legacyNumbers: true })).toBe(once);
        // Same doubles as JSON.parse sees, and the same structure.
        deepStrictEqual(JSON.parse(once), JSON.parse(JSON.stringify(v)));
      }),
      runs,
    );
  });

  test("formatPythonFloat round-trips to the same double", () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        const s = formatPythonFloat(x);
        expect(Object.is(Number(s), x)).toBe(true);
        expect(s).toMatch(/^-?(\d+\.\d+|\d(\.\d+)?e[+-]\d{2,3})$/);
      }),
      { numRuns: 1000 },
    );
  });
});

describe("base64 laws", () => {
  const bytesArb = fc.uint8Array({ maxLength: 600 });

  test("encodes like Buffer, minus padding, and decodes back", () => {
    fc.assert(
      fc.property(bytesArb, (bytes) => {
        const std = Buffer.from(bytes).toString("base64");
        const url = Buffer.from(bytes).toString("base64url");
        expect(encodeBase64(bytes)).toBe(std.replace(/=+$/, ""));
        expect(encodeBase64Url(bytes)).toBe(url);
        expect(decodeBase64(std)).toEqual(bytes);
        expect(decodeBase64(encodeBase64(bytes))).toEqual(bytes);
        expect(decodeBase64(url)).toEqual(bytes);
      }),
      runs,
    );
  });

  test("works on a subarray view (byteOffset is respected)", () => {
    fc.assert(
      fc.property(bytesArb, fc.nat(10), (bytes, offset) => {
        const backing = new Uint8Array(bytes.length + offset + 3);
        backing.set(bytes, offset);
        const view = backing.subarray(offset, offset + bytes.length);
        expect(encodeBase64(view)).toBe(Buffer.from(bytes).toString("base64").replace(/=+$/, ""));
      }),
      { numRuns: 100 },
    );
  });

  test("decodes any well-formed base64 exactly as Buffer does", () => {
    const charArb = fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");
    fc.assert(
      fc.property(fc.array(charArb, { maxLength: 64 }).filter((a) => a.length % 4 !== 1), (chars) => {
        const text = chars.join("");
        expect(decodeBase64(text)).toEqual(new Uint8Array(Buffer.from(text, "base64")));
      }),
      runs,
    );
  });
});
