// `m.room.power_levels` content: https://spec.matrix.org/v1.19/client-server-api/#mroompower_levels
// and how its values are read in each room version:
//   v1–9  strings that are integers are accepted
//         (https://spec.matrix.org/v1.19/rooms/v1/#mroompower_levels-events-accept-values-as-strings)
//   v1–5  floats are accepted and truncated
//         (https://spec.matrix.org/v1.19/rooms/v1/#mroompower_levels-events-accept-values-as-floats)
//   v10+  values must be integers (https://spec.matrix.org/v1.19/rooms/v10/#values-in-mroompower_levels-events-must-be-integers)

import type { RoomVersionRules } from "./room-versions.js";

/**
 * The content of an `m.room.power_levels` event, with values already read as
 * numbers (see {@link parsePowerLevel} for the wire forms older room versions
 * allow). Every key is optional; missing ones take {@link POWER_LEVEL_DEFAULTS}.
 *
 * @see https://spec.matrix.org/v1.19/client-server-api/#mroompower_levels
 */
export interface PowerLevelsContent {
  ban?: number;
  /** Level required to send each event type; overrides `events_default` / `state_default`. */
  events?: Record<string, number>;
  events_default?: number;
  invite?: number;
  kick?: number;
  /** Level required to trigger each notification kind, e.g. `room` for `@room`. */
  notifications?: Record<string, number> & { room?: number };
  redact?: number;
  state_default?: number;
  /** User ID → level. Since room version 12 room creators may not appear here. */
  users?: Record<string, number>;
  users_default?: number;
}

/**
 * The level of each key when it is missing from an `m.room.power_levels`
 * event's content (the schema's "defaults to … if unspecified"). What applies
 * when the room has no power levels event at all is for the auth rules to say.
 *
 * @see https://spec.matrix.org/v1.19/client-server-api/#mroompower_levels
 */
export const POWER_LEVEL_DEFAULTS = Object.freeze({
  ban: 50,
  events_default: 0,
  invite: 0,
  kick: 50,
  redact: 50,
  state_default: 50,
  users_default: 0,
  notifications: Object.freeze({ room: 50 }),
});

/** Integer strings of room versions 1–9: optional whitespace, optional sign, decimal digits. */
const INTEGER_STRING = /^[+-]?\d+$/;

/**
 * Reads one power level value as the room version allows:
 * integers always; integer strings such as `" +100 "` in room versions 1–9
 * (`!rules.authorization.integerPowerLevels`); floats, truncated towards zero,
 * in room versions 1–5 (`rules.authorization.floatPowerLevels`).
 *
 * @param value - the raw JSON value.
 * @param rules - the room version's rules.
 * @returns the level, or `undefined` when the value is not a valid power level
 *   in this room version (the auth rules then reject the event).
 * @example
 * ```ts
 * parsePowerLevel("050", roomVersionRules("9")); // 50
 * parsePowerLevel("50", roomVersionRules("10")); // undefined
 * parsePowerLevel(50.57, roomVersionRules("1")); // 50
 * ```
 * @see https://spec.matrix.org/v1.19/rooms/v1/#mroompower_levels-events-accept-values-as-strings
 */
export function parsePowerLevel(value: unknown, rules: RoomVersionRules): number | undefined {
  if (typeof value === "number") {
    if (Number.isInteger(value)) return value || 0; // no -0
    // Floats (v1–5): exponential notation is already resolved by JSON.parse; truncate at the point.
    // Infinity cannot come from JSON text, but a value outside the double range parses as one.
    if (rules.authorization.floatPowerLevels && Number.isFinite(value)) return Math.trunc(value) || 0;
    return undefined;
  }
  if (typeof value === "string" && !rules.authorization.integerPowerLevels) {
    const trimmed = value.trim();
    if (!INTEGER_STRING.test(trimmed)) return undefined;
    const n = Number(trimmed);
    return Number.isFinite(n) ? n || 0 : undefined;
  }
  return undefined;
}
