// https://spec.matrix.org/v1.19/client-server-api/#presence

import { z } from "zod";
import { defineRoute, type AnyRoute } from "../../http/route.js";
import { PRESENCE_STATES } from "../../services/presence-service.js";
import type { Services } from "../../services/index.js";

/** Set and read presence. */
export function presenceRoutes(services: Services): AnyRoute[] {
  const path = "/_matrix/client/v3/presence/:userId/status";
  return [
    defineRoute({
      method: "PUT",
      path,
      auth: "user",
      rateLimited: true,
      params: z.object({ userId: z.string() }),
      body: z.object({ presence: z.enum(PRESENCE_STATES), status_msg: z.string().max(1000).nullable().optional() }),
      handler: async ({ requester, params, body }) => {
        await services.presence.setStatus(requester, params.userId, body);
        return {};
      },
    }),
    defineRoute({
      method: "GET",
      path,
      auth: "user",
      params: z.object({ userId: z.string() }),
      handler: async ({ params }) => services.presence.getStatus(params.userId),
    }),
  ];
}
