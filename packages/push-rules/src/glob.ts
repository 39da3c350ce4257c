// Glob-style matching (https://spec.matrix.org/v1.19/appendices/#glob-style-matching)
// as used by `event_match` and content rules
// (https://spec.matrix.org/v1.19/client-server-api/#conditions-1): `*` matches zero or
// more characters, `?` exactly one, everything else (brackets, backslashes, regex
// metacharacters, newlines) is literal; matching is case-insensitive; on
// `content.body` the pattern may match any substring that starts and ends at a word
// boundary.
//
// Decisions written down here:
// - No RegExp is ever built from user input. Patterns without `?` are matched by
//   splitting on `*` and searching the literal segments with `indexOf` (greedy,
//   leftmost: correct for globs because a `*` can absorb anything the earlier
//   segments left). Patterns with `?`, and inputs large enough that repeated
//   `indexOf` scans could cost pattern × value, run a bit-parallel NFA (Shift-And with
//   `*` self-loops) that is linear in the value times ⌈pattern/32⌉. Nothing backtracks.
// - "Character" means Unicode code point: `?` matches a whole surrogate pair, as in
//   Synapse's Rust regex engine.
// - Case-insensitivity: both sides are lower-cased with `toLowerCase()` and final
//   sigma `ς` is folded to `σ`. Word boundaries are then judged on the folded text
//   (the spec's word characters are ASCII `[A-Za-z0-9_]`); this only differs from
//   judging the original text for U+212A KELVIN SIGN and U+0130 (whose lower-case
//   forms contain ASCII letters).
// - A word-boundary match needs the character before the matched substring (if
//   any) and the character after it (if any) to be non-word characters, as
//   matrix-js-sdk does (Synapse also accepts a substring that itself begins or ends
//   with a non-word character next to a word character).

/** Above this value-length × pattern-length product, searches switch to the NFA. */
const INDEXOF_BUDGET = 1 << 20;

const STAR = -2;
const ANY = -1;

/** Whether a UTF-16 code unit is a spec word character `[A-Za-z0-9_]`. */
export function isWordCode(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95 || (c >= 65 && c <= 90);
}

/**
 * The case folding used on both patterns and values: `toLowerCase()`, then final
 * sigma to sigma.
 */
export function foldCase(s: string): string {
  const lower = s.toLowerCase();
  return lower.includes("\u03c2") ? lower.replaceAll("\u03c2", "\u03c3") : lower;
}

/**
 * A string value prepared for matching once and shared by every rule and user:
 * the folded text, and (lazily) the set of its words.
 */
export class PreparedText {
  /** The case-folded value. */
  readonly lower: string;
  #words: Set<string> | undefined;

  constructor(value: string) {
    this.lower = foldCase(value);
  }

  /** The maximal runs of word characters of the folded value. */
  words(): Set<string> {
    if (this.#words !== undefined) return this.#words;
    const words = new Set<string>();
    const s = this.lower;
    let start = -1;
    for (let i = 0; i < s.length; i++) {
      if (isWordCode(s.charCodeAt(i))) {
        if (start < 0) start = i;
      } else if (start >= 0) {
        words.add(s.slice(start, i));
        start = -1;
      }
    }
    if (start >= 0) words.add(start === 0 ? s : s.slice(start));
    this.#words = words;
    return words;
  }
}

function isStartBoundary(s: string, i: number): boolean {
  return i === 0 || !isWordCode(s.charCodeAt(i - 1));
}

/** Whether position i falls between the two halves of a surrogate pair. */
function isInsidePair(s: string, i: number): boolean {
  const lo = s.charCodeAt(i);
  const hi = s.charCodeAt(i - 1);
  return lo >= 0xdc00 && lo <= 0xdfff && hi >= 0xd800 && hi <= 0xdbff;
}

function isEndBoundary(s: string, j: number): boolean {
  return j === s.length || !isWordCode(s.charCodeAt(j));
}

/** Parses a (folded) pattern into code-point tokens, collapsing runs of `*`. */
function tokenize(folded: string, literal: boolean): number[] {
  const tokens: number[] = [];
  for (let i = 0; i < folded.length; i++) {
    let c = folded.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < folded.length) {
      const d = folded.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
        i++;
      }
    }
    if (!literal && c === 42) {
      if (tokens[tokens.length - 1] !== STAR) tokens.push(STAR);
    } else if (!literal && c === 63) tokens.push(ANY);
    else tokens.push(c);
  }
  return tokens;
}

/** The compiled bit-parallel NFA of a glob: state i = "i tokens consumed". */
class GlobNfa {
  readonly words: number;
  readonly acceptWord: number;
  readonly acceptBit: number;
  /** Bits to set when (re)starting: state 0, and state 1 if token 0 is `*`. */
  readonly startBits: number;
  readonly star: Uint32Array;
  readonly any: Uint32Array;
  readonly ascii: Uint32Array[];
  readonly other: Map<number, Uint32Array>;

  constructor(tokens: readonly number[]) {
    const m = tokens.length;
    const w = (m >>> 5) + 1;
    this.words = w;
    this.acceptWord = m >>> 5;
    this.acceptBit = 1 << (m & 31);
    this.startBits = tokens[0] === STAR ? 3 : 1;
    this.star = new Uint32Array(w);
    this.any = new Uint32Array(w);
    this.other = new Map();
    for (let i = 0; i < m; i++) {
      const t = tokens[i]!;
      if (t === STAR) this.star[i >>> 5]! |= 1 << (i & 31);
      else if (t === ANY) this.any[i >>> 5]! |= 1 << (i & 31);
    }
    this.ascii = [];
    for (let c = 0; c < 128; c++) this.ascii.push(this.any);
    for (let i = 0; i < m; i++) {
      const t = tokens[i]!;
      if (t < 0) continue;
      let mask = t < 128 ? this.ascii[t] : this.other.get(t);
      if (mask === undefined || mask === this.any) {
        mask = this.any.slice();
        if (t < 128) this.ascii[t] = mask;
        else this.other.set(t, mask);
      }
      mask[i >>> 5]! |= 1 << (i & 31);
    }
  }

  /** Runs over `s`; `words` selects the word-boundary substring search. */
  run(s: string, words: boolean): boolean {
    if (this.words === 1) return this.run1(s, words);
    const w = this.words;
    const star = this.star;
    let d = new Uint32Array(w);
    let nx = new Uint32Array(w);
    const n = s.length;
    if (!words) d[0] = this.startBits;
    for (let i = 0; ; ) {
      if (words) {
        if (isStartBoundary(s, i)) d[0]! |= this.startBits;
        if ((d[this.acceptWord]! & this.acceptBit) !== 0 && isEndBoundary(s, i)) return true;
      }
      if (i >= n) break;
      let c = s.charCodeAt(i++);
      if (c >= 0xd800 && c <= 0xdbff && i < n) {
        const e = s.charCodeAt(i);
        if (e >= 0xdc00 && e <= 0xdfff) {
          c = ((c - 0xd800) << 10) + (e - 0xdc00) + 0x10000;
          i++;
        }
      }
      const mask = c < 128 ? this.ascii[c]! : (this.other.get(c) ?? this.any);
      let carry = 0;
      for (let k = 0; k < w; k++) {
        const dk = d[k]!;
        const t = dk & mask[k]!;
        nx[k] = (t << 1) | carry | (dk & star[k]!);
        carry = t >>> 31;
      }
      carry = 0;
      let live = 0;
      for (let k = 0; k < w; k++) {
        const t = nx[k]! & star[k]!;
        const v = nx[k]! | (t << 1) | carry;
        nx[k] = v;
        carry = t >>> 31;
        live |= v;
      }
      const tmp = d;
      d = nx;
      nx = tmp;
      if (!words && live === 0) return false;
    }
    return !words && (d[this.acceptWord]! & this.acceptBit) !== 0;
  }

  private run1(s: string, words: boolean): boolean {
    const star = this.star[0]!;
    const ascii = this.ascii;
    const acceptBit = this.acceptBit;
    const startBits = this.startBits;
    const n = s.length;
    let d = words ? 0 : startBits;
    for (let i = 0; ; ) {
      if (words) {
        if (i === 0 || !isWordCode(s.charCodeAt(i - 1))) d |= startBits;
        if ((d & acceptBit) !== 0 && (i === n || !isWordCode(s.charCodeAt(i)))) return true;
      }
      if (i >= n) break;
      let c = s.charCodeAt(i++);
      if (c >= 0xd800 && c <= 0xdbff && i < n) {
        const e = s.charCodeAt(i);
        if (e >= 0xdc00 && e <= 0xdfff) {
          c = ((c - 0xd800) << 10) + (e - 0xdc00) + 0x10000;
          i++;
        }
      }
      const mask = c < 128 ? ascii[c]![0]! : (this.other.get(c) ?? this.any)[0]!;
      const t = d & mask;
      let nd = (t << 1) | (d & star);
      nd |= (nd & star) << 1;
      d = nd;
      if (!words && d === 0) return false;
    }
    return !words && (d & acceptBit) !== 0;
  }
}

/**
 * A compiled glob (or literal string), matched without backtracking. Instances are
 * immutable and safe to share.
 *
 * @example
 * ```ts
 * const g = GlobMatcher.compile("ex*ple");
 * g.matchWords(new PreparedText("An example event.")); // true
 * g.matchWhole(new PreparedText("EXAMPLE")); // true
 * ```
 * @see https://spec.matrix.org/v1.19/appendices/#glob-style-matching
 */
export class GlobMatcher {
  /** The pattern as given. */
  readonly source: string;
  /** The case-folded pattern. */
  readonly folded: string;
  /** No `*` and no `?`: a plain string. */
  readonly isLiteral: boolean;
  /** A literal made only of word characters: word-boundary matching is a word lookup. */
  readonly isWordLiteral: boolean;
  /** Contains `?`: always run the NFA. */
  readonly hasAny: boolean;
  /** The `*`-separated literal segments (only when there is no `?`). */
  readonly segments: readonly string[];
  readonly #tokens: readonly number[];
  #nfa: GlobNfa | undefined;

  private constructor(source: string, literal: boolean) {
    this.source = source;
    this.folded = foldCase(source);
    this.#tokens = tokenize(this.folded, literal);
    this.hasAny = this.#tokens.includes(ANY);
    const hasStar = this.#tokens.includes(STAR);
    this.isLiteral = !this.hasAny && !hasStar;
    this.segments = this.hasAny ? [] : literal ? [this.folded] : this.folded.split(/\*+/);
    let wordOnly = this.folded.length > 0;
    for (let i = 0; i < this.folded.length && wordOnly; i++) wordOnly = isWordCode(this.folded.charCodeAt(i));
    this.isWordLiteral = this.isLiteral && wordOnly;
  }

  /**
   * Compiles a glob pattern (`*` and `?` special).
   * @param pattern - the glob.
   * @returns the matcher.
   */
  static compile(pattern: string): GlobMatcher {
    return new GlobMatcher(pattern, false);
  }

  /**
   * Compiles a literal string (no special characters), e.g. a display name.
   * @param text - the literal.
   * @returns the matcher.
   */
  static literal(text: string): GlobMatcher {
    return new GlobMatcher(text, true);
  }

  #runNfa(s: string, words: boolean): boolean {
    this.#nfa ??= new GlobNfa(this.#tokens);
    return this.#nfa.run(s, words);
  }

  /**
   * Whether the pattern matches the entire value (case-insensitively).
   * @param text - the prepared value.
   * @returns true on a match.
   */
  matchWhole(text: PreparedText): boolean {
    const s = text.lower;
    if (this.isLiteral) return s === this.folded;
    if (this.hasAny) return this.#runNfa(s, false);
    const segs = this.segments;
    const first = segs[0]!;
    const last = segs[segs.length - 1]!;
    if (s.length < first.length + last.length) return false;
    if (!s.startsWith(first) || !s.endsWith(last)) return false;
    if (segs.length === 2) return true;
    if (s.length * this.folded.length > INDEXOF_BUDGET) return this.#runNfa(s, false);
    let pos = first.length;
    const end = s.length - last.length;
    for (let i = 1; i < segs.length - 1; i++) {
      const seg = segs[i]!;
      const at = s.indexOf(seg, pos);
      if (at < 0 || at + seg.length > end) return false;
      pos = at + seg.length;
    }
    return true;
  }

  /**
   * Whether the pattern matches a substring of the value that starts and ends at a
   * word boundary (the `content.body` rule).
   * @param text - the prepared value.
   * @returns true on a match.
   */
  matchWords(text: PreparedText): boolean {
    if (this.isWordLiteral) return text.words().has(this.folded);
    const s = text.lower;
    if (this.hasAny || s.length * this.folded.length > INDEXOF_BUDGET) return this.#runNfa(s, true);
    const segs = this.segments;
    if (segs.length === 1) {
      const lit = segs[0]!;
      if (lit === "") {
        // The empty pattern matches an empty substring between two boundaries.
        for (let at = 0; at <= s.length; at++) {
          if (isStartBoundary(s, at) && isEndBoundary(s, at) && !isInsidePair(s, at)) return true;
        }
        return false;
      }
      for (let at = s.indexOf(lit); at >= 0; at = s.indexOf(lit, at + 1)) {
        if (isStartBoundary(s, at) && isEndBoundary(s, at + lit.length)) return true;
      }
      return false;
    }
    // Leftmost occurrence of the first segment that starts at a boundary (a leading
    // `*` starts at 0, which always is one).
    const first = segs[0]!;
    let pos = 0;
    if (first !== "") {
      let at = s.indexOf(first);
      while (at >= 0 && !isStartBoundary(s, at)) at = s.indexOf(first, at + 1);
      if (at < 0) return false;
      pos = at + first.length;
    }
    for (let i = 1; i < segs.length - 1; i++) {
      const seg = segs[i]!;
      const at = s.indexOf(seg, pos);
      if (at < 0) return false;
      pos = at + seg.length;
    }
    // Any occurrence of the last segment from there that ends at a boundary (a
    // trailing `*` ends at the end of the value).
    const last = segs[segs.length - 1]!;
    if (last === "") return true;
    for (let at = s.indexOf(last, pos); at >= 0; at = s.indexOf(last, at + 1)) {
      if (isEndBoundary(s, at + last.length)) return true;
    }
    return false;
  }

  /** Test hook: match with the NFA regardless of the pattern's shape. */
  matchWithNfa(text: PreparedText, words: boolean): boolean {
    return this.#runNfa(text.lower, words);
  }
}
