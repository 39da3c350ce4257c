/**
 * Parsing received JSON text: the strict number rules and legacy numbers.
 *
 * Implements the receiving side of [Canonical JSON](https://spec.matrix.org/v1.19/appendices/#canonical-json):
 * from [room version 6](https://spec.matrix.org/v1.19/rooms/v6/#canonical-json) on, servers MUST
 * strictly enforce the format ("numeric values may no longer be formatted as
 * floats"), which can only be judged on the text, because `JSON.parse` cannot tell
 * `1.0` from `1`. In [room versions 1–5](https://spec.matrix.org/v1.19/rooms/v1/#canonical-json)
 * servers MUST NOT enforce it, and {@link parseLegacyJson} keeps every number token
 * exact so the event can still be re-encoded byte for byte.
 *
 * Decisions:
 * - `-0` is accepted by the strict rules: it is an integer token without fraction or
 *   exponent, its value is in range, and it re-encodes as `0` (Synapse reads it as
 *   the Python int 0 too).
 * - Duplicate keys: the last one wins by default, as in `JSON.parse` and Python's
 *   `json.loads`, so we agree with other servers on what an event says. Pass
 *   `rejectDuplicateKeys: true` to refuse them instead (`DUPLICATE_KEY`).
 * - Strings are not checked for unpaired surrogates here (`"\ud800"` is valid JSON
 *   text); the encoder rejects them when the event is hashed or signed.
 */

import { CanonicalJsonError, appendPath, type CanonicalJsonErrorCode } from "./errors.js";
import { LegacyNumber } from "./legacy-number.js";
import type { JsonValue, LegacyJsonValue } from "./types.js";

/** Options for {@link parseStrictJson}, {@link validateStrictJsonText} and {@link parseLegacyJson}. */
export interface ParseJsonOptions {
  /** Refuse objects that repeat a key (`DUPLICATE_KEY`) instead of keeping the last value. Default `false`. */
  rejectDuplicateKeys?: boolean;
}

/** The outcome of {@link validateStrictJsonText}: the parsed value, or why the text was refused. */
export type StrictJsonResult = { ok: true; value: JsonValue } | { ok: false; error: CanonicalJsonError };

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/**
 * Scans already-valid JSON text for number tokens that break the strict rules.
 * Returns true when every number token is a plain integer in the safe range.
 */
function numbersAreStrict(text: string): boolean {
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      // Skip the string: find a quote preceded by an even number of backslashes.
      let q = i;
      for (;;) {
        q = text.indexOf('"', q + 1);
        if (q === -1) return false; // cannot happen for valid JSON
        let b = q - 1;
        while (text.charCodeAt(b) === 92 /* \ */) b--;
        if ((q - 1 - b) % 2 === 0) break;
      }
      i = q + 1;
    } else if (c === 45 /* - */ || (c >= 48 && c <= 57)) {
      let j = i + 1;
      for (; j < n; j++) {
        const d = text.charCodeAt(j);
        if (d >= 48 && d <= 57) continue;
        if (d === 46 /* . */ || d === 101 /* e */ || d === 69 /* E */) return false;
        break;
      }
      if (j - i > 15 && Math.abs(Number(text.slice(i, j))) > MAX_SAFE) return false;
      i = j;
    } else {
      i++;
    }
  }
  return true;
}

type NumberMode = "strict" | "legacy";

/** A small recursive-descent JSON parser (RFC 8259) that tracks paths. */
class Parser {
  private i = 0;
  private readonly steps: (string | number)[] = [];

  constructor(
    private readonly text: string,
    private readonly numbers: NumberMode,
    private readonly rejectDuplicates: boolean,
  ) {}

  private path(): string {
    let p = "$";
    for (const s of this.steps) p = appendPath(p, s);
    return p;
  }

  private fail(code: CanonicalJsonErrorCode, message: string, offset = this.i): never {
    throw new CanonicalJsonError(code, `${message} (offset ${offset})`, {
      path: this.path(),
      offset,
      errcode: code === "INVALID_JSON" ? "M_NOT_JSON" : "M_BAD_JSON",
    });
  }

  private got(): string {
    return this.i >= this.text.length ? "end of text" : JSON.stringify(this.text[this.i]);
  }

  private ws(): void {
    const t = this.text;
    let c = t.charCodeAt(this.i);
    while (c === 32 || c === 10 || c === 13 || c === 9) c = t.charCodeAt(++this.i);
  }

  parseDocument(): unknown {
    try {
      return this.document();
    } catch (err) {
      if (!(err instanceof RangeError)) throw err;
      throw new CanonicalJsonError("NESTING_TOO_DEEP", "expected JSON nested less deeply than the call stack allows, got deeper nesting", {
        errcode: "M_BAD_JSON",
        cause: err,
      });
    }
  }

  private document(): unknown {
    this.ws();
    const v = this.value();
    this.ws();
    if (this.i !== this.text.length) this.fail("INVALID_JSON", `expected end of text, got ${this.got()}`);
    return v;
  }

  private value(): unknown {
    const c = this.text.charCodeAt(this.i);
    switch (c) {
      case 123 /* { */:
        return this.object();
      case 91 /* [ */:
        return this.array();
      case 34 /* " */:
        return this.string();
      case 116 /* t */:
        return this.literal("true", true);
      case 102 /* f */:
        return this.literal("false", false);
      case 110 /* n */:
        return this.literal("null", null);
      default:
        if (c === 45 || (c >= 48 && c <= 57)) return this.number();
        return this.fail("INVALID_JSON", `expected a JSON value, got ${this.got()}`);
    }
  }

  private literal(word: string, v: unknown): unknown {
    if (!this.text.startsWith(word, this.i)) this.fail("INVALID_JSON", `expected ${word}, got ${this.got()}`);
    this.i += word.length;
    return v;
  }

  private object(): Record<string, unknown> {
    const obj: Record<string, unknown> = {};
    const seen = this.rejectDuplicates ? new Set<string>() : undefined;
    this.i++;
    this.ws();
    if (this.text.charCodeAt(this.i) === 125 /* } */) {
      this.i++;
      return obj;
    }
    for (;;) {
      if (this.text.charCodeAt(this.i) !== 34) this.fail("INVALID_JSON", `expected a string key, got ${this.got()}`);
      const keyOffset = this.i;
      const key = this.string();
      this.ws();
      if (this.text.charCodeAt(this.i) !== 58 /* : */) this.fail("INVALID_JSON", `expected ":", got ${this.got()}`);
      this.i++;
      this.ws();
      this.steps.push(key);
      if (seen !== undefined) {
        if (seen.has(key)) this.fail("DUPLICATE_KEY", `expected each key once, got ${JSON.stringify(key)} again`, keyOffset);
        seen.add(key);
      }
      const v = this.value();
      this.steps.pop();
      if (key === "__proto__") {
        // An own data property, as JSON.parse creates; plain assignment would set the prototype.
        Object.defineProperty(obj, key, { value: v, writable: true, enumerable: true, configurable: true });
      } else {
        obj[key] = v;
      }
      this.ws();
      const c = this.text.charCodeAt(this.i);
      this.i++;
      if (c === 125 /* } */) return obj;
      if (c !== 44 /* , */) {
        this.i--;
        this.fail("INVALID_JSON", `expected "," or "}", got ${this.got()}`);
      }
      this.ws();
    }
  }

  private array(): unknown[] {
    const arr: unknown[] = [];
    this.i++;
    this.ws();
    if (this.text.charCodeAt(this.i) === 93 /* ] */) {
      this.i++;
      return arr;
    }
    for (;;) {
      this.steps.push(arr.length);
      arr.push(this.value());
      this.steps.pop();
      this.ws();
      const c = this.text.charCodeAt(this.i);
      this.i++;
      if (c === 93 /* ] */) return arr;
      if (c !== 44 /* , */) {
        this.i--;
        this.fail("INVALID_JSON", `expected "," or "]", got ${this.got()}`);
      }
      this.ws();
    }
  }

  private string(): string {
    const t = this.text;
    const start = ++this.i;
    // Fast scan: no escapes.
    for (let j = start; j < t.length; j++) {
      const c = t.charCodeAt(j);
      if (c === 34) {
        this.i = j + 1;
        return t.slice(start, j);
      }
      if (c === 92 || c < 0x20) break;
    }
    let out = "";
    let j = start;
    for (;;) {
      if (j >= t.length) {
        this.i = j;
        this.fail("INVALID_JSON", "expected a closing quote, got end of text");
      }
      const c = t.charCodeAt(j);
      if (c === 34) break;
      if (c < 0x20) {
        this.i = j;
        this.fail("INVALID_JSON", `expected an escaped control character, got raw U+${c.toString(16).padStart(4, "0")}`);
      }
      if (c !== 92) {
        out += t[j];
        j++;
        continue;
      }
      const e = t[j + 1];
      switch (e) {
        case '"': out += '"'; break;
        case "\\": out += "\\"; break;
        case "/": out += "/"; break;
        case "b": out += "\b"; break;
        case "f": out += "\f"; break;
        case "n": out += "\n"; break;
        case "r": out += "\r"; break;
        case "t": out += "\t"; break;
        case "u": {
          const hex = t.slice(j + 2, j + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
            this.i = j;
            this.fail("INVALID_JSON", `expected four hex digits after \\u, got ${JSON.stringify(hex)}`);
          }
          out += String.fromCharCode(parseInt(hex, 16));
          j += 4;
          break;
        }
        default:
          this.i = j;
          this.fail("INVALID_JSON", `expected a JSON escape (\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX), got ${JSON.stringify(`\\${e ?? ""}`)}`);
      }
      j += 2;
    }
    this.i = j + 1;
    return out;
  }

  private number(): number | LegacyNumber {
    const t = this.text;
    const start = this.i;
    let j = start;
    if (t.charCodeAt(j) === 45) j++;
    const intStart = j;
    while (j < t.length && t.charCodeAt(j) >= 48 && t.charCodeAt(j) <= 57) j++;
    if (j === intStart || (t.charCodeAt(intStart) === 48 && j - intStart > 1)) {
      this.i = start;
      this.fail("INVALID_JSON", `expected a number without leading zeros, got ${JSON.stringify(t.slice(start, Math.max(j, start + 1)))}`);
    }
    let integer = true;
    if (t.charCodeAt(j) === 46 /* . */) {
      integer = false;
      const f = ++j;
      while (j < t.length && t.charCodeAt(j) >= 48 && t.charCodeAt(j) <= 57) j++;
      if (j === f) {
        this.i = j;
        this.fail("INVALID_JSON", `expected a digit after ".", got ${this.got()}`);
      }
    }
    const e = t.charCodeAt(j);
    if (e === 101 || e === 69) {
      integer = false;
      j++;
      const s = t.charCodeAt(j);
      if (s === 43 || s === 45) j++;
      const d = j;
      while (j < t.length && t.charCodeAt(j) >= 48 && t.charCodeAt(j) <= 57) j++;
      if (j === d) {
        this.i = j;
        this.fail("INVALID_JSON", `expected a digit in the exponent, got ${this.got()}`);
      }
    }
    this.i = j;
    const raw = t.slice(start, j);
    const value = Number(raw);
    if (integer && Math.abs(value) <= MAX_SAFE) return value;
    if (this.numbers === "legacy") return new LegacyNumber(raw);
    if (!integer) this.fail("NON_INTEGER_NUMBER", `expected an integer without fraction or exponent, got ${raw}`, start);
    return this.fail("INTEGER_OUT_OF_RANGE", `expected an integer in [-(2**53)+1, (2**53)-1], got ${raw}`, start);
  }
}

/**
 * Parses JSON text under the strict canonical JSON number rules of room versions
 * 6 and later: every number token must be an integer with no fraction and no
 * exponent, in `[-(2**53)+1, (2**53)-1]`.
 *
 * Valid text is parsed by `JSON.parse` plus one cheap scan of the number tokens;
 * the path-tracking parser only runs to explain a rejection.
 *
 * @param text - JSON text as received (e.g. an event from federation or a client request body).
 * @param options - see {@link ParseJsonOptions}.
 * @returns the parsed value.
 * @throws {@link CanonicalJsonError} `NON_INTEGER_NUMBER` (`1.0`, `1e3`), `INTEGER_OUT_OF_RANGE`,
 *   `INVALID_JSON` (errcode `M_NOT_JSON`) or `DUPLICATE_KEY`, with `path` and `offset`.
 * @example
 * ```ts
 * parseStrictJson('{"depth": 12}');        // { depth: 12 }
 * parseStrictJson('{"content":{"n":1.0}}'); // throws NON_INTEGER_NUMBER at $.content.n
 * ```
 * @see https://spec.matrix.org/v1.19/rooms/v6/#canonical-json
 */
export function parseStrictJson(text: string, options?: ParseJsonOptions): JsonValue {
  const rejectDuplicates = options?.rejectDuplicateKeys === true;
  if (!rejectDuplicates) {
    let value: JsonValue;
    try {
      value = JSON.parse(text) as JsonValue;
    } catch (err) {
      // Report the syntax error (with its path) rather than any number problem before it.
      new Parser(text, "legacy", false).parseDocument();
      // Our parser accepted what JSON.parse refused: should not happen.
      throw new CanonicalJsonError("INVALID_JSON", "expected JSON text, got text JSON.parse refuses", { errcode: "M_NOT_JSON", cause: err });
    }
    if (numbersAreStrict(text)) return value;
  }
  return new Parser(text, "strict", rejectDuplicates).parseDocument() as JsonValue;
}

/**
 * Like {@link parseStrictJson}, but answers with a result instead of throwing: a
 * received event that breaks the rules is an expected "no" (the federation API
 * drops it; the client API answers `M_BAD_JSON`, see `error.errcode`).
 *
 * @param text - JSON text as received.
 * @param options - see {@link ParseJsonOptions}.
 * @returns `{ ok: true, value }` or `{ ok: false, error }` where `error` is a {@link CanonicalJsonError}.
 * @example
 * ```ts
 * const r = validateStrictJsonText('{"a":1e3}');
 * if (!r.ok) console.log(r.error.code, r.error.path); // NON_INTEGER_NUMBER $.a
 * ```
 * @see https://spec.matrix.org/v1.19/rooms/v6/#canonical-json
 */
export function validateStrictJsonText(text: string, options?: ParseJsonOptions): StrictJsonResult {
  try {
    return { ok: true, value: parseStrictJson(text, options) };
  } catch (err) {
    if (err instanceof CanonicalJsonError) return { ok: false, error: err };
    throw err;
  }
}

/**
 * Parses JSON text from a room version 1–5 event without losing any number.
 * Integer tokens that fit a double exactly (within ±(2**53−1)) become plain
 * numbers; every other token — a fraction or exponent (`1.0`, `5e-6`, which Python
 * reads as floats) or a bigger integer — becomes a {@link LegacyNumber} holding
 * the original token. Encode the result with `encodeCanonicalJson(value, { legacyNumbers: true })`
 * to reproduce the bytes Synapse hashed and signed.
 *
 * @param text - JSON text.
 * @param options - see {@link ParseJsonOptions}.
 * @returns the parsed value.
 * @throws {@link CanonicalJsonError} `INVALID_JSON` (or `DUPLICATE_KEY`) with `path` and `offset`.
 * @example
 * ```ts
 * const ev = parseLegacyJson('{"content":{"n":1.0,"big":12345678901234567890}}');
 * encodeCanonicalJson(ev, { legacyNumbers: true }); // '{"content":{"big":12345678901234567890,"n":1.0}}'
 * ```
 * @see https://spec.matrix.org/v1.19/rooms/v1/#canonical-json
 */
export function parseLegacyJson(text: string, options?: ParseJsonOptions): LegacyJsonValue {
  const rejectDuplicates = options?.rejectDuplicateKeys === true;
  if (!rejectDuplicates) {
    let value: LegacyJsonValue | undefined;
    try {
      value = JSON.parse(text) as LegacyJsonValue;
    } catch {
      value = undefined;
    }
    // JSON.parse is exact when every number token is a safe integer.
    if (value !== undefined && numbersAreStrict(text)) return value;
  }
  return new Parser(text, "legacy", rejectDuplicates).parseDocument() as LegacyJsonValue;
}
