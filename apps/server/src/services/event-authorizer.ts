// Authorizing events the server creates against the state before them
// (https://spec.matrix.org/v1.19/server-server-api/#authorization-rules), and the
// power-level questions the client API asks before building an event
// (https://spec.matrix.org/v1.19/client-server-api/#mroompower_levels). The
// rules themselves are @weft/event-auth's; this file only adapts them.

import type { Pdu } from "@weft/common";
import { checkAuthAgainstState, parsePowerLevels, requiredPowerLevel, userPowerLevel, type AuthResult, type AuthState } from "@weft/event-auth";

export type { AuthResult };

/**
 * Checks `event` against the room state before it.
 *
 * @example
 * ```ts
 * const result = authorizeEvent(event, state, "12");
 * if (!result.ok) throw new MatrixError("M_FORBIDDEN", result.message);
 * ```
 */
export function authorizeEvent(event: Pdu, state: AuthState, roomVersion: string): AuthResult {
  return checkAuthAgainstState(event, state, roomVersion);
}

/** A user's power level (creators are infinitely powerful since room version 12). */
export function powerOf(userId: string, state: AuthState, roomVersion: string): number {
  return userPowerLevel(userId, state, roomVersion);
}

/** The power needed to send an event of `type` (state or not). */
export function requiredPower(type: string, isState: boolean, state: AuthState, roomVersion = "12"): number {
  return requiredPowerLevel(type, isState, state, roomVersion);
}

/** Power needed for a membership action (`invite`, `kick`, `ban`, `redact`). */
export function actionPower(action: "invite" | "kick" | "ban" | "redact", state: AuthState, roomVersion = "12"): number {
  return parsePowerLevels(state.get("m.room.power_levels", ""), roomVersion)[action];
}
