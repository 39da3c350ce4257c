/**
 * Rejections, each with its stable code and JSON path: the encoder
 * (https://spec.matrix.org/v1.19/appendices/#canonical-json), the strict number
 * rules of room versions 6+ (https://spec.matrix.org/v1.19/rooms/v6/#canonical-json)
 * and base64 decoding (https://spec.matrix.org/v1.19/appendices/#unpadded-base64).
 */
import { describe, expect, test } from "vitest";
import {
  CanonicalJsonError,
  LegacyNumber,
  decodeBase64,
  encodeCanonicalJson,
  isCanonicalJsonError,
  parseLegacyJson,
  parseStrictJson,
  validateStrictJsonText,
  type CanonicalJsonErrorCode,
} from "../src/index.js";

function caught(fn: () => unknown): CanonicalJsonError {
  try {
    fn();
  } catch (err) {
    if (err instanceof CanonicalJsonError) return err;
    throw err;
  }
  throw new Error("expected a CanonicalJsonError, got no error");
}

class Foo {
  a = 1;
}
const cycle: Record<string, unknown> = { a: { b: [] } };
((cycle.a as { b: unknown[] }).b).push(cycle.a);
const selfCycle: Record<string, unknown> = {};
selfCycle.self = selfCycle;
// eslint-disable-next-line no-sparse-arrays
const sparse = [, 1];

const encoderCases: [why: string, value: unknown, code: CanonicalJsonErrorCode, path: string][] = [
  ["float value", { content: { body: 1.5 } }, "NON_INTEGER_NUMBER", "$.content.body"],
  ["2**53 is one past the range", { depth: 2 ** 53 }, "INTEGER_OUT_OF_RANGE", "$.depth"],
  ["-(2**53) is one past the range", { depth: -(2 ** 53) }, "INTEGER_OUT_OF_RANGE", "$.depth"],
  ["1e21 (JSON.stringify would write an exponent)", [1e21], "INTEGER_OUT_OF_RANGE", "$[0]"],
  ["NaN", { a: NaN }, "NON_FINITE_NUMBER", "$.a"],
  ["Infinity", { a: [Infinity] }, "NON_FINITE_NUMBER", "$.a[0]"],
  ["-Infinity", -Infinity, "NON_FINITE_NUMBER", "$"],
  ["lone high surrogate in a value", { content: { body: "a\ud800" } }, "LONE_SURROGATE", "$.content.body"],
  ["lone low surrogate in a key", { "\udc00": 1 }, "LONE_SURROGATE", '$["\\udc00"]'],
  ["surrogates in the wrong order", ["\udc00\ud800"], "LONE_SURROGATE", "$[0]"],
  ["undefined member", { a: 1, b: undefined }, "UNDEFINED_VALUE", "$.b"],
  ["undefined array element", { prev_events: ["$a", undefined] }, "UNDEFINED_VALUE", "$.prev_events[1]"],
  ["array hole", sparse, "UNDEFINED_VALUE", "$[0]"],
  ["undefined at the top", undefined, "UNDEFINED_VALUE", "$"],
  ["function", { f: () => 1 }, "UNSUPPORTED_TYPE", "$.f"],
  ["toJSON is not honoured: it is a function member", { x: { toJSON: () => 1 } }, "UNSUPPORTED_TYPE", "$.x.toJSON"],
  ["symbol value", { s: Symbol("s") }, "UNSUPPORTED_TYPE", "$.s"],
  ["bigint", { n: 1n }, "UNSUPPORTED_TYPE", "$.n"],
  ["Date", { ts: new Date(0) }, "NON_PLAIN_OBJECT", "$.ts"],
  ["Map", { m: new Map() }, "NON_PLAIN_OBJECT", "$.m"],
  ["class instance", { content: { foo: new Foo() } }, "NON_PLAIN_OBJECT", "$.content.foo"],
  ["object with a custom prototype", { o: Object.create({ inherited: 1 }) }, "NON_PLAIN_OBJECT", "$.o"],
  ["boxed string", { s: new String("x") }, "NON_PLAIN_OBJECT", "$.s"],
  ["Uint8Array", { b: new Uint8Array(2) }, "NON_PLAIN_OBJECT", "$.b"],
  ["cycle through an array", cycle, "CYCLE", "$.a.b[0]"],
  ["object containing itself", selfCycle, "CYCLE", "$.self"],
  ["legacy float token in strict mode", { n: new LegacyNumber("1.0") }, "NON_INTEGER_NUMBER", "$.n"],
  ["legacy big integer in strict mode", { n: new LegacyNumber("12345678901234567890") }, "INTEGER_OUT_OF_RANGE", "$.n"],
  [
    "paths quote keys that are not identifiers",
    { content: { "m.relates_to": { rel_type: 0.5 } } },
    "NON_INTEGER_NUMBER",
    '$.content["m.relates_to"].rel_type',
  ],
  [
    "paths through signatures",
    { signatures: { "example.com": { "ed25519:1": NaN } } },
    "NON_FINITE_NUMBER",
    '$.signatures["example.com"]["ed25519:1"]',
  ],
];

describe("encodeCanonicalJson rejects, never drops", () => {
  test.each(encoderCases)("%s", (_why, value, code, path) => {
    const err = caught(() => encodeCanonicalJson(value));
    expect({ code: err.code, path: err.path }).toEqual({ code, path });
    expect(err.errcode).toBe("M_BAD_JSON");
    expect(err.message).toMatch(/^expected .*, got .* at \$/);
  });

  test("the first error in key order is reported, beyond the fast path's depth too", () => {
    let deep: unknown = { z: 1.5, a: 1 };
    for (let i = 0; i < 600; i++) deep = [deep];
    const err = caught(() => encodeCanonicalJson(deep));
    expect(err.code).toBe("NON_INTEGER_NUMBER");
    expect(err.path).toBe(`$${"[0]".repeat(600)}.z`);
  });

  test("a cycle deeper than the fast path's limit is still found", () => {
    const root: Record<string, unknown> = {};
    let node = root;
    for (let i = 0; i < 700; i++) {
      const next: Record<string, unknown> = {};
      node.n = next;
      node = next;
    }
    node.back = root;
    expect(caught(() => encodeCanonicalJson(root)).code).toBe("CYCLE");
  });

  test("nesting deeper than the call stack is NESTING_TOO_DEEP, not a RangeError", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(caught(() => encodeCanonicalJson(deep)).code).toBe("NESTING_TOO_DEEP");
  });

  test("accepted: range limits, -0, null prototypes, shared (acyclic) references, deep acyclic nesting", () => {
    expect(encodeCanonicalJson([2 ** 53 - 1, -(2 ** 53 - 1), -0])).toBe("[9007199254740991,-9007199254740991,0]");
    const bare = Object.create(null) as Record<string, unknown>;
    bare.b = 1;
    bare.a = null;
    expect(encodeCanonicalJson(bare)).toBe('{"a":null,"b":1}');
    const shared = { x: 1 };
    expect(encodeCanonicalJson({ a: shared, b: [shared, shared] })).toBe('{"a":{"x":1},"b":[{"x":1},{"x":1}]}');
    let deep: unknown = {};
    for (let i = 0; i < 2000; i++) deep = { d: deep };
    expect(encodeCanonicalJson(deep)).toBe(`${'{"d":'.repeat(2000)}{}${"}".repeat(2000)}`);
    expect(encodeCanonicalJson({ n: new LegacyNumber("-0"), m: new LegacyNumber("42") })).toBe('{"m":42,"n":0}');
  });

  test("escapes exactly per the grammar", () => {
    const s = "\u0000\u0007\b\t\n\u000b\f\r\u000e\u001f \"\\/\u007f\u0080\u2028\u2029\ufeff😀";
    expect(encodeCanonicalJson(s)).toBe(
      '"\\u0000\\u0007\\b\\t\\n\\u000b\\f\\r\\u000e\\u001f \\"\\\\/\u007f\u0080\u2028\u2029\ufeff😀"',
    );
  });

  test("keys: code point order, not UTF-16 order; integer-like keys as strings", () => {
    expect(encodeCanonicalJson({ "\u{10000}": 1, "\uffff": 2, "\ue000": 3, "\ud7ff": 4 })).toBe(
      '{"\ud7ff":4,"\ue000":3,"\uffff":2,"\u{10000}":1}',
    );
    expect(encodeCanonicalJson({ 10: "a", 2: "b", 1: "c", b: 1, "": 0 })).toBe('{"":0,"1":"c","10":"a","2":"b","b":1}');
  });
});

describe("legacy numbers in the encoder", () => {
  test("floats are spelled as Python did; big integers stay exact", () => {
    const v = parseLegacyJson('{"a":1.0,"b":1E16,"c":0.00001,"d":-12345678901234567890123,"e":2.50,"f":1e2,"g":-0.0}');
    expect(encodeCanonicalJson(v, { legacyNumbers: true })).toBe(
      '{"a":1.0,"b":1e+16,"c":1e-05,"d":-12345678901234567890123,"e":2.5,"f":100.0,"g":-0.0}',
    );
  });

  test("plain non-integer numbers are accepted in legacy mode, ambiguous big ones are not", () => {
    expect(encodeCanonicalJson({ x: 0.5, y: 3 }, { legacyNumbers: true })).toBe('{"x":0.5,"y":3}');
    const err = caught(() => encodeCanonicalJson({ x: 1e20 }, { legacyNumbers: true }));
    expect([err.code, err.path]).toEqual(["INTEGER_OUT_OF_RANGE", "$.x"]);
  });

  test("a float token that overflows a double cannot be re-encoded", () => {
    const err = caught(() => encodeCanonicalJson(parseLegacyJson('{"a":[1e400]}'), { legacyNumbers: true }));
    expect([err.code, err.path]).toEqual(["NON_FINITE_NUMBER", "$.a[0]"]);
  });

  test("other errors are still errors in legacy mode", () => {
    const err = caught(() => encodeCanonicalJson({ a: "\ud800" }, { legacyNumbers: true }));
    expect([err.code, err.path]).toEqual(["LONE_SURROGATE", "$.a"]);
  });
});

const strictCases: [why: string, text: string, code: CanonicalJsonErrorCode, path: string][] = [
  ["decimal point", '{"content":{"n":1.0}}', "NON_INTEGER_NUMBER", "$.content.n"],
  ["lowercase exponent", '{"a":[1,2e3]}', "NON_INTEGER_NUMBER", "$.a[1]"],
  ["uppercase exponent", '{"a":1E3}', "NON_INTEGER_NUMBER", "$.a"],
  ["negative exponent", '{"a":-5e-1}', "NON_INTEGER_NUMBER", "$.a"],
  ["2**53", '{"depth":9007199254740992}', "INTEGER_OUT_OF_RANGE", "$.depth"],
  ["-(2**53)", '{"depth":-9007199254740992}', "INTEGER_OUT_OF_RANGE", "$.depth"],
  ["a huge integer", "[123456789012345678901234567890]", "INTEGER_OUT_OF_RANGE", "$[0]"],
  ["trailing comma", '{"a":1,}', "INVALID_JSON", "$"],
  ["leading zero", '{"a":[01]}', "INVALID_JSON", "$.a[0]"],
  ["unterminated", '{"a":[1,2', "INVALID_JSON", "$.a"],
  ["syntax error after a float: syntax wins", '{"a":1.5,"b":}', "INVALID_JSON", "$.b"],
  ["NaN literal", '{"a":NaN}', "INVALID_JSON", "$.a"],
  ["raw control character in a string", '{"a":"x\ny"}', "INVALID_JSON", "$.a"],
  ["bad escape", '{"a":"\\x"}', "INVALID_JSON", "$.a"],
];

describe("strict number rules on received text (room versions 6+)", () => {
  test.each(strictCases)("%s", (_why, text, code, path) => {
    const err = caught(() => parseStrictJson(text));
    expect({ code: err.code, path: err.path }).toEqual({ code, path });
    expect(err.errcode).toBe(code === "INVALID_JSON" ? "M_NOT_JSON" : "M_BAD_JSON");
    expect(err.offset).toBeTypeOf("number");
    const r = validateStrictJsonText(text);
    expect(r.ok ? null : [r.error.code, r.error.path]).toEqual([code, path]);
  });

  test("accepted: boundaries, -0, whitespace, numbers inside strings and keys", () => {
    expect(parseStrictJson(' { "a" : [ 9007199254740991 , -9007199254740991 , -0 ] } ')).toEqual({
      a: [9007199254740991, -9007199254740991, -0],
    });
    expect(parseStrictJson('{"1.5e3":"2.0E5","q\\"1.0":"\\\\","x":1}')).toEqual({ "1.5e3": "2.0E5", 'q"1.0': "\\", x: 1 });
    expect(validateStrictJsonText("[1,2,3]")).toEqual({ ok: true, value: [1, 2, 3] });
  });

  test("duplicate keys: last wins by default, DUPLICATE_KEY on request", () => {
    const text = '{"a":{"b":1,"b":2}}';
    expect(parseStrictJson(text)).toEqual({ a: { b: 2 } });
    expect(parseLegacyJson(text)).toEqual({ a: { b: 2 } });
    const err = caught(() => parseStrictJson(text, { rejectDuplicateKeys: true }));
    expect([err.code, err.path]).toEqual(["DUPLICATE_KEY", "$.a.b"]);
    expect(caught(() => parseLegacyJson(text, { rejectDuplicateKeys: true })).code).toBe("DUPLICATE_KEY");
  });

  test("__proto__ stays an own key in every parser", () => {
    const text = '{"__proto__":{"polluted":1},"a":1.5}';
    const legacy = parseLegacyJson(text) as Record<string, unknown>;
    expect(Object.getPrototypeOf(legacy)).toBe(Object.prototype);
    expect(Object.keys(legacy)).toEqual(["__proto__", "a"]);
    expect(encodeCanonicalJson(legacy, { legacyNumbers: true })).toBe('{"__proto__":{"polluted":1},"a":1.5}');
    const strict = parseStrictJson('{"__proto__":{"polluted":1}}', { rejectDuplicateKeys: true }) as Record<string, unknown>;
    expect(Object.keys(strict)).toEqual(["__proto__"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

const base64Cases: [why: string, text: string, offset: number | undefined][] = [
  ["invalid character", "Zm9v!A", 4],
  ["whitespace", "Zm9v YmE", 4],
  ["newline", "Zm9v\nYmE", 4],
  ["non-ASCII character", "Zm9v日A", 4],
  ["impossible length (4n+1)", "Zm9vY", undefined],
  ["one character", "Z", undefined],
  ["padding that does not complete a group", "Zg=", 2],
  ["padding after a full group", "Zm9v=", 4],
  ["too much padding", "Z===", 1],
  ["padding in the middle", "Zg==Zg==", 2],
];

describe("decodeBase64 rejects what is not base64", () => {
  test.each(base64Cases)("%s", (_why, text, offset) => {
    const err = caught(() => decodeBase64(text));
    expect(err.code).toBe("INVALID_BASE64");
    expect(err.offset).toBe(offset);
    expect(err.path).toBe("$");
  });

  test("lenient where the spec asks: padding optional, both alphabets, non-zero trailing bits", () => {
    expect(decodeBase64("Zg==")).toEqual(decodeBase64("Zg"));
    expect(decodeBase64("Zh")).toEqual(new Uint8Array([0x66]));
    expect(decodeBase64("-_8")).toEqual(new Uint8Array([0xfb, 0xff]));
    expect(decodeBase64("+/8=")).toEqual(new Uint8Array([0xfb, 0xff]));
    expect(decodeBase64("")).toEqual(new Uint8Array(0));
  });
});

describe("isCanonicalJsonError", () => {
  test("recognises errors from another copy of the package by name and code", () => {
    const foreign = Object.assign(new Error("x"), { name: "CanonicalJsonError", code: "CYCLE" });
    expect(isCanonicalJsonError(foreign)).toBe(true);
    expect(isCanonicalJsonError(Object.assign(new Error("x"), { name: "CanonicalJsonError", code: "NOPE" }))).toBe(false);
    expect(isCanonicalJsonError(new TypeError("x"))).toBe(false);
    expect(isCanonicalJsonError(caught(() => encodeCanonicalJson(NaN)))).toBe(true);
  });
});

describe("two copies of the package", () => {
  test("a LegacyNumber from another copy is recognised by name and re-validated", () => {
    class LegacyNumberCopy {
      constructor(readonly raw: string) {}
    }
    Object.defineProperty(LegacyNumberCopy, "name", { value: "LegacyNumber" });
    expect(encodeCanonicalJson({ n: new LegacyNumberCopy("1.0") }, { legacyNumbers: true })).toBe('{"n":1.0}');
    expect(caught(() => encodeCanonicalJson({ n: new LegacyNumberCopy("1.0") })).code).toBe("NON_INTEGER_NUMBER");
    const bad = caught(() => encodeCanonicalJson({ n: new LegacyNumberCopy(" 1") }, { legacyNumbers: true }));
    expect([bad.code, bad.path]).toEqual(["UNSUPPORTED_TYPE", "$.n"]);
  });
});

describe("very deep JSON text", () => {
  test("the path-tracking parser reports NESTING_TOO_DEEP instead of a RangeError", () => {
    const text = `${"[".repeat(200_000)}1.5${"]".repeat(200_000)}`;
    expect(caught(() => parseStrictJson(text)).code).toBe("NESTING_TOO_DEEP");
  });
});
