// Errors of @weft/e2ee-keys. Expected "no" answers (a bad signature in
// /keys/signatures/upload, a key that no longer exists) are values; bad
// input and misuse throw E2eeKeysError with a stable `code` and the Matrix
// `errcode` that fits: https://spec.matrix.org/v1.19/client-server-api/#standard-error-response

/** Stable error codes with their Matrix errcode. */
export const E2EE_KEYS_ERROR_CODES = {
  /** A key object's `user_id`/`device_id` does not match the uploader. */
  MISMATCHED_ID: "M_INVALID_PARAM",
  /** A key object lacks a field or has the wrong type. */
  BAD_JSON: "M_BAD_JSON",
  /** A signature the spec requires is missing or does not verify. */
  INVALID_SIGNATURE: "M_INVALID_SIGNATURE",
  /** A device's keys changed after they were first uploaded; a one-time key ID reused with different content. */
  KEY_CONFLICT: "M_INVALID_PARAM",
  /** A device ID collides with a cross-signing public key. */
  DEVICE_ID_COLLISION: "M_INVALID_PARAM",
  /** A self-signing or user-signing key arrived without a master key. */
  MISSING_MASTER_KEY: "M_INVALID_PARAM",
  /** Unknown backup version, session or room. */
  NOT_FOUND: "M_NOT_FOUND",
  /** Writing keys into a backup version that is not the current one. */
  WRONG_ROOM_KEYS_VERSION: "M_WRONG_ROOM_KEYS_VERSION",
  /** A parameter has a value the operation cannot take. */
  INVALID_PARAM: "M_INVALID_PARAM",
} as const;

/** A stable code from {@link E2EE_KEYS_ERROR_CODES}. */
export type E2eeKeysErrorCode = keyof typeof E2EE_KEYS_ERROR_CODES;

/**
 * Thrown for bad input. `errcode` is the Matrix error code to answer with;
 * `extra` holds additional response fields (e.g. `current_version`).
 *
 * @example
 * ```ts
 * try { await keys.uploadKeys(...) } catch (e) { if (isE2eeKeysError(e)) console.log(e.code, e.errcode); }
 * ```
 */
export class E2eeKeysError extends Error {
  override readonly name = "E2eeKeysError";
  readonly code: E2eeKeysErrorCode;
  readonly errcode: string;
  readonly extra: Readonly<Record<string, unknown>>;

  constructor(code: E2eeKeysErrorCode, message: string, options: { cause?: unknown; extra?: Record<string, unknown> } = {}) {
    super(message, options.cause !== undefined ? { cause: options.cause } : undefined);
    this.code = code;
    this.errcode = E2EE_KEYS_ERROR_CODES[code];
    this.extra = options.extra ?? {};
  }
}

/**
 * Recognises an {@link E2eeKeysError} by name as well as class (two copies of
 * the package may be loaded).
 * @example
 * ```ts
 * isE2eeKeysError(new E2eeKeysError("BAD_JSON", "expected …")); // true
 * ```
 */
export function isE2eeKeysError(value: unknown): value is E2eeKeysError {
  return value instanceof E2eeKeysError || (value instanceof Error && value.name === "E2eeKeysError" && typeof (value as { code?: unknown }).code === "string");
}
