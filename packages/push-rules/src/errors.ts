// Errors of @weft/push-rules, with the errcodes of the push rules API:
// https://spec.matrix.org/v1.19/client-server-api/#push-rules-api
// (data/api/client-server/pushrules.yaml).

/**
 * Stable error codes of {@link PushRuleError}, each with its Matrix errcode.
 * Match on the key (`err.code === "RULE_NOT_FOUND"`), never on the message.
 */
export const PUSH_RULE_ERROR_CODES = {
  /** The rule does not exist (GET/PUT enabled/actions/DELETE): `M_NOT_FOUND`. */
  RULE_NOT_FOUND: "M_NOT_FOUND",
  /** DELETE of a server-default rule (they can only be disabled or re-actioned): `M_NOT_FOUND`, as Synapse answers. */
  CANNOT_DELETE_SERVER_DEFAULT: "M_NOT_FOUND",
  /** Kind is not one of override, content, room, sender, underride: `M_INVALID_PARAM`. */
  INVALID_KIND: "M_INVALID_PARAM",
  /** Empty rule ID, or one containing `/` or `\`, or a room/sender rule ID that is not a room/user ID: `M_INVALID_PARAM`. */
  INVALID_RULE_ID: "M_INVALID_PARAM",
  /** A user rule ID starting with `.` (reserved for server-default rules): `M_INVALID_PARAM`. */
  RESERVED_RULE_ID: "M_INVALID_PARAM",
  /** `before`/`after` names a server-default rule, or the rule itself: `M_INVALID_PARAM`. */
  INVALID_POSITION: "M_INVALID_PARAM",
  /** `before`/`after` names no rule of that kind: `M_UNKNOWN` (the spec's example response). */
  POSITION_RULE_NOT_FOUND: "M_UNKNOWN",
  /** Missing or malformed `actions`, `conditions` or `pattern`, or a malformed stored ruleset: `M_BAD_JSON`. */
  BAD_RULE: "M_BAD_JSON",
  /** A pattern, key, condition list or ruleset is larger than the documented limits: `M_INVALID_PARAM`. */
  LIMIT_EXCEEDED: "M_INVALID_PARAM",
} as const;

/** One of the keys of {@link PUSH_RULE_ERROR_CODES}. */
export type PushRuleErrorCode = keyof typeof PUSH_RULE_ERROR_CODES;

/**
 * Thrown for misuse and bad input: editing a rule that does not exist, an invalid
 * rule ID, a malformed stored ruleset, a limit exceeded. A rule that does not match
 * is never an error.
 *
 * @example
 * ```ts
 * try {
 *   deleteRule(ruleset, "content", "nope");
 * } catch (err) {
 *   if (isPushRuleError(err)) console.log(err.code, err.errcode); // RULE_NOT_FOUND M_NOT_FOUND
 * }
 * ```
 */
export class PushRuleError extends Error {
  override readonly name = "PushRuleError" as const;
  /** Stable code from {@link PUSH_RULE_ERROR_CODES}. */
  readonly code: PushRuleErrorCode;
  /** The Matrix errcode a server should answer with. */
  readonly errcode: (typeof PUSH_RULE_ERROR_CODES)[PushRuleErrorCode];
  /** JSON path of the offending value, e.g. `$.override[3].conditions[0].pattern`, when known. */
  readonly path: string | undefined;

  /**
   * @param code - stable error code.
   * @param message - "expected …, got …".
   * @param options - JSON path and cause.
   */
  constructor(code: PushRuleErrorCode, message: string, options: { path?: string; cause?: unknown } = {}) {
    super(options.path === undefined ? message : `${message} at ${options.path}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.errcode = PUSH_RULE_ERROR_CODES[code];
    this.path = options.path;
  }
}

/**
 * Whether `err` is a {@link PushRuleError}, by `name` and `code` as well as
 * `instanceof` (so a second copy of the package is recognised too).
 *
 * @param err - anything caught.
 * @returns true for push rule errors.
 * @example
 * ```ts
 * if (isPushRuleError(err) && err.code === "RULE_NOT_FOUND") return 404;
 * ```
 */
export function isPushRuleError(err: unknown): err is PushRuleError {
  if (err instanceof PushRuleError) return true;
  if (typeof err !== "object" || err === null) return false;
  const e = err as { name?: unknown; code?: unknown };
  return e.name === "PushRuleError" && typeof e.code === "string" && e.code in PUSH_RULE_ERROR_CODES;
}
