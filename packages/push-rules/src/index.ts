// @weft/push-rules — the push rules module of the Client-Server API v1.19:
// https://spec.matrix.org/v1.19/client-server-api/#push-rules

export { RULE_KINDS } from "./types.js";
export type {
  RuleKind,
  ScalarValue,
  PushCondition,
  SetTweakAction,
  PushAction,
  PushRule,
  Ruleset,
  RoomFacts,
  PushDecision,
  EvaluateOptions,
} from "./types.js";
export { PUSH_RULE_ERROR_CODES, PushRuleError, isPushRuleError } from "./errors.js";
export type { PushRuleErrorCode } from "./errors.js";
export { DEFAULT_LIMITS } from "./limits.js";
export type { PushRuleLimits } from "./limits.js";
export { serverDefaultRuleset, LEGACY_MENTION_RULE_IDS } from "./defaults.js";
export { validateRuleset } from "./validate.js";
export { putRule, deleteRule, setRuleEnabled, setRuleActions, getRule, findRule } from "./edit.js";
export type { PutRuleBody, PutRulePosition } from "./edit.js";
export { parseDottedKey } from "./dotted-key.js";
export { GlobMatcher, PreparedText } from "./glob.js";
export { PreparedEvent, prepareEvent } from "./prepared-event.js";
export { decideActions, stripHistoricalActions } from "./actions.js";
export { compileRuleset, CompiledRuleset, RulesetTemplate, RulesetTemplatePool } from "./compile.js";
export type { CompileOptions, CompiledRule, RuleTrace, PushExplanation } from "./compile.js";
export { evaluateForRecipients } from "./fan-out.js";
export type { Recipient } from "./fan-out.js";
export { CompiledRulesetCache } from "./cache.js";
export type { CompiledRulesetCacheOptions } from "./cache.js";
