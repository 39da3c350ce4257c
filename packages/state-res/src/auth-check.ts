// The authorization rules are applied by @weft/event-auth
// (https://spec.matrix.org/v1.19/server-server-api/#authorisation-rules); state
// resolution only needs two of its functions, declared here as a port so a
// server (or a test) can inject its own. The default is looked up on
// @weft/event-auth at run time.

import * as eventAuth from "@weft/event-auth";
import type { Pdu, RoomVersionRules } from "@weft/common";

/** Read access to a room state during an auth check: `(type, state_key)` → event. */
export interface AuthStateLookup {
  get(type: string, stateKey: string): Pdu | undefined;
}

/** The outcome of an auth check: allowed, or rejected with a stable code and rule. */
export type AuthCheckResult = { ok: true } | { ok: false; code: string; rule: string; message: string };

/** `checkAuthAgainstState(event, state, roomVersion)` of @weft/event-auth, or any function with its contract. */
export type AuthCheck = (event: Pdu, state: AuthStateLookup, roomVersion: string) => AuthCheckResult;

/** A `(type, state_key)` pair. */
export interface AuthEventKey {
  readonly type: string;
  readonly stateKey: string;
}

/** `authEventsSelection(event, roomVersion)` of @weft/event-auth. */
export type AuthEventsSelection = (event: Pdu, roomVersion: string) => readonly AuthEventKey[];

function lookup<T>(name: string): T | undefined {
  const fn = (eventAuth as unknown as Record<string, unknown>)[name];
  return typeof fn === "function" ? (fn as T) : undefined;
}

/** @weft/event-auth's `checkAuthAgainstState`, when that package provides it. @internal */
export function defaultAuthCheck(): AuthCheck | undefined {
  return lookup<AuthCheck>("checkAuthAgainstState");
}

/**
 * The auth events selection (https://spec.matrix.org/v1.19/server-server-api/#auth-events-selection):
 * which `(type, state_key)` pairs the auth rules read for `event`. Used to decide
 * which entries of the partially resolved state override the event's own auth
 * events during the iterative auth checks. @weft/event-auth's version is used
 * when available; this is the same algorithm. The create event is always
 * included here: since room version 12 it is not *cited*, but the auth rules
 * still read it (it comes from the implied auth edge).
 * @internal
 */
export function selectAuthEventKeys(event: Pdu, rules: RoomVersionRules): AuthEventKey[] {
  const external = lookup<AuthEventsSelection>("authEventsSelection");
  const keys: AuthEventKey[] = external !== undefined ? [...external(event, rules.id)] : localSelection(event, rules);
  if (!keys.some((k) => k.type === "m.room.create" && k.stateKey === "")) keys.push({ type: "m.room.create", stateKey: "" });
  return keys;
}

function localSelection(event: Pdu, rules: RoomVersionRules): AuthEventKey[] {
  if (event.type === "m.room.create" && event.state_key === "") return [];
  const keys: AuthEventKey[] = [
    { type: "m.room.power_levels", stateKey: "" },
    { type: "m.room.member", stateKey: event.sender },
  ];
  if (event.type === "m.room.member" && typeof event.state_key === "string") {
    const content = event.content ?? {};
    const membership = content.membership;
    if (event.state_key !== event.sender) keys.push({ type: "m.room.member", stateKey: event.state_key });
    if (membership === "join" || membership === "invite" || membership === "knock") keys.push({ type: "m.room.join_rules", stateKey: "" });
    const tpi = content.third_party_invite;
    if (membership === "invite" && typeof tpi === "object" && tpi !== null && !Array.isArray(tpi)) {
      const signed = tpi.signed;
      if (typeof signed === "object" && signed !== null && !Array.isArray(signed) && typeof signed.token === "string") {
        keys.push({ type: "m.room.third_party_invite", stateKey: signed.token });
      }
    }
    // Since room version 8: the authorising user of a restricted join.
    const via = content.join_authorised_via_users_server;
    if (membership === "join" && rules.authorization.restrictedJoinRule && typeof via === "string") keys.push({ type: "m.room.member", stateKey: via });
  }
  return keys;
}
