// https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3pushers
// https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3pushersset
// (data/api/client-server/pusher.yaml)

import { defineRoute, type AnyRoute } from "../../http/route.js";
import type { Services } from "../../services/index.js";
import { SetPusherBodySchema } from "../../services/pushers-service.js";

/** `GET /pushers` and `POST /pushers/set`. */
export function pusherRoutes(services: Services): AnyRoute[] {
  return [
    defineRoute({
      method: "GET",
      path: "/_matrix/client/v3/pushers",
      auth: "user",
      handler: async ({ requester }) => services.pushers.list(requester.userId),
    }),
    defineRoute({
      method: "POST",
      path: "/_matrix/client/v3/pushers/set",
      auth: "user",
      rateLimited: true,
      body: SetPusherBodySchema,
      handler: async ({ requester, body }) => {
        await services.pushers.set(requester, body);
        return {};
      },
    }),
  ];
}
