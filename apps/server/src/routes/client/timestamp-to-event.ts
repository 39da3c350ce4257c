// https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv1roomsroomidtimestamp_to_event

import { z } from "zod";
import { defineRoute, type AnyRoute } from "../../http/route.js";
import type { Services } from "../../services/index.js";

/** Jumping to a date. */
export function timestampToEventRoutes(services: Services): AnyRoute[] {
  return [
    defineRoute({
      method: "GET",
      path: "/_matrix/client/v1/rooms/:roomId/timestamp_to_event",
      auth: "user",
      query: z.object({ ts: z.coerce.number().int().nonnegative(), dir: z.enum(["f", "b"]) }),
      handler: async ({ requester, params, query }) => services.timestampToEvent.find(requester, params.roomId!, query.ts, query.dir),
    }),
  ];
}
