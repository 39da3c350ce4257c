// https://spec.matrix.org/v1.19/client-server-api/#put_matrixclientv3roomsroomidsendeventtypetxnid
// https://spec.matrix.org/v1.19/client-server-api/#put_matrixclientv3roomsroomidredacteventidtxnid

import { z } from "zod";
import { defineRoute, type AnyRoute } from "../../http/route.js";
import type { Services } from "../../services/index.js";

/** Sending and redacting events. */
export function sendRoutes(services: Services): AnyRoute[] {
  const { rooms } = services;
  return [
    defineRoute({
      method: "PUT",
      path: "/_matrix/client/v3/rooms/:roomId/send/:eventType/:txnId",
      auth: "user",
      rateLimited: true,
      body: z.record(z.string(), z.unknown()),
      handler: async ({ requester, params, body }) => ({
        event_id: await rooms.sendEvent(requester, params.roomId!, params.eventType!, params.txnId!, body),
      }),
    }),
    defineRoute({
      method: "PUT",
      path: "/_matrix/client/v3/rooms/:roomId/redact/:eventId/:txnId",
      auth: "user",
      rateLimited: true,
      body: z.object({ reason: z.string().optional() }),
      handler: async ({ requester, params, body }) => ({
        event_id: await rooms.redact(requester, params.roomId!, params.eventId!, params.txnId!, body.reason),
      }),
    }),
  ];
}
