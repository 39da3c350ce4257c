// https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3roomsroomidreceiptreceipttypeeventid
// https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3roomsroomidread_markers

import { z } from "zod";
import { defineRoute, type AnyRoute } from "../../http/route.js";
import type { Services } from "../../services/index.js";

/** Receipts and read markers. */
export function receiptsRoutes(services: Services): AnyRoute[] {
  return [
    defineRoute({
      method: "POST",
      path: "/_matrix/client/v3/rooms/:roomId/receipt/:receiptType/:eventId",
      auth: "user",
      rateLimited: true,
      body: z.object({ thread_id: z.string().optional() }),
      handler: async ({ requester, params, body }) => {
        await services.receipts.postReceipt(requester, params.roomId!, params.receiptType!, params.eventId!, body.thread_id);
        return {};
      },
    }),
    defineRoute({
      method: "POST",
      path: "/_matrix/client/v3/rooms/:roomId/read_markers",
      auth: "user",
      rateLimited: true,
      body: z.object({ "m.fully_read": z.string().optional(), "m.read": z.string().optional(), "m.read.private": z.string().optional() }),
      handler: async ({ requester, params, body }) => {
        await services.receipts.setReadMarkers(requester, params.roomId!, {
          fullyRead: body["m.fully_read"],
          read: body["m.read"],
          readPrivate: body["m.read.private"],
        });
        return {};
      },
    }),
  ];
}
