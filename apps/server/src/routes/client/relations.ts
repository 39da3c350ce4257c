// https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv1roomsroomidrelationseventid
// (and the rel_type / event type variants) and
// https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv1roomsroomidthreads

import { z } from "zod";
import { defineRoute, type AnyRoute } from "../../http/route.js";
import type { Services } from "../../services/index.js";

const Query = z.object({
  from: z.string().optional(),
  to: z.string().optional(),
  limit: z.coerce.number().int().min(1).optional(),
  dir: z.enum(["b", "f"]).optional(),
  recurse: z.enum(["true", "false"]).transform((v) => v === "true").optional(),
});

/** Relations and threads. */
export function relationsRoutes(services: Services): AnyRoute[] {
  const paths = [
    "/_matrix/client/v1/rooms/:roomId/relations/:eventId",
    "/_matrix/client/v1/rooms/:roomId/relations/:eventId/:relType",
    "/_matrix/client/v1/rooms/:roomId/relations/:eventId/:relType/:eventType",
  ];
  return [
    ...paths.map((path) =>
      defineRoute({
        method: "GET",
        path,
        auth: "user",
        query: Query,
        handler: async ({ requester, params, query }) =>
          services.relations.relations(requester, params.roomId!, params.eventId!, { ...query, relType: params.relType, eventType: params.eventType }),
      }),
    ),
    defineRoute({
      method: "GET",
      path: "/_matrix/client/v1/rooms/:roomId/threads",
      auth: "user",
      query: z.object({ include: z.enum(["all", "participated"]).optional(), from: z.string().optional(), limit: z.coerce.number().int().min(1).optional() }),
      handler: async ({ requester, params, query }) => services.relations.threads(requester, params.roomId!, query),
    }),
  ];
}
