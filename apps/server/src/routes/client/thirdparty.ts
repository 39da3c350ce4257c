// https://spec.matrix.org/v1.19/client-server-api/#third-party-networks

import { z } from "zod";
import { defineRoute, type AnyRoute } from "../../http/route.js";
import type { Services } from "../../services/index.js";

const PREFIX = "/_matrix/client/v3/thirdparty";

/** Third-party network lookups. */
export function thirdPartyRoutes(services: Services): AnyRoute[] {
  const perProtocol = (path: string): AnyRoute =>
    defineRoute({ method: "GET", path, auth: "user", handler: async ({ params }) => services.thirdParty.protocol(params.protocol!) });
  return [
    defineRoute({ method: "GET", path: `${PREFIX}/protocols`, auth: "user", handler: async () => services.thirdParty.protocols() }),
    perProtocol(`${PREFIX}/protocol/:protocol`),
    perProtocol(`${PREFIX}/location/:protocol`),
    perProtocol(`${PREFIX}/user/:protocol`),
    defineRoute({
      method: "GET",
      path: `${PREFIX}/location`,
      auth: "user",
      query: z.object({ alias: z.string() }),
      handler: async () => services.thirdParty.reverseLookup(),
    }),
    defineRoute({
      method: "GET",
      path: `${PREFIX}/user`,
      auth: "user",
      query: z.object({ userid: z.string() }),
      handler: async () => services.thirdParty.reverseLookup(),
    }),
  ];
}
