// https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3createroom

import { z } from "zod";
import { defineRoute, type AnyRoute } from "../../http/route.js";
import type { Services } from "../../services/index.js";

const Content = z.record(z.string(), z.unknown());

/** An `invite_3pid` entry (https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3createroom). */
export const Invite3pidSchema = z.object({ id_server: z.string(), id_access_token: z.string(), medium: z.string(), address: z.string() });

/** `POST /createRoom`. */
export function createRoomRoutes(services: Services): AnyRoute[] {
  return [
    defineRoute({
      method: "POST",
      path: "/_matrix/client/v3/createRoom",
      auth: "user",
      rateLimited: true,
      body: z.object({
        visibility: z.enum(["public", "private"]).optional(),
        room_alias_name: z.string().optional(),
        name: z.string().optional(),
        topic: z.string().optional(),
        invite: z.array(z.string()).optional(),
        invite_3pid: z.array(Invite3pidSchema).optional(),
        room_version: z.string().optional(),
        creation_content: Content.optional(),
        initial_state: z.array(z.object({ type: z.string(), state_key: z.string().optional(), content: Content })).optional(),
        preset: z.enum(["private_chat", "public_chat", "trusted_private_chat"]).optional(),
        is_direct: z.boolean().optional(),
        power_level_content_override: Content.optional(),
      }),
      handler: async ({ requester, body }) => services.rooms.createRoom(requester, body),
    }),
  ];
}
