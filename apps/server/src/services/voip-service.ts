// VoIP: https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3voipturnserver
// — TURN credentials for calls. With `turn.uris` and `turn.shared_secret`
// configured, credentials follow the TURN REST API convention coturn's
// `use-auth-secret` accepts (username `<expiry seconds>:<user ID>`, password
// base64 HMAC-SHA1 of the username under the shared secret). Without TURN
// configured the answer is `{}`, as Synapse answers: matrix-js-sdk and Element
// then call over STUN/host candidates only, and stop asking.

import { createHmac } from "node:crypto";
import type { Requester } from "../http/route.js";
import type { ServiceContext } from "./index.js";

/** The TURN settings of the configuration. */
export interface TurnSettings {
  readonly uris: readonly string[];
  readonly shared_secret?: string | undefined;
  /** How long credentials last. */
  readonly user_lifetime_ms: number;
}

/** TURN credentials, or `{}` when no TURN server is configured. */
export type TurnServerResponse = { username: string; password: string; uris: string[]; ttl: number } | Record<string, never>;

/** TURN credentials for calls. */
export class VoipService {
  constructor(private readonly ctx: ServiceContext) {}

  /**
   * Credentials for `requester`.
   *
   * @example
   * ```ts
   * const turn = voip.turnServer(requester); // {} without TURN configured
   * ```
   */
  turnServer(requester: Requester): TurnServerResponse {
    const turn: TurnSettings | undefined = this.ctx.config.turn;
    if (!turn || turn.uris.length === 0 || !turn.shared_secret) return {};
    const ttl = Math.floor(turn.user_lifetime_ms / 1000);
    const username = `${Math.floor(this.ctx.now() / 1000) + ttl}:${requester.userId}`;
    const password = createHmac("sha1", turn.shared_secret).update(username).digest("base64");
    return { username, password, uris: [...turn.uris], ttl };
  }
}
