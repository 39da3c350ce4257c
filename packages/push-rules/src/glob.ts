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
//   segments left). When value × pattern is large, the segment searches switch
//   from native `indexOf` (whose worst case is value × segment) to a KMP scan, which
//   is linear whatever the input. Patterns with `?` run a bit-parallel NFA (Shift-And
//   with `*` self-loops), linear in the value times ⌈pattern/32⌉, after a native
//   check that the pattern's literal runs occur at all. Nothing backtracks.
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

/** Slot of a two-character word start in the 128-bit filter of {@link PreparedText}. */
function pairSlot(c0: number, c1: number): number {
  return (c0 * 37 + c1) & 127;
}

/**
 * A string value prepared for matching once and shared by every rule and user:
 * the folded text, and (lazily) the set of its words with a small filter of how
 * they start.
 */
export class PreparedText {
  /** The case-folded value. */
  readonly lower: string;
  #words: Set<string> | undefined;
  /**
   * Built with the words: bits 0–127 mark each word's first character (exact,
   * word characters are ASCII), bits 128–255 a hash of its first two characters
   * (a Bloom filter: a clear bit means no word starts so).
   */
  #starts: Int32Array | undefined;

  constructor(value: string) {
    this.lower = foldCase(value);
  }

  /** The maximal runs of word characters of the folded value. */
  words(): Set<string> {
    if (this.#words !== undefined) return this.#words;
    const words = new Set<string>();
    const starts = new Int32Array(8);
    const s = this.lower;
    let start = -1;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (isWordCode(c)) {
        if (start < 0) {
          start = i;
          starts[c >>> 5]! |= 1 << (c & 31);
          const d = i + 1 < s.length ? s.charCodeAt(i + 1) : -1;
          if (d >= 0 && isWordCode(d)) {
            const h = pairSlot(c, d);
            starts[4 + (h >>> 5)]! |= 1 << (h & 31);
          }
        }
      } else if (start >= 0) {
        words.add(s.slice(start, i));
        start = -1;
      }
    }
    if (start >= 0) words.add(start === 0 ? s : s.slice(start));
    this.#words = words;
    this.#starts = starts;
    return words;
  }

  /**
   * Whether some word may start with the word character `c0` followed by the word
   * character `c1` (-1: any). False only when certainly not; always true until
   * {@link words} has been computed (this never computes it).
   */
  mayHaveWordStarting(c0: number, c1: number): boolean {
    const starts = this.#starts;
    if (starts === undefined) return true;
    if ((starts[c0 >>> 5]! & (1 << (c0 & 31))) === 0) return false;
    if (c1 < 0) return true;
    const h = pairSlot(c0, c1);
    return (starts[4 + (h >>> 5)]! & (1 << (h & 31))) !== 0;
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

function passes(s: string, start: number, end: number, check: number): boolean {
  return ((check & 1) === 0 || isStartBoundary(s, start)) && ((check & 2) === 0 || isEndBoundary(s, end));
}

/** KMP failure function of a non-empty literal. */
function failureTable(p: string): Int32Array {
  const f = new Int32Array(p.length);
  for (let i = 1, k = 0; i < p.length; i++) {
    while (k > 0 && p.charCodeAt(i) !== p.charCodeAt(k)) k = f[k - 1]!;
    if (p.charCodeAt(i) === p.charCodeAt(k)) k++;
    f[i] = k;
  }
  return f;
}

/** Knuth–Morris–Pratt scan for the first occurrence passing `check`: O(value + pattern). */
function kmpSearch(s: string, p: string, f: Int32Array, from: number, check: number): number {
  const m = p.length;
  for (let i = from, k = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    while (k > 0 && c !== p.charCodeAt(k)) k = f[k - 1]!;
    if (c === p.charCodeAt(k)) k++;
    if (k === m) {
      const start = i + 1 - m;
      if (passes(s, start, i + 1, check)) return start;
      k = f[k - 1]!;
    }
  }
  return -1;
}

/** The distinct literal runs of a token list, longest first (at most 4). */
function requiredRuns(tokens: readonly number[]): string[] {
  const runs = new Set<string>();
  let run = "";
  for (const t of tokens) {
    if (t >= 0) run += String.fromCodePoint(t);
    else {
      if (run !== "") runs.add(run);
      run = "";
    }
  }
  if (run !== "") runs.add(run);
  return [...runs].sort((a, b) => b.length - a.length).slice(0, 4);
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
    const d = new Uint32Array(w);
    const n = s.length;
    // Words above `hi` are all zero: states only move up one bit per character.
    let hi = 0;
    if (!words) d[0] = this.startBits;
    for (let i = 0; ; ) {
      if (words) {
        if (hi < 0) {
          // No live state: jump to the next position where a match may start.
          while (i < n && (isWordCode(s.charCodeAt(i - 1)) || isInsidePair(s, i))) i++;
          hi = 0;
        }
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
      // One pass per word: advance on the character, stay on `*`, then the epsilon
      // step out of each `*` (never chained: runs of `*` were collapsed).
      const top = hi + 1 < w ? hi + 1 : w - 1;
      let carry = 0;
      let carryStar = 0;
      let newHi = -1;
      for (let k = 0; k <= top; k++) {
        const dk = d[k]!;
        const t = dk & mask[k]!;
        let v = (t << 1) | carry | (dk & star[k]!);
        carry = t >>> 31;
        const e = v & star[k]!;
        v |= (e << 1) | carryStar;
        carryStar = e >>> 31;
        d[k] = v;
        if (v !== 0) newHi = k;
      }
      hi = newHi;
      if (hi < 0 && !words) return false;
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
        if (d === 0) while (i < n && (isWordCode(s.charCodeAt(i - 1)) || isInsidePair(s, i))) i++;
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
  /** The first one or two tokens when they are word characters (else -1): a match on word boundaries starts a word with them. */
  readonly #lead0: number;
  readonly #lead1: number;
  #nfa: GlobNfa | undefined;
  #required: string[] | undefined;
  #tables: Int32Array[] | undefined;
  #forceKmp = false;

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
    const t0 = this.#tokens[0] ?? -1;
    const t1 = this.#tokens[1] ?? -1;
    this.#lead0 = t0 >= 0 && t0 < 128 && isWordCode(t0) ? t0 : -1;
    this.#lead1 = this.#lead0 >= 0 && t1 >= 0 && t1 < 128 && isWordCode(t1) ? t1 : -1;
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
    // Every literal run of the pattern must occur somewhere: a cheap native check
    // that rejects most values before the NFA runs.
    const required = (this.#required ??= requiredRuns(this.#tokens));
    for (let i = 0; i < required.length; i++) if (!s.includes(required[i]!)) return false;
    this.#nfa ??= new GlobNfa(this.#tokens);
    return this.#nfa.run(s, words);
  }

  /**
   * Leftmost occurrence at or after `from` of segment `k` passing the boundary
   * check (`check`: 0 none, 1 start, 2 end, 3 both), or -1. Uses native `indexOf`
   * while value × pattern is small, and a KMP scan (linear, whatever the input)
   * above that.
   */
  #find(k: number, s: string, from: number, check: number, kmp: boolean): number {
    const seg = this.segments[k]!;
    if (!kmp) {
      for (let at = s.indexOf(seg, from); at >= 0; at = s.indexOf(seg, at + 1)) {
        if (passes(s, at, at + seg.length, check)) return at;
      }
      return -1;
    }
    // One native search finds the first occurrence (V8's indexOf is linear for a
    // single call); only if that one fails the boundary check does KMP continue.
    const first = s.indexOf(seg, from);
    if (first < 0 || passes(s, first, first + seg.length, check)) return first;
    this.#tables ??= [];
    const table = (this.#tables[k] ??= failureTable(seg));
    return kmpSearch(s, seg, table, first + 1, check);
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
    const kmp = this.#forceKmp || s.length * this.folded.length > INDEXOF_BUDGET;
    let pos = first.length;
    const end = s.length - last.length;
    for (let i = 1; i < segs.length - 1; i++) {
      const at = this.#find(i, s, pos, 0, kmp);
      if (at < 0 || at + segs[i]!.length > end) return false;
      pos = at + segs[i]!.length;
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
    // A match starting with word characters starts a word with them: reject via
    // the word-start filter when the words are already indexed.
    if (this.#lead0 >= 0 && !text.mayHaveWordStarting(this.#lead0, this.#lead1)) return false;
    const s = text.lower;
    if (this.hasAny) return this.#runNfa(s, true);
    const kmp = this.#forceKmp || s.length * this.folded.length > INDEXOF_BUDGET;
    const segs = this.segments;
    if (segs.length === 1) {
      if (segs[0] === "") {
        // The empty pattern matches an empty substring between two boundaries.
        for (let at = 0; at <= s.length; at++) {
          if (isStartBoundary(s, at) && isEndBoundary(s, at) && !isInsidePair(s, at)) return true;
        }
        return false;
      }
      return this.#find(0, s, 0, 3, kmp) >= 0;
    }
    // Leftmost occurrence of the first segment that starts at a boundary (a leading
    // `*` starts at 0, which always is one); greedy for the middle segments; then
    // any occurrence of the last segment that ends at a boundary (a trailing `*`
    // ends at the end of the value).
    let pos = 0;
    if (segs[0] !== "") {
      const at = this.#find(0, s, 0, 1, kmp);
      if (at < 0) return false;
      pos = at + segs[0]!.length;
    }
    for (let i = 1; i < segs.length - 1; i++) {
      const at = this.#find(i, s, pos, 0, kmp);
      if (at < 0) return false;
      pos = at + segs[i]!.length;
    }
    const lastIndex = segs.length - 1;
    return segs[lastIndex] === "" || this.#find(lastIndex, s, pos, 2, kmp) >= 0;
  }

  /** Test hook: match with the KMP path (patterns without `?`). */
  matchWithKmp(text: PreparedText, words: boolean): boolean {
    const saved = this.#forceKmp;
    this.#forceKmp = true;
    try {
      return words ? this.matchWords(text) : this.matchWhole(text);
    } finally {
      this.#forceKmp = saved;
    }
  }

  /** Test hook: match with the NFA regardless of the pattern's shape. */
  matchWithNfa(text: PreparedText, words: boolean): boolean {
    return this.#runNfa(text.lower, words);
  }
}
