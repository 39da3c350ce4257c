// Error conventions (Weft house style §4) for the signing package: bad input or
// misuse throws a SigningError with a stable `code`; a signature that does not
// verify is a returned value, never an exception.

/** The stable codes of {@link SigningError}, each with what it means. */
export const SIGNING_ERROR_CODES = {
  /** A seed that is not 32 bytes (or not valid base64). */
  INVALID_SEED: "seed is not 32 bytes",
  /** A key version that does not match `[a-zA-Z0-9_]+`. */
  INVALID_KEY_VERSION: "key version is not [a-zA-Z0-9_]+",
  /** A signing key file line that is not `ed25519 <version> <base64 seed>`. */
  INVALID_KEY_FILE: "signing key file is malformed",
  /** A public key that is not 32 bytes of base64. */
  INVALID_PUBLIC_KEY: "public key is not 32 bytes",
  /** A value to sign that is not a JSON object, or that has no canonical JSON form. */
  INVALID_JSON: "value cannot be signed as canonical JSON",
  /** An event that lacks what the operation needs (an object, `event_id` in v1–2, …). */
  INVALID_EVENT: "event is malformed",
  /** A key lookup passed to a synchronous function returned a promise. */
  ASYNC_KEY_LOOKUP: "key lookup returned a promise in a synchronous call",
  /** Options of the wrong type (e.g. a Keyring without a clock). */
  INVALID_OPTIONS: "options are invalid",
} as const;

/** One of the keys of {@link SIGNING_ERROR_CODES}. */
export type SigningErrorCode = keyof typeof SIGNING_ERROR_CODES;

/**
 * Thrown by `@weft/signing` for bad input or misuse (never for a signature that
 * merely fails to verify — that is a returned result).
 *
 * Recognise it with {@link isSigningError} (works across two copies of the package).
 *
 * @example
 * ```ts
 * try { signingKeyFromSeed(new Uint8Array(3), "1"); }
 * catch (err) { if (isSigningError(err)) console.log(err.code); } // INVALID_SEED
 * ```
 */
export class SigningError extends Error {
  override readonly name = "SigningError" as const;
  /** Stable code from {@link SIGNING_ERROR_CODES}. */
  readonly code: SigningErrorCode;
  /** The Matrix error code a server should answer with, when one fits. */
  readonly errcode: "M_BAD_JSON" | "M_INVALID_PARAM" | "M_UNKNOWN" | undefined;

  constructor(
    code: SigningErrorCode,
    message: string,
    options: { cause?: unknown; errcode?: "M_BAD_JSON" | "M_INVALID_PARAM" | "M_UNKNOWN" } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.errcode = options.errcode;
  }
}

/**
 * Whether `err` is a {@link SigningError}, by `name` and `code` as well as `instanceof`.
 *
 * @param err - anything caught.
 * @returns true for signing errors.
 * @example
 * ```ts
 * if (isSigningError(err) && err.code === "INVALID_KEY_FILE") process.exit(1);
 * ```
 */
export function isSigningError(err: unknown): err is SigningError {
  if (err instanceof SigningError) return true;
  if (typeof err !== "object" || err === null) return false;
  const e = err as { name?: unknown; code?: unknown };
  return e.name === "SigningError" && typeof e.code === "string" && e.code in SIGNING_ERROR_CODES;
}
