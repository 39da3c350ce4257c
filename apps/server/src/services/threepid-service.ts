// Third-party identifiers: https://spec.matrix.org/v1.19/client-server-api/#adding-account-administrative-contact-information
// and the requestToken endpoints of registration and password reset. This
// server sends no email or SMS and trusts no identity server: it stores no
// 3PIDs (GET /account/3pid lists none, capability `m.3pid_changes` is false),
// and every request answers with the spec's error for that case.

import { HttpMatrixError } from "../http/http-error.js";

/** The media this server could validate (none: no email or SMS sending). */
export const THREEPID_MEDIA = ["email", "msisdn"] as const;
export type ThreepidMedium = (typeof THREEPID_MEDIA)[number];

/** What a requestToken request is for. */
export type RequestTokenPurpose = "register" | "account" | "password";

/** 3PID management on a server without 3PID support. */
export class ThreepidService {
  /**
   * `POST /{register,account/3pid,account/password}/{email,msisdn}/requestToken`.
   * Adding or registering with a 3PID: `M_THREEPID_MEDIUM_NOT_SUPPORTED`; a
   * password reset: `M_THREEPID_NOT_FOUND` (no account has a 3PID here).
   *
   * @throws {HttpMatrixError} always (400).
   * @example
   * ```ts
   * threepid.requestToken("account", "email"); // throws M_THREEPID_MEDIUM_NOT_SUPPORTED
   * ```
   */
  requestToken(purpose: RequestTokenPurpose, medium: ThreepidMedium): never {
    const what = medium === "email" ? "email addresses" : "phone numbers";
    if (purpose === "password") throw new HttpMatrixError(400, "M_THREEPID_NOT_FOUND", `no account on this server has ${what} to reset a password with`);
    throw new HttpMatrixError(400, "M_THREEPID_MEDIUM_NOT_SUPPORTED", `this server does not support ${what}`);
  }

  /**
   * `POST /account/3pid/add` and `/delete`: 3PID changes are disabled
   * (`m.3pid_changes` is false), answered 400 `M_FORBIDDEN` like other servers
   * with the capability off.
   *
   * @throws {HttpMatrixError} always (400).
   */
  changesDisabled(): never {
    throw new HttpMatrixError(400, "M_FORBIDDEN", "3PID changes are disabled on this server (m.3pid_changes is false)");
  }

  /**
   * `POST /account/3pid/bind`: this server trusts no identity server.
   *
   * @throws {HttpMatrixError} always (400 `M_SERVER_NOT_TRUSTED`, as the requestToken endpoints answer it).
   */
  bind(idServer: string): never {
    throw new HttpMatrixError(400, "M_SERVER_NOT_TRUSTED", `this server does not trust the identity server ${idServer}`);
  }

  /** `POST /account/3pid/unbind`: nothing was ever bound through this server, so it cannot unbind. */
  unbind(): { id_server_unbind_result: "no-support" } {
    return { id_server_unbind_result: "no-support" };
  }
}
