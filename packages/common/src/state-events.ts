// Room state event types and their enumerated values:
// https://spec.matrix.org/v1.19/client-server-api/#room-events (m.room.* state events),
// https://spec.matrix.org/v1.19/client-server-api/#mroommember,
// https://spec.matrix.org/v1.19/client-server-api/#mroomjoin_rules,
// https://spec.matrix.org/v1.19/client-server-api/#mroomhistory_visibility,
// and the types that affect authorisation
// (https://spec.matrix.org/v1.19/rooms/v1/#authorisation-rules).

/**
 * State event types defined by the spec, by name.
 *
 * @example
 * ```ts
 * if (event.type === STATE_EVENT_TYPES.POWER_LEVELS) { ... }
 * ```
 * @see https://spec.matrix.org/v1.19/client-server-api/#room-events
 */
export const STATE_EVENT_TYPES = {
  CREATE: "m.room.create",
  MEMBER: "m.room.member",
  POWER_LEVELS: "m.room.power_levels",
  JOIN_RULES: "m.room.join_rules",
  THIRD_PARTY_INVITE: "m.room.third_party_invite",
  HISTORY_VISIBILITY: "m.room.history_visibility",
  NAME: "m.room.name",
  TOPIC: "m.room.topic",
  AVATAR: "m.room.avatar",
  CANONICAL_ALIAS: "m.room.canonical_alias",
  /** Historical (room versions 1–5 gave it meaning); still a valid state event. */
  ALIASES: "m.room.aliases",
  GUEST_ACCESS: "m.room.guest_access",
  ENCRYPTION: "m.room.encryption",
  SERVER_ACL: "m.room.server_acl",
  PINNED_EVENTS: "m.room.pinned_events",
  TOMBSTONE: "m.room.tombstone",
  POLICY: "m.room.policy",
  SPACE_CHILD: "m.space.child",
  SPACE_PARENT: "m.space.parent",
} as const;
/** One of the {@link STATE_EVENT_TYPES} values. */
export type StateEventType = (typeof STATE_EVENT_TYPES)[keyof typeof STATE_EVENT_TYPES];

/**
 * The state event types that affect authorisation ("auth events"), in the
 * order the auth rules list them. The same in every room version.
 *
 * @see https://spec.matrix.org/v1.19/server-server-api/#auth-events-selection
 */
export const AUTH_STATE_EVENT_TYPES = [
  STATE_EVENT_TYPES.CREATE,
  STATE_EVENT_TYPES.MEMBER,
  STATE_EVENT_TYPES.JOIN_RULES,
  STATE_EVENT_TYPES.POWER_LEVELS,
  STATE_EVENT_TYPES.THIRD_PARTY_INVITE,
] as const;

/**
 * Values of `membership` in `m.room.member` content. `knock` exists since room
 * version 7 (`rules.authorization.knocking`).
 *
 * @example
 * ```ts
 * if (content.membership === MEMBERSHIPS.JOIN) { ... }
 * ```
 * @see https://spec.matrix.org/v1.19/client-server-api/#mroommember
 */
export const MEMBERSHIPS = {
  JOIN: "join",
  INVITE: "invite",
  LEAVE: "leave",
  BAN: "ban",
  KNOCK: "knock",
} as const;
/** One of the {@link MEMBERSHIPS} values. */
export type Membership = (typeof MEMBERSHIPS)[keyof typeof MEMBERSHIPS];

/** Whether `value` is a known membership. */
export function isMembership(value: unknown): value is Membership {
  return typeof value === "string" && (Object.values(MEMBERSHIPS) as string[]).includes(value);
}

/**
 * Values of `join_rule` in `m.room.join_rules` content. `knock` since room
 * version 7, `restricted` since 8, `knock_restricted` since 10; `private` is
 * reserved without meaning.
 *
 * @see https://spec.matrix.org/v1.19/client-server-api/#mroomjoin_rules
 */
export const JOIN_RULES = {
  PUBLIC: "public",
  KNOCK: "knock",
  INVITE: "invite",
  PRIVATE: "private",
  RESTRICTED: "restricted",
  KNOCK_RESTRICTED: "knock_restricted",
} as const;
/** One of the {@link JOIN_RULES} values. */
export type JoinRule = (typeof JOIN_RULES)[keyof typeof JOIN_RULES];

/** Whether `value` is a known join rule. */
export function isJoinRule(value: unknown): value is JoinRule {
  return typeof value === "string" && (Object.values(JOIN_RULES) as string[]).includes(value);
}

/**
 * Values of `history_visibility` in `m.room.history_visibility` content.
 *
 * @see https://spec.matrix.org/v1.19/client-server-api/#mroomhistory_visibility
 */
export const HISTORY_VISIBILITIES = {
  INVITED: "invited",
  JOINED: "joined",
  SHARED: "shared",
  WORLD_READABLE: "world_readable",
} as const;
/** One of the {@link HISTORY_VISIBILITIES} values. */
export type HistoryVisibility = (typeof HISTORY_VISIBILITIES)[keyof typeof HISTORY_VISIBILITIES];
