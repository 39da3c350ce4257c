// https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3adminwhoisuserid

import { defineRoute, type AnyRoute } from "../../http/route.js";
import type { Services } from "../../services/index.js";

/** Server administration. */
export function adminRoutes(services: Services): AnyRoute[] {
  return [
    defineRoute({
      method: "GET",
      path: "/_matrix/client/v3/admin/whois/:userId",
      auth: "user",
      handler: async ({ requester, params }) => services.admin.whois(requester, params.userId!),
    }),
  ];
}
