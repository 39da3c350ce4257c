/**
 * Canonical JSON encoder.
 *
 * Implements [Canonical JSON](https://spec.matrix.org/v1.19/appendices/#canonical-json)
 * (Matrix spec v1.19, Appendices): the shortest UTF-8 JSON encoding, object keys
 * sorted by Unicode code point, no insignificant whitespace, only the escapes the
 * grammar allows, and integers in `[-(2**53)+1, (2**53)-1]` only.
 *
 * Design: a fast encoder that builds the string with no path bookkeeping and, at
 * the first thing it does not like, gives up (throws an internal sentinel). The
 * reference encoder then runs from the top with full path tracking and cycle
 * detection and either throws the precise {@link CanonicalJsonError} or, in legacy
 * mode, produces the output. Valid input therefore pays almost nothing for
 * validation, and every error still carries its JSON path.
 */

import { CanonicalJsonError, appendPath, describe, type CanonicalJsonErrorCode } from "./errors.js";
import { LegacyNumber, formatPythonFloat } from "./legacy-number.js";

/** Options for {@link encodeCanonicalJson}. */
export interface EncodeCanonicalJsonOptions {
  /**
   * Room versions 1–5 only: accept {@link LegacyNumber} values (from
   * {@link parseLegacyJson}) and non-integer numbers, and emit them as Synapse
   * (Python `json.dumps`) did, so hashes and signatures of old events can be
   * checked. Default `false`: strict canonical JSON (room versions 6+).
   */
  legacyNumbers?: boolean;
}

/** Characters that need a closer look: controls, `"`, `\` and UTF-16 surrogates. */
const NEEDS_CARE = /[\u0000-\u001f"\\\ud800-\udfff]/;
/** Any UTF-16 surrogate code unit (paired or not). */
const SURROGATE = /[\ud800-\udfff]/;
/** An unpaired surrogate (with the `u` flag a valid pair is one code point above U+FFFF). */
const LONE_SURROGATE = /[\ud800-\udfff]/u;
/** Beyond this depth the fast path hands over to the reference encoder, which detects cycles. */
const MAX_FAST_DEPTH = 512;
/** Thrown by the fast path to hand over to the reference encoder. Never escapes this module. */
const BAIL: unique symbol = Symbol("canonical-json bail");

const OBJECT_PROTOTYPE: object = Object.prototype;
// Stateless; shared because constructing one per call costs more than the encoding.
const UTF8 = new TextEncoder();

/**
 * Tells whether a string holds an unpaired UTF-16 surrogate, which cannot be
 * encoded as UTF-8 and so has no canonical JSON form.
 *
 * @param s - any string.
 * @returns true when `s` is not well-formed UTF-16.
 * @example
 * ```ts
 * hasLoneSurrogate("\ud83d\ude00"); // false (a valid pair: 😀)
 * hasLoneSurrogate("\ud83d");       // true
 * ```
 */
export function hasLoneSurrogate(s: string): boolean {
  return LONE_SURROGATE.test(s);
}

/**
 * Compares two strings by Unicode code point, the order canonical JSON sorts keys
 * in. Plain `<` and `Array.prototype.sort()` compare UTF-16 code units, which
 * differs when one string has a character above U+FFFF (a surrogate pair) where
 * the other has one in U+E000–U+FFFF.
 *
 * @param a - first string.
 * @param b - second string.
 * @returns negative, zero or positive, like any comparator.
 * @example
 * ```ts
 * ["\uffff", "\u{10000}"].sort(compareByCodePoint); // ["\uffff", "\u{10000}"]
 * ["\uffff", "\u{10000}"].sort();                   // ["\u{10000}", "\uffff"] (UTF-16 order)
 * ```
 * @see https://spec.matrix.org/v1.19/appendices/#canonical-json
 */
export function compareByCodePoint(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x !== y) {
      // Move surrogates (U+D800–U+DFFF) above U+E000–U+FFFF: the code points they
      // encode are all above U+FFFF. Only the first difference matters.
      if (x >= 0xd800) x += x >= 0xe000 ? -0x800 : 0x2000;
      if (y >= 0xd800) y += y >= 0xe000 ? -0x800 : 0x2000;
      return x - y;
    }
  }
  return a.length - b.length;
}

// ---------------------------------------------------------------- fast path

function fastString(s: string): string {
  if (!NEEDS_CARE.test(s)) return `"${s}"`;
  if (LONE_SURROGATE.test(s)) throw BAIL;
  // Well-formed JSON.stringify (ES2019) escapes exactly as the grammar wants:
  // \b \t \n \f \r \" \\, lowercase \u00xx for other controls, nothing else.
  return JSON.stringify(s);
}

function fastValue(v: unknown, depth: number): string {
  switch (typeof v) {
    case "string":
      return fastString(v);
    case "number":
      // Also maps -0 to "0": String(-0) === "0".
      if (Number.isSafeInteger(v)) return `${v}`;
      throw BAIL;
    case "boolean":
      return v ? "true" : "false";
    case "object":
      if (v === null) return "null";
      if (depth >= MAX_FAST_DEPTH) throw BAIL;
      return Array.isArray(v) ? fastArray(v, depth + 1) : fastObject(v, depth + 1);
    default:
      throw BAIL;
  }
}

function fastArray(a: readonly unknown[], depth: number): string {
  const n = a.length;
  if (n === 0) return "[]";
  let out = "[";
  for (let i = 0; i < n; i++) {
    if (i !== 0) out += ",";
    const v = a[i];
    out += typeof v === "string" ? fastString(v) : fastValue(v, depth);
  }
  return out + "]";
}

function fastObject(o: object, depth: number): string {
  const proto: unknown = Object.getPrototypeOf(o);
  if (proto !== OBJECT_PROTOTYPE && proto !== null) throw BAIL;
  const keys = Object.keys(o);
  const n = keys.length;
  if (n === 0) return "{}";
  // UTF-16 order, which is code-point order unless a key has a surrogate: checked below.
  if (n > 1) keys.sort();
  let out = "{";
  for (let i = 0; i < n; i++) {
    const k = keys[i] as string;
    if (i !== 0) out += ",";
    if (!NEEDS_CARE.test(k)) {
      out += '"' + k + '":';
    } else {
      if (SURROGATE.test(k)) return fastObjectByCodePoint(o, keys, depth);
      out += JSON.stringify(k) + ":";
    }
    const v = (o as Record<string, unknown>)[k];
    if (typeof v === "string") out += fastString(v);
    else if (v === undefined) throw BAIL;
    else out += fastValue(v, depth);
  }
  return out + "}";
}

/** The rare case of a key with characters above U+FFFF: sort by code point. */
function fastObjectByCodePoint(o: object, keys: string[], depth: number): string {
  keys.sort(compareByCodePoint);
  let out = "{";
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as string;
    const v = (o as Record<string, unknown>)[k];
    if (v === undefined) throw BAIL;
    out += `${i === 0 ? "" : ","}${fastString(k)}:${fastValue(v, depth)}`;
  }
  return `${out}}`;
}

// ----------------------------------------------------------- reference path

/**
 * The reference encoder: a straightforward walk that tracks the JSON path and
 * the chain of enclosing containers, so it can name every problem precisely.
 */
class ReferenceEncoder {
  private readonly steps: (string | number)[] = [];
  private readonly ancestors: object[] = [];

  constructor(private readonly legacy: boolean) {}

  private path(upTo = this.steps.length): string {
    let p = "$";
    for (let i = 0; i < upTo; i++) p = appendPath(p, this.steps[i] as string | number);
    return p;
  }

  private fail(code: CanonicalJsonErrorCode, message: string): never {
    throw new CanonicalJsonError(code, message, { path: this.path(), errcode: "M_BAD_JSON" });
  }

  private string(s: string, what: string): string {
    if (LONE_SURROGATE.test(s)) {
      this.fail("LONE_SURROGATE", `expected ${what} of well-formed Unicode, got ${JSON.stringify(s)} with an unpaired surrogate`);
    }
    return NEEDS_CARE.test(s) ? JSON.stringify(s) : `"${s}"`;
  }

  private number(v: number): string {
    if (Number.isSafeInteger(v)) return `${v}`;
    if (!Number.isFinite(v)) this.fail("NON_FINITE_NUMBER", `expected a finite integer, got ${v}`);
    if (!Number.isInteger(v)) {
      if (this.legacy) return formatPythonFloat(v);
      this.fail("NON_INTEGER_NUMBER", `expected an integer, got ${describe(v)}`);
    }
    this.fail(
      "INTEGER_OUT_OF_RANGE",
      `expected an integer in [-(2**53)+1, (2**53)-1], got ${v}` +
        (this.legacy ? " (parse the JSON text with parseLegacyJson to keep big integers exact)" : ""),
    );
  }

  private legacyNumber(n: LegacyNumber): string {
    if (this.legacy) {
      try {
        return n.toPython();
      } catch {
        this.fail("NON_FINITE_NUMBER", `expected a finite number, got ${n.raw} (overflows a double)`);
      }
    }
    if (!n.isInteger) this.fail("NON_INTEGER_NUMBER", `expected an integer, got ${n.raw}`);
    const v = n.toNumber();
    if (!Number.isSafeInteger(v)) this.fail("INTEGER_OUT_OF_RANGE", `expected an integer in [-(2**53)+1, (2**53)-1], got ${n.raw}`);
    return `${v}`;
  }

  value(v: unknown): string {
    switch (typeof v) {
      case "string":
        return this.string(v, "a string");
      case "number":
        return this.number(v);
      case "boolean":
        return v ? "true" : "false";
      case "undefined":
        return this.fail("UNDEFINED_VALUE", "expected a JSON value, got undefined");
      case "object":
        if (v === null) return "null";
        return this.container(v);
      default:
        return this.fail("UNSUPPORTED_TYPE", `expected a JSON value, got ${describe(v)}`);
    }
  }

  private container(v: object): string {
    const seen = this.ancestors.indexOf(v);
    if (seen !== -1) {
      this.fail("CYCLE", `expected an acyclic value, got a reference back to ${this.path(seen)}`);
    }
    if (v instanceof LegacyNumber) return this.legacyNumber(v);
    const raw = foreignLegacyNumberToken(v);
    if (raw !== undefined) {
      let copy: LegacyNumber;
      try {
        copy = new LegacyNumber(raw);
      } catch {
        return this.fail("UNSUPPORTED_TYPE", `expected a LegacyNumber holding a JSON number token, got ${JSON.stringify(raw)}`);
      }
      return this.legacyNumber(copy);
    }
    this.ancestors.push(v);
    const out = Array.isArray(v) ? this.array(v) : this.object(v);
    this.ancestors.pop();
    return out;
  }

  private array(a: readonly unknown[]): string {
    let out = "[";
    for (let i = 0; i < a.length; i++) {
      this.steps.push(i);
      out += (i === 0 ? "" : ",") + this.value(a[i]);
      this.steps.pop();
    }
    return `${out}]`;
  }

  private object(o: object): string {
    const proto: unknown = Object.getPrototypeOf(o);
    if (proto !== OBJECT_PROTOTYPE && proto !== null) {
      this.fail("NON_PLAIN_OBJECT", `expected a plain object or array, got ${describe(o)}`);
    }
    const keys = Object.keys(o).sort(compareByCodePoint);
    let out = "{";
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i] as string;
      this.steps.push(k);
      const ks = this.string(k, "a key");
      out += `${i === 0 ? "" : ","}${ks}:${this.value((o as Record<string, unknown>)[k])}`;
      this.steps.pop();
    }
    return `${out}}`;
  }
}

/**
 * The token of a LegacyNumber from another copy of this package (recognised by
 * class name and a string `raw`); it is re-validated by constructing our own.
 */
function foreignLegacyNumberToken(v: object): string | undefined {
  const raw = (v as { raw?: unknown }).raw;
  if (typeof raw !== "string" || (v as { constructor?: { name?: unknown } }).constructor?.name !== "LegacyNumber") return undefined;
  return raw;
}

function encodeSlow(value: unknown, legacy: boolean): string {
  try {
    return new ReferenceEncoder(legacy).value(value);
  } catch (err) {
    if (err instanceof RangeError) {
      throw new CanonicalJsonError("NESTING_TOO_DEEP", "expected a value nested less deeply than the call stack allows, got deeper nesting", {
        errcode: "M_BAD_JSON",
        cause: err,
      });
    }
    throw err;
  }
}

/**
 * Encodes a value as Matrix canonical JSON.
 *
 * Accepts `null`, booleans, strings, safe integers, arrays and plain objects
 * (prototype `Object.prototype` or `null`, e.g. anything `JSON.parse` returns,
 * including an own `__proto__` key). Keys are sorted by Unicode code point;
 * `-0` is written `0`. Nothing is ever dropped: anything `JSON.stringify` would
 * skip or coerce (undefined, functions, `toJSON`, Dates, NaN) is an error.
 * Only own enumerable string-keyed properties are JSON data: symbol-keyed and
 * non-enumerable properties are not read (checking for them would cost ~10% of
 * the encoding time, and no JSON source can produce them).
 *
 * @param value - the value to encode.
 * @param options - `legacyNumbers: true` for room versions 1–5 (see {@link EncodeCanonicalJsonOptions}).
 * @returns the canonical JSON text.
 * @throws {@link CanonicalJsonError} with `code` NON_INTEGER_NUMBER, INTEGER_OUT_OF_RANGE,
 *   NON_FINITE_NUMBER, LONE_SURROGATE, UNDEFINED_VALUE, UNSUPPORTED_TYPE, NON_PLAIN_OBJECT,
 *   CYCLE or NESTING_TOO_DEEP, and the JSON `path` of the offending value.
 * @example
 * ```ts
 * encodeCanonicalJson({ b: "2", a: "1", n: -0 }); // '{"a":"1","b":"2","n":0}'
 * ```
 * @see https://spec.matrix.org/v1.19/appendices/#canonical-json
 */
export function encodeCanonicalJson(value: unknown, options?: EncodeCanonicalJsonOptions): string {
  try {
    return fastValue(value, 0);
  } catch (err) {
    if (err !== BAIL && !(err instanceof RangeError)) throw err;
  }
  return encodeSlow(value, options?.legacyNumbers === true);
}

/**
 * Encodes a value as canonical JSON, as UTF-8 bytes: what gets hashed and signed.
 *
 * @param value - the value to encode.
 * @param options - as for {@link encodeCanonicalJson}.
 * @returns the UTF-8 encoding of {@link encodeCanonicalJson}'s output.
 * @throws {@link CanonicalJsonError} as {@link encodeCanonicalJson} does.
 * @example
 * ```ts
 * encodeCanonicalJsonBytes({ a: "日" }); // Uint8Array [123, 34, 97, 34, 58, 34, 230, 151, 165, 34, 125]
 * ```
 * @see https://spec.matrix.org/v1.19/appendices/#canonical-json
 */
export function encodeCanonicalJsonBytes(value: unknown, options?: EncodeCanonicalJsonOptions): Uint8Array {
  return UTF8.encode(encodeCanonicalJson(value, options));
}

/**
 * The reference encoder on its own (always tracks paths, never takes the fast
 * path). Exposed for tests that check the fast path against it.
 * @internal
 */
export function encodeCanonicalJsonReference(value: unknown, options?: EncodeCanonicalJsonOptions): string {
  return encodeSlow(value, options?.legacyNumbers === true);
}
