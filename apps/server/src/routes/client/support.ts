// https://spec.matrix.org/v1.19/client-server-api/#getwell-knownmatrixsupport
// — "If the server does not have any contact information, it returns 404":
// no support contacts are configured on this server.

import { MatrixError } from "@weft/common";
import { defineRoute, type AnyRoute } from "../../http/route.js";

/** Server support information. */
export function supportRoutes(): AnyRoute[] {
  return [
    defineRoute({
      method: "GET",
      path: "/.well-known/matrix/support",
      auth: "none",
      handler: async () => {
        throw new MatrixError("M_NOT_FOUND", "no support contacts are configured on this server");
      },
    }),
  ];
}
