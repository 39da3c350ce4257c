/**
 * fast-check arbitraries for values that have a canonical JSON form
 * (https://spec.matrix.org/v1.19/appendices/#canonical-json): well-formed Unicode, safe integers.
 */
import fc from "fast-check";

/** Keys that trip up naive encoders: integer-like, `__proto__`, astral vs U+E000–U+FFFF, controls. */
const TRICKY_KEYS = ["__proto__", "10", "2", "1", "0", "", "\uffff", "\ue000", "\u{10000}", "\u{1f600}", "a\u0000", "\u2028", "constructor", "toString"];

export const keyArb: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...TRICKY_KEYS),
  fc.string({ unit: "binary", maxLength: 6 }),
  fc.string({ maxLength: 6 }),
);

export const stringArb: fc.Arbitrary<string> = fc.oneof(fc.string({ unit: "binary", maxLength: 12 }), fc.string({ maxLength: 12 }));

export const safeIntArb: fc.Arbitrary<number> = fc.oneof(fc.maxSafeInteger(), fc.integer({ min: -1000, max: 1000 }));

/** Builds a plain object with own data properties (an own `__proto__` key stays a key). */
export function objectFrom(entries: [string, unknown][]): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [k, v] of entries) Object.defineProperty(o, k, { value: v, writable: true, enumerable: true, configurable: true });
  return o;
}

export const jsonArb: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    safeIntArb,
    stringArb,
    tie("array"),
    tie("object"),
  ),
  array: fc.array(tie("value"), { maxLength: 5 }),
  object: fc.array(fc.tuple(keyArb, tie("value")), { maxLength: 6 }).map(objectFrom),
})).value;

/** A JSON object (the shape events have). */
export const jsonObjectArb: fc.Arbitrary<Record<string, unknown>> = fc
  .array(fc.tuple(keyArb, jsonArb), { maxLength: 6 })
  .map(objectFrom);

/** Copies a value, inserting object keys in reverse order (insertion order must not matter). */
export function reverseInsertion(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(reverseInsertion);
  if (v !== null && typeof v === "object") {
    const entries = Object.keys(v).map((k): [string, unknown] => [k, reverseInsertion((v as Record<string, unknown>)[k])]);
    return objectFrom(entries.reverse());
  }
  return v;
}

/** An independent oracle: code points compared as arrays, leaves by JSON.stringify. */
export function oracleEncode(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(oracleEncode).join(",")}]`;
  if (v !== null && typeof v === "object") {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o).sort((a, b) => {
      const x = Array.from(a, (c) => c.codePointAt(0) as number);
      const y = Array.from(b, (c) => c.codePointAt(0) as number);
      for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return (x[i] as number) - (y[i] as number);
      return x.length - y.length;
    });
    return `{${keys.map((k) => `${JSON.stringify(k)}:${oracleEncode(o[k])}`).join(",")}}`;
  }
  return JSON.stringify(Object.is(v, -0) ? 0 : v);
}
