/**
 * Lossless numbers for room versions 1–5.
 *
 * The [Canonical JSON](https://spec.matrix.org/v1.19/appendices/#canonical-json)
 * appendix warns that events in room versions 1, 2, 3, 4 and 5 "might not be fully
 * compliant" (floats, integers beyond 2**53), and
 * [room version 1](https://spec.matrix.org/v1.19/rooms/v1/#canonical-json) says servers
 * MUST NOT strictly enforce the format there. To check hashes and signatures of
 * such events we must re-encode their numbers exactly as the originating server
 * did. In practice that server was Synapse, whose canonical JSON is Python's
 * `json.dumps(..., sort_keys=True, separators=(",", ":"), ensure_ascii=False)`:
 * integer tokens become Python `int` (arbitrary precision, printed exactly) and any
 * token with a fraction or exponent becomes a Python `float`, printed with
 * `float.__repr__` (shortest round-trip digits, `.0` on integral values, exponent
 * form `1e+16` / `1e-05` outside `1e-4 <= |x| < 1e16`).
 */

import { CanonicalJsonError } from "./errors.js";

/** JSON (RFC 8259) number token grammar. */
const NUMBER_TOKEN = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;
const INTEGER_TOKEN = /^-?(?:0|[1-9][0-9]*)$/;

/**
 * A JSON number kept as its original token, produced by {@link parseLegacyJson}
 * so that nothing is lost (`1.0` stays distinct from `1`, `12345678901234567890`
 * keeps all its digits).
 *
 * @example
 * ```ts
 * const n = new LegacyNumber("1.0");
 * n.isInteger;   // false (Python would read it as a float)
 * n.toNumber();  // 1
 * n.toPython();  // "1.0"
 * ```
 * @see https://spec.matrix.org/v1.19/appendices/#canonical-json
 */
export class LegacyNumber {
  /** The number token exactly as it appeared in the JSON text. */
  readonly raw: string;

  /**
   * @param raw - a JSON number token (RFC 8259 grammar).
   * @throws {@link CanonicalJsonError} `INVALID_JSON` if `raw` is not a JSON number token.
   */
  constructor(raw: string) {
    if (!NUMBER_TOKEN.test(raw)) {
      throw new CanonicalJsonError("INVALID_JSON", `expected a JSON number token, got ${JSON.stringify(raw)}`, {
        errcode: "M_NOT_JSON",
      });
    }
    this.raw = raw;
  }

  /** True when the token has no fraction and no exponent (Python reads it as an `int`). */
  get isInteger(): boolean {
    return INTEGER_TOKEN.test(this.raw);
  }

  /** The nearest IEEE double (what `JSON.parse` would have produced). */
  toNumber(): number {
    return Number(this.raw);
  }

  /**
   * The exact integer value.
   * @throws {@link CanonicalJsonError} `NON_INTEGER_NUMBER` when the token has a fraction or exponent.
   */
  toBigInt(): bigint {
    if (!this.isInteger) {
      throw new CanonicalJsonError("NON_INTEGER_NUMBER", `expected an integer token, got ${this.raw}`);
    }
    return BigInt(this.raw);
  }

  /**
   * The number as Python's `json.dumps` re-emits it (see {@link formatLegacyNumber}).
   * @throws {@link CanonicalJsonError} `NON_FINITE_NUMBER` for float tokens that overflow to infinity.
   */
  toPython(): string {
    return formatLegacyNumber(this.raw);
  }

  /** `JSON.stringify` support: the original token's numeric value. */
  toJSON(): number {
    return this.toNumber();
  }

  /** The original token. */
  toString(): string {
    return this.raw;
  }
}

/**
 * Re-emits a JSON number token as Python's `json.dumps` does after `json.loads`:
 * integer tokens exactly (`-0` becomes `0`), other tokens as `repr(float(token))`.
 *
 * @param raw - a JSON number token.
 * @returns the Python spelling, e.g. `"1.0"` for `1.0`, `"1e+16"` for `1E16`, `"123456789012345678901"` unchanged.
 * @throws {@link CanonicalJsonError} `NON_FINITE_NUMBER` when a float token overflows (Python's canonical
 *   JSON encoder refuses infinities).
 * @example
 * ```ts
 * formatLegacyNumber("5E-6");  // "5e-06"
 * formatLegacyNumber("-0");    // "0"
 * ```
 */
export function formatLegacyNumber(raw: string): string {
  if (INTEGER_TOKEN.test(raw)) return raw === "-0" ? "0" : raw;
  const value = Number(raw);
  if (!Number.isFinite(value)) {
    throw new CanonicalJsonError("NON_FINITE_NUMBER", `expected a finite number, got ${raw} (overflows a double)`, {
      errcode: "M_BAD_JSON",
    });
  }
  return formatPythonFloat(value);
}

/**
 * Formats a double as Python's `float.__repr__` (and so `json.dumps`) does:
 * the shortest digits that round-trip, in positional form with at least one
 * fractional digit (`1.0`, `0.0001`, `1000000000000000.0`) when the decimal
 * exponent is in `[-4, 16)`, otherwise in exponent form with a sign and at least
 * two exponent digits (`1e+16`, `1e-05`, `1.5e+300`).
 *
 * @param value - a finite number.
 * @returns Python's `repr(value)`.
 * @throws {@link CanonicalJsonError} `NON_FINITE_NUMBER` for NaN and infinities.
 * @example
 * ```ts
 * formatPythonFloat(1);      // "1.0"
 * formatPythonFloat(1e16);   // "1e+16"
 * formatPythonFloat(0.00001) // "1e-05"
 * formatPythonFloat(-0);     // "-0.0"
 * ```
 */
export function formatPythonFloat(value: number): string {
  if (!Number.isFinite(value)) {
    throw new CanonicalJsonError("NON_FINITE_NUMBER", `expected a finite number, got ${value}`, {
      errcode: "M_BAD_JSON",
    });
  }
  if (value === 0) return Object.is(value, -0) ? "-0.0" : "0.0";
  // toExponential() without an argument gives the shortest round-trip digits,
  // the same digits as Python's repr (both pick the closest shortest string).
  const sci = value.toExponential();
  const negative = sci.charCodeAt(0) === 45; /* - */
  const e = sci.indexOf("e");
  const mantissa = sci.slice(negative ? 1 : 0, e);
  const exponent = Number(sci.slice(e + 1));
  const digits = mantissa.length > 1 ? mantissa[0] + mantissa.slice(2) : mantissa;
  // Python (Objects/floatobject.c, format_float_short with 'r'): with decpt the
  // position of the decimal point, exponent form iff decpt <= -4 or decpt > 16.
  const decpt = exponent + 1;
  let out: string;
  if (decpt <= -4 || decpt > 16) {
    const abs = Math.abs(exponent);
    out = `${mantissa}e${exponent < 0 ? "-" : "+"}${abs < 10 ? "0" : ""}${abs}`;
  } else if (decpt <= 0) {
    out = `0.${"0".repeat(-decpt)}${digits}`;
  } else if (decpt >= digits.length) {
    out = `${digits}${"0".repeat(decpt - digits.length)}.0`;
  } else {
    out = `${digits.slice(0, decpt)}.${digits.slice(decpt)}`;
  }
  return negative ? `-${out}` : out;
}
