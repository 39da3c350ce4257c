// OpenID: https://spec.matrix.org/v1.19/client-server-api/#openid (tokens a
// user hands to a third party, e.g. a widget) and
// https://spec.matrix.org/v1.19/server-server-api/#openid (the third party
// exchanges the token for the user ID). Tokens are random, stored hashed, and
// live one hour.

import { createHash, randomBytes } from "node:crypto";
import { MatrixError } from "@weft/common";
import { insertOpenIdToken, openIdTokenUser } from "@weft/storage-pg";
import type { Requester } from "../http/route.js";
import type { ServiceContext } from "./index.js";

/** How long an OpenID token is valid. */
export const OPENID_TOKEN_LIFETIME_MS = 60 * 60 * 1000;

/** The token response (https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3useruseridopenidrequest_token). */
export interface OpenIdCredentials {
  access_token: string;
  token_type: "Bearer";
  matrix_server_name: string;
  expires_in: number;
}

/** Issues and checks OpenID tokens. */
export class OpenIdService {
  constructor(private readonly ctx: ServiceContext) {}

  /**
   * Issues a token proving the requester's identity.
   *
   * @throws {MatrixError} `M_FORBIDDEN` when `userId` is not the requester.
   * @example
   * ```ts
   * const { access_token } = await openid.requestToken(requester, requester.userId);
   * ```
   */
  async requestToken(requester: Requester, userId: string): Promise<OpenIdCredentials> {
    if (userId !== requester.userId) throw new MatrixError("M_FORBIDDEN", "cannot request OpenID tokens for other users");
    const token = randomBytes(32).toString("base64url");
    const now = this.ctx.now();
    await insertOpenIdToken(this.ctx.db, { tokenHash: hashToken(token), userId, expiresTs: now + OPENID_TOKEN_LIFETIME_MS, now });
    return { access_token: token, token_type: "Bearer", matrix_server_name: this.ctx.config.server_name, expires_in: OPENID_TOKEN_LIFETIME_MS / 1000 };
  }

  /**
   * The federation `GET /openid/userinfo`: who a token belongs to.
   *
   * @throws {MatrixError} `M_UNKNOWN_TOKEN` (401) for an unknown or expired token.
   */
  async userInfo(accessToken: string): Promise<{ sub: string }> {
    const userId = await openIdTokenUser(this.ctx.db, hashToken(accessToken), this.ctx.now());
    if (!userId) throw new MatrixError("M_UNKNOWN_TOKEN", "Access token unknown or expired");
    return { sub: userId };
  }
}

function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("base64url");
}
