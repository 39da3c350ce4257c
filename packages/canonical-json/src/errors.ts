/**
 * Errors raised by `@weft/canonical-json`.
 *
 * Implements the error conventions for the
 * [Canonical JSON](https://spec.matrix.org/v1.19/appendices/#canonical-json) and
 * [Unpadded Base64](https://spec.matrix.org/v1.19/appendices/#unpadded-base64)
 * appendices: every rejection carries a stable `code`, a JSON `path` and a
 * message of the form "expected …, got …".
 */

/**
 * The stable error codes of {@link CanonicalJsonError}, each with what it means.
 * Match on the key (`err.code === "NON_INTEGER_NUMBER"`), never on the message.
 */
export const CANONICAL_JSON_ERROR_CODES = {
  /** A number that is not an integer: a float value, or a `.`, `e` or `E` in a number token. */
  NON_INTEGER_NUMBER: "number is not an integer",
  /** An integer outside `[-(2**53)+1, (2**53)-1]`. */
  INTEGER_OUT_OF_RANGE: "integer outside [-(2**53)+1, (2**53)-1]",
  /** `NaN`, `Infinity` or `-Infinity` (or a legacy number token that overflows to infinity). */
  NON_FINITE_NUMBER: "number is NaN or infinite",
  /** A key or string value containing an unpaired UTF-16 surrogate, which has no UTF-8 encoding. */
  LONE_SURROGATE: "string contains an unpaired surrogate",
  /** `undefined` as an object member or array element (including array holes). */
  UNDEFINED_VALUE: "value is undefined",
  /** A function, symbol or bigint value. */
  UNSUPPORTED_TYPE: "value has a type JSON cannot represent",
  /** An object whose prototype is neither `Object.prototype` nor `null` (class instances, Dates, Maps …). */
  NON_PLAIN_OBJECT: "object is not a plain object",
  /** An object or array that contains itself. */
  CYCLE: "value contains a reference cycle",
  /** Nesting deeper than the JavaScript call stack allows. */
  NESTING_TOO_DEEP: "value is nested too deeply",
  /** JSON text that is not valid JSON (RFC 8259). */
  INVALID_JSON: "text is not valid JSON",
  /** JSON text with the same key twice in one object (only when duplicate keys are rejected). */
  DUPLICATE_KEY: "object has a duplicate key",
  /** A string that is not valid (unpadded or padded, standard or URL-safe) base64. */
  INVALID_BASE64: "text is not valid base64",
} as const;

/** One of the keys of {@link CANONICAL_JSON_ERROR_CODES}. */
export type CanonicalJsonErrorCode = keyof typeof CANONICAL_JSON_ERROR_CODES;

/** Options accepted by the {@link CanonicalJsonError} constructor. */
export interface CanonicalJsonErrorOptions {
  /** Where in the value or text the problem is, e.g. `$.content.body` (`$` is the root). */
  path?: string;
  /** The Matrix error code a server should answer with, when one fits. */
  errcode?: "M_BAD_JSON" | "M_NOT_JSON";
  /** For JSON text: the UTF-16 offset of the offending character or token. */
  offset?: number;
  /** The underlying error, if any. */
  cause?: unknown;
}

/**
 * Thrown when a value cannot be encoded as canonical JSON, when JSON text breaks
 * the strict (room version 6+) number rules, or when base64 text is invalid.
 *
 * Recognise it with {@link isCanonicalJsonError} (which also works across two
 * copies of this package) or `instanceof`.
 *
 * @example
 * ```ts
 * try {
 *   encodeCanonicalJson({ content: { n: 1.5 } });
 * } catch (err) {
 *   if (isCanonicalJsonError(err)) console.log(err.code, err.path); // NON_INTEGER_NUMBER $.content.n
 * }
 * ```
 */
export class CanonicalJsonError extends Error {
  override readonly name = "CanonicalJsonError" as const;
  /** Stable code from {@link CANONICAL_JSON_ERROR_CODES}. */
  readonly code: CanonicalJsonErrorCode;
  /** JSON path of the offending value, e.g. `$.content["m.relates_to"].rel_type` or `$.prev_events[2]`. */
  readonly path: string;
  /** Matrix error code that fits (`M_BAD_JSON`, or `M_NOT_JSON` for unparsable text); undefined for base64 errors. */
  readonly errcode: "M_BAD_JSON" | "M_NOT_JSON" | undefined;
  /** UTF-16 offset into the input text, for errors found in text. */
  readonly offset: number | undefined;

  /**
   * @param code - stable error code.
   * @param message - "expected …, got …" (the path is appended by the constructor).
   * @param options - path, errcode, offset and cause.
   */
  constructor(code: CanonicalJsonErrorCode, message: string, options: CanonicalJsonErrorOptions = {}) {
    const path = options.path ?? "$";
    super(`${message} at ${path}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.path = path;
    this.errcode = options.errcode;
    this.offset = options.offset;
  }
}

/**
 * Tells whether `err` is a {@link CanonicalJsonError}, by `name` and `code` as well
 * as `instanceof`, so errors from another copy of the package are recognised too.
 *
 * @param err - anything caught.
 * @returns true when `err` is a canonical JSON error.
 * @example
 * ```ts
 * if (isCanonicalJsonError(err) && err.code === "NON_INTEGER_NUMBER") reject(err.path);
 * ```
 */
export function isCanonicalJsonError(err: unknown): err is CanonicalJsonError {
  if (err instanceof CanonicalJsonError) return true;
  if (typeof err !== "object" || err === null) return false;
  const e = err as { name?: unknown; code?: unknown };
  return e.name === "CanonicalJsonError" && typeof e.code === "string" && e.code in CANONICAL_JSON_ERROR_CODES;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * Appends one step to a JSON path: `.key` for identifier-like keys, `["key"]`
 * otherwise, `[i]` for array indices.
 * @internal
 */
export function appendPath(path: string, step: string | number): string {
  if (typeof step === "number") return `${path}[${step}]`;
  return IDENTIFIER.test(step) ? `${path}.${step}` : `${path}[${JSON.stringify(step)}]`;
}

/**
 * Describes a value briefly for an error message ("got …").
 * @internal
 */
export function describe(value: unknown): string {
  switch (typeof value) {
    case "undefined":
      return "undefined";
    case "function":
      return "a function";
    case "symbol":
      return `a symbol (${String(value)})`;
    case "bigint":
      return `a bigint (${value}n)`;
    case "number":
      return Object.is(value, -0) ? "-0" : String(value);
    case "string":
      return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
    case "object": {
      if (value === null) return "null";
      const proto: unknown = Object.getPrototypeOf(value);
      const ctor = (proto as { constructor?: { name?: unknown } } | null)?.constructor?.name;
      return typeof ctor === "string" && ctor !== "" ? `an instance of ${ctor}` : "an object with a non-plain prototype";
    }
    default:
      return String(value);
  }
}
