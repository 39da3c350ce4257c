// https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3notifications
// (data/api/client-server/notifications.yaml)

import { z } from "zod";
import { defineRoute, type AnyRoute } from "../../http/route.js";
import type { Services } from "../../services/index.js";

/** `GET /notifications`. */
export function notificationRoutes(services: Services): AnyRoute[] {
  return [
    defineRoute({
      method: "GET",
      path: "/_matrix/client/v3/notifications",
      auth: "user",
      query: z.object({
        from: z.string().optional(),
        limit: z.coerce.number().int().min(0).optional(),
        only: z.string().optional(),
      }),
      handler: async ({ requester, query }) => services.notifications.list(requester, query),
    }),
  ];
}
