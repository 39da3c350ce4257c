// https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3useruseridopenidrequest_token

import { z } from "zod";
import { defineRoute, type AnyRoute } from "../../http/route.js";
import type { Services } from "../../services/index.js";

/** OpenID tokens for third parties (widgets). */
export function openIdRoutes(services: Services): AnyRoute[] {
  return [
    defineRoute({
      method: "POST",
      path: "/_matrix/client/v3/user/:userId/openid/request_token",
      auth: "user",
      rateLimited: true,
      // "An empty object. Reserved for future expansion."
      body: z.looseObject({}),
      handler: async ({ requester, params }) => services.openid.requestToken(requester, params.userId!),
    }),
  ];
}
