// Third-party identifiers on a server without 3PID support:
// https://spec.matrix.org/v1.19/client-server-api/#adding-account-administrative-contact-information,
// https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3registeremailrequesttoken,
// https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3accountpasswordemailrequesttoken
// (GET /account/3pid, which lists none, lives in account.ts).

import { z } from "zod";
import { defineRoute, type AnyRoute } from "../../http/route.js";
import type { Services } from "../../services/index.js";
import type { RequestTokenPurpose } from "../../services/threepid-service.js";

/** request_email_validation.yaml. */
const EmailValidationSchema = z.object({
  client_secret: z.string(),
  email: z.string(),
  send_attempt: z.number().int(),
  next_link: z.string().optional(),
  id_server: z.string().optional(),
  id_access_token: z.string().optional(),
});

/** request_msisdn_validation.yaml. */
const MsisdnValidationSchema = z.object({
  client_secret: z.string(),
  country: z.string(),
  phone_number: z.string(),
  send_attempt: z.number().int(),
  next_link: z.string().optional(),
  id_server: z.string().optional(),
  id_access_token: z.string().optional(),
});

const REQUEST_TOKEN_PATHS: Record<RequestTokenPurpose, string> = {
  register: "/_matrix/client/v3/register",
  account: "/_matrix/client/v3/account/3pid",
  password: "/_matrix/client/v3/account/password",
};

/** 3PID validation requests and 3PID changes, all refused with the spec's errors. */
export function threepidRoutes(services: Services): AnyRoute[] {
  const requestTokenRoutes = (Object.entries(REQUEST_TOKEN_PATHS) as [RequestTokenPurpose, string][]).flatMap(([purpose, prefix]) => [
    defineRoute({
      method: "POST",
      path: `${prefix}/email/requestToken`,
      auth: "none",
      rateLimited: true,
      body: EmailValidationSchema,
      handler: async () => services.threepid.requestToken(purpose, "email"),
    }),
    defineRoute({
      method: "POST",
      path: `${prefix}/msisdn/requestToken`,
      auth: "none",
      rateLimited: true,
      body: MsisdnValidationSchema,
      handler: async () => services.threepid.requestToken(purpose, "msisdn"),
    }),
  ]);
  return [
    ...requestTokenRoutes,
    defineRoute({
      method: "POST",
      path: "/_matrix/client/v3/account/3pid/add",
      auth: "user",
      body: z.object({ auth: z.unknown().optional(), client_secret: z.string(), sid: z.string() }),
      handler: async () => services.threepid.changesDisabled(),
    }),
    defineRoute({
      method: "POST",
      path: "/_matrix/client/v3/account/3pid/delete",
      auth: "user",
      body: z.object({ id_server: z.string().optional(), medium: z.enum(["email", "msisdn"]), address: z.string() }),
      handler: async () => services.threepid.changesDisabled(),
    }),
    defineRoute({
      method: "POST",
      path: "/_matrix/client/v3/account/3pid/bind",
      auth: "user",
      body: z.object({ client_secret: z.string(), id_server: z.string(), id_access_token: z.string(), sid: z.string() }),
      handler: async ({ body }) => services.threepid.bind(body.id_server),
    }),
    defineRoute({
      method: "POST",
      path: "/_matrix/client/v3/account/3pid/unbind",
      auth: "user",
      body: z.object({ id_server: z.string().optional(), medium: z.enum(["email", "msisdn"]), address: z.string() }),
      handler: async () => services.threepid.unbind(),
    }),
  ];
}
