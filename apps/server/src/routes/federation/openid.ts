// https://spec.matrix.org/v1.19/server-server-api/#get_matrixfederationv1openiduserinfo
// — the one federation endpoint served without federation: widgets and
// integration managers exchange a user's OpenID token here.

import { z } from "zod";
import { defineRoute, type AnyRoute } from "../../http/route.js";
import type { Services } from "../../services/index.js";

/** OpenID userinfo. */
export function federationOpenIdRoutes(services: Services): AnyRoute[] {
  return [
    defineRoute({
      method: "GET",
      path: "/_matrix/federation/v1/openid/userinfo",
      auth: "none",
      rateLimited: true,
      query: z.object({ access_token: z.string() }),
      handler: async ({ query }) => services.openid.userInfo(query.access_token),
    }),
  ];
}
