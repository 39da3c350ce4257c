import { describe, expect, it } from "vitest";
import { parsePowerLevel } from "./power-levels.js";
import { roomVersionRules } from "./room-versions.js";

const v = roomVersionRules;

describe("parsePowerLevel (rooms/v1 deprecated content schemas, rooms/v10 integers)", () => {
  it.each(["1", "5", "6", "9", "10", "12"])("v%s reads integers", (version) => {
    expect(parsePowerLevel(100, v(version))).toBe(100);
    expect(parsePowerLevel(-5, v(version))).toBe(-5);
    expect(Object.is(parsePowerLevel(-0, v(version)), 0)).toBe(true);
  });

  // The spec's examples of integer strings.
  it.each([["100", 100], ["000100", 100], ["+100", 100], ["-100", -100], [" 100 ", 100], [" 00100 ", 100], [" +100 ", 100], [" -100 ", -100]])(
    "v1–9 read the string %j as %d",
    (s, n) => {
      for (const version of ["1", "9"]) expect(parsePowerLevel(s, v(version))).toBe(n);
    },
  );

  it.each(["1.5", "1e2", "", " ", "+-1", "abc", "0x10", "- 1"])("v1–9 reject the string %j", (s) => {
    expect(parsePowerLevel(s, v("9"))).toBeUndefined();
  });

  it("v10+ reject strings", () => {
    expect(parsePowerLevel("100", v("10"))).toBeUndefined();
    expect(parsePowerLevel("100", v("12"))).toBeUndefined();
  });

  it("v1–5 truncate floats (the spec's 50.57 and 5.114698E4 examples)", () => {
    expect(parsePowerLevel(50.57, v("1"))).toBe(50);
    expect(parsePowerLevel(5.114698e4, v("5"))).toBe(51146);
    expect(parsePowerLevel(-0.5, v("5"))).toBe(0);
    expect(parsePowerLevel(Number.POSITIVE_INFINITY, v("1"))).toBeUndefined();
  });

  it("v6+ reject floats", () => {
    expect(parsePowerLevel(50.57, v("6"))).toBeUndefined();
  });

  it.each([null, true, {}, [], undefined])("rejects %j", (value) => {
    expect(parsePowerLevel(value, v("1"))).toBeUndefined();
  });
});
