// Room versions as data.
// https://spec.matrix.org/v1.19/rooms/ — each version page lists what it changes
// from the previous one; each record below is built the same way, so a
// difference between versions is one named flag that code tests (never a
// version number).

import { MatrixError } from "./errors.js";

/** How event IDs are formed. */
export const EVENT_ID_FORMATS = {
  /** v1–2: chosen by the origin server, `$opaque:server.name`. */
  SERVER_CHOSEN: "server_chosen",
  /** v3: `$` + unpadded standard base64 of the reference hash. */
  REFERENCE_HASH_BASE64: "reference_hash_base64",
  /** v4+: `$` + unpadded URL-safe base64 of the reference hash. */
  REFERENCE_HASH_URL_SAFE: "reference_hash_url_safe",
} as const;
export type EventIdFormat = (typeof EVENT_ID_FORMATS)[keyof typeof EVENT_ID_FORMATS];

/** Which state resolution algorithm a room version uses. */
export const STATE_RESOLUTION_ALGORITHMS = { V1: "v1", V2: "v2", V2_1: "v2.1" } as const;
export type StateResolutionAlgorithm =
  (typeof STATE_RESOLUTION_ALGORITHMS)[keyof typeof STATE_RESOLUTION_ALGORITHMS];

/** Differences in the shape of events. */
export interface EventFormatRules {
  readonly eventIdFormat: EventIdFormat;
  /** v1–2: `prev_events`/`auth_events` are `[event_id, {sha256}]` pairs, and events carry `event_id`. */
  readonly referencePairs: boolean;
  /** Since v12: the room ID is `!` + the create event's reference hash (URL-safe), and the create event has no `room_id`. */
  readonly roomIdIsCreateEventHash: boolean;
  /**
   * Since v11: `redacts` lives in `content` of `m.room.redaction` instead of at the
   * top level. (Servers still add a top-level `redacts` when serving such events
   * to clients, and `content.redacts` for older versions — a client-API concern.)
   */
  readonly redactsInContent: boolean;
  /**
   * v1–2: events must also be signed by the server named in `event_id`
   * (https://spec.matrix.org/v1.19/rooms/v3/#authorisation-rules explains the removal).
   */
  readonly signedByEventIdServer: boolean;
}

/** What the redaction algorithm keeps, per https://spec.matrix.org/v1.19/client-server-api/#redactions. */
export interface RedactionRules {
  /** v1–5: `m.room.aliases` keeps `aliases`. Removed in v6. */
  readonly keepAliasesContent: boolean;
  /** Since v8: `m.room.join_rules` keeps `allow`. */
  readonly keepJoinRulesAllow: boolean;
  /** Since v9: `m.room.member` keeps `join_authorised_via_users_server`. */
  readonly keepJoinAuthorisedViaUsersServer: boolean;
  /** Before v11: top-level `origin`, `membership`, `prev_state` are kept. */
  readonly keepOriginMembershipPrevState: boolean;
  /** Since v11: `m.room.create` keeps its whole `content` (before: only `creator`). */
  readonly keepAllCreateContent: boolean;
  /** Since v11: `m.room.redaction` keeps `content.redacts`. */
  readonly keepRedactionRedacts: boolean;
  /** Since v11: `m.room.power_levels` keeps `invite`. */
  readonly keepPowerLevelsInvite: boolean;
  /** Since v11: `m.room.member` keeps `third_party_invite.signed`. */
  readonly keepThirdPartyInviteSigned: boolean;
}

/** Flags read by the authorization rules (https://spec.matrix.org/v1.19/server-server-api/#authorization-rules and each room version page). */
export interface AuthorizationRules {
  /** v1–5: `m.room.aliases` events are allowed when the state key matches the sender's domain (rule 4 of v1). */
  readonly specialCaseAliasesAuth: boolean;
  /** v1–2: a redaction is allowed when the redacting and redacted events' IDs share a domain. Since v3 this check moved out of the auth rules. */
  readonly specialCaseRedactionAuth: boolean;
  /** Since v6: `notifications` keys of power levels are checked when changed. */
  readonly checkNotificationsPowerLevels: boolean;
  /** Since v7: the `knock` membership and join rule. */
  readonly knocking: boolean;
  /** Since v8: the `restricted` join rule and `join_authorised_via_users_server`. */
  readonly restrictedJoinRule: boolean;
  /** Since v10: the `knock_restricted` join rule. */
  readonly knockRestrictedJoinRule: boolean;
  /**
   * v1–5: power level values may be floats, truncated towards zero
   * (https://spec.matrix.org/v1.19/rooms/v1/#mroompower_levels-events-accept-values-as-floats).
   * Removed in v6, where canonical JSON forbids floats.
   */
  readonly floatPowerLevels: boolean;
  /** Since v10: power level values must be integers (strings are rejected; before v10 integer strings are accepted). */
  readonly integerPowerLevels: boolean;
  /**
   * Since v11: the creator is the create event's `sender`; `content.creator` is not used
   * (before v11 the create event is rejected without `content.creator`, and the
   * creator's first join is checked against it).
   */
  readonly implicitRoomCreator: boolean;
  /** Since v12: creators (sender + `additional_creators`) have infinite power and may not appear in `users`. */
  readonly privilegedCreators: boolean;
  /** Since v12: `additional_creators` on the create event is validated and honoured. */
  readonly additionalCreators: boolean;
  /** Since v12: the create event is never listed in `auth_events` (it is implied by the room ID). */
  readonly createEventImpliedByRoomId: boolean;
}

/** Everything that differs between room versions. */
export interface RoomVersionRules {
  /** The room version identifier, e.g. `"12"`. */
  readonly id: string;
  readonly stable: boolean;
  readonly eventFormat: EventFormatRules;
  readonly stateResolution: StateResolutionAlgorithm;
  /** Since v6: canonical JSON is strict — only integers in ±(2^53−1); floats are rejected. */
  readonly strictCanonicalJson: boolean;
  /** Since v5: signing keys must be valid (`valid_until_ts`) at the event's `origin_server_ts`. */
  readonly enforceKeyValidity: boolean;
  readonly redaction: RedactionRules;
  readonly authorization: AuthorizationRules;
}

type Patch = {
  readonly [K in keyof RoomVersionRules]?: RoomVersionRules[K] extends object
    ? Partial<RoomVersionRules[K]>
    : RoomVersionRules[K];
};

function derive(base: RoomVersionRules, id: string, patch: Patch): RoomVersionRules {
  return Object.freeze({
    ...base,
    ...patch,
    id,
    eventFormat: Object.freeze({ ...base.eventFormat, ...patch.eventFormat }),
    redaction: Object.freeze({ ...base.redaction, ...patch.redaction }),
    authorization: Object.freeze({ ...base.authorization, ...patch.authorization }),
  }) as RoomVersionRules;
}

const V1: RoomVersionRules = Object.freeze({
  id: "1",
  stable: true,
  eventFormat: Object.freeze({
    eventIdFormat: EVENT_ID_FORMATS.SERVER_CHOSEN,
    referencePairs: true,
    roomIdIsCreateEventHash: false,
    redactsInContent: false,
    signedByEventIdServer: true,
  }),
  stateResolution: STATE_RESOLUTION_ALGORITHMS.V1,
  strictCanonicalJson: false,
  enforceKeyValidity: false,
  redaction: Object.freeze({
    keepAliasesContent: true,
    keepJoinRulesAllow: false,
    keepJoinAuthorisedViaUsersServer: false,
    keepOriginMembershipPrevState: true,
    keepAllCreateContent: false,
    keepRedactionRedacts: false,
    keepPowerLevelsInvite: false,
    keepThirdPartyInviteSigned: false,
  }),
  authorization: Object.freeze({
    specialCaseAliasesAuth: true,
    specialCaseRedactionAuth: true,
    checkNotificationsPowerLevels: false,
    knocking: false,
    restrictedJoinRule: false,
    knockRestrictedJoinRule: false,
    floatPowerLevels: true,
    integerPowerLevels: false,
    implicitRoomCreator: false,
    privilegedCreators: false,
    additionalCreators: false,
    createEventImpliedByRoomId: false,
  }),
});
/** v2: state resolution v2. */
const V2 = derive(V1, "2", { stateResolution: STATE_RESOLUTION_ALGORITHMS.V2 });
/** v3: event IDs are reference hashes; plain ID lists; redaction auth moved out of the auth rules. */
const V3 = derive(V2, "3", {
  eventFormat: { eventIdFormat: EVENT_ID_FORMATS.REFERENCE_HASH_BASE64, referencePairs: false, signedByEventIdServer: false },
  authorization: { specialCaseRedactionAuth: false },
});
/** v4: URL-safe event IDs. */
const V4 = derive(V3, "4", { eventFormat: { eventIdFormat: EVENT_ID_FORMATS.REFERENCE_HASH_URL_SAFE } });
/** v5: signing-key validity enforced. */
const V5 = derive(V4, "5", { enforceKeyValidity: true });
/** v6: strict canonical JSON (no floats, so no float power levels), no aliases special case or redaction protection, `notifications` power levels checked. */
const V6 = derive(V5, "6", {
  strictCanonicalJson: true,
  redaction: { keepAliasesContent: false },
  authorization: { specialCaseAliasesAuth: false, checkNotificationsPowerLevels: true, floatPowerLevels: false },
});
/** v7: knocking. */
const V7 = derive(V6, "7", { authorization: { knocking: true } });
/** v8: restricted join rule. */
const V8 = derive(V7, "8", {
  redaction: { keepJoinRulesAllow: true },
  authorization: { restrictedJoinRule: true },
});
/** v9: redaction keeps `join_authorised_via_users_server`. */
const V9 = derive(V8, "9", { redaction: { keepJoinAuthorisedViaUsersServer: true } });
/** v10: `knock_restricted`, integer-only power levels. */
const V10 = derive(V9, "10", {
  authorization: { knockRestrictedJoinRule: true, integerPowerLevels: true },
});
/** v11: implicit room creator, new redaction algorithm, `redacts` in content. */
const V11 = derive(V10, "11", {
  eventFormat: { redactsInContent: true },
  redaction: {
    keepOriginMembershipPrevState: false,
    keepAllCreateContent: true,
    keepRedactionRedacts: true,
    keepPowerLevelsInvite: true,
    keepThirdPartyInviteSigned: true,
  },
  authorization: { implicitRoomCreator: true },
});
/** v12: room ID = create event hash, privileged creators, state resolution v2.1. */
const V12 = derive(V11, "12", {
  eventFormat: { roomIdIsCreateEventHash: true },
  stateResolution: STATE_RESOLUTION_ALGORITHMS.V2_1,
  authorization: { privilegedCreators: true, additionalCreators: true, createEventImpliedByRoomId: true },
});

/** Every room version this library knows, by identifier. */
export const ROOM_VERSIONS: Readonly<Record<string, RoomVersionRules>> = Object.freeze({
  "1": V1, "2": V2, "3": V3, "4": V4, "5": V5, "6": V6,
  "7": V7, "8": V8, "9": V9, "10": V10, "11": V11, "12": V12,
});

/** The version new rooms get unless asked otherwise (https://spec.matrix.org/v1.19/rooms/). */
export const DEFAULT_ROOM_VERSION = "12";

/** Whether `version` names a room version this library knows. */
export function isKnownRoomVersion(version: unknown): version is string {
  return typeof version === "string" && Object.prototype.hasOwnProperty.call(ROOM_VERSIONS, version);
}

/**
 * The rules of a room version.
 *
 * @param version - the room version identifier, e.g. `"12"`.
 * @returns the frozen rules record.
 * @throws {MatrixError} `M_UNSUPPORTED_ROOM_VERSION` for a version this library does not know.
 * @example
 * ```ts
 * const rules = roomVersionRules("12");
 * if (rules.authorization.privilegedCreators) { ... }
 * ```
 */
export function roomVersionRules(version: string): RoomVersionRules {
  if (!isKnownRoomVersion(version)) {
    throw new MatrixError("M_UNSUPPORTED_ROOM_VERSION", `expected a known room version (1–12), got ${JSON.stringify(version)}`);
  }
  return ROOM_VERSIONS[version]!;
}
