// https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3roomsroomidinitialsync

import { defineRoute, type AnyRoute } from "../../http/route.js";
import type { Services } from "../../services/index.js";

/** Room snapshots for peeking. */
export function roomInitialSyncRoutes(services: Services): AnyRoute[] {
  return [
    defineRoute({
      method: "GET",
      path: "/_matrix/client/v3/rooms/:roomId/initialSync",
      auth: "user",
      handler: async ({ requester, params }) => services.roomInitialSync.roomInitialSync(requester, params.roomId!),
    }),
  ];
}
