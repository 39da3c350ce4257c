// Push rules API: https://spec.matrix.org/v1.19/client-server-api/#push-rules-api
// (data/api/client-server/pushrules.yaml): get all / global / one, PUT with
// before/after, DELETE, enabled GET/PUT, actions GET/PUT. Validation and
// errcodes come from @weft/push-rules through the service.

import { z } from "zod";
import { defineRoute, type AnyRoute } from "../../http/route.js";
import type { Services } from "../../services/index.js";

const RuleParams = z.object({ kind: z.string(), ruleId: z.string() });
const PutRuleBodySchema = z.looseObject({
  actions: z.array(z.unknown()),
  conditions: z.array(z.unknown()).optional(),
  pattern: z.string().optional(),
});
const PositionQuery = z.object({ before: z.string().optional(), after: z.string().optional() });

/** The push rules endpoints. */
export function pushRuleRoutes(services: Services): AnyRoute[] {
  const rule = "/_matrix/client/v3/pushrules/global/:kind/:ruleId";
  return [
    defineRoute({
      method: "GET",
      path: "/_matrix/client/v3/pushrules/",
      auth: "user",
      handler: async ({ requester }) => services.pushRules.getRulesets(requester.userId),
    }),
    defineRoute({
      method: "GET",
      path: "/_matrix/client/v3/pushrules/global/",
      auth: "user",
      handler: async ({ requester }) => services.pushRules.getRuleset(requester.userId),
    }),
    defineRoute({
      method: "GET",
      path: rule,
      auth: "user",
      params: RuleParams,
      handler: async ({ requester, params }) => services.pushRules.getRule(requester.userId, params.kind, params.ruleId),
    }),
    defineRoute({
      method: "PUT",
      path: rule,
      auth: "user",
      rateLimited: true,
      params: RuleParams,
      query: PositionQuery,
      body: PutRuleBodySchema,
      handler: async ({ requester, params, query, body }) => {
        const position = { ...(query.before !== undefined ? { before: query.before } : {}), ...(query.after !== undefined ? { after: query.after } : {}) };
        await services.pushRules.putRule(
          requester.userId,
          params.kind,
          params.ruleId,
          body as unknown as Parameters<Services["pushRules"]["putRule"]>[3],
          position,
        );
        return {};
      },
    }),
    defineRoute({
      method: "DELETE",
      path: rule,
      auth: "user",
      params: RuleParams,
      handler: async ({ requester, params }) => {
        await services.pushRules.deleteRule(requester.userId, params.kind, params.ruleId);
        return {};
      },
    }),
    defineRoute({
      method: "GET",
      path: `${rule}/enabled`,
      auth: "user",
      params: RuleParams,
      handler: async ({ requester, params }) => ({ enabled: (await services.pushRules.getRule(requester.userId, params.kind, params.ruleId)).enabled }),
    }),
    defineRoute({
      method: "PUT",
      path: `${rule}/enabled`,
      auth: "user",
      params: RuleParams,
      body: z.object({ enabled: z.boolean() }),
      handler: async ({ requester, params, body }) => {
        await services.pushRules.setEnabled(requester.userId, params.kind, params.ruleId, body.enabled);
        return {};
      },
    }),
    defineRoute({
      method: "GET",
      path: `${rule}/actions`,
      auth: "user",
      params: RuleParams,
      handler: async ({ requester, params }) => ({ actions: (await services.pushRules.getRule(requester.userId, params.kind, params.ruleId)).actions }),
    }),
    defineRoute({
      method: "PUT",
      path: `${rule}/actions`,
      auth: "user",
      params: RuleParams,
      body: z.object({ actions: z.array(z.unknown()) }),
      handler: async ({ requester, params, body }) => {
        await services.pushRules.setActions(requester.userId, params.kind, params.ruleId, body.actions as Parameters<Services["pushRules"]["setActions"]>[3]);
        return {};
      },
    }),
  ];
}
