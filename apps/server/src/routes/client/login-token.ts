// https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv1loginget_token
// — optional; this server does not offer it (capability `m.get_login_token`
// is false, and GET /login lists no m.login.token flow), so it answers with the
// spec's 400 for "the user does not have an ability to generate tokens".

import { z } from "zod";
import { HttpMatrixError } from "../../http/http-error.js";
import { defineRoute, type AnyRoute } from "../../http/route.js";

/** Login tokens for signing in another device. */
export function loginTokenRoutes(): AnyRoute[] {
  return [
    defineRoute({
      method: "POST",
      path: "/_matrix/client/v1/login/get_token",
      auth: "user",
      rateLimited: true,
      body: z.object({ auth: z.unknown().optional() }),
      handler: async () => {
        throw new HttpMatrixError(400, "M_FORBIDDEN", "this server does not issue login tokens (m.get_login_token is disabled)");
      },
    }),
  ];
}
