// https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3roomsroomidreporteventid
// https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3roomsroomidreport
// https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3usersuseridreport

import { z } from "zod";
import { defineRoute, type AnyRoute } from "../../http/route.js";
import type { Services } from "../../services/index.js";

/** Reporting events, rooms and users. */
export function reportRoutes(services: Services): AnyRoute[] {
  return [
    defineRoute({
      method: "POST",
      path: "/_matrix/client/v3/rooms/:roomId/report/:eventId",
      auth: "user",
      rateLimited: true,
      body: z.object({ reason: z.string().optional(), score: z.number().int().min(-100).max(0).optional() }),
      handler: async ({ requester, params, body }) => {
        await services.reports.reportEvent(requester, params.roomId!, params.eventId!, body.reason, body.score);
        return {};
      },
    }),
    defineRoute({
      method: "POST",
      path: "/_matrix/client/v3/rooms/:roomId/report",
      auth: "user",
      rateLimited: true,
      body: z.object({ reason: z.string().optional() }),
      handler: async ({ requester, params, body }) => {
        await services.reports.reportRoom(requester, params.roomId!, body.reason);
        return {};
      },
    }),
    defineRoute({
      method: "POST",
      path: "/_matrix/client/v3/users/:userId/report",
      auth: "user",
      rateLimited: true,
      body: z.object({ reason: z.string() }),
      handler: async ({ requester, params, body }) => {
        await services.reports.reportUser(requester, params.userId!, body.reason);
        return {};
      },
    }),
  ];
}
