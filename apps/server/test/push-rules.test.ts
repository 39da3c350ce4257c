// The push rules API over HTTP: https://spec.matrix.org/v1.19/client-server-api/#push-rules-api
// (data/api/client-server/pushrules.yaml): defaults, PUT with before/after,
// DELETE, enabled and actions, and the spec's validation errors; edited
// rulesets are stored as deltas over the server default.

import { serverDefaultRuleset } from "@weft/push-rules";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, register, type RoomTestUser } from "./support/room-helpers.js";
import { startTestServer, testBackends, type TestServer } from "./support/test-server.js";

const RULES = "/_matrix/client/v3/pushrules";

describe.each(testBackends())("push rules API on $name", (backend) => {
  let t: TestServer;
  let alice: RoomTestUser;
  let bob: RoomTestUser;
  beforeAll(async () => {
    t = await startTestServer(backend);
    alice = await register(t, "alice");
    bob = await register(t, "bob");
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it("serves the server-default ruleset to a new account", async () => {
    const all = await call(t, alice, "GET", `${RULES}/`);
    expect(all.global).toEqual(serverDefaultRuleset(alice.userId));
    expect(await call(t, alice, "GET", `${RULES}/global/`)).toEqual(all.global);
    const rule = await call(t, alice, "GET", `${RULES}/global/override/.m.rule.master`);
    expect(rule).toMatchObject({ rule_id: ".m.rule.master", default: true, enabled: false });
    expect(await call(t, alice, "GET", `${RULES}/global/override/.m.rule.master/enabled`)).toEqual({ enabled: false });
    expect(await call(t, alice, "GET", `${RULES}/global/underride/.m.rule.message/actions`)).toEqual({ actions: ["notify"] });
  });

  it("adds, orders, updates and deletes user rules", async () => {
    await call(t, alice, "PUT", `${RULES}/global/content/cake`, { pattern: "cake*lie", actions: ["notify"] });
    await call(t, alice, "PUT", `${RULES}/global/content/pie`, { pattern: "pie", actions: ["notify"] });
    // Without before/after a new rule is the most important user rule.
    let content = (await call(t, alice, "GET", `${RULES}/global/`)).content;
    expect(content.map((r: { rule_id: string }) => r.rule_id)).toEqual(["pie", "cake"]);
    await call(t, alice, "PUT", `${RULES}/global/content/tart?after=cake`, { pattern: "tart", actions: ["notify"] });
    await call(t, alice, "PUT", `${RULES}/global/content/flan?before=cake`, { pattern: "flan", actions: [] });
    // Both given: before wins.
    await call(t, alice, "PUT", `${RULES}/global/content/scone?before=pie&after=tart`, { pattern: "scone", actions: ["notify"] });
    content = (await call(t, alice, "GET", `${RULES}/global/`)).content;
    expect(content.map((r: { rule_id: string }) => r.rule_id)).toEqual(["scone", "pie", "flan", "cake", "tart"]);
    expect(await call(t, alice, "GET", `${RULES}/global/content/cake`)).toEqual({ rule_id: "cake", default: false, enabled: true, pattern: "cake*lie", actions: ["notify"] });

    // Override user rules sit below .m.rule.master, above the other defaults.
    await call(t, alice, "PUT", `${RULES}/global/override/quiet`, { conditions: [{ kind: "event_match", key: "content.body", pattern: "shh" }], actions: [] });
    const override = (await call(t, alice, "GET", `${RULES}/global/`)).override.map((r: { rule_id: string }) => r.rule_id);
    expect(override.slice(0, 3)).toEqual([".m.rule.master", "quiet", ".m.rule.suppress_notices"]);
    // Sender and room rules are named by user and room IDs.
    await call(t, alice, "PUT", `${RULES}/global/sender/${encodeURIComponent(bob.userId)}`, { actions: ["notify"] });
    await call(t, alice, "PUT", `${RULES}/global/room/${encodeURIComponent("!room:localhost")}`, { actions: [] });

    await call(t, alice, "PUT", `${RULES}/global/content/cake/enabled`, { enabled: false });
    expect(await call(t, alice, "GET", `${RULES}/global/content/cake/enabled`)).toEqual({ enabled: false });
    await call(t, alice, "PUT", `${RULES}/global/content/cake/actions`, { actions: ["notify", { set_tweak: "highlight" }] });
    // Updating keeps the enabled state and position.
    await call(t, alice, "PUT", `${RULES}/global/content/cake`, { pattern: "cake", actions: ["notify"] });
    expect(await call(t, alice, "GET", `${RULES}/global/content/cake`)).toMatchObject({ enabled: false, pattern: "cake" });
    await call(t, alice, "DELETE", `${RULES}/global/content/cake`);
    await call(t, alice, "GET", `${RULES}/global/content/cake`, undefined, 404);

    // Bob's rules are his own.
    expect((await call(t, bob, "GET", `${RULES}/`)).global).toEqual(serverDefaultRuleset(bob.userId));
  });

  it("edits server-default rules and stores only the changes", async () => {
    await call(t, alice, "PUT", `${RULES}/global/override/.m.rule.master/enabled`, { enabled: true });
    await call(t, alice, "PUT", `${RULES}/global/underride/.m.rule.message/actions`, { actions: ["notify", { set_tweak: "sound", value: "default" }] });
    expect(await call(t, alice, "GET", `${RULES}/global/override/.m.rule.master/enabled`)).toEqual({ enabled: true });
    const { rows } = await t.server.db.query<{ ruleset: Record<string, any> }>("SELECT ruleset FROM push_rules WHERE user_id = $1", [alice.userId]);
    const stored = rows[0]!.ruleset;
    expect(stored.format).toBe("weft.delta.1");
    expect(stored.defaults).toEqual({
      "override/.m.rule.master": { enabled: true },
      "underride/.m.rule.message": { actions: ["notify", { set_tweak: "sound", value: "default" }] },
    });
    // No default rule is copied into the stored document.
    expect(JSON.stringify(stored.user)).not.toContain(".m.rule.");
    // The change reaches the user's clients as m.push_rules account data.
    const sync = await call(t, alice, "GET", "/_matrix/client/v3/sync");
    const pushRules = sync.account_data.events.find((e: { type: string }) => e.type === "m.push_rules");
    expect(pushRules.content.global.override[0]).toMatchObject({ rule_id: ".m.rule.master", enabled: true });
    await call(t, alice, "PUT", `${RULES}/global/override/.m.rule.master/enabled`, { enabled: false });
  });

  it("answers the spec's errors", async () => {
    const put = (path: string, body: unknown) => t.request("PUT", `${RULES}/global/${path}`, { token: alice.token, body });
    const expectError = async (p: Promise<{ status: number; body: any }>, status: number, errcode: string) => {
      const res = await p;
      expect(res.status, JSON.stringify(res.body)).toBe(status);
      expect(res.body.errcode).toBe(errcode);
    };
    // Rule IDs starting with "." are reserved for server-default rules.
    await expectError(put("content/.mine", { pattern: "x", actions: ["notify"] }), 400, "M_INVALID_PARAM");
    await expectError(put("override/.m.rule.master", { conditions: [], actions: [] }), 400, "M_INVALID_PARAM");
    await expectError(put("nonsense/rule", { actions: ["notify"] }), 400, "M_INVALID_PARAM");
    await expectError(put("room/not-a-room-id", { actions: ["notify"] }), 400, "M_INVALID_PARAM");
    await expectError(put("content/nopattern", { actions: ["notify"] }), 400, "M_BAD_JSON");
    await expectError(put("override/noconditions", { actions: ["notify"] }), 400, "M_BAD_JSON");
    await expectError(put("content/noactions", { pattern: "x" }), 400, "M_MISSING_PARAM");
    await expectError(put("content/badactions", { pattern: "x", actions: "notify" }), 400, "M_BAD_JSON");
    await expectError(put("content/badcondition", { pattern: "x", actions: [42] }), 400, "M_BAD_JSON");
    // before/after: unknown rule (the spec's example errcode), or a server-default rule.
    await expectError(put("content/x?before=someRuleId", { pattern: "x", actions: ["notify"] }), 400, "M_UNKNOWN");
    await expectError(put("override/x?after=.m.rule.master", { conditions: [], actions: ["notify"] }), 400, "M_INVALID_PARAM");
    await expectError(t.request("PUT", `${RULES}/global/content/x`, { token: alice.token, body: "{not json" }), 400, "M_NOT_JSON");
    await expectError(t.request("GET", `${RULES}/global/content/nope`, { token: alice.token }), 404, "M_NOT_FOUND");
    await expectError(t.request("GET", `${RULES}/global/content/nope/enabled`, { token: alice.token }), 404, "M_NOT_FOUND");
    await expectError(t.request("PUT", `${RULES}/global/content/nope/actions`, { token: alice.token, body: { actions: ["notify"] } }), 404, "M_NOT_FOUND");
    await expectError(t.request("DELETE", `${RULES}/global/content/nope`, { token: alice.token }), 404, "M_NOT_FOUND");
    // Server-default rules cannot be deleted.
    await expectError(t.request("DELETE", `${RULES}/global/override/.m.rule.master`, { token: alice.token }), 404, "M_NOT_FOUND");
    await expectError(t.request("PUT", `${RULES}/global/override/.m.rule.master/enabled`, { token: alice.token, body: { enabled: "yes" } }), 400, "M_BAD_JSON");
    await expectError(t.request("PUT", `${RULES}/global/override/.m.rule.master/enabled`, { token: alice.token, body: {} }), 400, "M_MISSING_PARAM");
    await expectError(t.request("GET", `${RULES}/`), 401, "M_MISSING_TOKEN");
    await expectError(t.request("GET", `${RULES}/`, { token: "nope" }), 401, "M_UNKNOWN_TOKEN");
  });
});
