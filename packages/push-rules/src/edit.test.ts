// Tests for ruleset editing (https://spec.matrix.org/v1.19/client-server-api/#push-rules-api).
import { describe, expect, it } from "vitest";
import { deleteRule, findRule, getRule, putRule, setRuleActions, setRuleEnabled } from "./edit.js";
import { serverDefaultRuleset } from "./defaults.js";
import { isPushRuleError, type PushRuleErrorCode } from "./errors.js";
import type { Ruleset } from "./types.js";

const alice = "@alice:example.com";
const base = (): Ruleset => serverDefaultRuleset(alice);
const ids = (r: Ruleset, kind: keyof Ruleset): string[] => r[kind].map((x) => x.rule_id);

function expectError(fn: () => unknown, code: PushRuleErrorCode, errcode: string): void {
  try {
    fn();
  } catch (err) {
    expect(isPushRuleError(err)).toBe(true);
    expect((err as { code: string }).code).toBe(code);
    expect((err as { errcode: string }).errcode).toBe(errcode);
    return;
  }
  throw new Error(`expected ${code}`);
}

describe("putRule", () => {
  it("adds a content rule, enabled, most important among user rules (spec: cake)", () => {
    let r = putRule(base(), "content", "SSByZWFsbHkgbGlrZSBjYWtl", { pattern: "cake", actions: ["notify", { set_tweak: "sound", value: "cakealarm.wav" }] });
    r = putRule(r, "content", "other", { pattern: "pie", actions: ["notify"] });
    expect(ids(r, "content")).toEqual(["other", "SSByZWFsbHkgbGlrZSBjYWtl"]);
    expect(getRule(r, "content", "other")).toEqual({ rule_id: "other", default: false, enabled: true, actions: ["notify"], pattern: "pie" });
  });

  it("spec example: before= places the new rule just above the named one", () => {
    let r = putRule(base(), "content", "a", { pattern: "cake", actions: ["notify"] });
    r = putRule(r, "content", "b", { pattern: "x", actions: [] });
    r = putRule(r, "content", "U3BvbmdlIGNha2UgaXMgYmVzdA", { pattern: "cake*lie", actions: ["notify"] }, { before: "a" });
    expect(ids(r, "content")).toEqual(["b", "U3BvbmdlIGNha2UgaXMgYmVzdA", "a"]);
  });

  it("after= places it just below; both: before wins", () => {
    let r = putRule(base(), "sender", "@a:x", { actions: [] });
    r = putRule(r, "sender", "@b:x", { actions: [] });
    expect(ids(r, "sender")).toEqual(["@b:x", "@a:x"]);
    const after = putRule(r, "sender", "@c:x", { actions: [] }, { after: "@b:x" });
    expect(ids(after, "sender")).toEqual(["@b:x", "@c:x", "@a:x"]);
    const both = putRule(r, "sender", "@c:x", { actions: [] }, { before: "@b:x", after: "@a:x" });
    expect(ids(both, "sender")).toEqual(["@c:x", "@b:x", "@a:x"]);
  });

  it("override user rules go below .m.rule.master and above the other defaults", () => {
    const r = putRule(base(), "override", "beer", { conditions: [{ kind: "event_match", key: "content.body", pattern: "beer" }], actions: ["notify"] });
    expect(ids(r, "override").slice(0, 3)).toEqual([".m.rule.master", "beer", ".m.rule.suppress_notices"]);
    const u = putRule(base(), "underride", "late", { conditions: [], actions: [] });
    expect(ids(u, "underride")[0]).toBe("late");
  });

  it("updating keeps enabled state and position", () => {
    let r = putRule(base(), "content", "a", { pattern: "a", actions: [] });
    r = putRule(r, "content", "b", { pattern: "b", actions: [] });
    r = setRuleEnabled(r, "content", "a", false);
    r = putRule(r, "content", "a", { pattern: "aa", actions: ["notify"] });
    expect(ids(r, "content")).toEqual(["b", "a"]);
    expect(getRule(r, "content", "a")).toMatchObject({ pattern: "aa", enabled: false, actions: ["notify"] });
  });

  it("does not modify its input", () => {
    const r = base();
    const before = JSON.stringify(r);
    putRule(r, "content", "a", { pattern: "a", actions: [] });
    expect(JSON.stringify(r)).toBe(before);
  });

  it("rejects reserved, invalid and mis-kinded rule IDs with M_INVALID_PARAM", () => {
    expectError(() => putRule(base(), "override", ".m.rule.mine", { conditions: [], actions: [] }), "RESERVED_RULE_ID", "M_INVALID_PARAM");
    expectError(() => putRule(base(), "content", "a/b", { pattern: "x", actions: [] }), "INVALID_RULE_ID", "M_INVALID_PARAM");
    expectError(() => putRule(base(), "content", "a\\b", { pattern: "x", actions: [] }), "INVALID_RULE_ID", "M_INVALID_PARAM");
    expectError(() => putRule(base(), "content", "", { pattern: "x", actions: [] }), "INVALID_RULE_ID", "M_INVALID_PARAM");
    expectError(() => putRule(base(), "room", "not-a-room", { actions: [] }), "INVALID_RULE_ID", "M_INVALID_PARAM");
    expectError(() => putRule(base(), "sender", "not-a-user", { actions: [] }), "INVALID_RULE_ID", "M_INVALID_PARAM");
    expectError(() => putRule(base(), "global" as "content", "x", { actions: [] }), "INVALID_KIND", "M_INVALID_PARAM");
  });

  it("rejects missing actions, pattern and conditions with M_BAD_JSON", () => {
    expectError(() => putRule(base(), "content", "x", { pattern: "x" } as never), "BAD_RULE", "M_BAD_JSON");
    expectError(() => putRule(base(), "content", "x", { actions: [] }), "BAD_RULE", "M_BAD_JSON");
    expectError(() => putRule(base(), "override", "x", { actions: [] }), "BAD_RULE", "M_BAD_JSON");
    expectError(() => putRule(base(), "override", "x", { actions: [], conditions: [{ kind: "event_match", key: "type" }] }), "BAD_RULE", "M_BAD_JSON");
    expectError(() => putRule(base(), "override", "x", { actions: [5 as never], conditions: [] }), "BAD_RULE", "M_BAD_JSON");
  });

  it("positions: relative to a server-default rule or itself is M_INVALID_PARAM, unknown is M_UNKNOWN", () => {
    const r = putRule(base(), "override", "a", { conditions: [], actions: [] });
    expectError(() => putRule(r, "override", "b", { conditions: [], actions: [] }, { before: ".m.rule.master" }), "INVALID_POSITION", "M_INVALID_PARAM");
    expectError(() => putRule(r, "override", "a", { conditions: [], actions: [] }, { after: "a" }), "INVALID_POSITION", "M_INVALID_PARAM");
    expectError(() => putRule(r, "override", "b", { conditions: [], actions: [] }, { before: "someRuleId" }), "POSITION_RULE_NOT_FOUND", "M_UNKNOWN");
  });

  it("enforces limits", () => {
    expectError(() => putRule(base(), "content", "x", { pattern: "a".repeat(257), actions: [] }), "LIMIT_EXCEEDED", "M_INVALID_PARAM");
    const conds = Array.from({ length: 33 }, () => ({ kind: "event_match", key: "type", pattern: "x" }));
    expectError(() => putRule(base(), "override", "x", { conditions: conds, actions: [] }), "LIMIT_EXCEEDED", "M_INVALID_PARAM");
    let r = base();
    const small = { maxPatternLength: 100, maxKeyLength: 100, maxConditionsPerRule: 3, maxRules: 16 };
    r = putRule(r, "content", "one", { pattern: "x", actions: [] }, {}, small);
    expectError(() => putRule(r, "content", "two", { pattern: "x", actions: [] }, {}, small), "LIMIT_EXCEEDED", "M_INVALID_PARAM");
  });
});

describe("deleteRule, setRuleEnabled, setRuleActions, getRule", () => {
  it("deletes user rules only", () => {
    const r = putRule(base(), "content", "x", { pattern: "x", actions: [] });
    expect(findRule(deleteRule(r, "content", "x"), "content", "x")).toBeUndefined();
    expectError(() => deleteRule(r, "content", "nope"), "RULE_NOT_FOUND", "M_NOT_FOUND");
    expectError(() => deleteRule(r, "override", ".m.rule.master"), "CANNOT_DELETE_SERVER_DEFAULT", "M_NOT_FOUND");
  });

  it("enables and re-actions server-default rules", () => {
    let r = setRuleEnabled(base(), "override", ".m.rule.master", true);
    expect(getRule(r, "override", ".m.rule.master").enabled).toBe(true);
    r = setRuleActions(r, "underride", ".m.rule.message", ["notify", { set_tweak: "highlight" }]);
    expect(getRule(r, "underride", ".m.rule.message").actions).toEqual(["notify", { set_tweak: "highlight" }]);
    expectError(() => setRuleEnabled(r, "override", "nope", true), "RULE_NOT_FOUND", "M_NOT_FOUND");
    expectError(() => setRuleActions(r, "override", "nope", []), "RULE_NOT_FOUND", "M_NOT_FOUND");
    expectError(() => setRuleActions(r, "override", ".m.rule.master", "notify" as never), "BAD_RULE", "M_BAD_JSON");
    expectError(() => getRule(r, "room", "!nope:x"), "RULE_NOT_FOUND", "M_NOT_FOUND");
  });
});
