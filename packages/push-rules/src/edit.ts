// Ruleset editing with the semantics of the push rules HTTP API
// (https://spec.matrix.org/v1.19/client-server-api/#push-rules-api,
// data/api/client-server/pushrules.yaml). Pure functions: each returns a new
// ruleset and leaves its input untouched.
//
// Positioning follows Synapse's model: `.m.rule.master` sits above every user
// override rule; other server-default rules sit below the user rules of their kind.

import { PushRuleError } from "./errors.js";
import { DEFAULT_LIMITS, type PushRuleLimits } from "./limits.js";
import { RULE_KINDS, type PushAction, type PushCondition, type PushRule, type RuleKind, type Ruleset } from "./types.js";
import { checkConditionParams, checkLimits, checkRuleLimits, validateActions, validateCondition } from "./validate.js";

/** The body of `PUT /pushrules/global/{kind}/{ruleId}`. */
export interface PutRuleBody {
  actions: PushAction[];
  /** Required for override and underride rules. */
  conditions?: PushCondition[];
  /** Required for content rules. */
  pattern?: string;
}

/** The `before` / `after` query parameters of `PUT /pushrules/…`. */
export interface PutRulePosition {
  before?: string;
  after?: string;
}

function checkKind(kind: string): asserts kind is RuleKind {
  if (!(RULE_KINDS as readonly string[]).includes(kind)) {
    throw new PushRuleError("INVALID_KIND", `expected one of ${RULE_KINDS.join(", ")}, got ${JSON.stringify(kind)}`, { path: "kind" });
  }
}

function indexOfRule(rules: readonly PushRule[], ruleId: string): number {
  return rules.findIndex((r) => r.rule_id === ruleId);
}

function notFound(kind: RuleKind, ruleId: string): PushRuleError {
  return new PushRuleError("RULE_NOT_FOUND", `expected an existing ${kind} rule, got ${JSON.stringify(ruleId)}`, { path: "ruleId" });
}

function withKind(ruleset: Ruleset, kind: RuleKind, rules: PushRule[]): Ruleset {
  return { ...ruleset, [kind]: rules };
}

/**
 * Finds a rule.
 * @returns the rule, or undefined.
 * @example
 * ```ts
 * findRule(ruleset, "override", ".m.rule.master")?.enabled; // false
 * ```
 */
export function findRule(ruleset: Ruleset, kind: RuleKind, ruleId: string): PushRule | undefined {
  checkKind(kind);
  return ruleset[kind].find((r) => r.rule_id === ruleId);
}

/**
 * `GET /pushrules/global/{kind}/{ruleId}`.
 * @returns the rule.
 * @throws {PushRuleError} `RULE_NOT_FOUND` (`M_NOT_FOUND`); `INVALID_KIND`.
 * @example
 * ```ts
 * getRule(ruleset, "underride", ".m.rule.message").actions; // ["notify"]
 * ```
 * @see https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3pushrulesglobalkindruleid
 */
export function getRule(ruleset: Ruleset, kind: RuleKind, ruleId: string): PushRule {
  const rule = findRule(ruleset, kind, ruleId);
  if (rule === undefined) throw notFound(kind, ruleId);
  return rule;
}

/**
 * `PUT /pushrules/global/{kind}/{ruleId}`: creates or updates a user-defined rule.
 * A new rule is enabled and, without `before`/`after`, becomes the most important
 * user-defined rule of its kind; an updated rule keeps its enabled state and (without
 * `before`/`after`) its position. With both, `before` wins.
 *
 * @param ruleset - the current ruleset.
 * @param kind - rule kind.
 * @param ruleId - the rule ID: not starting with `.`, no `/` or `\`; a room ID for
 *   room rules, a user ID for sender rules.
 * @param body - actions, plus conditions (override/underride) or pattern (content).
 * @param position - `before` / `after`: a user-defined rule ID of the same kind.
 * @param limits - limits to enforce.
 * @returns the new ruleset.
 * @throws {PushRuleError} `INVALID_KIND`, `INVALID_RULE_ID`, `RESERVED_RULE_ID`
 *   (`M_INVALID_PARAM`); `BAD_RULE` (`M_BAD_JSON`) for missing/invalid actions,
 *   conditions or pattern; `INVALID_POSITION` (`M_INVALID_PARAM`) for a position
 *   relative to a server-default rule or to itself; `POSITION_RULE_NOT_FOUND`
 *   (`M_UNKNOWN`); `LIMIT_EXCEEDED`.
 * @example
 * ```ts
 * const next = putRule(ruleset, "content", "cake", { pattern: "cake", actions: ["notify"] });
 * ```
 * @see https://spec.matrix.org/v1.19/client-server-api/#put_matrixclientv3pushrulesglobalkindruleid
 */
export function putRule(
  ruleset: Ruleset,
  kind: RuleKind,
  ruleId: string,
  body: PutRuleBody,
  position: PutRulePosition = {},
  limits: PushRuleLimits = DEFAULT_LIMITS,
): Ruleset {
  checkKind(kind);
  if (typeof ruleId !== "string" || ruleId === "" || ruleId.includes("/") || ruleId.includes("\\")) {
    throw new PushRuleError("INVALID_RULE_ID", `expected a non-empty rule ID without "/" or "\\", got ${JSON.stringify(ruleId)}`, { path: "ruleId" });
  }
  if (ruleId.startsWith(".")) {
    throw new PushRuleError("RESERVED_RULE_ID", `expected a rule ID not starting with "." (reserved for server-default rules), got ${JSON.stringify(ruleId)}`, { path: "ruleId" });
  }
  if (kind === "room" && !ruleId.startsWith("!")) {
    throw new PushRuleError("INVALID_RULE_ID", `expected a room ID as the rule ID of a room rule, got ${JSON.stringify(ruleId)}`, { path: "ruleId" });
  }
  if (kind === "sender" && !ruleId.startsWith("@")) {
    throw new PushRuleError("INVALID_RULE_ID", `expected a user ID as the rule ID of a sender rule, got ${JSON.stringify(ruleId)}`, { path: "ruleId" });
  }
  if (typeof body !== "object" || body === null) {
    throw new PushRuleError("BAD_RULE", `expected a request body object, got ${body === null ? "null" : typeof body}`, { path: "$" });
  }
  const actions = validateActions(body.actions, "$.actions");
  const rules = ruleset[kind];
  const existing = indexOfRule(rules, ruleId);
  const rule: PushRule = {
    rule_id: ruleId,
    default: false,
    enabled: existing >= 0 ? rules[existing]!.enabled : true,
    actions,
  };
  if (kind === "override" || kind === "underride") {
    if (!Array.isArray(body.conditions)) {
      throw new PushRuleError("BAD_RULE", `expected conditions to be an array for an ${kind} rule, got ${body.conditions === undefined ? "none" : typeof body.conditions}`, { path: "$.conditions" });
    }
    rule.conditions = body.conditions.map((c, i) => {
      const cond = validateCondition(c, `$.conditions[${i}]`);
      checkConditionParams(cond, `$.conditions[${i}]`);
      return cond;
    });
  } else if (kind === "content") {
    if (typeof body.pattern !== "string") {
      throw new PushRuleError("BAD_RULE", `expected pattern to be a string for a content rule, got ${body.pattern === undefined ? "none" : typeof body.pattern}`, { path: "$.pattern" });
    }
    rule.pattern = body.pattern;
  }
  checkRuleLimits(rule, limits, "$");

  // Where does it go?
  const anchorId = position.before ?? position.after;
  const remaining = existing >= 0 ? rules.filter((_, i) => i !== existing) : rules.slice();
  let at: number;
  if (anchorId !== undefined) {
    if (position.after !== undefined && position.before !== undefined) {
      // Both given: `after` must exist too, but `before` decides the position.
      locateAnchor(remaining, kind, position.after, ruleId);
    }
    const anchor = locateAnchor(remaining, kind, anchorId, ruleId);
    at = position.before !== undefined ? anchor : anchor + 1;
  } else if (existing >= 0) {
    at = existing;
  } else {
    at = remaining.findIndex((r) => !r.default);
    if (at < 0) {
      // No user rules yet: below `.m.rule.master` (override), above the other defaults.
      at = 0;
      while (at < remaining.length && remaining[at]!.rule_id === ".m.rule.master") at++;
    }
  }
  remaining.splice(at, 0, rule);
  const next = withKind(ruleset, kind, remaining);
  checkLimits(next, limits);
  return next;
}

function locateAnchor(rules: readonly PushRule[], kind: RuleKind, anchorId: string, ruleId: string): number {
  if (anchorId === ruleId) {
    throw new PushRuleError("INVALID_POSITION", `expected before/after to name another rule, got the rule itself (${JSON.stringify(ruleId)})`, { path: "before" });
  }
  if (anchorId.startsWith(".")) {
    throw new PushRuleError("INVALID_POSITION", `expected before/after to name a user-defined rule, got the server-default rule ${JSON.stringify(anchorId)}`, { path: "before" });
  }
  const i = indexOfRule(rules, anchorId);
  if (i < 0) throw new PushRuleError("POSITION_RULE_NOT_FOUND", `before/after rule not found: ${anchorId}`, { path: "before" });
  if (rules[i]!.default) {
    throw new PushRuleError("INVALID_POSITION", `expected before/after to name a user-defined ${kind} rule, got the server-default rule ${JSON.stringify(anchorId)}`, { path: "before" });
  }
  return i;
}

/**
 * `DELETE /pushrules/global/{kind}/{ruleId}`: removes a user-defined rule.
 * @returns the new ruleset.
 * @throws {PushRuleError} `RULE_NOT_FOUND`; `CANNOT_DELETE_SERVER_DEFAULT` (both
 *   `M_NOT_FOUND`) for server-default rules, which can only be disabled.
 * @example
 * ```ts
 * const next = deleteRule(ruleset, "content", "cake");
 * ```
 * @see https://spec.matrix.org/v1.19/client-server-api/#delete_matrixclientv3pushrulesglobalkindruleid
 */
export function deleteRule(ruleset: Ruleset, kind: RuleKind, ruleId: string): Ruleset {
  checkKind(kind);
  const i = indexOfRule(ruleset[kind], ruleId);
  if (i < 0) throw notFound(kind, ruleId);
  if (ruleset[kind][i]!.default) {
    throw new PushRuleError("CANNOT_DELETE_SERVER_DEFAULT", `expected a user-defined rule, got the server-default rule ${JSON.stringify(ruleId)}`, { path: "ruleId" });
  }
  return withKind(ruleset, kind, ruleset[kind].filter((_, j) => j !== i));
}

function replaceRule(ruleset: Ruleset, kind: RuleKind, ruleId: string, change: (r: PushRule) => PushRule): Ruleset {
  checkKind(kind);
  const i = indexOfRule(ruleset[kind], ruleId);
  if (i < 0) throw notFound(kind, ruleId);
  const rules = ruleset[kind].slice();
  rules[i] = change(rules[i]!);
  return withKind(ruleset, kind, rules);
}

/**
 * `PUT /pushrules/global/{kind}/{ruleId}/enabled` (server-default rules included).
 * @returns the new ruleset.
 * @throws {PushRuleError} `RULE_NOT_FOUND` (`M_NOT_FOUND`).
 * @example
 * ```ts
 * const muted = setRuleEnabled(ruleset, "override", ".m.rule.master", true);
 * ```
 * @see https://spec.matrix.org/v1.19/client-server-api/#put_matrixclientv3pushrulesglobalkindruleidenabled
 */
export function setRuleEnabled(ruleset: Ruleset, kind: RuleKind, ruleId: string, enabled: boolean): Ruleset {
  if (typeof enabled !== "boolean") {
    throw new PushRuleError("BAD_RULE", `expected enabled to be a boolean, got ${typeof enabled}`, { path: "$.enabled" });
  }
  return replaceRule(ruleset, kind, ruleId, (r) => ({ ...r, enabled }));
}

/**
 * `PUT /pushrules/global/{kind}/{ruleId}/actions` (server-default rules included).
 * @returns the new ruleset.
 * @throws {PushRuleError} `RULE_NOT_FOUND` (`M_NOT_FOUND`); `BAD_RULE` for bad actions.
 * @example
 * ```ts
 * const loud = setRuleActions(ruleset, "underride", ".m.rule.message", ["notify", { set_tweak: "sound", value: "default" }]);
 * ```
 * @see https://spec.matrix.org/v1.19/client-server-api/#put_matrixclientv3pushrulesglobalkindruleidactions
 */
export function setRuleActions(ruleset: Ruleset, kind: RuleKind, ruleId: string, actions: PushAction[]): Ruleset {
  const checked = validateActions(actions, "$.actions");
  return replaceRule(ruleset, kind, ruleId, (r) => ({ ...r, actions: checked }));
}
