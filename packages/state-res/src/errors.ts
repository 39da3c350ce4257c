// Errors of @weft/state-res. State resolution itself never "fails" for protocol
// reasons (https://spec.matrix.org/v1.19/rooms/v2/#algorithm always yields a
// state); these errors mean the caller must act: fetch events, fix its input,
// or it aborted the work.

/** Stable codes of {@link StateResError}. */
export const STATE_RES_ERROR_CODES = {
  /** Some events were needed but the source did not return them ({@link MissingEventsError}). */
  MISSING_EVENTS: "MISSING_EVENTS",
  /** An event is malformed for state resolution (no `event_id`, a state-set entry without `state_key`, …). */
  INVALID_EVENT: "INVALID_EVENT",
  /** The `auth_events` graph has a cycle (impossible with hash event IDs; possible with bad input). */
  AUTH_CYCLE: "AUTH_CYCLE",
  /** No authorization check is available (pass `authCheck`, or install `@weft/event-auth`). */
  NO_AUTH_CHECK: "NO_AUTH_CHECK",
} as const;
export type StateResErrorCode = (typeof STATE_RES_ERROR_CODES)[keyof typeof STATE_RES_ERROR_CODES];

/**
 * Misuse or unusable input. Recognise it by `name === "StateResError"` and `code`.
 *
 * @example
 * ```ts
 * try { resolveStateSync("11", sets, get) } catch (e) { if (isStateResError(e)) console.log(e.code) }
 * ```
 */
export class StateResError extends Error {
  override readonly name: string = "StateResError";
  readonly code: StateResErrorCode;
  constructor(code: StateResErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }
}

/**
 * Events the algorithm needs that the source did not return. The library never
 * touches the network: fetch `ids` (e.g. with `/event_auth` or `/event`) and call
 * again. `ids` is de-duplicated and sorted.
 *
 * @example
 * ```ts
 * try { return await resolveState("11", sets, source) }
 * catch (e) { if (isMissingEventsError(e)) await backfill(e.ids); else throw e }
 * ```
 */
export class MissingEventsError extends StateResError {
  override readonly name = "MissingEventsError";
  /** The event IDs that were asked for and not returned. */
  readonly ids: readonly string[];
  constructor(ids: Iterable<string>) {
    const list = [...new Set(ids)].sort();
    super(STATE_RES_ERROR_CODES.MISSING_EVENTS, `expected events ${list.slice(0, 5).join(", ")}${list.length > 5 ? ` (and ${list.length - 5} more)` : ""} from the event source, got nothing for them`);
    this.ids = list;
  }
}

/** Whether `value` is a {@link StateResError} (by `name`/`code` as well as `instanceof`). */
export function isStateResError(value: unknown): value is StateResError {
  return value instanceof StateResError || (value instanceof Error && (value.name === "StateResError" || value.name === "MissingEventsError") && typeof (value as { code?: unknown }).code === "string");
}

/** Whether `value` is a {@link MissingEventsError} (by `name` as well as `instanceof`). */
export function isMissingEventsError(value: unknown): value is MissingEventsError {
  return value instanceof MissingEventsError || (value instanceof Error && value.name === "MissingEventsError" && Array.isArray((value as { ids?: unknown }).ids));
}
