// https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3user_directorysearch

import { z } from "zod";
import { defineRoute, type AnyRoute } from "../../http/route.js";
import type { Services } from "../../services/index.js";

/** User directory search. */
export function userDirectoryRoutes(services: Services): AnyRoute[] {
  return [
    defineRoute({
      method: "POST",
      path: "/_matrix/client/v3/user_directory/search",
      auth: "user",
      rateLimited: true,
      body: z.object({ search_term: z.string(), limit: z.number().int().min(0).optional() }),
      handler: async ({ requester, body }) => services.userDirectory.search(requester.userId, body.search_term, body.limit ?? 10),
    }),
  ];
}
