// Resource limits protecting evaluation of user-supplied push rules
// (https://spec.matrix.org/v1.19/client-server-api/#push-rules): the spec sets
// none, so these are ours. Every glob is matched in time linear in the value
// (times pattern length / 32), so these bound the work per event and user.

/** Limits applied when editing and compiling rulesets. */
export interface PushRuleLimits {
  /** Longest glob pattern (`pattern` of content rules and `event_match`), in UTF-16 code units. */
  readonly maxPatternLength: number;
  /** Longest dotted `key` of a condition, in UTF-16 code units. */
  readonly maxKeyLength: number;
  /** Most conditions in one rule. */
  readonly maxConditionsPerRule: number;
  /** Most rules in one ruleset, all kinds together (server-default rules included). */
  readonly maxRules: number;
}

/**
 * The default limits: patterns up to 256 code units, keys up to 512, 32 conditions
 * per rule, 2,000 rules per ruleset.
 */
export const DEFAULT_LIMITS: PushRuleLimits = Object.freeze({
  maxPatternLength: 256,
  maxKeyLength: 512,
  maxConditionsPerRule: 32,
  maxRules: 2000,
});
