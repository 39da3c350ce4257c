// https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3roomsroomidmessages
// https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3roomsroomidcontexteventid

import { z } from "zod";
import { defineRoute, type AnyRoute } from "../../http/route.js";
import type { Services } from "../../services/index.js";
import { parseRoomEventFilterParam } from "../../services/messages-service.js";

const Limit = z.coerce.number().int().min(0).optional();

/** History: /messages and /context. */
export function messagesRoutes(services: Services): AnyRoute[] {
  return [
    defineRoute({
      method: "GET",
      path: "/_matrix/client/v3/rooms/:roomId/messages",
      auth: "user",
      query: z.object({ from: z.string().optional(), to: z.string().optional(), dir: z.enum(["b", "f"]), limit: Limit, filter: z.string().optional() }),
      handler: async ({ requester, params, query }) =>
        services.messages.messages(requester, params.roomId!, { ...query, filter: parseRoomEventFilterParam(query.filter) }),
    }),
    defineRoute({
      method: "GET",
      path: "/_matrix/client/v3/rooms/:roomId/context/:eventId",
      auth: "user",
      query: z.object({ limit: Limit, filter: z.string().optional() }),
      handler: async ({ requester, params, query }) =>
        services.messages.context(requester, params.roomId!, params.eventId!, { limit: query.limit, filter: parseRoomEventFilterParam(query.filter) }),
    }),
  ];
}
