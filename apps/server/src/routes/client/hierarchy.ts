// Spaces: GET /_matrix/client/v1/rooms/{roomId}/hierarchy
// (https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv1roomsroomidhierarchy) and
// GET /_matrix/client/v1/room_summary/{roomIdOrAlias}
// (https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv1room_summaryroomidoralias),
// also at MSC3266's unstable path /_matrix/client/unstable/im.nheko.summary/rooms/{roomIdOrAlias}/summary.

import { z } from "zod";
import { defineRoute, type AnyRoute } from "../../http/route.js";
import type { HierarchyService } from "../../services/hierarchy-service.js";

/** A non-negative integer query parameter: digits only (no "1e3", "-0", "1.0"). */
const Integer = z
  .string()
  .regex(/^\d{1,9}$/, "expected a non-negative integer")
  .transform(Number)
  .optional();
/** A boolean query parameter: `true` or `false`. */
const Bool = z
  .enum(["true", "false"])
  .transform((v) => v === "true")
  .optional();

/** The spaces routes. */
export function hierarchyRoutes(services: { readonly hierarchy: HierarchyService }): AnyRoute[] {
  const { hierarchy } = services;
  const summary = (path: string): AnyRoute =>
    defineRoute({
      method: "GET",
      path,
      auth: "optional",
      // `via` names servers to ask over federation; this server answers from local state only.
      query: z.object({ via: z.union([z.string(), z.array(z.string())]).optional() }),
      handler: async ({ requester, params }) => await hierarchy.summary(requester?.userId, params.roomIdOrAlias!),
    });
  return [
    defineRoute({
      method: "GET",
      path: "/_matrix/client/v1/rooms/:roomId/hierarchy",
      auth: "user",
      query: z.object({ suggested_only: Bool, limit: Integer, max_depth: Integer, from: z.string().optional() }),
      handler: async ({ requester, params, query }) =>
        await hierarchy.hierarchy(requester.userId, params.roomId!, {
          suggestedOnly: query.suggested_only,
          limit: query.limit,
          maxDepth: query.max_depth,
          from: query.from,
        }),
    }),
    summary("/_matrix/client/v1/room_summary/:roomIdOrAlias"),
    summary("/_matrix/client/unstable/im.nheko.summary/rooms/:roomIdOrAlias/summary"),
  ];
}
