// Shape checks for push rulesets from storage or HTTP, following
// data/api/client-server/definitions/push_rule.yaml, push_condition.yaml and
// push_ruleset.yaml (https://spec.matrix.org/v1.19/client-server-api/#push-rules).
// Plain TypeScript, no runtime dependencies. Lenient where the spec is: unknown
// condition kinds and unknown actions are kept (they never match / are passed
// through); strict about types of the fields the evaluator reads.

import { PushRuleError } from "./errors.js";
import { DEFAULT_LIMITS, type PushRuleLimits } from "./limits.js";
import { RULE_KINDS, type PushAction, type PushCondition, type PushRule, type RuleKind, type Ruleset } from "./types.js";

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "string") return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  return typeof v === "object" ? "an object" : `${typeof v} ${String(v)}`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function bad(message: string, path: string): PushRuleError {
  return new PushRuleError("BAD_RULE", message, { path });
}

/**
 * Checks and copies an actions array.
 * @param value - the `actions` value.
 * @param path - JSON path for errors.
 * @returns a copy (strings and shallow-copied objects).
 * @throws {PushRuleError} `BAD_RULE` when not an array of strings and objects, or a `set_tweak` that is not a string.
 */
export function validateActions(value: unknown, path = "$.actions"): PushAction[] {
  if (!Array.isArray(value)) throw bad(`expected an array of actions, got ${describe(value)}`, path);
  return value.map((a: unknown, i): PushAction => {
    if (typeof a === "string") return a;
    if (!isObject(a)) throw bad(`expected a string or object action, got ${describe(a)}`, `${path}[${i}]`);
    if ("set_tweak" in a && typeof a.set_tweak !== "string") {
      throw bad(`expected set_tweak to be a string, got ${describe(a.set_tweak)}`, `${path}[${i}].set_tweak`);
    }
    return { ...a };
  });
}

/**
 * Checks and copies one condition. Unknown kinds are kept; known fields must have
 * the right types when present.
 * @param value - the condition.
 * @param path - JSON path for errors.
 * @returns a shallow copy.
 * @throws {PushRuleError} `BAD_RULE` on a wrong shape.
 */
export function validateCondition(value: unknown, path: string): PushCondition {
  if (!isObject(value)) throw bad(`expected a condition object, got ${describe(value)}`, path);
  if (typeof value.kind !== "string") throw bad(`expected kind to be a string, got ${describe(value.kind)}`, `${path}.kind`);
  for (const field of ["key", "pattern", "is"] as const) {
    if (field in value && typeof value[field] !== "string") {
      throw bad(`expected ${field} to be a string, got ${describe(value[field])}`, `${path}.${field}`);
    }
  }
  if ("value" in value) {
    const v = value.value;
    if (!(v === null || typeof v === "string" || typeof v === "number" || typeof v === "boolean")) {
      throw bad(`expected value to be a string, integer, boolean or null, got ${describe(v)}`, `${path}.value`);
    }
  }
  return { ...value } as PushCondition;
}

/**
 * Checks the parameters a condition kind requires (stricter than
 * {@link validateCondition}; used when a user creates a rule).
 * @throws {PushRuleError} `BAD_RULE` when a known kind lacks a required parameter.
 */
export function checkConditionParams(c: PushCondition, path: string): void {
  const need = (field: string): void => {
    if (!(field in c)) throw bad(`expected a ${field} for a ${c.kind} condition, got none`, path);
  };
  switch (c.kind) {
    case "event_match":
      need("key");
      need("pattern");
      break;
    case "event_property_is":
    case "event_property_contains":
      need("key");
      need("value");
      break;
    case "room_member_count":
      need("is");
      break;
    case "sender_notification_permission":
      need("key");
      break;
    default:
  }
}

/**
 * Checks and copies one rule of a given kind.
 * @param value - the rule JSON.
 * @param kind - the kind it is stored under.
 * @param path - JSON path for errors.
 * @returns a normalised copy (`default` defaults to "rule ID starts with `.`",
 *   `enabled` to true; `conditions` only on override/underride, `pattern` only on content).
 * @throws {PushRuleError} `BAD_RULE` on a wrong shape.
 */
export function validateRule(value: unknown, kind: RuleKind, path: string): PushRule {
  if (!isObject(value)) throw bad(`expected a rule object, got ${describe(value)}`, path);
  const ruleId = value.rule_id;
  if (typeof ruleId !== "string" || ruleId === "") throw bad(`expected rule_id to be a non-empty string, got ${describe(ruleId)}`, `${path}.rule_id`);
  if ("default" in value && typeof value.default !== "boolean") throw bad(`expected default to be a boolean, got ${describe(value.default)}`, `${path}.default`);
  if ("enabled" in value && typeof value.enabled !== "boolean") throw bad(`expected enabled to be a boolean, got ${describe(value.enabled)}`, `${path}.enabled`);
  const rule: PushRule = {
    rule_id: ruleId,
    default: typeof value.default === "boolean" ? value.default : ruleId.startsWith("."),
    enabled: typeof value.enabled === "boolean" ? value.enabled : true,
    actions: validateActions(value.actions, `${path}.actions`),
  };
  if (kind === "override" || kind === "underride") {
    const conds = value.conditions ?? [];
    if (!Array.isArray(conds)) throw bad(`expected conditions to be an array, got ${describe(conds)}`, `${path}.conditions`);
    rule.conditions = conds.map((c: unknown, i) => validateCondition(c, `${path}.conditions[${i}]`));
  } else if (kind === "content") {
    if (typeof value.pattern !== "string") throw bad(`expected pattern to be a string, got ${describe(value.pattern)}`, `${path}.pattern`);
    rule.pattern = value.pattern;
  }
  return rule;
}

/**
 * Checks limits on a ruleset.
 * @throws {PushRuleError} `LIMIT_EXCEEDED` with the path of the first offender.
 */
export function checkLimits(ruleset: Ruleset, limits: PushRuleLimits = DEFAULT_LIMITS): void {
  let total = 0;
  for (const kind of RULE_KINDS) {
    const rules = ruleset[kind];
    total += rules.length;
    if (total > limits.maxRules) {
      throw new PushRuleError("LIMIT_EXCEEDED", `expected at most ${limits.maxRules} rules, got more`, { path: `$.${kind}` });
    }
    rules.forEach((rule, i) => checkRuleLimits(rule, limits, `$.${kind}[${i}]`));
  }
}

/**
 * Checks limits on one rule (pattern and key lengths, condition count).
 * @throws {PushRuleError} `LIMIT_EXCEEDED`.
 */
export function checkRuleLimits(rule: PushRule, limits: PushRuleLimits, path: string): void {
  const tooLong = (what: string, s: string, max: number, p: string): PushRuleError =>
    new PushRuleError("LIMIT_EXCEEDED", `expected a ${what} of at most ${max} code units, got ${s.length}`, { path: p });
  if (typeof rule.pattern === "string" && rule.pattern.length > limits.maxPatternLength) {
    throw tooLong("pattern", rule.pattern, limits.maxPatternLength, `${path}.pattern`);
  }
  const conds = rule.conditions ?? [];
  if (conds.length > limits.maxConditionsPerRule) {
    throw new PushRuleError("LIMIT_EXCEEDED", `expected at most ${limits.maxConditionsPerRule} conditions, got ${conds.length}`, { path: `${path}.conditions` });
  }
  conds.forEach((c, i) => {
    if (typeof c.pattern === "string" && c.pattern.length > limits.maxPatternLength) {
      throw tooLong("pattern", c.pattern, limits.maxPatternLength, `${path}.conditions[${i}].pattern`);
    }
    if (typeof c.key === "string" && c.key.length > limits.maxKeyLength) {
      throw tooLong("key", c.key, limits.maxKeyLength, `${path}.conditions[${i}].key`);
    }
  });
}

/**
 * Validates a ruleset from storage or an HTTP body (the `global` object of
 * `m.push_rules`) and returns a normalised copy. Missing kinds become empty arrays.
 *
 * @param value - untrusted JSON.
 * @param limits - limits to enforce (default {@link DEFAULT_LIMITS}).
 * @returns the ruleset.
 * @throws {PushRuleError} `BAD_RULE` (errcode `M_BAD_JSON`) on a wrong shape, with
 *   the JSON path; `LIMIT_EXCEEDED` when over the limits.
 * @example
 * ```ts
 * const ruleset = validateRuleset(JSON.parse(stored).global);
 * ```
 * @see https://spec.matrix.org/v1.19/client-server-api/#push-rules
 */
export function validateRuleset(value: unknown, limits: PushRuleLimits = DEFAULT_LIMITS): Ruleset {
  if (!isObject(value)) throw bad(`expected a ruleset object, got ${describe(value)}`, "$");
  const out: Ruleset = { override: [], content: [], room: [], sender: [], underride: [] };
  for (const kind of RULE_KINDS) {
    const rules = value[kind] ?? [];
    if (!Array.isArray(rules)) throw bad(`expected an array of rules, got ${describe(rules)}`, `$.${kind}`);
    out[kind] = rules.map((r: unknown, i) => validateRule(r, kind, `$.${kind}[${i}]`));
  }
  checkLimits(out, limits);
  return out;
}
