// https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3login
// https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3login
// https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3refresh
// https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3logout
// https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3logoutall

import { z } from "zod";
import { defineRoute, type AnyRoute } from "../../http/route.js";
import type { Config } from "../../config.js";
import type { Services } from "../../services/index.js";

const LoginBodySchema = z.object({
  type: z.string(),
  identifier: z.looseObject({ type: z.string() }).optional(),
  user: z.string().optional(),
  password: z.string().optional(),
  device_id: z.string().min(1).max(255).optional(),
  initial_device_display_name: z.string().optional(),
  refresh_token: z.boolean().optional(),
});

/** Login, token refresh and logout. */
export function loginRoutes(config: Config, services: Services): AnyRoute[] {
  return [
    defineRoute({
      method: "GET",
      path: "/_matrix/client/v3/login",
      auth: "none",
      rateLimited: true,
      handler: async () => ({ flows: [{ type: "m.login.password" }] }),
    }),
    defineRoute({
      method: "POST",
      path: "/_matrix/client/v3/login",
      auth: "none",
      rateLimited: true,
      body: LoginBodySchema,
      handler: async ({ body, ip }) => {
        const session = await services.auth.login(body, ip);
        return { ...session, home_server: config.server_name };
      },
    }),
    defineRoute({
      method: "POST",
      path: "/_matrix/client/v3/refresh",
      auth: "none",
      rateLimited: true,
      body: z.object({ refresh_token: z.string() }),
      handler: async ({ body }) => services.auth.refresh(body.refresh_token),
    }),
    defineRoute({
      method: "POST",
      path: "/_matrix/client/v3/logout",
      auth: "user",
      handler: async ({ requester }) => {
        await services.auth.logout(requester);
        return {};
      },
    }),
    defineRoute({
      method: "POST",
      path: "/_matrix/client/v3/logout/all",
      auth: "user",
      handler: async ({ requester }) => {
        await services.auth.logoutAll(requester);
        return {};
      },
    }),
  ];
}
