// https://spec.matrix.org/v1.19/client-server-api/#profiles

import { z } from "zod";
import { defineRoute, type AnyRoute } from "../../http/route.js";
import type { Services } from "../../services/index.js";

const Params = z.object({ userId: z.string(), keyName: z.string() });
const BodySchema = z.record(z.string(), z.unknown());

/** Whole profiles and single profile fields. */
export function profileRoutes(services: Services): AnyRoute[] {
  return [
    defineRoute({
      method: "GET",
      path: "/_matrix/client/v3/profile/:userId",
      auth: "optional",
      params: z.object({ userId: z.string() }),
      handler: async ({ params }) => services.profile.getProfile(params.userId),
    }),
    defineRoute({
      method: "GET",
      path: "/_matrix/client/v3/profile/:userId/:keyName",
      auth: "optional",
      params: Params,
      handler: async ({ params }) => services.profile.getField(params.userId, params.keyName),
    }),
    defineRoute({
      method: "PUT",
      path: "/_matrix/client/v3/profile/:userId/:keyName",
      auth: "user",
      rateLimited: true,
      params: Params,
      body: BodySchema,
      handler: async ({ requester, params, body }) => {
        await services.profile.setField(requester, params.userId, params.keyName, body);
        return {};
      },
    }),
    defineRoute({
      method: "DELETE",
      path: "/_matrix/client/v3/profile/:userId/:keyName",
      auth: "user",
      rateLimited: true,
      params: Params,
      handler: async ({ requester, params }) => {
        await services.profile.deleteField(requester, params.userId, params.keyName);
        return {};
      },
    }),
  ];
}
