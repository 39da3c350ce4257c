// Tests for ruleset validation (push_ruleset.yaml / push_rule.yaml / push_condition.yaml,
// https://spec.matrix.org/v1.19/client-server-api/#push-rules).
import { describe, expect, it } from "vitest";
import { serverDefaultRuleset } from "./defaults.js";
import { isPushRuleError, PushRuleError } from "./errors.js";
import { validateRuleset } from "./validate.js";

function codeOf(fn: () => unknown): { code: string; path: string | undefined } {
  try {
    fn();
  } catch (err) {
    if (!isPushRuleError(err)) throw err;
    return { code: err.code, path: err.path };
  }
  throw new Error("expected a PushRuleError");
}

describe("validateRuleset", () => {
  it("accepts the spec's defaults and the push_ruleset.yaml shape, filling missing kinds", () => {
    const d = serverDefaultRuleset("@alice:example.com");
    expect(validateRuleset(JSON.parse(JSON.stringify(d)))).toEqual(d);
    expect(validateRuleset({ override: [] })).toEqual({ override: [], content: [], room: [], sender: [], underride: [] });
  });

  it("keeps unknown condition kinds and unknown actions", () => {
    const r = validateRuleset({ override: [{ rule_id: "x", default: false, enabled: true, conditions: [{ kind: "org.example", foo: 1 }], actions: ["org.example.act", { org: 1 }] }] });
    expect(r.override[0]!.conditions).toEqual([{ kind: "org.example", foo: 1 }]);
  });

  it("reports bad shapes with M_BAD_JSON and the JSON path", () => {
    expect(codeOf(() => validateRuleset(null))).toEqual({ code: "BAD_RULE", path: "$" });
    expect(codeOf(() => validateRuleset({ content: {} }))).toEqual({ code: "BAD_RULE", path: "$.content" });
    expect(codeOf(() => validateRuleset({ content: [{ rule_id: "x", actions: [] }] }))).toEqual({ code: "BAD_RULE", path: "$.content[0].pattern" });
    expect(codeOf(() => validateRuleset({ override: [{ rule_id: "x", actions: [], conditions: [{ kind: 1 }] }] }))).toEqual({ code: "BAD_RULE", path: "$.override[0].conditions[0].kind" });
    expect(codeOf(() => validateRuleset({ override: [{ rule_id: "x", actions: [], conditions: [{ kind: "event_match", key: 5 }] }] }))).toEqual({ code: "BAD_RULE", path: "$.override[0].conditions[0].key" });
    expect(codeOf(() => validateRuleset({ override: [{ rule_id: "x", actions: [], conditions: [{ kind: "event_property_is", value: [] }] }] }))).toEqual({ code: "BAD_RULE", path: "$.override[0].conditions[0].value" });
    expect(codeOf(() => validateRuleset({ room: [{ rule_id: "", actions: [] }] }))).toEqual({ code: "BAD_RULE", path: "$.room[0].rule_id" });
    expect(codeOf(() => validateRuleset({ room: [{ rule_id: "!a:b", actions: "notify" }] }))).toEqual({ code: "BAD_RULE", path: "$.room[0].actions" });
    expect(codeOf(() => validateRuleset({ room: [{ rule_id: "!a:b", enabled: "yes", actions: [] }] }))).toEqual({ code: "BAD_RULE", path: "$.room[0].enabled" });
    expect(codeOf(() => validateRuleset({ room: [{ rule_id: "!a:b", actions: [{ set_tweak: 1 }] }] }))).toEqual({ code: "BAD_RULE", path: "$.room[0].actions[0].set_tweak" });
  });

  it("enforces limits with LIMIT_EXCEEDED", () => {
    const many = Array.from({ length: 2001 }, (_, i) => ({ rule_id: `!r${i}:x`, actions: [] }));
    expect(codeOf(() => validateRuleset({ room: many })).code).toBe("LIMIT_EXCEEDED");
    expect(codeOf(() => validateRuleset({ content: [{ rule_id: "x", pattern: "*".repeat(600), actions: [] }] })).path).toBe("$.content[0].pattern");
    expect(codeOf(() => validateRuleset({ override: [{ rule_id: "x", actions: [], conditions: [{ kind: "event_match", key: "k".repeat(600), pattern: "" }] }] })).path).toBe("$.override[0].conditions[0].key");
  });

  it("errors are recognised by name and code too", () => {
    const e = new PushRuleError("BAD_RULE", "expected x, got y");
    expect(isPushRuleError(e)).toBe(true);
    expect(isPushRuleError({ name: "PushRuleError", code: "BAD_RULE" })).toBe(true);
    expect(isPushRuleError({ name: "PushRuleError", code: "NOPE" })).toBe(false);
    expect(e.errcode).toBe("M_BAD_JSON");
  });
});
