// https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3keysupload
// https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3keysquery
// https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3keysclaim
// https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3keyschanges
// https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3keysdevice_signingupload
// https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3keyssignaturesupload
// Key objects are taken as records (never a stripping z.object): the exact
// signed JSON reaches the signature checks.

import { z } from "zod";
import { defineRoute, respond, type AnyRoute } from "../../http/route.js";
import type { Services } from "../../services/index.js";

const JsonObjectSchema = z.record(z.string(), z.unknown());

/** The key management and cross-signing endpoints. */
export function keysRoutes(services: Services): AnyRoute[] {
  return [
    defineRoute({
      method: "POST",
      path: "/_matrix/client/v3/keys/upload",
      auth: "user",
      body: z.object({
        device_keys: JsonObjectSchema.optional(),
        one_time_keys: JsonObjectSchema.optional(),
        fallback_keys: JsonObjectSchema.optional(),
      }),
      handler: ({ requester, body }) => services.keys.upload(requester, body),
    }),
    defineRoute({
      method: "POST",
      path: "/_matrix/client/v3/keys/query",
      auth: "user",
      body: z.object({ device_keys: z.record(z.string(), z.array(z.string())), timeout: z.number().int().optional() }),
      // Pre-serialised: the device keys are spliced from stored JSON text.
      handler: async ({ requester, body }) => respond({ status: 200, json: await services.keys.query(requester, body.device_keys) }),
    }),
    defineRoute({
      method: "POST",
      path: "/_matrix/client/v3/keys/claim",
      auth: "user",
      body: z.object({ one_time_keys: z.record(z.string(), z.record(z.string(), z.string())), timeout: z.number().int().optional() }),
      handler: ({ body }) => services.keys.claim(body.one_time_keys),
    }),
    defineRoute({
      method: "GET",
      path: "/_matrix/client/v3/keys/changes",
      auth: "user",
      query: z.object({ from: z.string(), to: z.string() }),
      handler: ({ requester, query }) => services.keys.changes(requester, query.from, query.to),
    }),
    defineRoute({
      method: "POST",
      path: "/_matrix/client/v3/keys/device_signing/upload",
      auth: "user",
      body: z.object({
        master_key: JsonObjectSchema.optional(),
        self_signing_key: JsonObjectSchema.optional(),
        user_signing_key: JsonObjectSchema.optional(),
        auth: JsonObjectSchema.optional(),
      }),
      handler: async ({ requester, body }) => {
        const outcome = await services.keys.uploadDeviceSigning(requester, body);
        return outcome.ok ? {} : respond({ status: 401, body: outcome.challenge });
      },
    }),
    defineRoute({
      method: "POST",
      path: "/_matrix/client/v3/keys/signatures/upload",
      auth: "user",
      body: z.record(z.string(), z.unknown()),
      handler: ({ requester, body }) => services.keys.uploadSignatures(requester, body),
    }),
  ];
}
