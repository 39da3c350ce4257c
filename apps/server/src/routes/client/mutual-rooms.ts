// https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv1mutual_rooms

import { z } from "zod";
import { defineRoute, type AnyRoute } from "../../http/route.js";
import type { Services } from "../../services/index.js";

/** Mutual rooms. */
export function mutualRoomsRoutes(services: Services): AnyRoute[] {
  return [
    defineRoute({
      method: "GET",
      path: "/_matrix/client/v1/mutual_rooms",
      auth: "user",
      query: z.object({ user_id: z.string(), from: z.string().optional() }),
      handler: async ({ requester, query }) => services.mutualRooms.mutualRooms(requester, query.user_id, query.from),
    }),
  ];
}
