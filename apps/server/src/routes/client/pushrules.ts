// https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3pushrules
// https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3pushrulesglobal
// (editing endpoints come with the push issue)

import { defineRoute, type AnyRoute } from "../../http/route.js";
import type { Services } from "../../services/index.js";

/** Read the account's push rules. */
export function pushRuleReadRoutes(services: Services): AnyRoute[] {
  return [
    defineRoute({
      method: "GET",
      path: "/_matrix/client/v3/pushrules/",
      auth: "user",
      handler: async ({ requester }) => services.pushRules.getRulesets(requester.userId),
    }),
    defineRoute({
      method: "GET",
      path: "/_matrix/client/v3/pushrules/global/",
      auth: "user",
      handler: async ({ requester }) => services.pushRules.getRuleset(requester.userId),
    }),
  ];
}
