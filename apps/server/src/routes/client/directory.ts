// Room aliases: https://spec.matrix.org/v1.19/client-server-api/#room-aliases
// (PUT/GET/DELETE /directory/room/{alias}, /rooms/{roomId}/aliases) and the
// room directory: https://spec.matrix.org/v1.19/client-server-api/#listing-rooms
// (GET/PUT /directory/list/room/{roomId}, GET/POST /publicRooms).

import { z } from "zod";
import { defineRoute, type AnyRoute } from "../../http/route.js";
import type { Services } from "../../services/index.js";

/** Aliases and the public room directory. */
export function directoryRoutes(services: Services): AnyRoute[] {
  const { directory } = services;
  return [
    defineRoute({
      method: "PUT",
      path: "/_matrix/client/v3/directory/room/:roomAlias",
      auth: "user",
      body: z.object({ room_id: z.string() }),
      handler: async ({ requester, params, body }) => {
        await directory.putAlias(requester, params.roomAlias!, body.room_id);
        return {};
      },
    }),
    defineRoute({
      method: "GET",
      path: "/_matrix/client/v3/directory/room/:roomAlias",
      auth: "none",
      handler: async ({ params }) => directory.getAlias(params.roomAlias!),
    }),
    defineRoute({
      method: "DELETE",
      path: "/_matrix/client/v3/directory/room/:roomAlias",
      auth: "user",
      handler: async ({ requester, params }) => {
        await directory.deleteAlias(requester, params.roomAlias!);
        return {};
      },
    }),
    defineRoute({
      method: "GET",
      path: "/_matrix/client/v3/rooms/:roomId/aliases",
      auth: "user",
      handler: async ({ requester, params }) => ({ aliases: await directory.roomAliases(requester, params.roomId!) }),
    }),
    defineRoute({
      method: "GET",
      path: "/_matrix/client/v3/directory/list/room/:roomId",
      auth: "none",
      handler: async ({ params }) => ({ visibility: await directory.getVisibility(params.roomId!) }),
    }),
    defineRoute({
      method: "PUT",
      path: "/_matrix/client/v3/directory/list/room/:roomId",
      auth: "user",
      body: z.object({ visibility: z.enum(["public", "private"]).optional() }),
      handler: async ({ requester, params, body }) => {
        await directory.setVisibility(requester, params.roomId!, body.visibility ?? "public");
        return {};
      },
    }),
    defineRoute({
      method: "GET",
      path: "/_matrix/client/v3/publicRooms",
      auth: "optional",
      query: z.object({ limit: z.coerce.number().int().min(0).optional(), since: z.string().optional(), server: z.string().optional() }),
      handler: async ({ query }) => directory.publicRooms({ limit: query.limit, since: query.since }),
    }),
    defineRoute({
      method: "POST",
      path: "/_matrix/client/v3/publicRooms",
      auth: "user",
      query: z.object({ server: z.string().optional() }),
      body: z.object({
        limit: z.number().int().min(0).optional(),
        since: z.string().optional(),
        filter: z.object({ generic_search_term: z.string().optional(), room_types: z.array(z.string().nullable()).optional() }).optional(),
        include_all_networks: z.boolean().optional(),
        third_party_instance_id: z.string().optional(),
      }),
      handler: async ({ body }) =>
        directory.publicRooms({ limit: body.limit, since: body.since, search: body.filter?.generic_search_term, roomTypes: body.filter?.room_types }),
    }),
  ];
}
