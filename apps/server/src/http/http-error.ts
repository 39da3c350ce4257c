// Matrix errors on the wire: https://spec.matrix.org/v1.19/client-server-api/#standard-error-response
// Libraries throw MatrixError without a status; this table is where the
// server decides the HTTP status for each errcode.

import { MatrixError, type Errcode } from "@weft/common";

/** The HTTP status for each errcode the server sends. */
export const ERRCODE_STATUS: Readonly<Record<string, number>> = {
  M_FORBIDDEN: 403,
  M_UNKNOWN_TOKEN: 401,
  M_MISSING_TOKEN: 401,
  M_USER_LOCKED: 401,
  M_USER_SUSPENDED: 403,
  M_BAD_JSON: 400,
  M_NOT_JSON: 400,
  M_NOT_FOUND: 404,
  M_LIMIT_EXCEEDED: 429,
  M_UNRECOGNIZED: 404,
  M_UNKNOWN: 400,
  M_UNAUTHORIZED: 401,
  M_USER_DEACTIVATED: 403,
  M_USER_IN_USE: 400,
  M_INVALID_USERNAME: 400,
  M_ROOM_IN_USE: 400,
  M_INVALID_ROOM_STATE: 400,
  M_THREEPID_IN_USE: 400,
  M_THREEPID_NOT_FOUND: 400,
  M_THREEPID_AUTH_FAILED: 401,
  M_THREEPID_DENIED: 403,
  M_SERVER_NOT_TRUSTED: 403,
  M_UNSUPPORTED_ROOM_VERSION: 400,
  M_INCOMPATIBLE_ROOM_VERSION: 400,
  M_BAD_STATE: 400,
  M_GUEST_ACCESS_FORBIDDEN: 403,
  M_CAPTCHA_NEEDED: 401,
  M_CAPTCHA_INVALID: 400,
  M_MISSING_PARAM: 400,
  M_INVALID_PARAM: 400,
  M_TOO_LARGE: 413,
  M_EXCLUSIVE: 400,
  M_RESOURCE_LIMIT_EXCEEDED: 403,
  M_CANNOT_LEAVE_SERVER_NOTICE_ROOM: 403,
  M_THREEPID_MEDIUM_NOT_SUPPORTED: 400,
  M_WEAK_PASSWORD: 400,
  M_INVALID_SIGNATURE: 400,
  M_UNABLE_TO_AUTHORISE_JOIN: 400,
  M_UNABLE_TO_GRANT_JOIN: 502,
  M_CANNOT_OVERWRITE_MEDIA: 409,
  M_NOT_YET_UPLOADED: 504,
  M_WRONG_ROOM_KEYS_VERSION: 403,
  M_DUPLICATE_ANNOTATION: 400,
  M_UNKNOWN_POS: 400,
};

/**
 * A MatrixError whose HTTP status the server chooses explicitly (405 for a
 * wrong method, 401 for a user-interactive-auth challenge, 500s, …).
 */
export class HttpMatrixError extends MatrixError {
  constructor(
    readonly status: number,
    errcode: Errcode,
    message: string,
    options?: { cause?: unknown; extra?: Record<string, unknown> },
  ) {
    super(errcode, message, options);
  }
}

/** The status a MatrixError is sent with. */
export function statusForError(error: MatrixError): number {
  if (error instanceof HttpMatrixError) return error.status;
  const status = (error as { status?: unknown }).status;
  if (typeof status === "number") return status;
  return ERRCODE_STATUS[error.errcode] ?? 400;
}
