/**
 * Unit tests for legacy numbers (room versions 1–5):
 * https://spec.matrix.org/v1.19/appendices/#canonical-json, https://spec.matrix.org/v1.19/rooms/v1/#canonical-json
 */
import { describe, expect, test } from "vitest";
import { CanonicalJsonError, LegacyNumber, formatLegacyNumber, formatPythonFloat } from "./index.js";

describe("formatPythonFloat (Python float.__repr__)", () => {
  test.each([
    [1, "1.0"],
    [0, "0.0"],
    [-0, "-0.0"],
    [0.1, "0.1"],
    [1.5, "1.5"],
    [100, "100.0"],
    [1e15, "1000000000000000.0"],
    [1e16, "1e+16"],
    [1.5e16, "1.5e+16"],
    [0.0001, "0.0001"],
    [0.00001, "1e-05"],
    [1.25e-7, "1.25e-07"],
    [1e300, "1e+300"],
    [5e-324, "5e-324"],
    [1.7976931348623157e308, "1.7976931348623157e+308"],
    [123456.789, "123456.789"],
    [-2.5, "-2.5"],
  ])("%s -> %s", (x, expected) => {
    expect(formatPythonFloat(x)).toBe(expected);
  });

  test("refuses NaN and infinities", () => {
    expect(() => formatPythonFloat(NaN)).toThrow(CanonicalJsonError);
    expect(() => formatPythonFloat(Infinity)).toThrow(/expected a finite number, got Infinity/);
  });
});

describe("formatLegacyNumber", () => {
  test("integer tokens are kept exactly; -0 becomes 0 (Python int)", () => {
    expect(formatLegacyNumber("123456789012345678901234567890")).toBe("123456789012345678901234567890");
    expect(formatLegacyNumber("-0")).toBe("0");
  });

  test("fraction and exponent tokens are Python floats", () => {
    expect(formatLegacyNumber("1E2")).toBe("100.0");
    expect(formatLegacyNumber("-0.0")).toBe("-0.0");
    expect(formatLegacyNumber("5E-6")).toBe("5e-06");
    expect(() => formatLegacyNumber("1e999")).toThrow(expect.objectContaining({ code: "NON_FINITE_NUMBER" }));
  });
});

describe("LegacyNumber", () => {
  test("keeps the token and answers questions about it", () => {
    const f = new LegacyNumber("1.0");
    expect([f.raw, f.isInteger, f.toNumber(), f.toPython(), String(f), JSON.stringify({ f })]).toEqual([
      "1.0",
      false,
      1,
      "1.0",
      "1.0",
      '{"f":1}',
    ]);
    const big = new LegacyNumber("-12345678901234567890");
    expect([big.isInteger, big.toBigInt(), big.toPython()]).toEqual([true, -12345678901234567890n, "-12345678901234567890"]);
    expect(() => f.toBigInt()).toThrow(expect.objectContaining({ code: "NON_INTEGER_NUMBER" }));
  });

  test("only accepts JSON number tokens", () => {
    for (const bad of ["", "01", "1.", ".5", "+1", "NaN", "1e", "0x10", " 1"]) {
      expect(() => new LegacyNumber(bad)).toThrow(expect.objectContaining({ code: "INVALID_JSON" }));
    }
  });
});
