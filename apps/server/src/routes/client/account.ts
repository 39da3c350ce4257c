// https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3accountwhoami
// https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3accountpassword
// https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3accountdeactivate
// https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3account3pid

import { z } from "zod";
import { defineRoute, respond, type AnyRoute } from "../../http/route.js";
import type { Services } from "../../services/index.js";

const AuthDictSchema = z.record(z.string(), z.unknown());

/** whoami, password change, deactivation and the (empty) 3PID list. */
export function accountRoutes(services: Services): AnyRoute[] {
  return [
    defineRoute({
      method: "GET",
      path: "/_matrix/client/v3/account/whoami",
      auth: "user",
      handler: async ({ requester }) => ({ user_id: requester.userId, device_id: requester.deviceId, is_guest: false }),
    }),
    defineRoute({
      method: "POST",
      path: "/_matrix/client/v3/account/password",
      auth: "user",
      rateLimited: true,
      body: z.object({ new_password: z.string(), logout_devices: z.boolean().optional(), auth: AuthDictSchema.optional() }),
      handler: async ({ requester, body }) => {
        const outcome = await services.accounts.changePassword(requester, body);
        return outcome.ok ? outcome.value : respond({ status: 401, body: outcome.challenge });
      },
    }),
    defineRoute({
      method: "POST",
      path: "/_matrix/client/v3/account/deactivate",
      auth: "user",
      rateLimited: true,
      body: z.object({ auth: AuthDictSchema.optional(), id_server: z.string().optional(), erase: z.boolean().optional() }),
      handler: async ({ requester, body }) => {
        const outcome = await services.accounts.deactivate(requester, body);
        return outcome.ok ? outcome.value : respond({ status: 401, body: outcome.challenge });
      },
    }),
    defineRoute({
      method: "GET",
      path: "/_matrix/client/v3/account/3pid",
      auth: "user",
      handler: async () => ({ threepids: [] }),
    }),
  ];
}
