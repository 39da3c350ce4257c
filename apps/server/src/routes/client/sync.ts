// https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3sync

import { z } from "zod";
import { defineRoute, type AnyRoute } from "../../http/route.js";
import type { Services } from "../../services/index.js";

const Bool = z.enum(["true", "false"]).transform((v) => v === "true");

/** `/sync`. */
export function syncRoutes(services: Services): AnyRoute[] {
  return [
    defineRoute({
      method: "GET",
      path: "/_matrix/client/v3/sync",
      auth: "user",
      query: z.object({
        since: z.string().optional(),
        timeout: z.coerce.number().int().min(0).optional(),
        filter: z.string().optional(),
        full_state: Bool.optional(),
        set_presence: z.enum(["offline", "online", "unavailable"]).optional(),
        use_state_after: Bool.optional(),
        "org.matrix.msc4222.use_state_after": Bool.optional(),
      }),
      handler: async ({ requester, query, signal }) =>
        services.sync.sync(
          requester,
          {
            since: query.since,
            timeout: query.timeout,
            filter: query.filter,
            fullState: query.full_state,
            setPresence: query.set_presence,
            useStateAfter: query.use_state_after ?? query["org.matrix.msc4222.use_state_after"],
          },
          signal,
        ),
    }),
  ];
}
