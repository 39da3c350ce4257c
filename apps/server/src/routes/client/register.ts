// https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3register
// https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3registeravailable
// https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv1registermloginregistration_tokenvalidity

import { z } from "zod";
import { defineRoute, respond, type AnyRoute } from "../../http/route.js";
import type { Services } from "../../services/index.js";

const AuthDictSchema = z.record(z.string(), z.unknown());

const RegisterBodySchema = z.object({
  auth: AuthDictSchema.optional(),
  username: z.string().optional(),
  password: z.string().optional(),
  device_id: z.string().min(1).max(255).optional(),
  initial_device_display_name: z.string().optional(),
  inhibit_login: z.boolean().optional(),
  refresh_token: z.boolean().optional(),
});

/** Registration, username availability and registration-token validity. */
export function registerRoutes(services: Services): AnyRoute[] {
  return [
    defineRoute({
      method: "POST",
      path: "/_matrix/client/v3/register",
      auth: "none",
      rateLimited: true,
      query: z.object({ kind: z.enum(["user", "guest"]).default("user") }),
      body: RegisterBodySchema,
      handler: async ({ body, query, ip }) => {
        const outcome = await services.accounts.register(body, query.kind, ip);
        return outcome.ok ? outcome.value : respond({ status: 401, body: outcome.challenge });
      },
    }),
    defineRoute({
      method: "GET",
      path: "/_matrix/client/v3/register/available",
      auth: "none",
      rateLimited: true,
      query: z.object({ username: z.string() }),
      handler: async ({ query }) => services.accounts.checkAvailable(query.username),
    }),
    defineRoute({
      method: "GET",
      path: "/_matrix/client/v1/register/m.login.registration_token/validity",
      auth: "none",
      rateLimited: true,
      query: z.object({ token: z.string() }),
      handler: async ({ query }) => services.accounts.registrationTokenValid(query.token),
    }),
  ];
}
