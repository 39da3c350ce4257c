// The standard error codes of https://spec.matrix.org/v1.19/client-server-api/#standard-error-response
// and the error class every Weft package uses for protocol-level failures.

/** Error codes from the spec (common and other error codes). */
export const ERRCODES = [
  "M_FORBIDDEN", "M_UNKNOWN_TOKEN", "M_MISSING_TOKEN", "M_USER_LOCKED", "M_USER_SUSPENDED",
  "M_BAD_JSON", "M_NOT_JSON", "M_NOT_FOUND", "M_LIMIT_EXCEEDED", "M_UNRECOGNIZED", "M_UNKNOWN",
  "M_UNAUTHORIZED", "M_USER_DEACTIVATED", "M_USER_IN_USE", "M_INVALID_USERNAME", "M_ROOM_IN_USE",
  "M_INVALID_ROOM_STATE", "M_THREEPID_IN_USE", "M_THREEPID_NOT_FOUND", "M_THREEPID_AUTH_FAILED",
  "M_THREEPID_DENIED", "M_SERVER_NOT_TRUSTED", "M_UNSUPPORTED_ROOM_VERSION",
  "M_INCOMPATIBLE_ROOM_VERSION", "M_BAD_STATE", "M_GUEST_ACCESS_FORBIDDEN", "M_CAPTCHA_NEEDED",
  "M_CAPTCHA_INVALID", "M_MISSING_PARAM", "M_INVALID_PARAM", "M_TOO_LARGE", "M_EXCLUSIVE",
  "M_RESOURCE_LIMIT_EXCEEDED", "M_CANNOT_LEAVE_SERVER_NOTICE_ROOM", "M_THREEPID_MEDIUM_NOT_SUPPORTED",
  "M_WEAK_PASSWORD", "M_INVALID_SIGNATURE", "M_UNABLE_TO_AUTHORISE_JOIN",
  "M_UNABLE_TO_GRANT_JOIN", "M_CANNOT_OVERWRITE_MEDIA", "M_NOT_YET_UPLOADED", "M_WRONG_ROOM_KEYS_VERSION",
  "M_DUPLICATE_ANNOTATION", "M_CONNECTION_FAILED", "M_CONNECTION_TIMEOUT", "M_UNKNOWN_POS",
] as const;

/** A spec error code, or any other `M_`-prefixed or namespaced code. */
export type Errcode = (typeof ERRCODES)[number] | (string & {});

/**
 * A protocol-level error carrying a Matrix `errcode`. Libraries throw it for bad
 * input; the server maps `errcode` to an HTTP status. Recognise it with
 * {@link isMatrixError} (works across duplicate copies of this package).
 *
 * @example
 * ```ts
 * throw new MatrixError("M_INVALID_PARAM", "expected a user ID, got \"bob\"");
 * ```
 */
export class MatrixError extends Error {
  override readonly name = "MatrixError";
  /** The Matrix error code, e.g. `M_FORBIDDEN`. */
  readonly errcode: Errcode;
  /** Extra top-level keys for the error response body (e.g. `retry_after_ms`). */
  readonly extra: Readonly<Record<string, unknown>>;

  constructor(errcode: Errcode, message: string, options?: { cause?: unknown; extra?: Record<string, unknown> }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.errcode = errcode;
    this.extra = options?.extra ?? {};
  }

  /** The spec's error body: `{ errcode, error, ...extra }`. */
  toJSON(): { errcode: string; error: string } & Record<string, unknown> {
    return { ...this.extra, errcode: this.errcode, error: this.message };
  }
}

/** Whether `value` is a {@link MatrixError}, by `name` and shape as well as `instanceof`. */
export function isMatrixError(value: unknown): value is MatrixError {
  return (
    value instanceof MatrixError ||
    (value instanceof Error && value.name === "MatrixError" && typeof (value as { errcode?: unknown }).errcode === "string")
  );
}
