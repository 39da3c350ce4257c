// https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3roomsroomidupgrade

import { z } from "zod";
import { defineRoute, type AnyRoute } from "../../http/route.js";
import type { Services } from "../../services/index.js";

/** Room upgrades. */
export function roomUpgradeRoutes(services: Services): AnyRoute[] {
  return [
    defineRoute({
      method: "POST",
      path: "/_matrix/client/v3/rooms/:roomId/upgrade",
      auth: "user",
      rateLimited: true,
      body: z.object({ new_version: z.string(), additional_creators: z.array(z.string()).optional() }),
      handler: async ({ requester, params, body }) => services.roomUpgrades.upgrade(requester, params.roomId!, body),
    }),
  ];
}
