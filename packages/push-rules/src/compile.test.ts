// Tests for compiling, template sharing, explain and fan-out
// (https://spec.matrix.org/v1.19/client-server-api/#push-rules).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CompiledRulesetCache } from "./cache.js";
import { compileRuleset, RulesetTemplatePool } from "./compile.js";
import { serverDefaultRuleset } from "./defaults.js";
import { putRule } from "./edit.js";
import { evaluateForRecipients } from "./fan-out.js";
import { prepareEvent } from "./prepared-event.js";
import type { PushDecision } from "./types.js";

const users = ["@alice:example.com", "@bob:example.com", "@charlie:example.com", "@ella:example.com", "@zara:example.com"];
const msg = (content: Record<string, unknown>, sender = "@zara:example.com") => prepareEvent({ type: "m.room.message", sender, room_id: "!r:example.com", content: { msgtype: "m.text", ...content } });

describe("templates", () => {
  it("users with the default rules share one template", () => {
    const pool = new RulesetTemplatePool();
    const compiled = users.map((u) => compileRuleset(serverDefaultRuleset(u), u, { pool }));
    expect(new Set(compiled.map((c) => c.template)).size).toBe(1);
    expect(pool.size).toBe(1);
  });

  it("a user with an extra rule gets another template, and behaviour is per-user", () => {
    const pool = new RulesetTemplatePool();
    const a = compileRuleset(serverDefaultRuleset(users[0]!), users[0]!, { pool });
    const b = compileRuleset(putRule(serverDefaultRuleset(users[1]!), "content", "x", { pattern: "lunch", actions: ["notify", { set_tweak: "highlight" }] }), users[1]!, { pool });
    expect(a.template).not.toBe(b.template);
    const ev = msg({ body: "Lunch?" });
    expect(a.evaluate(ev, { memberCount: 9 })?.ruleId).toBe(".m.rule.message");
    expect(b.evaluate(ev, { memberCount: 9 })?.ruleId).toBe("x");
  });

  it("the user-ID slot resolves to each user's own ID", () => {
    const pool = new RulesetTemplatePool();
    const [a, b] = users.slice(0, 2).map((u) => compileRuleset(serverDefaultRuleset(u), u, { pool }));
    const ev = msg({ body: "hi", "m.mentions": { user_ids: [users[1]] } });
    expect(a!.evaluate(ev, { memberCount: 9 })?.ruleId).toBe(".m.rule.message");
    expect(b!.evaluate(ev, { memberCount: 9 })?.ruleId).toBe(".m.rule.is_user_mention");
    const invite = prepareEvent({ type: "m.room.member", state_key: users[0], sender: users[4], content: { membership: "invite" } });
    expect(a!.evaluate(invite, {})?.ruleId).toBe(".m.rule.invite_for_me");
    expect(b!.evaluate(invite, {})?.ruleId).toBe(".m.rule.member_event");
  });

  it("a pool that fills up starts over without changing results", () => {
    const pool = new RulesetTemplatePool(1);
    const a = compileRuleset(serverDefaultRuleset(users[0]!), users[0]!, { pool });
    const b = compileRuleset(putRule(serverDefaultRuleset(users[1]!), "content", "x", { pattern: "x", actions: [] }), users[1]!, { pool });
    expect(pool.size).toBe(1);
    expect(a.evaluate(msg({ body: "x" }), {})?.ruleId).toBe(".m.rule.message");
    expect(b.evaluate(msg({ body: "x" }), {})?.ruleId).toBe("x");
  });
});

describe("explain", () => {
  it("traces every rule tried with the reason it failed", () => {
    const c = compileRuleset(serverDefaultRuleset(users[0]!), users[0]!);
    const { decision, trace, status } = c.explain(msg({ body: "hello" }), { memberCount: 50 });
    expect(status).toBe("evaluated");
    expect(decision?.ruleId).toBe(".m.rule.message");
    expect(trace[0]).toEqual({ ruleId: ".m.rule.master", kind: "override", outcome: "disabled" });
    expect(trace.find((t) => t.ruleId === ".m.rule.suppress_notices")).toMatchObject({ outcome: "failed", condition: 0, reason: "mismatch" });
    expect(trace.find((t) => t.ruleId === ".m.rule.is_user_mention")).toMatchObject({ outcome: "failed", reason: "absent" });
    expect(trace.find((t) => t.ruleId === ".m.rule.room_one_to_one")).toMatchObject({ outcome: "failed", condition: 0, reason: "member_count" });
    expect(trace.at(-1)).toEqual({ ruleId: ".m.rule.message", kind: "underride", outcome: "matched" });
  });

  it("names unknown conditions, wrong types, power levels and own events", () => {
    let r = serverDefaultRuleset(users[0]!);
    r = putRule(r, "override", "u", { conditions: [{ kind: "org.example.nope" }], actions: ["notify"] });
    r = putRule(r, "override", "t", { conditions: [{ kind: "event_match", key: "content.n", pattern: "*" }], actions: ["notify"] });
    const c = compileRuleset(r, users[0]!);
    const { trace } = c.explain(msg({ body: "x", n: 5, "m.mentions": { room: true } }), { senderPowerLevel: 0 });
    expect(trace.find((t) => t.ruleId === "u")).toMatchObject({ reason: "unknown_condition" });
    expect(trace.find((t) => t.ruleId === "t")).toMatchObject({ reason: "wrong_type" });
    expect(trace.find((t) => t.ruleId === ".m.rule.is_room_mention")).toMatchObject({ condition: 1, reason: "power_level" });
    expect(c.explain(msg({ body: "x" }, users[0]), {})).toEqual({ decision: null, status: "own_event", trace: [] });
  });
});

describe("evaluateForRecipients", () => {
  it("gives every recipient the decision evaluate() gives, and null to the sender", () => {
    const cache = new CompiledRulesetCache();
    const recipients = users.map((u, i) => ({
      userId: u,
      displayName: i === 2 ? "Chaz" : null,
      ruleset: cache.get(u, 1, () => {
        let r = serverDefaultRuleset(u);
        if (i === 1) r = putRule(r, "content", "kw", { pattern: "deploy*", actions: ["notify", { set_tweak: "highlight" }] });
        if (i === 2) r = putRule(r, "override", "dn", { conditions: [{ kind: "contains_display_name" }], actions: ["notify"] });
        return r;
      }),
    }));
    const events = [
      msg({ body: "deploying now, chaz" }),
      msg({ body: "hi", "m.mentions": { user_ids: [users[0], users[3]] } }),
      msg({ body: "@room", "m.mentions": { room: true } }),
      prepareEvent({ type: "m.room.member", state_key: users[3], sender: users[4], content: { membership: "invite" } }),
      prepareEvent({ type: "m.room.encrypted", sender: users[4], content: {} }),
    ];
    for (const ev of events) {
      for (const facts of [{ memberCount: 2 }, { memberCount: 30, senderPowerLevel: 100 }]) {
        const got = new Map<string, PushDecision | null>();
        evaluateForRecipients(ev, facts, recipients, (r, d) => got.set(r.userId, d));
        for (const r of recipients) {
          expect(got.get(r.userId)).toBe(r.ruleset.evaluate(ev, facts, { displayName: r.displayName }));
        }
        expect(got.get(users[4]!)).toBeNull();
      }
    }
  });
});

describe("CompiledRulesetCache", () => {
  it("reuses entries until the version changes, and evicts least recently used", () => {
    const cache = new CompiledRulesetCache({ maxEntries: 2 });
    let loads = 0;
    const load = (u: string) => () => {
      loads++;
      return serverDefaultRuleset(u);
    };
    const a1 = cache.get("@a:x", "v1", load("@a:x"));
    expect(cache.get("@a:x", "v1", load("@a:x"))).toBe(a1);
    expect(loads).toBe(1);
    const a2 = cache.get("@a:x", "v2", load("@a:x"));
    expect(a2).not.toBe(a1);
    expect(a2.template).toBe(a1.template);
    cache.get("@b:x", 1, load("@b:x"));
    cache.get("@a:x", "v2", load("@a:x"));
    cache.get("@c:x", 1, load("@c:x"));
    expect(cache.size).toBe(2);
    expect(cache.peek("@b:x", 1)).toBeUndefined();
    expect(cache.peek("@a:x", "v2")).toBe(a2);
    cache.invalidate("@a:x");
    expect(cache.peek("@a:x", "v2")).toBeUndefined();
    cache.clear();
    expect(cache.size).toBe(0);
  });
});

describe("keyword blocks", () => {
  it("matching a run of keyword and glob content rules as a block agrees with rule-by-rule explain()", () => {
    const vocab = ["cake", "lie", "deploy", "x1", "tea", "time", "snake_case", "Ünï"];
    const patternArb = fc.oneof(fc.constantFrom(...vocab), fc.constantFrom("cake*", "t?a", "lie!", "de*y", "*ake", "pan?ake", "x?", "snake_*", "ti me", "Ü*"));
    fc.assert(
      fc.property(
        fc.array(patternArb, { minLength: 8, maxLength: 30 }),
        fc.array(fc.constantFrom(...vocab, "Cake", "TIME", "pancake"), { maxLength: 12 }),
        fc.constantFrom(" ", ", ", "-", "_"),
        (patterns, words, sep) => {
          let r = serverDefaultRuleset(users[0]!);
          patterns.forEach((p, i) => {
            r = putRule(r, "content", `k${i}`, { pattern: p, actions: ["notify", { set_tweak: "sound", value: `s${i}` }] }, i === 0 ? {} : { after: `k${i - 1}` });
          });
          const c = compileRuleset(r, users[0]!);
          const ev = msg({ body: words.join(sep) });
          const d = c.evaluate(ev, { memberCount: 5 });
          expect(d?.ruleId).toBe(c.explain(ev, { memberCount: 5 }).decision?.ruleId);
        },
      ),
      { numRuns: 300 },
    );
  });
});
