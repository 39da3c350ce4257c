// Pushers: https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3pushers
// and https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3pushersset
// (data/api/client-server/pusher.yaml). Only the `http` kind is supported
// (email pushers need a mailer Weft does not have): other kinds are refused
// with M_INVALID_PARAM rather than stored and never served.
//
// A gateway URL must be http(s) with the path `/_matrix/push/v1/notify`, and
// its host must not be a loopback or private address unless
// `push_allow_private` is set (checked here for immediate feedback, and again
// on every delivery by the outbound HTTP policy, since DNS can change).

import { MatrixError } from "@weft/common";
import { PushersStore, type PusherRow } from "@weft/storage-pg";
import { z } from "zod";
import type { Requester } from "../http/route.js";
import type { ServiceContext } from "./index.js";
import { OutboundHttp, OutboundHttpError } from "./outbound-http.js";

/** The body of `POST /pushers/set` (unknown keys kept, checked by the service). */
export const SetPusherBodySchema = z.looseObject({
  kind: z.string().nullable(),
  app_id: z.string(),
  pushkey: z.string(),
  app_display_name: z.string().optional(),
  device_display_name: z.string().optional(),
  profile_tag: z.string().optional(),
  lang: z.string().optional(),
  data: z.record(z.string(), z.unknown()).optional(),
  append: z.boolean().optional(),
});
export type SetPusherBody = z.infer<typeof SetPusherBodySchema>;

/** The gateway path the spec requires. */
export const PUSH_GATEWAY_PATH = "/_matrix/push/v1/notify";

/** A pusher as `GET /pushers` shows it. */
export function pusherJson(p: PusherRow): Record<string, unknown> {
  return {
    pushkey: p.pushkey,
    kind: p.kind,
    app_id: p.app_id,
    app_display_name: p.app_display_name,
    device_display_name: p.device_display_name,
    ...(p.profile_tag !== null ? { profile_tag: p.profile_tag } : {}),
    lang: p.lang,
    data: p.data,
  };
}

/**
 * Lists, creates, updates and deletes a user's pushers.
 *
 * @example
 * ```ts
 * await pushers.set(requester, { kind: "http", app_id: "org.example.app", pushkey: "abc", app_display_name: "App",
 *   device_display_name: "Phone", lang: "en", data: { url: "https://push.example.org/_matrix/push/v1/notify" } });
 * ```
 */
export class PushersService {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly http: OutboundHttp = new OutboundHttp({ allowPrivate: ctx.config.push_allow_private }),
  ) {}

  /** Removes the pushers set from `deviceIds` (logout, device deletion), or all the user's (deactivation). */
  async removeForDevices(userId: string, deviceIds: readonly string[] | "all"): Promise<void> {
    await new PushersStore(this.ctx.db).deleteOfDevices(userId, deviceIds);
  }

  /** `GET /pushers`. */
  async list(userId: string): Promise<{ pushers: Record<string, unknown>[] }> {
    return { pushers: (await new PushersStore(this.ctx.db).ofUser(userId)).map(pusherJson) };
  }

  /**
   * `POST /pushers/set`.
   * @throws {MatrixError} `M_MISSING_PARAM` for missing fields (or `data.url`),
   *   `M_INVALID_PARAM` for an unsupported kind, over-long IDs, or a gateway URL
   *   that is malformed, not `…/_matrix/push/v1/notify`, or on a refused address.
   */
  async set(requester: Requester, body: SetPusherBody): Promise<void> {
    if (new TextEncoder().encode(body.pushkey).length > 512) throw new MatrixError("M_INVALID_PARAM", "expected a pushkey of at most 512 bytes");
    if (body.app_id.length > 64) throw new MatrixError("M_INVALID_PARAM", "expected an app_id of at most 64 characters");
    if (body.kind === null) {
      await new PushersStore(this.ctx.db).delete(requester.userId, body.app_id, body.pushkey);
      return;
    }
    const missing = (["app_display_name", "device_display_name", "lang", "data"] as const).filter((k) => body[k] === undefined);
    if (missing.length > 0) throw new MatrixError("M_MISSING_PARAM", `Missing parameters: ${missing.join(", ")}`);
    if (body.kind !== "http") throw new MatrixError("M_INVALID_PARAM", `expected kind "http" (or null to delete), got ${JSON.stringify(body.kind)}`);
    const data = body.data!;
    if (data.url === undefined) throw new MatrixError("M_MISSING_PARAM", "'url' is required in data for HTTP pushers");
    await this.checkGatewayUrl(data.url);
    if (data.format !== undefined && data.format !== "event_id_only") throw new MatrixError("M_INVALID_PARAM", `expected data.format "event_id_only" or absent, got ${JSON.stringify(data.format)}`);
    await this.ctx.db.transaction(async (tx) => {
      const store = new PushersStore(tx);
      await store.upsert({
        user_id: requester.userId,
        app_id: body.app_id,
        pushkey: body.pushkey,
        kind: body.kind!,
        app_display_name: body.app_display_name!,
        device_display_name: body.device_display_name!,
        profile_tag: body.profile_tag ?? null,
        lang: body.lang!,
        data,
        pushkey_ts: Math.floor(this.ctx.now() / 1000),
        device_id: requester.deviceId,
      });
      // Without `append`, the pushkey belongs to this user alone.
      if (body.append !== true) await store.deleteOthers(requester.userId, body.app_id, body.pushkey);
    });
  }

  /**
   * Checks a gateway URL: http(s), path `/_matrix/push/v1/notify`, and a host
   * that is not internal (unless `push_allow_private`).
   * @throws {MatrixError} `M_INVALID_PARAM`.
   */
  async checkGatewayUrl(url: unknown): Promise<URL> {
    if (typeof url !== "string") throw new MatrixError("M_INVALID_PARAM", "expected data.url to be a string");
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new MatrixError("M_INVALID_PARAM", `expected data.url to be a URL, got ${JSON.stringify(url)}`);
    }
    if (parsed.protocol !== "https:" && parsed.protocol !== "http:") throw new MatrixError("M_INVALID_PARAM", `expected an https URL, got ${parsed.protocol}`);
    if (parsed.pathname !== PUSH_GATEWAY_PATH) throw new MatrixError("M_INVALID_PARAM", `expected data.url to have the path ${PUSH_GATEWAY_PATH}, got ${parsed.pathname}`);
    if (parsed.username || parsed.password) throw new MatrixError("M_INVALID_PARAM", "expected data.url without credentials");
    try {
      await this.http.checkHost(parsed.hostname);
    } catch (error) {
      // A name that does not resolve now may resolve later; an internal address never becomes acceptable.
      if (error instanceof OutboundHttpError && error.code === "blocked_address") {
        throw new MatrixError("M_INVALID_PARAM", `push gateway refused: ${error.message}`);
      }
    }
    return parsed;
  }
}
