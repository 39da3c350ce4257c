// https://spec.matrix.org/v1.19/client-server-api/#put_matrixclientv3sendtodeviceeventtypetxnid

import { z } from "zod";
import { defineRoute, type AnyRoute } from "../../http/route.js";
import type { Services } from "../../services/index.js";

/** `PUT /sendToDevice/{eventType}/{txnId}`. */
export function toDeviceRoutes(services: Services): AnyRoute[] {
  return [
    defineRoute({
      method: "PUT",
      path: "/_matrix/client/v3/sendToDevice/:eventType/:txnId",
      auth: "user",
      rateLimited: true,
      params: z.object({ eventType: z.string(), txnId: z.string() }),
      body: z.object({ messages: z.record(z.string(), z.record(z.string(), z.record(z.string(), z.unknown()))) }),
      handler: async ({ requester, params, body }) => {
        await services.toDevice.send(requester, params.eventType, params.txnId, body.messages);
        return {};
      },
    }),
  ];
}
