// Stable failure codes of the authorization rules
// (https://spec.matrix.org/v1.19/server-server-api/#authorization-rules and each
// room version's "Authorization rules" section), and the spec rule number each
// code corresponds to in a given room version. Rule numbers move between room
// versions (v1–5 have the m.room.aliases rule 4, v12 inserts the room ID rule 2,
// …), so they are computed from the version's flags; codes never change.

import type { RoomVersionRules } from "@weft/common";

/**
 * Every way an event can fail authorization. Tests and callers match on these;
 * messages are for humans and may change.
 *
 * @example
 * ```ts
 * const r = checkEventAuth(event, authEvents, "12");
 * if (!r.ok && r.code === AUTH_FAILURE_CODES.SENDER_NOT_JOINED) { … }
 * ```
 * @see https://spec.matrix.org/v1.19/server-server-api/#authorization-rules
 */
export const AUTH_FAILURE_CODES = {
  // Size limits (https://spec.matrix.org/v1.19/client-server-api/#size-limits), checked first.
  /** The event is larger than 65,536 bytes as canonical JSON. */
  EVENT_TOO_LARGE: "EVENT_TOO_LARGE",
  /** `sender`, `room_id` or `event_id` is longer than 255 bytes. */
  ID_TOO_LONG: "ID_TOO_LONG",
  /** `type` is longer than 255 bytes. */
  TYPE_TOO_LONG: "TYPE_TOO_LONG",
  /** `state_key` is longer than 255 bytes. */
  STATE_KEY_TOO_LONG: "STATE_KEY_TOO_LONG",

  // Rule 1: m.room.create.
  /** 1.1: a create event with `prev_events`. */
  CREATE_HAS_PREV_EVENTS: "CREATE_HAS_PREV_EVENTS",
  /** 1.2 (v1–11): the room ID's domain differs from the sender's. */
  CREATE_ROOM_ID_DOMAIN_MISMATCH: "CREATE_ROOM_ID_DOMAIN_MISMATCH",
  /** 1.2 (v12): a create event with a `room_id`. */
  CREATE_HAS_ROOM_ID: "CREATE_HAS_ROOM_ID",
  /** 1.3: `content.room_version` is present and not a known version. */
  CREATE_UNKNOWN_ROOM_VERSION: "CREATE_UNKNOWN_ROOM_VERSION",
  /** 1.4 (v1–10): no `content.creator`. */
  CREATE_MISSING_CREATOR: "CREATE_MISSING_CREATOR",
  /** 1.4 (v12): `content.additional_creators` is not an array of valid user IDs. */
  CREATE_INVALID_ADDITIONAL_CREATORS: "CREATE_INVALID_ADDITIONAL_CREATORS",

  // Rule 2 (v12): the room ID names an accepted create event.
  /** 2 (v12): `room_id` is not `!` + the ID of an accepted `m.room.create` event. */
  ROOM_ID_NOT_CREATE_EVENT: "ROOM_ID_NOT_CREATE_EVENT",

  // Rule 2 (3 in v12): the auth events.
  /** An event cited in `auth_events` was not supplied. */
  AUTH_EVENT_NOT_FOUND: "AUTH_EVENT_NOT_FOUND",
  /** 2.1: two auth events with the same `(type, state_key)`. */
  DUPLICATE_AUTH_EVENT: "DUPLICATE_AUTH_EVENT",
  /** 2.2: an auth event the auth events selection does not choose (in v12: including the create event). */
  UNEXPECTED_AUTH_EVENT: "UNEXPECTED_AUTH_EVENT",
  /** 2.3: an auth event that was itself rejected. */
  REJECTED_AUTH_EVENT: "REJECTED_AUTH_EVENT",
  /** 2.4 (v1–11): no `m.room.create` among the auth events (also: no create event in the state given). */
  MISSING_CREATE_EVENT: "MISSING_CREATE_EVENT",
  /** 2.5: an auth event from another room. */
  AUTH_EVENT_WRONG_ROOM: "AUTH_EVENT_WRONG_ROOM",

  /** 3: `m.federate` is false and the sender is on another server than the creator. */
  NOT_FEDERATED: "NOT_FEDERATED",

  // Rule 4 (v1–5): m.room.aliases.
  /** 4.1: an `m.room.aliases` event without `state_key`. */
  ALIASES_NO_STATE_KEY: "ALIASES_NO_STATE_KEY",
  /** 4.2: `state_key` of `m.room.aliases` is not the sender's domain. */
  ALIASES_DOMAIN_MISMATCH: "ALIASES_DOMAIN_MISMATCH",

  // m.room.member (rule 5 in v1–5 and v12, 4 in v6–11).
  /** x.1: no `state_key` or no `content.membership`. */
  MEMBER_INVALID: "MEMBER_INVALID",
  /** x.2.1 (v8+): `join_authorised_via_users_server` names a server that did not sign the event. */
  JOIN_AUTHORISED_VIA_NOT_SIGNED: "JOIN_AUTHORISED_VIA_NOT_SIGNED",
  /** join.2: a join whose sender is not the state key. */
  JOIN_SENDER_MISMATCH: "JOIN_SENDER_MISMATCH",
  /** join.3: the joining user is banned. */
  JOIN_BANNED: "JOIN_BANNED",
  /** join.5.2 (v8+): a restricted join whose authorising user is not joined or may not invite. */
  JOIN_RESTRICTED_NOT_AUTHORISED: "JOIN_RESTRICTED_NOT_AUTHORISED",
  /** join, "otherwise reject": the join rule does not let this user join. */
  JOIN_NOT_ALLOWED: "JOIN_NOT_ALLOWED",
  /** invite.1.1: third-party invite of a banned user. */
  THIRD_PARTY_INVITE_TARGET_BANNED: "THIRD_PARTY_INVITE_TARGET_BANNED",
  /** invite.1.2: `third_party_invite` has no `signed`. */
  THIRD_PARTY_INVITE_NO_SIGNED: "THIRD_PARTY_INVITE_NO_SIGNED",
  /** invite.1.3: `signed` lacks `mxid` or `token`. */
  THIRD_PARTY_INVITE_SIGNED_INCOMPLETE: "THIRD_PARTY_INVITE_SIGNED_INCOMPLETE",
  /** invite.1.4: `signed.mxid` is not the state key. */
  THIRD_PARTY_INVITE_MXID_MISMATCH: "THIRD_PARTY_INVITE_MXID_MISMATCH",
  /** invite.1.5: no `m.room.third_party_invite` with the token as state key. */
  THIRD_PARTY_INVITE_NO_TOKEN_EVENT: "THIRD_PARTY_INVITE_NO_TOKEN_EVENT",
  /** invite.1.6: the sender did not send the `m.room.third_party_invite`. */
  THIRD_PARTY_INVITE_SENDER_MISMATCH: "THIRD_PARTY_INVITE_SENDER_MISMATCH",
  /** invite.1.8: no signature in `signed` verifies with the invite's public keys. */
  THIRD_PARTY_INVITE_BAD_SIGNATURE: "THIRD_PARTY_INVITE_BAD_SIGNATURE",
  /** invite.2: the inviter is not joined. */
  INVITE_SENDER_NOT_JOINED: "INVITE_SENDER_NOT_JOINED",
  /** invite.3: the target is joined or banned. */
  INVITE_TARGET_JOINED_OR_BANNED: "INVITE_TARGET_JOINED_OR_BANNED",
  /** invite.5: the inviter's power level is below the invite level. */
  INVITE_INSUFFICIENT_POWER: "INVITE_INSUFFICIENT_POWER",
  /** leave.1: leaving while not invited, joined (or knocking, v7+). */
  LEAVE_NOT_MEMBER: "LEAVE_NOT_MEMBER",
  /** leave.2: kicking or unbanning while not joined. */
  LEAVE_SENDER_NOT_JOINED: "LEAVE_SENDER_NOT_JOINED",
  /** leave.3: unbanning with a power level below the ban level. */
  UNBAN_INSUFFICIENT_POWER: "UNBAN_INSUFFICIENT_POWER",
  /** leave.5: kicking without the kick level or a power level above the target's. */
  KICK_INSUFFICIENT_POWER: "KICK_INSUFFICIENT_POWER",
  /** ban.1: banning while not joined. */
  BAN_SENDER_NOT_JOINED: "BAN_SENDER_NOT_JOINED",
  /** ban.3: banning without the ban level or a power level above the target's. */
  BAN_INSUFFICIENT_POWER: "BAN_INSUFFICIENT_POWER",
  /** knock.1 (v7+): the join rule is not `knock` (or `knock_restricted`, v10+). */
  KNOCK_NOT_ALLOWED: "KNOCK_NOT_ALLOWED",
  /** knock.2 (v7+): a knock whose sender is not the state key. */
  KNOCK_SENDER_MISMATCH: "KNOCK_SENDER_MISMATCH",
  /** knock.4 (v7+): knocking while banned, invited or joined. */
  KNOCK_ALREADY_MEMBER: "KNOCK_ALREADY_MEMBER",
  /** Unknown membership (including `knock` before room version 7). */
  UNKNOWN_MEMBERSHIP: "UNKNOWN_MEMBERSHIP",

  /** The sender is not joined (for any event other than a membership change). */
  SENDER_NOT_JOINED: "SENDER_NOT_JOINED",
  /** `m.room.third_party_invite` from a sender below the invite level. */
  THIRD_PARTY_INVITE_INSUFFICIENT_POWER: "THIRD_PARTY_INVITE_INSUFFICIENT_POWER",
  /** The sender's power level is below the event type's required power level. */
  INSUFFICIENT_POWER: "INSUFFICIENT_POWER",
  /** A `state_key` starting with `@` that is not the sender. */
  STATE_KEY_NOT_SENDER: "STATE_KEY_NOT_SENDER",

  // m.room.power_levels (rule 10 in v1–5 and v12, 9 in v6–11).
  /** PL.1 (v10+): a top-level level is not an integer (before v10: not readable as one). */
  POWER_LEVELS_INVALID_LEVEL: "POWER_LEVELS_INVALID_LEVEL",
  /** PL.2 (v10+): `events` or `notifications` is not an object of integers. */
  POWER_LEVELS_INVALID_MAP: "POWER_LEVELS_INVALID_MAP",
  /** PL users rule: `users` is not an object of user IDs to integers. */
  POWER_LEVELS_INVALID_USERS: "POWER_LEVELS_INVALID_USERS",
  /** PL.4 (v12): `users` names a room creator. */
  POWER_LEVELS_CREATOR_IN_USERS: "POWER_LEVELS_CREATOR_IN_USERS",
  /** A top-level level was changed from a value above the sender's power level. */
  POWER_LEVELS_OLD_LEVEL_TOO_HIGH: "POWER_LEVELS_OLD_LEVEL_TOO_HIGH",
  /** A top-level level was changed to a value above the sender's power level. */
  POWER_LEVELS_NEW_LEVEL_TOO_HIGH: "POWER_LEVELS_NEW_LEVEL_TOO_HIGH",
  /** An `events`/`notifications` entry was changed from a value above the sender's power level. */
  POWER_LEVELS_OLD_EVENT_LEVEL_TOO_HIGH: "POWER_LEVELS_OLD_EVENT_LEVEL_TOO_HIGH",
  /** An `events`/`notifications` entry was changed to a value above the sender's power level. */
  POWER_LEVELS_NEW_EVENT_LEVEL_TOO_HIGH: "POWER_LEVELS_NEW_EVENT_LEVEL_TOO_HIGH",
  /** Another user's entry was changed while at or above the sender's power level. */
  POWER_LEVELS_USER_NOT_BELOW_SENDER: "POWER_LEVELS_USER_NOT_BELOW_SENDER",
  /** A user's entry was set above the sender's power level. */
  POWER_LEVELS_NEW_USER_LEVEL_TOO_HIGH: "POWER_LEVELS_NEW_USER_LEVEL_TOO_HIGH",

  /** 11 (v1–2): a redaction by a sender below the redact level of an event from another domain. */
  REDACTION_NOT_ALLOWED: "REDACTION_NOT_ALLOWED",
} as const;

/** One of {@link AUTH_FAILURE_CODES}. */
export type AuthFailureCode = (typeof AUTH_FAILURE_CODES)[keyof typeof AUTH_FAILURE_CODES];

/** The result of an authorization check: allowed, or why not. */
export type AuthResult =
  | { readonly ok: true }
  | {
      readonly ok: false;
      /** Stable identifier of the failing rule. */
      readonly code: AuthFailureCode;
      /** The rule's number in this room version's list, e.g. `"4.3.2"`; `"size-limits"` for size checks. */
      readonly rule: string;
      /** Human-readable detail. */
      readonly message: string;
    };

const C = AUTH_FAILURE_CODES;

// Top-level sections, in the order of the spec's list; a section exists in a
// room version when its flag says so.
function sectionNumber(section: string, rules: RoomVersionRules): number {
  const a = rules.authorization;
  const sections = [
    "create",
    ...(a.createEventImpliedByRoomId ? ["roomId"] : []), // since room version 12
    "authEvents",
    "federate",
    ...(a.specialCaseAliasesAuth ? ["aliases"] : []), // room versions 1–5
    "member",
    "senderJoined",
    "thirdPartyInvite",
    "requiredPower",
    "stateKey",
    "powerLevels",
    ...(a.specialCaseRedactionAuth ? ["redaction"] : []), // room versions 1–2
  ];
  return sections.indexOf(section) + 1;
}

function memberSub(sub: string, rules: RoomVersionRules): number {
  const a = rules.authorization;
  const subs = [
    "fields",
    ...(a.restrictedJoinRule ? ["via"] : []), // since room version 8
    "join",
    "invite",
    "leave",
    "ban",
    ...(a.knocking ? ["knock"] : []), // since room version 7
    "unknown",
  ];
  return subs.indexOf(sub) + 1;
}

function powerLevelsSub(sub: string, rules: RoomVersionRules): number | undefined {
  const a = rules.authorization;
  const subs = [
    ...(a.integerPowerLevels ? ["levels", "maps"] : []), // since room version 10
    "users",
    ...(a.privilegedCreators ? ["creators"] : []), // since room version 12
    "noPrevious",
    "levelChange",
    "eventsOld",
    "eventsNew",
    "usersOld",
    "usersNew",
  ];
  const i = subs.indexOf(sub);
  return i < 0 ? undefined : i + 1;
}

/**
 * The spec rule number of a failure code in a room version (e.g.
 * `JOIN_BANNED` is `"5.2.3"` in v1, `"4.3.3"` in v8, `"5.3.3"` in v12).
 *
 * @param code - a failure code.
 * @param rules - the room version rules (`roomVersionRules("8")`).
 * @returns the rule number; `"size-limits"` for the size checks.
 * @example
 * ```ts
 * ruleNumber(AUTH_FAILURE_CODES.JOIN_BANNED, roomVersionRules("8")); // "4.3.3"
 * ```
 * @see https://spec.matrix.org/v1.19/rooms/
 */
export function ruleNumber(code: AuthFailureCode, rules: RoomVersionRules): string {
  const m = (sub: string, ...rest: number[]): string =>
    [sectionNumber("member", rules), memberSub(sub, rules), ...rest].join(".");
  const pl = (sub: string, ...rest: number[]): string => {
    const n = powerLevelsSub(sub, rules);
    // Before room version 10 the spec has no numbered rule for non-integer
    // top-level or events values; we cite the power levels rule as a whole.
    return n === undefined ? String(sectionNumber("powerLevels", rules)) : [sectionNumber("powerLevels", rules), n, ...rest].join(".");
  };
  const joinOtherwise = rules.authorization.restrictedJoinRule ? 7 : 6;
  switch (code) {
    case C.EVENT_TOO_LARGE:
    case C.ID_TOO_LONG:
    case C.TYPE_TOO_LONG:
    case C.STATE_KEY_TOO_LONG:
      return "size-limits";
    case C.CREATE_HAS_PREV_EVENTS:
      return "1.1";
    case C.CREATE_ROOM_ID_DOMAIN_MISMATCH:
    case C.CREATE_HAS_ROOM_ID:
      return "1.2";
    case C.CREATE_UNKNOWN_ROOM_VERSION:
      return "1.3";
    case C.CREATE_MISSING_CREATOR:
    case C.CREATE_INVALID_ADDITIONAL_CREATORS:
      return "1.4";
    case C.ROOM_ID_NOT_CREATE_EVENT:
      return String(sectionNumber("roomId", rules));
    case C.AUTH_EVENT_NOT_FOUND:
      return String(sectionNumber("authEvents", rules));
    case C.DUPLICATE_AUTH_EVENT:
      return `${sectionNumber("authEvents", rules)}.1`;
    case C.UNEXPECTED_AUTH_EVENT:
      return `${sectionNumber("authEvents", rules)}.2`;
    case C.REJECTED_AUTH_EVENT:
      return `${sectionNumber("authEvents", rules)}.3`;
    case C.MISSING_CREATE_EVENT:
      // v12 has no rule 3.4: a missing create event fails the room ID rule 2.
      return rules.authorization.createEventImpliedByRoomId
        ? String(sectionNumber("roomId", rules))
        : `${sectionNumber("authEvents", rules)}.4`;
    case C.AUTH_EVENT_WRONG_ROOM:
      return `${sectionNumber("authEvents", rules)}.5`;
    case C.NOT_FEDERATED:
      return String(sectionNumber("federate", rules));
    case C.ALIASES_NO_STATE_KEY:
      return `${sectionNumber("aliases", rules)}.1`;
    case C.ALIASES_DOMAIN_MISMATCH:
      return `${sectionNumber("aliases", rules)}.2`;
    case C.MEMBER_INVALID:
      return m("fields");
    case C.JOIN_AUTHORISED_VIA_NOT_SIGNED:
      return m("via", 1);
    case C.JOIN_SENDER_MISMATCH:
      return m("join", 2);
    case C.JOIN_BANNED:
      return m("join", 3);
    case C.JOIN_RESTRICTED_NOT_AUTHORISED:
      return m("join", 5, 2);
    case C.JOIN_NOT_ALLOWED:
      return m("join", joinOtherwise);
    case C.THIRD_PARTY_INVITE_TARGET_BANNED:
      return m("invite", 1, 1);
    case C.THIRD_PARTY_INVITE_NO_SIGNED:
      return m("invite", 1, 2);
    case C.THIRD_PARTY_INVITE_SIGNED_INCOMPLETE:
      return m("invite", 1, 3);
    case C.THIRD_PARTY_INVITE_MXID_MISMATCH:
      return m("invite", 1, 4);
    case C.THIRD_PARTY_INVITE_NO_TOKEN_EVENT:
      return m("invite", 1, 5);
    case C.THIRD_PARTY_INVITE_SENDER_MISMATCH:
      return m("invite", 1, 6);
    case C.THIRD_PARTY_INVITE_BAD_SIGNATURE:
      return m("invite", 1, 8);
    case C.INVITE_SENDER_NOT_JOINED:
      return m("invite", 2);
    case C.INVITE_TARGET_JOINED_OR_BANNED:
      return m("invite", 3);
    case C.INVITE_INSUFFICIENT_POWER:
      return m("invite", 5);
    case C.LEAVE_NOT_MEMBER:
      return m("leave", 1);
    case C.LEAVE_SENDER_NOT_JOINED:
      return m("leave", 2);
    case C.UNBAN_INSUFFICIENT_POWER:
      return m("leave", 3);
    case C.KICK_INSUFFICIENT_POWER:
      return m("leave", 5);
    case C.BAN_SENDER_NOT_JOINED:
      return m("ban", 1);
    case C.BAN_INSUFFICIENT_POWER:
      return m("ban", 3);
    case C.KNOCK_NOT_ALLOWED:
      return m("knock", 1);
    case C.KNOCK_SENDER_MISMATCH:
      return m("knock", 2);
    case C.KNOCK_ALREADY_MEMBER:
      return m("knock", 4);
    case C.UNKNOWN_MEMBERSHIP:
      return m("unknown");
    case C.SENDER_NOT_JOINED:
      return String(sectionNumber("senderJoined", rules));
    case C.THIRD_PARTY_INVITE_INSUFFICIENT_POWER:
      return `${sectionNumber("thirdPartyInvite", rules)}.1`;
    case C.INSUFFICIENT_POWER:
      return String(sectionNumber("requiredPower", rules));
    case C.STATE_KEY_NOT_SENDER:
      return String(sectionNumber("stateKey", rules));
    case C.POWER_LEVELS_INVALID_LEVEL:
      return pl("levels");
    case C.POWER_LEVELS_INVALID_MAP:
      return pl("maps");
    case C.POWER_LEVELS_INVALID_USERS:
      return pl("users");
    case C.POWER_LEVELS_CREATOR_IN_USERS:
      return pl("creators");
    case C.POWER_LEVELS_OLD_LEVEL_TOO_HIGH:
      return pl("levelChange", 1);
    case C.POWER_LEVELS_NEW_LEVEL_TOO_HIGH:
      return pl("levelChange", 2);
    case C.POWER_LEVELS_OLD_EVENT_LEVEL_TOO_HIGH:
      return pl("eventsOld", 1);
    case C.POWER_LEVELS_NEW_EVENT_LEVEL_TOO_HIGH:
      return pl("eventsNew", 1);
    case C.POWER_LEVELS_USER_NOT_BELOW_SENDER:
      return pl("usersOld", 1);
    case C.POWER_LEVELS_NEW_USER_LEVEL_TOO_HIGH:
      return pl("usersNew", 1);
    case C.REDACTION_NOT_ALLOWED:
      return `${sectionNumber("redaction", rules)}.3`;
  }
}
