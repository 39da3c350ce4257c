// A compact stand-in for @weft/event-auth's `checkAuthAgainstState` (the
// authorization rules, https://spec.matrix.org/v1.19/server-server-api/#authorization-rules
// and each room version's page), covering what the state-resolution scenarios
// exercise: create, joins/invites/leaves/kicks/bans, join rules, power levels and
// ordinary state events, including room version 12's privileged creators.
// It is swapped for the real thing once @weft/event-auth lands.

import { roomVersionRules, type JsonValue, type Pdu } from "@weft/common";
import type { AuthCheck, AuthCheckResult, AuthStateLookup } from "../../src/index.js";
import { roomCreators, userLevelIn } from "../../src/index.js";

const deny = (code: string, rule: string, message: string): AuthCheckResult => ({ ok: false, code, rule, message });
const OK: AuthCheckResult = { ok: true };

function num(v: JsonValue | undefined, dflt: number): number {
  if (typeof v === "number") return v;
  if (typeof v === "string" && /^[+-]?\d+$/.test(v)) return Number(v);
  return dflt;
}

export const checkAuth: AuthCheck = (event: Pdu, state: AuthStateLookup, roomVersion: string): AuthCheckResult => {
  const rules = roomVersionRules(roomVersion);
  if (event.type === "m.room.create") return OK;
  const create = state.get("m.room.create", "");
  if (create === undefined) return deny("NO_CREATE", "2", "no create event in state");
  const creators = roomCreators(create, rules);
  const pl = state.get("m.room.power_levels", "");
  const level = (user: string): number => {
    if (rules.authorization.privilegedCreators && creators.has(user)) return Number.POSITIVE_INFINITY;
    if (pl === undefined) return creators.has(user) ? 100 : 0;
    return userLevelIn(pl, user);
  };
  const plNum = (key: string, dflt: number): number => (pl === undefined ? dflt : num(pl.content[key], dflt));
  const membershipOf = (user: string): string => {
    const m = state.get("m.room.member", user)?.content.membership;
    return typeof m === "string" ? m : "leave";
  };

  if (event.type === "m.room.member") {
    const target = event.state_key!;
    const membership = event.content.membership;
    const senderMs = membershipOf(event.sender);
    const targetMs = membershipOf(target);
    const joinRule = state.get("m.room.join_rules", "")?.content.join_rule ?? "invite";
    if (membership === "join") {
      if (event.sender !== target) return deny("SENDER_NOT_TARGET", "4.3.1", "join for someone else");
      if (creators.has(target) && pl === undefined && state.get("m.room.member", target) === undefined) return OK;
      if (targetMs === "ban") return deny("BANNED", "4.3.3", "banned");
      if (joinRule === "public") return OK;
      if ((joinRule === "invite" || joinRule === "knock") && (targetMs === "invite" || targetMs === "join")) return OK;
      return deny("JOIN_RULE", "4.3.7", `join rule ${String(joinRule)} forbids the join`);
    }
    if (membership === "invite") {
      if (senderMs !== "join") return deny("SENDER_NOT_JOINED", "4.4.2", "inviter not joined");
      if (targetMs === "join" || targetMs === "ban") return deny("TARGET_JOINED_OR_BANNED", "4.4.3", "target joined or banned");
      return level(event.sender) >= plNum("invite", 0) ? OK : deny("INSUFFICIENT_POWER", "4.4.4", "cannot invite");
    }
    if (membership === "leave") {
      if (event.sender === target) return senderMs === "join" || senderMs === "invite" || senderMs === "knock" ? OK : deny("NOT_IN_ROOM", "4.5.1", "cannot leave");
      if (senderMs !== "join") return deny("SENDER_NOT_JOINED", "4.5.2", "kicker not joined");
      if (targetMs === "ban" && level(event.sender) < plNum("ban", 50)) return deny("INSUFFICIENT_POWER", "4.5.3", "cannot unban");
      if (level(event.sender) >= plNum("kick", 50) && level(target) < level(event.sender)) return OK;
      return deny("INSUFFICIENT_POWER", "4.5.4", "cannot kick");
    }
    if (membership === "ban") {
      if (senderMs !== "join") return deny("SENDER_NOT_JOINED", "4.6.1", "banner not joined");
      if (level(event.sender) >= plNum("ban", 50) && level(target) < level(event.sender)) return OK;
      return deny("INSUFFICIENT_POWER", "4.6.2", "cannot ban");
    }
    return deny("UNKNOWN_MEMBERSHIP", "4.8", "unknown membership");
  }

  if (membershipOf(event.sender) !== "join") return deny("SENDER_NOT_JOINED", "5", "sender not in room");
  const events = pl?.content.events;
  const specific = typeof events === "object" && events !== null && !Array.isArray(events) ? events[event.type] : undefined;
  const required = num(specific, typeof event.state_key === "string" ? plNum("state_default", pl === undefined ? 0 : 50) : plNum("events_default", 0));
  const senderLevel = level(event.sender);
  if (senderLevel < required) return deny("INSUFFICIENT_POWER", "8", `needs ${required}`);
  if (typeof event.state_key === "string" && event.state_key.startsWith("@") && event.state_key !== event.sender) return deny("STATE_KEY_USER", "9", "state key is another user");

  if (event.type === "m.room.power_levels") {
    const users = event.content.users;
    if (rules.authorization.privilegedCreators && typeof users === "object" && users !== null && !Array.isArray(users)) {
      for (const c of creators) if (c in users) return deny("CREATOR_IN_USERS", "10.4", "creators cannot be in users");
    }
    if (pl === undefined) return OK;
    for (const key of ["users_default", "events_default", "state_default", "ban", "kick", "redact", "invite"]) {
      const before = pl.content[key];
      const after = event.content[key];
      if (JSON.stringify(before) === JSON.stringify(after)) continue;
      if (before !== undefined && num(before, 0) > senderLevel) return deny("PL_RAISE", "10.5", `cannot change ${key}`);
      if (after !== undefined && num(after, 0) > senderLevel) return deny("PL_RAISE", "10.5", `cannot set ${key}`);
    }
    const oldUsers = (pl.content.users ?? {}) as Record<string, JsonValue>;
    const newUsers = (users ?? {}) as Record<string, JsonValue>;
    const check = (u: string): AuthCheckResult | undefined => {
      const before = oldUsers[u];
      const after = newUsers[u];
      if (before === after) return undefined;
      if (u !== event.sender && before !== undefined && num(before, 0) >= senderLevel) return deny("PL_USER", "10.7", `cannot change ${u}`);
      if (after !== undefined && num(after, 0) > senderLevel) return deny("PL_RAISE", "10.6", `cannot raise ${u}`);
      if (before !== undefined && num(before, 0) > senderLevel) return deny("PL_RAISE", "10.6", `cannot lower ${u}`);
      return undefined;
    };
    for (const u of Object.keys(oldUsers)) {
      if (oldUsers[u] === newUsers[u]) continue;
      const r = check(u);
      if (r) return r;
    }
    for (const u of Object.keys(newUsers)) {
      if (oldUsers[u] !== undefined) continue;
      const r = check(u);
      if (r) return r;
    }
  }
  return OK;
};
