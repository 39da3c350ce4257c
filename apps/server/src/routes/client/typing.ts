// https://spec.matrix.org/v1.19/client-server-api/#put_matrixclientv3roomsroomidtypinguserid

import { MatrixError } from "@weft/common";
import { z } from "zod";
import { defineRoute, type AnyRoute } from "../../http/route.js";
import type { Services } from "../../services/index.js";

/** Typing notifications. */
export function typingRoutes(services: Services): AnyRoute[] {
  return [
    defineRoute({
      method: "PUT",
      path: "/_matrix/client/v3/rooms/:roomId/typing/:userId",
      auth: "user",
      rateLimited: true,
      body: z.object({ typing: z.boolean(), timeout: z.number().int().min(0).optional() }),
      handler: async ({ requester, params, body }) => {
        if (params.userId !== requester.userId) throw new MatrixError("M_FORBIDDEN", "you may only set your own typing state");
        const joined = (await services.rooms.joinedRooms(requester.userId)).includes(params.roomId!);
        if (!joined) throw new MatrixError("M_FORBIDDEN", "you are not in this room");
        services.typing.setTyping(params.roomId!, requester.userId, body.typing, body.timeout ?? 30_000);
        return {};
      },
    }),
  ];
}
