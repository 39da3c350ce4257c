// https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3search

import { z } from "zod";
import { defineRoute, type AnyRoute } from "../../http/route.js";
import type { Services } from "../../services/index.js";
import { SearchRequestSchema } from "../../services/search-service.js";

/** Server-side search. */
export function searchRoutes(services: Services): AnyRoute[] {
  return [
    defineRoute({
      method: "POST",
      path: "/_matrix/client/v3/search",
      auth: "user",
      rateLimited: true,
      query: z.object({ next_batch: z.string().optional() }),
      body: SearchRequestSchema,
      handler: async ({ requester, query, body }) => services.search.search(requester, body, query.next_batch),
    }),
  ];
}
