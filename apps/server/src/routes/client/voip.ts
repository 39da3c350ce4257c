// https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3voipturnserver

import { defineRoute, type AnyRoute } from "../../http/route.js";
import type { Services } from "../../services/index.js";

/** TURN credentials. */
export function voipRoutes(services: Services): AnyRoute[] {
  return [
    defineRoute({
      method: "GET",
      path: "/_matrix/client/v3/voip/turnServer",
      auth: "user",
      rateLimited: true,
      handler: async ({ requester }) => services.voip.turnServer(requester),
    }),
  ];
}
