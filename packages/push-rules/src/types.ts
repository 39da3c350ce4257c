// Types for the push rules module of the Client-Server API, v1.19:
// https://spec.matrix.org/v1.19/client-server-api/#push-rules
// JSON shapes follow data/api/client-server/definitions/push_rule.yaml,
// push_condition.yaml and push_ruleset.yaml exactly (snake_case wire names).

/**
 * The rule kinds, in the order they are checked.
 * @see https://spec.matrix.org/v1.19/client-server-api/#push-rules
 */
export const RULE_KINDS = ["override", "content", "room", "sender", "underride"] as const;

/** One of {@link RULE_KINDS}. */
export type RuleKind = (typeof RULE_KINDS)[number];

/** A non-compound canonical JSON value, as used by `event_property_is` / `event_property_contains`. */
export type ScalarValue = string | number | boolean | null;

/**
 * A push condition (`push_condition.yaml`). `kind` is open: unknown kinds are kept
 * and never match.
 * @see https://spec.matrix.org/v1.19/client-server-api/#conditions-1
 */
export interface PushCondition {
  /** `event_match`, `event_property_is`, `event_property_contains`, `contains_display_name`, `room_member_count`, `sender_notification_permission`, or anything else (never matches). */
  kind: string;
  /** Dot-separated property path (`event_match`, `event_property_*`) or notification key (`sender_notification_permission`). */
  key?: string;
  /** Glob pattern (`event_match`). */
  pattern?: string;
  /** Member-count comparison such as `"2"`, `"<=10"` (`room_member_count`). */
  is?: string;
  /** Exact value (`event_property_is`, `event_property_contains`). */
  value?: ScalarValue;
  /** Unknown condition kinds may carry other keys. */
  [extra: string]: unknown;
}

/** A `set_tweak` action, e.g. `{ "set_tweak": "sound", "value": "default" }`. */
export interface SetTweakAction {
  set_tweak: string;
  value?: unknown;
  [extra: string]: unknown;
}

/**
 * An action: `"notify"`, a `set_tweak` object, or (kept transparently) any other
 * string or object. The historical `dont_notify` and `coalesce` are stripped.
 * @see https://spec.matrix.org/v1.19/client-server-api/#actions
 */
export type PushAction = string | SetTweakAction | Record<string, unknown>;

/**
 * A push rule (`push_rule.yaml`).
 * @see https://spec.matrix.org/v1.19/client-server-api/#push-rules
 */
export interface PushRule {
  rule_id: string;
  default: boolean;
  enabled: boolean;
  actions: PushAction[];
  /** `override` and `underride` rules only. */
  conditions?: PushCondition[];
  /** `content` rules only. */
  pattern?: string;
}

/**
 * A push ruleset (`push_ruleset.yaml`): the `global` scope of `m.push_rules`.
 * @see https://spec.matrix.org/v1.19/client-server-api/#push-rules
 */
export interface Ruleset {
  override: PushRule[];
  content: PushRule[];
  room: PushRule[];
  sender: PushRule[];
  underride: PushRule[];
}

/**
 * What the evaluator needs to know about the room at the event (the caller
 * prefetches these; the library never looks anything up).
 */
export interface RoomFacts {
  /** Number of joined members, for `room_member_count`. Absent: `room_member_count` never matches. */
  memberCount?: number;
  /** The sender's power level, for `sender_notification_permission`. Default 0. */
  senderPowerLevel?: number;
  /**
   * The `notifications` object of `m.room.power_levels` content. Absent keys use
   * the spec's defaults (`room`: 50); keys without a spec default never match.
   */
  notificationLevels?: Readonly<Record<string, number>>;
}

/**
 * The outcome of evaluating one event for one user: the first matching rule and
 * what its actions mean. Decisions are shared and frozen: never mutate them.
 */
export interface PushDecision {
  /** The matching rule's `rule_id`. */
  readonly ruleId: string;
  /** The matching rule's kind. */
  readonly kind: RuleKind;
  /** The rule's actions with `dont_notify`/`coalesce` stripped. */
  readonly actions: readonly PushAction[];
  /** Whether the actions contain `notify`. */
  readonly notify: boolean;
  /** The `highlight` tweak (`true` when given without a value; `false` when absent). */
  readonly highlight: boolean;
  /** The `sound` tweak, when it is a string. */
  readonly sound: string | null;
  /** Every tweak set by the actions (`set_tweak` without `value` means `true`). */
  readonly tweaks: Readonly<Record<string, unknown>>;
}

/** Per-user options for one evaluation. */
export interface EvaluateOptions {
  /** The user's display name in the room, for the deprecated `contains_display_name`. */
  displayName?: string | null;
}
