/** Unit tests for the encoder: https://spec.matrix.org/v1.19/appendices/#canonical-json */
import { describe, expect, test } from "vitest";
import { CanonicalJsonError, encodeCanonicalJson, encodeCanonicalJsonBytes } from "./index.js";

function codeAndPath(fn: () => unknown): { code: string; path: string } {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(CanonicalJsonError);
    const e = err as CanonicalJsonError;
    return { code: e.code, path: e.path };
  }
  throw new Error("expected a CanonicalJsonError");
}

describe("encodeCanonicalJson", () => {
  test("sorts keys and drops whitespace", () => {
    expect(encodeCanonicalJson({ b: "2", a: "1", n: -0 })).toBe('{"a":"1","b":"2","n":0}');
  });

  test("sorts integer-like keys as strings", () => {
    expect(encodeCanonicalJson(JSON.parse('{"2":1,"10":2,"a":3}'))).toBe('{"10":2,"2":1,"a":3}');
  });

  test("keeps an own __proto__ key from JSON.parse", () => {
    expect(encodeCanonicalJson(JSON.parse('{"__proto__":{"x":1},"a":1}'))).toBe('{"__proto__":{"x":1},"a":1}');
  });

  test("bytes are UTF-8", () => {
    expect(Array.from(encodeCanonicalJsonBytes({ a: "日" }))).toEqual([123, 34, 97, 34, 58, 34, 230, 151, 165, 34, 125]);
  });

  test("reports code and path", () => {
    expect(codeAndPath(() => encodeCanonicalJson({ content: { body: 1.5 } }))).toEqual({
      code: "NON_INTEGER_NUMBER",
      path: "$.content.body",
    });
  });
});
