// Authorizing events the server creates against the state before them:
// https://spec.matrix.org/v1.19/server-server-api/#authorization-rules.
//
// The rules themselves live in @weft/event-auth (`checkAuthAgainstState`). While
// that export is being written, a small local subset of the rules stands in
// (membership transitions and power levels — what local clients can trip
// over); the switch is automatic once the package exports the function, and
// this fallback is deleted then.

import * as eventAuth from "@weft/event-auth";
import type { AuthState } from "@weft/event-auth";
import { roomVersionRules, type Pdu } from "@weft/common";

/** The outcome of an authorization check. */
export type AuthResult = { ok: true } | { ok: false; code: string; rule?: string; message: string };

type CheckFn = (event: Pdu, state: AuthState, roomVersion: string) => AuthResult;

const upstream = (eventAuth as unknown as Record<string, unknown>)["checkAuthAgainstState"] as CheckFn | undefined;

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
  return upstream ? upstream(event, state, roomVersion) : fallbackCheck(event, state, roomVersion);
}

/** Whether the real rules from @weft/event-auth are in use. */
export const usingUpstreamAuthRules = upstream !== undefined;

function content(event: Pdu | undefined): Record<string, unknown> {
  return (event?.content ?? {}) as Record<string, unknown>;
}

function num(value: unknown, fallback: number): number {
  if (typeof value === "number") return Math.trunc(value);
  if (typeof value === "string" && /^-?\d+$/.test(value.trim())) return Number(value);
  return fallback;
}

/** Power of a user per https://spec.matrix.org/v1.19/client-server-api/#mroompower_levels (creators are infinite since v12). */
export function powerOf(userId: string, state: AuthState, roomVersion: string): number {
  const rules = roomVersionRules(roomVersion);
  const create = state.get("m.room.create", "");
  if (rules.authorization.privilegedCreators && create) {
    const extra = content(create).additional_creators;
    if (create.sender === userId || (Array.isArray(extra) && extra.includes(userId))) return Number.POSITIVE_INFINITY;
  }
  const pl = state.get("m.room.power_levels", "");
  if (!pl) {
    const creator = rules.authorization.implicitRoomCreator ? create?.sender : content(create).creator;
    return creator === userId ? 100 : 0;
  }
  const c = content(pl);
  const users = (c.users ?? {}) as Record<string, unknown>;
  return num(users[userId], num(c.users_default, 0));
}

/** The power needed to send an event of `type` (state or not). */
export function requiredPower(type: string, isState: boolean, state: AuthState): number {
  const pl = state.get("m.room.power_levels", "");
  if (!pl) return isState ? 0 : 0;
  const c = content(pl);
  const events = (c.events ?? {}) as Record<string, unknown>;
  return num(events[type], isState ? num(c.state_default, 50) : num(c.events_default, 0));
}

/** Power needed for a membership action (`invite`, `kick`, `ban`, `redact`). */
export function actionPower(action: "invite" | "kick" | "ban" | "redact", state: AuthState): number {
  const pl = state.get("m.room.power_levels", "");
  if (!pl) return action === "invite" ? 0 : 50;
  return num(content(pl)[action], action === "invite" ? 0 : 50);
}

function deny(rule: string, message: string): AuthResult {
  return { ok: false, code: "M_FORBIDDEN", rule, message };
}

function fallbackCheck(event: Pdu, state: AuthState, roomVersion: string): AuthResult {
  if (event.type === "m.room.create") return state.get("m.room.create", "") ? deny("1", "room already created") : { ok: true };
  if (!state.get("m.room.create", "")) return deny("2", "no create event");
  const membershipOf = (user: string): string => String(content(state.get("m.room.member", user)).membership ?? "leave");
  const sender = event.sender;
  if (event.type === "m.room.member" && typeof event.state_key === "string") {
    const target = event.state_key;
    const wanted = content(event).membership;
    const joinRule = String(content(state.get("m.room.join_rules", "")).join_rule ?? "invite");
    const targetMembership = membershipOf(target);
    const senderMembership = membershipOf(sender);
    const senderPower = powerOf(sender, state, roomVersion);
    const targetPower = powerOf(target, state, roomVersion);
    switch (wanted) {
      case "join": {
        if (sender !== target) return deny("4.3.1", "cannot join on behalf of another user");
        if (targetMembership === "ban") return deny("4.3.3", "user is banned");
        const create = state.get("m.room.create", "")!;
        const firstJoin = create.sender === target && !state.get("m.room.power_levels", "") && targetMembership === "leave";
        if (firstJoin || targetMembership === "join" || targetMembership === "invite") return { ok: true };
        if (joinRule === "public") return { ok: true };
        if ((joinRule === "restricted" || joinRule === "knock_restricted") && typeof content(event).join_authorised_via_users_server === "string") return { ok: true };
        return deny("4.3.7", "room is not public");
      }
      case "invite":
        if (senderMembership !== "join") return deny("4.4.2", "sender not in room");
        if (targetMembership === "join" || targetMembership === "ban") return deny("4.4.3", "target is joined or banned");
        if (senderPower < actionPower("invite", state)) return deny("4.4.5", "insufficient power to invite");
        return { ok: true };
      case "leave":
        if (sender === target) {
          return ["join", "invite", "knock"].includes(targetMembership) ? { ok: true } : deny("4.5.1", "not in room");
        }
        if (senderMembership !== "join") return deny("4.5.2", "sender not in room");
        if (targetMembership === "ban" && senderPower < actionPower("ban", state)) return deny("4.5.3", "insufficient power to unban");
        if (senderPower < actionPower("kick", state) || targetPower >= senderPower) return deny("4.5.4", "insufficient power to kick");
        return { ok: true };
      case "ban":
        if (senderMembership !== "join") return deny("4.6.1", "sender not in room");
        if (senderPower < actionPower("ban", state) || targetPower >= senderPower) return deny("4.6.2", "insufficient power to ban");
        return { ok: true };
      case "knock":
        if (joinRule !== "knock" && joinRule !== "knock_restricted") return deny("4.7.1", "room does not allow knocking");
        if (sender !== target) return deny("4.7.2", "cannot knock for another user");
        if (["ban", "join", "invite"].includes(targetMembership)) return deny("4.7.3", "cannot knock now");
        return { ok: true };
      default:
        return deny("4.8", "unknown membership");
    }
  }
  if (membershipOf(sender) !== "join") return deny("5", "sender not in room");
  const isState = typeof event.state_key === "string";
  if (powerOf(sender, state, roomVersion) < requiredPower(event.type, isState, state)) return deny("8", "insufficient power level");
  if (isState && event.state_key!.startsWith("@") && event.state_key !== sender) return deny("9", "cannot set another user's state");
  return { ok: true };
}
