// Room membership: https://spec.matrix.org/v1.19/client-server-api/#room-membership
// (join by ID or alias, invite, leave, forget, kick, ban, unban, knock).

import { MatrixError } from "@weft/common";
import { z } from "zod";
import { defineRoute, type AnyRoute } from "../../http/route.js";
import type { Services } from "../../services/index.js";
import { THIRD_PARTY_INVITES_UNSUPPORTED } from "../../services/rooms-service.js";
import { Invite3pidSchema } from "./create-room.js";

const Reason = z.object({ reason: z.string().optional() });
const Target = z.object({ user_id: z.string(), reason: z.string().optional() });

/** Membership endpoints. */
export function membershipRoutes(services: Services): AnyRoute[] {
  const { membership } = services;
  const joinBody = z.object({ reason: z.string().optional(), third_party_signed: z.unknown().optional() });
  return [
    defineRoute({
      method: "POST",
      path: "/_matrix/client/v3/join/:roomIdOrAlias",
      auth: "user",
      rateLimited: true,
      body: joinBody,
      handler: async ({ requester, params, body }) => ({ room_id: await membership.join(requester, params.roomIdOrAlias!, body.reason) }),
    }),
    defineRoute({
      method: "POST",
      path: "/_matrix/client/v3/rooms/:roomId/join",
      auth: "user",
      rateLimited: true,
      body: joinBody,
      handler: async ({ requester, params, body }) => ({ room_id: await membership.join(requester, params.roomId!, body.reason) }),
    }),
    defineRoute({
      method: "POST",
      path: "/_matrix/client/v3/knock/:roomIdOrAlias",
      auth: "user",
      rateLimited: true,
      body: Reason,
      handler: async ({ requester, params, body }) => ({ room_id: await membership.knock(requester, params.roomIdOrAlias!, body.reason) }),
    }),
    defineRoute({
      method: "POST",
      path: "/_matrix/client/v3/rooms/:roomId/invite",
      auth: "user",
      rateLimited: true,
      // Two forms share this path: by user ID, and by third-party ID (inviteBy3PID), which
      // needs an identity server this server does not trust (M_SERVER_NOT_TRUSTED).
      body: z.object({
        user_id: z.string().optional(),
        reason: z.string().optional(),
        is_direct: z.boolean().optional(),
        ...Invite3pidSchema.partial().shape,
      }),
      handler: async ({ requester, params, body }) => {
        if (body.user_id === undefined) {
          const thirdParty = body.id_server !== undefined || body.medium !== undefined || body.address !== undefined;
          if (!thirdParty) throw new MatrixError("M_MISSING_PARAM", "missing user_id in request body");
          for (const key of ["id_server", "id_access_token", "medium", "address"] as const) {
            if (body[key] === undefined) throw new MatrixError("M_MISSING_PARAM", `missing ${key} in request body`);
          }
          throw new MatrixError("M_SERVER_NOT_TRUSTED", THIRD_PARTY_INVITES_UNSUPPORTED);
        }
        await membership.invite(requester, params.roomId!, body.user_id, body.reason, body.is_direct);
        return {};
      },
    }),
    defineRoute({
      method: "POST",
      path: "/_matrix/client/v3/rooms/:roomId/leave",
      auth: "user",
      body: Reason,
      handler: async ({ requester, params, body }) => {
        await membership.leave(requester, params.roomId!, body.reason);
        return {};
      },
    }),
    defineRoute({
      method: "POST",
      path: "/_matrix/client/v3/rooms/:roomId/forget",
      auth: "user",
      body: z.object({}).optional(),
      handler: async ({ requester, params }) => {
        await membership.forget(requester, params.roomId!);
        return {};
      },
    }),
    ...(["kick", "ban", "unban"] as const).map((action) =>
      defineRoute({
        method: "POST",
        path: `/_matrix/client/v3/rooms/:roomId/${action}`,
        auth: "user",
        rateLimited: true,
        body: Target,
        handler: async ({ requester, params, body }) => {
          await membership[action](requester, params.roomId!, body.user_id, body.reason);
          return {};
        },
      }),
    ),
  ];
}
