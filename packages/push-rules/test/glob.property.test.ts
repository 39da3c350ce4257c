// Property tests for glob matching (https://spec.matrix.org/v1.19/appendices/#glob-style-matching
// and the content.body word-boundary rule of
// https://spec.matrix.org/v1.19/client-server-api/#conditions-1): the compiled
// matcher (both its indexOf path and its NFA) agrees with a naive exponential
// backtracking reference on small random patterns and values.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { foldCase, GlobMatcher, isWordCode, PreparedText } from "../src/glob.js";

/** Naive reference: code points, plain recursion, `*` tries every split. */
function refWhole(p: readonly string[], s: readonly string[]): boolean {
  if (p.length === 0) return s.length === 0;
  const [h, ...rest] = p;
  if (h === "*") {
    for (let i = 0; i <= s.length; i++) if (refWhole(rest, s.slice(i))) return true;
    return false;
  }
  if (s.length === 0) return false;
  return (h === "?" || h === s[0]) && refWhole(rest, s.slice(1));
}

/** A dynamic-programming reference (O(pattern × value)) for inputs too long for backtracking. */
function dpWhole(p: readonly string[], s: readonly string[]): boolean {
  let row = new Array<boolean>(s.length + 1).fill(false);
  row[0] = true;
  for (const h of p) {
    const next = new Array<boolean>(s.length + 1).fill(false);
    for (let j = 0; j <= s.length; j++) {
      if (h === "*") next[j] = row[j]! || (j > 0 && next[j - 1]!);
      else next[j] = j > 0 && row[j - 1]! && (h === "?" || h === s[j - 1]);
    }
    row = next;
  }
  return row[s.length]!;
}

function isWordChar(c: string | undefined): boolean {
  return c !== undefined && c.length === 1 && isWordCode(c.charCodeAt(0));
}

/** Reference word-boundary search: some substring [a, b) bounded by non-word characters. */
function refWords(p: readonly string[], s: readonly string[]): boolean {
  for (let a = 0; a <= s.length; a++) {
    if (a > 0 && isWordChar(s[a - 1])) continue;
    for (let b = a; b <= s.length; b++) {
      if (b < s.length && isWordChar(s[b])) continue;
      if (refWhole(p, s.slice(a, b))) return true;
    }
  }
  return false;
}

const alphabet = ["a", "b", "A", "_", " ", "-", "\n", "é", "🎉", "[", "\\", "."];
const valueArb = fc.array(fc.constantFrom(...alphabet), { maxLength: 14 }).map((a) => a.join(""));
const patternArb = fc.array(fc.constantFrom(...alphabet, "*", "?", "*", "?"), { maxLength: 8 }).map((a) => a.join(""));

function check(pattern: string, value: string): void {
  const p = [...foldCase(pattern)];
  const s = [...foldCase(value)];
  const g = GlobMatcher.compile(pattern);
  const t = new PreparedText(value);
  const whole = refWhole(p, s);
  const words = refWords(p, s);
  expect(g.matchWhole(t), `whole ${JSON.stringify(pattern)} ~ ${JSON.stringify(value)}`).toBe(whole);
  expect(g.matchWords(t), `words ${JSON.stringify(pattern)} ~ ${JSON.stringify(value)}`).toBe(words);
  if (!pattern.includes("?")) {
    expect(g.matchWithKmp(t, false), `kmp whole ${JSON.stringify(pattern)} ~ ${JSON.stringify(value)}`).toBe(whole);
    expect(g.matchWithKmp(t, true), `kmp words ${JSON.stringify(pattern)} ~ ${JSON.stringify(value)}`).toBe(words);
  }
  expect(g.matchWithNfa(t, false), `nfa whole ${JSON.stringify(pattern)} ~ ${JSON.stringify(value)}`).toBe(whole);
  expect(g.matchWithNfa(t, true), `nfa words ${JSON.stringify(pattern)} ~ ${JSON.stringify(value)}`).toBe(words);
  // With the word index built first, matchWords also consults the word-start filter.
  const indexed = new PreparedText(value);
  indexed.words();
  expect(g.matchWords(indexed), `indexed words ${JSON.stringify(pattern)} ~ ${JSON.stringify(value)}`).toBe(words);
  if (!pattern.includes("?")) expect(g.matchWithKmp(indexed, true), `indexed kmp words ${JSON.stringify(pattern)} ~ ${JSON.stringify(value)}`).toBe(words);
}

describe("glob matcher vs naive reference", () => {
  it("the DP reference agrees with the backtracking reference", () => {
    fc.assert(fc.property(patternArb, valueArb, (p, v) => dpWhole([...p], [...v]) === refWhole([...p], [...v])), { numRuns: 1000 });
  });

  it("agrees on random patterns and values", () => {
    fc.assert(fc.property(patternArb, valueArb, (p, v) => check(p, v)), { numRuns: 3000 });
  });

  it("agrees when the value is built to contain the pattern", () => {
    fc.assert(
      fc.property(patternArb, valueArb, valueArb, (p, pre, post) => {
        const filled = p.replaceAll("*", "ab").replaceAll("?", "x");
        check(p, `${pre}${filled}${post}`);
      }),
      { numRuns: 2000 },
    );
  });

  it("agrees for literal matchers (display names)", () => {
    fc.assert(
      fc.property(valueArb, valueArb, (lit, v) => {
        const g = GlobMatcher.literal(lit);
        const t = new PreparedText(v);
        const p = [...foldCase(lit)];
        expect(g.matchWords(t)).toBe(refWords(p, [...foldCase(v)]));
        expect(g.matchWithNfa(t, true)).toBe(refWords(p, [...foldCase(v)]));
        expect(g.matchWithKmp(t, true)).toBe(refWords(p, [...foldCase(v)]));
      }),
      { numRuns: 1000 },
    );
  });

  it("NFA agrees with the reference for patterns longer than 32 tokens (multi-word state)", () => {
    const longPattern = fc.array(fc.constantFrom("a", "b", "*", "?"), { minLength: 30, maxLength: 70 }).map((a) => a.join(""));
    const longValue = fc.array(fc.constantFrom("a", "b", " "), { minLength: 30, maxLength: 60 }).map((a) => a.join(""));
    fc.assert(
      fc.property(longPattern, longValue, (p, v) => {
        const g = GlobMatcher.compile(p);
        const t = new PreparedText(v);
        expect(g.matchWithNfa(t, false)).toBe(dpWhole([...p], [...v]));
        expect(g.matchWhole(t)).toBe(dpWhole([...p], [...v]));
      }),
      { numRuns: 300 },
    );
  });
});
