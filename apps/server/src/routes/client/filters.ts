// https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3useruseridfilter
// https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3useruseridfilterfilterid

import { z } from "zod";
import { defineRoute, type AnyRoute } from "../../http/route.js";
import type { Services } from "../../services/index.js";

/** Upload and download filters. */
export function filterRoutes(services: Services): AnyRoute[] {
  return [
    defineRoute({
      method: "POST",
      path: "/_matrix/client/v3/user/:userId/filter",
      auth: "user",
      params: z.object({ userId: z.string() }),
      body: z.record(z.string(), z.unknown()),
      handler: async ({ requester, params, body }) => services.filters.create(requester, params.userId, body),
    }),
    defineRoute({
      method: "GET",
      path: "/_matrix/client/v3/user/:userId/filter/:filterId",
      auth: "user",
      params: z.object({ userId: z.string(), filterId: z.string() }),
      handler: async ({ requester, params }) => services.filters.get(requester, params.userId, params.filterId),
    }),
  ];
}
