// https://spec.matrix.org/v1.19/client-server-api/#client-config
// https://spec.matrix.org/v1.19/client-server-api/#room-tagging

import { z } from "zod";
import { defineRoute, type AnyRoute } from "../../http/route.js";
import type { Services } from "../../services/index.js";

const ContentSchema = z.record(z.string(), z.unknown());
const TagBodySchema = z.looseObject({ order: z.number().min(0).max(1).optional() });

/** Global and per-room account data, and room tags. */
export function accountDataRoutes(services: Services): AnyRoute[] {
  const global = "/_matrix/client/v3/user/:userId/account_data/:type";
  const room = "/_matrix/client/v3/user/:userId/rooms/:roomId/account_data/:type";
  const tags = "/_matrix/client/v3/user/:userId/rooms/:roomId/tags";
  return [
    defineRoute({
      method: "PUT",
      path: global,
      auth: "user",
      rateLimited: true,
      params: z.object({ userId: z.string(), type: z.string() }),
      body: ContentSchema,
      handler: async ({ requester, params, body }) => {
        await services.accountData.put(requester, params.userId, undefined, params.type, body);
        return {};
      },
    }),
    defineRoute({
      method: "GET",
      path: global,
      auth: "user",
      params: z.object({ userId: z.string(), type: z.string() }),
      handler: async ({ requester, params }) => services.accountData.get(requester, params.userId, undefined, params.type),
    }),
    defineRoute({
      method: "PUT",
      path: room,
      auth: "user",
      rateLimited: true,
      params: z.object({ userId: z.string(), roomId: z.string(), type: z.string() }),
      body: ContentSchema,
      handler: async ({ requester, params, body }) => {
        await services.accountData.put(requester, params.userId, params.roomId, params.type, body);
        return {};
      },
    }),
    defineRoute({
      method: "GET",
      path: room,
      auth: "user",
      params: z.object({ userId: z.string(), roomId: z.string(), type: z.string() }),
      handler: async ({ requester, params }) => services.accountData.get(requester, params.userId, params.roomId, params.type),
    }),
    defineRoute({
      method: "GET",
      path: tags,
      auth: "user",
      params: z.object({ userId: z.string(), roomId: z.string() }),
      handler: async ({ requester, params }) => services.accountData.getTags(requester, params.userId, params.roomId),
    }),
    defineRoute({
      method: "PUT",
      path: `${tags}/:tag`,
      auth: "user",
      rateLimited: true,
      params: z.object({ userId: z.string(), roomId: z.string(), tag: z.string() }),
      body: TagBodySchema,
      handler: async ({ requester, params, body }) => {
        await services.accountData.putTag(requester, params.userId, params.roomId, params.tag, body);
        return {};
      },
    }),
    defineRoute({
      method: "DELETE",
      path: `${tags}/:tag`,
      auth: "user",
      params: z.object({ userId: z.string(), roomId: z.string(), tag: z.string() }),
      handler: async ({ requester, params }) => {
        await services.accountData.deleteTag(requester, params.userId, params.roomId, params.tag);
        return {};
      },
    }),
  ];
}
