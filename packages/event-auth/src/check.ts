// The authorization rules: https://spec.matrix.org/v1.19/server-server-api/#authorization-rules,
// step 4 ("passes authorisation rules based on the event's auth events") to 6 of
// https://spec.matrix.org/v1.19/server-server-api/#checks-performed-on-receipt-of-a-pdu,
// with the rules of each room version (https://spec.matrix.org/v1.19/rooms/v1/#authorization-rules
// … https://spec.matrix.org/v1.19/rooms/v12/#authorisation-rules). Comments number
// the rules as room version 12 does (v1–5 and v12 share the numbering from
// the membership rule on; v6–11 are one lower); `ruleNumber` reports the right
// number for each version. Size limits: https://spec.matrix.org/v1.19/client-server-api/#size-limits.

import { isKnownRoomVersion, isUserId, roomVersionRules, utf8ByteLength, type Pdu, type RoomVersionRules } from "@weft/common";
import { AUTH_FAILURE_CODES as C, ruleNumber, type AuthFailureCode, type AuthResult } from "./codes.js";
import { domainOf, exceedsBytes } from "./internal/identifiers.js";
import { anySignatureMatches } from "./internal/verify-signed.js";
import {
  creators,
  isPrivilegedCreator,
  parsePowerLevels,
  POWER_LEVEL_KEYS,
  powerLevelOf,
  roomCreator,
  validatePowerLevelsEvent,
  diffLevelMaps,
  type PowerLevels,
} from "./power-levels.js";
import { isSelectedAuthPair } from "./selection.js";
import { StateMap, type AuthState } from "./state.js";

/** Options of {@link checkEventAuth} and {@link checkAuthAgainstState}. */
export interface AuthOptions {
  /**
   * Whether an event was itself rejected (auth rule 2.3; 3.3 in v12, and the
   * v12 create event of rule 2). Default: nothing is rejected.
   */
  isRejected?: (eventId: string) => boolean;
  /**
   * Whether `event` carries a valid signature of `serverName` (for
   * `join_authorised_via_users_server`, since room version 8). Signatures are
   * verified before authorization (step 2 of the checks on receipt), so the
   * default is "`serverName` appears in `signatures` with at least one key".
   */
  hasServerSignature?: (event: Pdu, serverName: string) => boolean;
  /**
   * The event's size in bytes as canonical JSON, when the caller knows it (e.g.
   * the length of the received body). Default: computed from the event, cheaply
   * bounded first (only events near 64 KiB are measured exactly).
   */
  eventSize?: number;
}

/** Auth events as an array of PDUs with `event_id`, or a map from event ID to PDU. */
export type AuthEventsInput = Iterable<Pdu> | ReadonlyMap<string, Pdu>;

const OK: AuthResult = Object.freeze({ ok: true });
const MAX_EVENT_BYTES = 65_536;
const MAX_ID_BYTES = 255;

function fail(rules: RoomVersionRules, code: AuthFailureCode, message: string): AuthResult {
  return { ok: false, code, rule: ruleNumber(code, rules), message };
}

function rulesOf(roomVersion: string | RoomVersionRules): RoomVersionRules {
  return typeof roomVersion === "string" ? roomVersionRules(roomVersion) : roomVersion;
}

function contentOf(event: { content?: unknown }): Record<string, unknown> {
  const c = event.content;
  return typeof c === "object" && c !== null ? (c as Record<string, unknown>) : {};
}

function membershipOf(member: Pdu | undefined): unknown {
  return member === undefined ? undefined : contentOf(member).membership;
}

function defaultHasServerSignature(event: Pdu, serverName: string): boolean {
  const sigs = event.signatures as Record<string, unknown> | undefined;
  const entry = sigs?.[serverName];
  if (typeof entry !== "object" || entry === null) return false;
  for (const _ in entry) return true;
  return false;
}

/**
 * Checks an event against its own auth events, as the whole state: the size
 * limits, the `m.room.create` rules, the room version 12 room ID rule, the rules
 * on the `auth_events` list itself (missing, duplicate, unexpected, rejected,
 * create event missing, wrong room), then every state-dependent rule.
 *
 * `authEvents` holds the events the `auth_events` list cites (with their
 * `event_id`: PDUs of room version 3+ must be annotated with it). In room
 * version 12 it must also hold the room's `m.room.create` event, whose ID is the
 * `room_id` with `$` for `!` (it is never cited).
 *
 * @param event - the event to authorize (with `event_id` in room versions 1–2, which the creator-join and redaction rules read).
 * @param authEvents - the cited auth events (array or map by event ID).
 * @param roomVersion - room version identifier or rules.
 * @param options - rejection and signature look-ups, a known event size.
 * @returns `{ ok: true }`, or `{ ok: false, code, rule, message }`.
 * @throws {MatrixError} `M_UNSUPPORTED_ROOM_VERSION` for an unknown room version.
 * @example
 * ```ts
 * const result = checkEventAuth(message, [powerLevels, senderJoin, create], "12");
 * if (!result.ok) console.log(result.code, result.rule); // e.g. "SENDER_NOT_JOINED", "6"
 * ```
 * @see https://spec.matrix.org/v1.19/server-server-api/#checks-performed-on-receipt-of-a-pdu
 */
export function checkEventAuth(
  event: Pdu,
  authEvents: AuthEventsInput,
  roomVersion: string | RoomVersionRules,
  options: AuthOptions = {},
): AuthResult {
  const rules = rulesOf(roomVersion);
  const sizeProblem = checkSizeLimits(event, rules, options.eventSize);
  if (sizeProblem !== undefined) return sizeProblem;

  // 1. m.room.create: decided without looking at any state.
  if (event.type === "m.room.create") return checkCreateEvent(event, rules);

  const isRejected = options.isRejected;
  // The auth events as the whole state. Rules 2.1–2.5 run over the cited list first.
  const state = new StateMap();

  // 2. (since room version 12) The room ID names an accepted m.room.create event.
  let impliedCreate: Pdu | undefined;
  if (rules.authorization.createEventImpliedByRoomId) {
    const roomId = event.room_id;
    const createId = typeof roomId === "string" && roomId.charCodeAt(0) === 0x21 /* ! */ ? `$${roomId.slice(1)}` : undefined;
    impliedCreate = createId === undefined ? undefined : findAuthEvent(authEvents, createId);
    if (impliedCreate === undefined || impliedCreate.type !== "m.room.create" || impliedCreate.state_key !== "") {
      return fail(rules, C.ROOM_ID_NOT_CREATE_EVENT, `expected room_id ${String(roomId)} to name a supplied m.room.create event`);
    }
    if (isRejected?.(createId!)) {
      return fail(rules, C.ROOM_ID_NOT_CREATE_EVENT, `expected the create event ${createId} to be accepted, got rejected`);
    }
  }

  // 2. (3. in v12) Considering the event's auth_events.
  const refs = Array.isArray(event.auth_events) ? event.auth_events : [];
  const cited: Pdu[] = [];
  const citedIdList: string[] = [];
  for (const ref of refs) {
    const id = typeof ref === "string" ? ref : Array.isArray(ref) ? ref[0] : undefined;
    const authEvent = typeof id === "string" ? findAuthEvent(authEvents, id) : undefined;
    if (authEvent === undefined) return fail(rules, C.AUTH_EVENT_NOT_FOUND, `expected auth event ${String(id)} to be supplied`);
    cited.push(authEvent);
    citedIdList.push(id!);
  }
  // 2.1 Duplicate (type, state_key) entries.
  for (const authEvent of cited) {
    const stateKey = authEvent.state_key;
    if (typeof stateKey !== "string") continue; // not a state event: rule 2.2 rejects it
    if (state.get(authEvent.type, stateKey) !== undefined) {
      return fail(rules, C.DUPLICATE_AUTH_EVENT, `expected one auth event for (${authEvent.type}, ${JSON.stringify(stateKey)}), got several`);
    }
    state.set(authEvent);
  }
  // 2.2 Entries the auth events selection would not choose (v12: including m.room.create).
  for (const authEvent of cited) {
    const stateKey = authEvent.state_key;
    if (typeof stateKey !== "string" || !isSelectedAuthPair(event, rules, authEvent.type, stateKey)) {
      return fail(rules, C.UNEXPECTED_AUTH_EVENT, `expected auth events chosen by the auth events selection, got (${authEvent.type}, ${JSON.stringify(stateKey)})`);
    }
  }
  // 2.3 Entries that were themselves rejected.
  if (isRejected !== undefined) {
    for (const id of citedIdList) {
      if (isRejected(id)) return fail(rules, C.REJECTED_AUTH_EVENT, `expected accepted auth events, got rejected ${id}`);
    }
  }
  // 2.4 (v1–11) An m.room.create event among the entries. Since room version 12
  // it is implied by the room ID (rule 2) instead, and rule 2.2 kept it out of the list.
  if (impliedCreate !== undefined) state.create = impliedCreate;
  else if (state.create === undefined) return fail(rules, C.MISSING_CREATE_EVENT, "expected an m.room.create event among the auth events");
  // 2.5 Entries from another room.
  for (const authEvent of cited) {
    if (authEvent.room_id !== event.room_id) {
      return fail(rules, C.AUTH_EVENT_WRONG_ROOM, `expected auth events of room ${String(event.room_id)}, got one of ${String(authEvent.room_id)}`);
    }
  }

  return checkStateDependent(event, state, rules, options);
}

/**
 * Checks an event against a given state with the state-dependent rules: the
 * state before the event (step 5 of the checks on receipt), the current state
 * (step 6, soft failure), or the partial state of the iterative auth checks of
 * state resolution. The `auth_events` list and the size limits are not looked
 * at; an `m.room.create` event gets the create-event rules.
 *
 * @param event - the event to authorize.
 * @param state - the state (any {@link AuthState}; build one with `stateFromEvents`). Must contain the `m.room.create` event.
 * @param roomVersion - room version identifier or rules.
 * @param options - as for {@link checkEventAuth} (`eventSize` is ignored).
 * @returns `{ ok: true }`, or `{ ok: false, code, rule, message }`.
 * @throws {MatrixError} `M_UNSUPPORTED_ROOM_VERSION` for an unknown room version.
 * @example
 * ```ts
 * const soft = checkAuthAgainstState(event, stateFromEvents(currentState), "11");
 * if (!soft.ok) markSoftFailed(event); // step 6 of the checks on receipt
 * ```
 * @see https://spec.matrix.org/v1.19/server-server-api/#checks-performed-on-receipt-of-a-pdu
 */
export function checkAuthAgainstState(
  event: Pdu,
  state: AuthState,
  roomVersion: string | RoomVersionRules,
  options: AuthOptions = {},
): AuthResult {
  const rules = rulesOf(roomVersion);
  if (event.type === "m.room.create") return checkCreateEvent(event, rules);
  const create = state.get("m.room.create", "");
  if (create === undefined) return fail(rules, C.MISSING_CREATE_EVENT, "expected an m.room.create event in the state");
  // 2. (since room version 12) The room ID is the create event's ID with `!`.
  if (rules.authorization.createEventImpliedByRoomId) {
    const createId = create.event_id;
    if (typeof createId === "string" && event.room_id !== `!${createId.slice(1)}`) {
      return fail(rules, C.ROOM_ID_NOT_CREATE_EVENT, `expected room_id !${createId.slice(1)}, got ${String(event.room_id)}`);
    }
    if (typeof createId === "string" && options.isRejected?.(createId)) {
      return fail(rules, C.ROOM_ID_NOT_CREATE_EVENT, `expected the create event ${createId} to be accepted, got rejected`);
    }
  }
  return checkStateDependent(event, state, rules, options);
}

/**
 * The `m.room.create` rules (rule 1), which need no state.
 *
 * @param event - the create event.
 * @param roomVersion - room version identifier or rules.
 * @returns `{ ok: true }` or the failing rule.
 * @example
 * ```ts
 * checkCreateEvent({ ...create, prev_events: ["$x"] }, "12"); // { ok: false, code: "CREATE_HAS_PREV_EVENTS", rule: "1.1", … }
 * ```
 * @see https://spec.matrix.org/v1.19/rooms/v12/#authorisation-rules
 */
export function checkCreateEvent(event: Pdu, roomVersion: string | RoomVersionRules): AuthResult {
  const rules = rulesOf(roomVersion);
  const content = contentOf(event);
  // 1.1 No prev_events.
  if (Array.isArray(event.prev_events) && event.prev_events.length > 0) {
    return fail(rules, C.CREATE_HAS_PREV_EVENTS, `expected no prev_events, got ${event.prev_events.length}`);
  }
  if (rules.eventFormat.roomIdIsCreateEventHash) {
    // 1.2 (since room version 12) No room_id: the room ID is derived from this event.
    if (event.room_id !== undefined) return fail(rules, C.CREATE_HAS_ROOM_ID, `expected no room_id, got ${JSON.stringify(event.room_id)}`);
  } else if (domainOf(event.room_id) === undefined || domainOf(event.room_id) !== domainOf(event.sender)) {
    // 1.2 (room versions 1–11) The room ID's domain is the sender's.
    return fail(rules, C.CREATE_ROOM_ID_DOMAIN_MISMATCH, `expected room_id on ${String(domainOf(event.sender))}, got ${String(event.room_id)}`);
  }
  // 1.3 A present room_version must be known.
  if (content.room_version !== undefined && !isKnownRoomVersion(content.room_version)) {
    return fail(rules, C.CREATE_UNKNOWN_ROOM_VERSION, `expected a known room_version, got ${JSON.stringify(content.room_version)}`);
  }
  // 1.4 (room versions 1–10) content.creator is required; since room version 11 the sender is the creator.
  if (!rules.authorization.implicitRoomCreator && content.creator === undefined) {
    return fail(rules, C.CREATE_MISSING_CREATOR, "expected content.creator");
  }
  // 1.4 (since room version 12) additional_creators, when present, is an array of valid user IDs.
  if (rules.authorization.additionalCreators && content.additional_creators !== undefined) {
    const extra = content.additional_creators;
    if (!Array.isArray(extra) || !extra.every((u) => isUserId(u, { historical: true }))) {
      return fail(rules, C.CREATE_INVALID_ADDITIONAL_CREATORS, `expected additional_creators to be an array of user IDs, got ${JSON.stringify(extra)}`);
    }
  }
  return OK;
}

/**
 * The size limits: 65,536 bytes of canonical JSON for the event; 255 bytes for
 * `sender`, `room_id`, `event_id`, `type` and `state_key`.
 *
 * @param event - the event.
 * @param roomVersion - room version identifier or rules.
 * @param eventSize - the event's size in bytes when known (skips measuring).
 * @returns the failure, or `undefined` when within the limits.
 * @example
 * ```ts
 * checkSizeLimits(event, "12", body.byteLength)?.code; // "EVENT_TOO_LARGE" or undefined
 * ```
 * @see https://spec.matrix.org/v1.19/client-server-api/#size-limits
 */
export function checkSizeLimits(event: Pdu, roomVersion: string | RoomVersionRules, eventSize?: number): AuthResult | undefined {
  const rules = rulesOf(roomVersion);
  if (typeof event.sender === "string" && exceedsBytes(event.sender, MAX_ID_BYTES)) {
    return fail(rules, C.ID_TOO_LONG, "expected sender of at most 255 bytes");
  }
  if (typeof event.room_id === "string" && exceedsBytes(event.room_id, MAX_ID_BYTES)) {
    return fail(rules, C.ID_TOO_LONG, "expected room_id of at most 255 bytes");
  }
  if (typeof event.event_id === "string" && exceedsBytes(event.event_id, MAX_ID_BYTES)) {
    return fail(rules, C.ID_TOO_LONG, "expected event_id of at most 255 bytes");
  }
  if (typeof event.type === "string" && exceedsBytes(event.type, MAX_ID_BYTES)) {
    return fail(rules, C.TYPE_TOO_LONG, "expected type of at most 255 bytes");
  }
  if (typeof event.state_key === "string" && exceedsBytes(event.state_key, MAX_ID_BYTES)) {
    return fail(rules, C.STATE_KEY_TOO_LONG, "expected state_key of at most 255 bytes");
  }
  const size = eventSize ?? federationSize(event, rules);
  if (size > MAX_EVENT_BYTES) return fail(rules, C.EVENT_TOO_LARGE, `expected at most 65536 bytes, got ${size}`);
  return undefined;
}

/**
 * The canonical-JSON size of the event in federation format, or an upper bound
 * when that is clearly under the limit. A walk bounds the size without
 * serialising (6 bytes per string code unit covers `\u00XX` escapes and
 * multi-byte characters); only events whose bound passes the limit are
 * serialised and measured exactly. Canonical JSON is exactly as long as
 * `JSON.stringify`'s output (key order does not change length). The
 * `event_id` annotation of room versions 3+ is not part of the federation format.
 */
function federationSize(event: Pdu, rules: RoomVersionRules): number {
  const bound = sizeBound(event, MAX_EVENT_BYTES);
  if (bound <= MAX_EVENT_BYTES) return bound;
  // Room versions 3+: event_id is our annotation, not part of the federation format.
  const wire = !rules.eventFormat.referencePairs && event.event_id !== undefined ? { ...event, event_id: undefined } : event;
  return utf8ByteLength(JSON.stringify(wire));
}

/** An upper bound of the JSON size of `value`; stops early once past `limit`. */
function sizeBound(value: unknown, limit: number): number {
  switch (typeof value) {
    case "string":
      return 2 + 6 * value.length;
    case "number":
      return 24;
    case "boolean":
      return 5;
    case "object": {
      if (value === null) return 4;
      let total = 2;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length && total <= limit; i++) total += 1 + sizeBound(value[i], limit);
        return total;
      }
      for (const key in value) {
        const v = (value as Record<string, unknown>)[key];
        if (v === undefined) continue;
        total += 4 + 6 * key.length + sizeBound(v, limit);
        if (total > limit) return total;
      }
      return total;
    }
    default:
      return 0;
  }
}

/** The one event ID cited by `refs` (IDs, or v1–2 `[id, hashes]` pairs; other entries are ignored), or `undefined` unless there is exactly one. */
function onlyCitedId(refs: Pdu["prev_events"]): string | undefined {
  if (!Array.isArray(refs)) return undefined;
  let only: string | undefined;
  let count = 0;
  for (const ref of refs as unknown[]) {
    const id = typeof ref === "string" ? ref : Array.isArray(ref) && typeof ref[0] === "string" ? (ref[0] as string) : undefined;
    if (id !== undefined && ++count === 1) only = id;
  }
  return count === 1 ? only : undefined;
}

function findAuthEvent(authEvents: AuthEventsInput, id: string): Pdu | undefined {
  if (authEvents instanceof Map) return (authEvents as ReadonlyMap<string, Pdu>).get(id);
  // Auth events are a handful (at most six are ever valid): a scan of the
  // caller's array beats building a map. Pass a Map for large collections.
  if (Array.isArray(authEvents)) {
    for (let i = 0; i < authEvents.length; i++) if ((authEvents[i] as Pdu).event_id === id) return authEvents[i] as Pdu;
    return undefined;
  }
  for (const e of authEvents as Iterable<Pdu>) if (e.event_id === id) return e;
  return undefined;
}

// Rules 4–11 (v12 numbering): everything that reads the state.
function checkStateDependent(event: Pdu, state: AuthState, rules: RoomVersionRules, options: AuthOptions): AuthResult {
  const create = (state instanceof StateMap ? state.create : state.get("m.room.create", ""))!;
  const sender = event.sender;
  const type = event.type;

  // 4. (3. before v12) m.federate: false keeps other servers out.
  if (contentOf(create)["m.federate"] === false && domainOf(sender) !== domainOf(create.sender)) {
    return fail(rules, C.NOT_FEDERATED, `expected a sender on ${String(domainOf(create.sender))} (m.federate is false), got ${sender}`);
  }

  // 4. (room versions 1–5) m.room.aliases is allowed by the sender's server alone.
  if (rules.authorization.specialCaseAliasesAuth && type === "m.room.aliases") {
    if (typeof event.state_key !== "string") return fail(rules, C.ALIASES_NO_STATE_KEY, "expected a state_key");
    if (event.state_key !== domainOf(sender)) {
      return fail(rules, C.ALIASES_DOMAIN_MISMATCH, `expected state_key ${String(domainOf(sender))}, got ${event.state_key}`);
    }
    return OK;
  }

  const powerLevelsEvent = state instanceof StateMap ? state.powerLevels : state.get("m.room.power_levels", "");
  const levels = parsePowerLevels(powerLevelsEvent, rules);

  // 5. m.room.member.
  if (type === "m.room.member") return checkMembership(event, state, create, levels, rules, options);

  // 6. The sender must be joined.
  const senderMembership = membershipOf(state.get("m.room.member", sender));
  if (senderMembership !== "join") {
    return fail(rules, C.SENDER_NOT_JOINED, `expected ${sender} to be joined, got ${String(senderMembership ?? "no membership")}`);
  }
  const senderLevel = powerLevelOf(sender, create, levels, rules);

  // 7. m.room.third_party_invite needs the invite level.
  if (type === "m.room.third_party_invite") {
    if (senderLevel >= levels.invite) return OK;
    return fail(rules, C.THIRD_PARTY_INVITE_INSUFFICIENT_POWER, `expected power level ${levels.invite} (invite), got ${senderLevel}`);
  }

  // 8. The event type's required power level.
  const isState = typeof event.state_key === "string";
  const required = levels.events.get(type) ?? (isState ? levels.stateDefault : levels.eventsDefault);
  if (required > senderLevel) {
    return fail(rules, C.INSUFFICIENT_POWER, `expected power level ${required} for ${type}, got ${senderLevel}`);
  }

  // 9. A state key that is a user ID must be the sender's.
  if (isState && (event.state_key as string).charCodeAt(0) === 0x40 /* @ */ && event.state_key !== sender) {
    return fail(rules, C.STATE_KEY_NOT_SENDER, `expected state_key ${sender}, got ${String(event.state_key)}`);
  }

  // 10. m.room.power_levels.
  if (type === "m.room.power_levels") return checkPowerLevelsEvent(event, powerLevelsEvent, create, levels, senderLevel, rules);

  // 11. (room versions 1–2) m.room.redaction: the redact level, or the same domain as the redacted event.
  if (rules.authorization.specialCaseRedactionAuth && type === "m.room.redaction") {
    if (senderLevel >= levels.redact) return OK;
    const redacts = event.redacts;
    const redactsDomain = domainOf(redacts);
    if (redactsDomain !== undefined && redactsDomain === domainOf(event.event_id)) return OK;
    return fail(rules, C.REDACTION_NOT_ALLOWED, `expected power level ${levels.redact} (redact) or a redacted event from ${String(domainOf(event.event_id))}, got ${senderLevel} and ${String(redacts)}`);
  }

  // Otherwise, allow.
  return OK;
}

// 5. m.room.member (4. in room versions 6–11).
function checkMembership(
  event: Pdu,
  state: AuthState,
  create: Pdu,
  levels: PowerLevels,
  rules: RoomVersionRules,
  options: AuthOptions,
): AuthResult {
  const a = rules.authorization;
  const content = contentOf(event);
  const target = event.state_key;
  const membership = content.membership;
  // 5.1 A state_key and a membership.
  if (typeof target !== "string" || membership === undefined) {
    return fail(rules, C.MEMBER_INVALID, "expected a state_key and content.membership");
  }
  const sender = event.sender;

  // 5.2 (since room version 8) join_authorised_via_users_server must be signed for.
  if (a.restrictedJoinRule && content.join_authorised_via_users_server !== undefined) {
    const via = content.join_authorised_via_users_server;
    const server = typeof via === "string" ? domainOf(via) : undefined;
    const hasSignature = options.hasServerSignature ?? defaultHasServerSignature;
    if (server === undefined || !hasSignature(event, server)) {
      return fail(rules, C.JOIN_AUTHORISED_VIA_NOT_SIGNED, `expected a signature from the server of ${JSON.stringify(via)}`);
    }
  }

  const senderMember = state.get("m.room.member", sender);
  const senderMembership = membershipOf(senderMember);
  const targetMembership = target === sender ? senderMembership : membershipOf(state.get("m.room.member", target));
  const joinRulesEvent = state instanceof StateMap ? state.joinRules : state.get("m.room.join_rules", "");
  // No m.room.join_rules event: the spec is silent. Synapse, the majority of the
  // federation, treats the room as invite-only (event_auth.py: the join rule
  // defaults to "invite"), and so do we.
  const joinRule = joinRulesEvent === undefined ? "invite" : contentOf(joinRulesEvent).join_rule;

  switch (membership) {
    case "join": {
      // 5.3.1 The creator's first join: the only previous event is the create event.
      const prev = onlyCitedId(event.prev_events);
      if (prev !== undefined && prev === createEventId(create, event, rules) && target === roomCreator(create, rules)) {
        return OK;
      }
      // 5.3.2 Only the user themself joins.
      if (sender !== target) return fail(rules, C.JOIN_SENDER_MISMATCH, `expected sender ${target}, got ${sender}`);
      // 5.3.3 Not when banned.
      if (senderMembership === "ban") return fail(rules, C.JOIN_BANNED, `expected ${sender} not to be banned`);
      // 5.3.4 invite (and since room version 7 knock): invited or already joined.
      if (joinRule === "invite" || (a.knocking && joinRule === "knock")) {
        if (senderMembership === "invite" || senderMembership === "join") return OK;
      } else if (
        // 5.3.5 (since room version 8) restricted; (since room version 10) knock_restricted.
        (a.restrictedJoinRule && joinRule === "restricted") ||
        (a.knockRestrictedJoinRule && joinRule === "knock_restricted")
      ) {
        // 5.3.5.1 Already joined or invited.
        if (senderMembership === "join" || senderMembership === "invite") return OK;
        // 5.3.5.2 The authorising user is joined and may invite.
        const via = content.join_authorised_via_users_server;
        if (typeof via !== "string" || membershipOf(state.get("m.room.member", via)) !== "join") {
          return fail(rules, C.JOIN_RESTRICTED_NOT_AUTHORISED, `expected join_authorised_via_users_server to name a joined member, got ${JSON.stringify(via)}`);
        }
        const viaLevel = powerLevelOf(via, create, levels, rules);
        if (viaLevel < levels.invite) {
          return fail(rules, C.JOIN_RESTRICTED_NOT_AUTHORISED, `expected ${via} to have power level ${levels.invite} (invite), got ${viaLevel}`);
        }
        // 5.3.5.3 Otherwise, allow.
        return OK;
      } else if (joinRule === "public") {
        // 5.3.6 public.
        return OK;
      }
      // 5.3.7 Otherwise, reject.
      return fail(rules, C.JOIN_NOT_ALLOWED, `expected the join rule to admit ${sender}, got ${JSON.stringify(joinRule)} with membership ${String(senderMembership ?? "none")}`);
    }

    case "invite": {
      // 5.4.1 Third-party invites.
      if (content.third_party_invite !== undefined) {
        return checkThirdPartyInvite(event, content, target, targetMembership, state, rules);
      }
      // 5.4.2 The inviter is joined.
      if (senderMembership !== "join") return fail(rules, C.INVITE_SENDER_NOT_JOINED, `expected ${sender} to be joined`);
      // 5.4.3 The target is neither joined nor banned.
      if (targetMembership === "join" || targetMembership === "ban") {
        return fail(rules, C.INVITE_TARGET_JOINED_OR_BANNED, `expected ${target} not to be joined or banned, got ${String(targetMembership)}`);
      }
      // 5.4.4 The invite level.
      const senderLevel = powerLevelOf(sender, create, levels, rules);
      if (senderLevel >= levels.invite) return OK;
      // 5.4.5 Otherwise, reject.
      return fail(rules, C.INVITE_INSUFFICIENT_POWER, `expected power level ${levels.invite} (invite), got ${senderLevel}`);
    }

    case "leave": {
      // 5.5.1 Leaving oneself: from invite, join, or (since room version 7) knock.
      if (sender === target) {
        if (senderMembership === "invite" || senderMembership === "join" || (a.knocking && senderMembership === "knock")) return OK;
        return fail(rules, C.LEAVE_NOT_MEMBER, `expected ${sender} to be invited or joined${a.knocking ? " or knocking" : ""}, got ${String(senderMembership ?? "none")}`);
      }
      // 5.5.2 Kicking or unbanning needs a joined sender.
      if (senderMembership !== "join") return fail(rules, C.LEAVE_SENDER_NOT_JOINED, `expected ${sender} to be joined`);
      const senderLevel = powerLevelOf(sender, create, levels, rules);
      // 5.5.3 Unbanning needs the ban level.
      if (targetMembership === "ban" && senderLevel < levels.ban) {
        return fail(rules, C.UNBAN_INSUFFICIENT_POWER, `expected power level ${levels.ban} (ban) to unban, got ${senderLevel}`);
      }
      // 5.5.4 The kick level, and more power than the target.
      const targetLevel = powerLevelOf(target, create, levels, rules);
      if (senderLevel >= levels.kick && targetLevel < senderLevel) return OK;
      // 5.5.5 Otherwise, reject.
      return fail(rules, C.KICK_INSUFFICIENT_POWER, `expected power level ${levels.kick} (kick) and above ${targetLevel}, got ${senderLevel}`);
    }

    case "ban": {
      // 5.6.1 The sender is joined.
      if (senderMembership !== "join") return fail(rules, C.BAN_SENDER_NOT_JOINED, `expected ${sender} to be joined`);
      // 5.6.2 The ban level, and more power than the target.
      const senderLevel = powerLevelOf(sender, create, levels, rules);
      const targetLevel = powerLevelOf(target, create, levels, rules);
      if (senderLevel >= levels.ban && targetLevel < senderLevel) return OK;
      // 5.6.3 Otherwise, reject.
      return fail(rules, C.BAN_INSUFFICIENT_POWER, `expected power level ${levels.ban} (ban) and above ${targetLevel}, got ${senderLevel}`);
    }

    case "knock": {
      // Before room version 7 knock is an unknown membership (falls through below).
      if (!a.knocking) break;
      // 5.7.1 The join rule is knock, or (since room version 10) knock_restricted.
      if (joinRule !== "knock" && !(a.knockRestrictedJoinRule && joinRule === "knock_restricted")) {
        return fail(rules, C.KNOCK_NOT_ALLOWED, `expected join rule knock${a.knockRestrictedJoinRule ? " or knock_restricted" : ""}, got ${JSON.stringify(joinRule)}`);
      }
      // 5.7.2 Only the user themself knocks.
      if (sender !== target) return fail(rules, C.KNOCK_SENDER_MISMATCH, `expected sender ${target}, got ${sender}`);
      // 5.7.3 Not when banned, invited or joined.
      if (senderMembership !== "ban" && senderMembership !== "invite" && senderMembership !== "join") return OK;
      // 5.7.4 Otherwise, reject.
      return fail(rules, C.KNOCK_ALREADY_MEMBER, `expected ${sender} not to be banned, invited or joined, got ${String(senderMembership)}`);
    }
  }
  // 5.8 Unknown membership.
  return fail(rules, C.UNKNOWN_MEMBERSHIP, `expected a known membership, got ${JSON.stringify(membership)}`);
}

function createEventId(create: Pdu, event: Pdu, rules: RoomVersionRules): string | undefined {
  if (typeof create.event_id === "string") return create.event_id;
  // Since room version 12 the create event's ID follows from the room ID.
  if (rules.eventFormat.roomIdIsCreateEventHash && typeof event.room_id === "string") return `$${event.room_id.slice(1)}`;
  return undefined;
}

// 5.4.1 Third-party invites.
function checkThirdPartyInvite(
  event: Pdu,
  content: Record<string, unknown>,
  target: string,
  targetMembership: unknown,
  state: AuthState,
  rules: RoomVersionRules,
): AuthResult {
  // 5.4.1.1 The target is not banned.
  if (targetMembership === "ban") return fail(rules, C.THIRD_PARTY_INVITE_TARGET_BANNED, `expected ${target} not to be banned`);
  // 5.4.1.2 A signed block.
  const tpi = content.third_party_invite;
  const signed = typeof tpi === "object" && tpi !== null ? (tpi as Record<string, unknown>).signed : undefined;
  if (typeof signed !== "object" || signed === null || Array.isArray(signed)) {
    return fail(rules, C.THIRD_PARTY_INVITE_NO_SIGNED, "expected content.third_party_invite.signed");
  }
  const s = signed as Record<string, unknown>;
  // 5.4.1.3 mxid and token.
  if (typeof s.mxid !== "string" || typeof s.token !== "string") {
    return fail(rules, C.THIRD_PARTY_INVITE_SIGNED_INCOMPLETE, "expected signed.mxid and signed.token");
  }
  // 5.4.1.4 mxid is the target.
  if (s.mxid !== target) return fail(rules, C.THIRD_PARTY_INVITE_MXID_MISMATCH, `expected signed.mxid ${target}, got ${s.mxid}`);
  // 5.4.1.5 An m.room.third_party_invite for the token.
  const invite = state.get("m.room.third_party_invite", s.token);
  if (invite === undefined) {
    return fail(rules, C.THIRD_PARTY_INVITE_NO_TOKEN_EVENT, `expected an m.room.third_party_invite with state_key ${s.token}`);
  }
  // 5.4.1.6 Sent by the same user.
  if (invite.sender !== event.sender) {
    return fail(rules, C.THIRD_PARTY_INVITE_SENDER_MISMATCH, `expected sender ${invite.sender}, got ${event.sender}`);
  }
  // 5.4.1.7 A signature in signed verifies with public_key or any public_keys[].public_key.
  const inviteContent = contentOf(invite);
  const keys: string[] = [];
  if (typeof inviteContent.public_key === "string") keys.push(inviteContent.public_key);
  if (Array.isArray(inviteContent.public_keys)) {
    for (const entry of inviteContent.public_keys) {
      const key = typeof entry === "object" && entry !== null ? (entry as Record<string, unknown>).public_key : undefined;
      if (typeof key === "string") keys.push(key);
    }
  }
  if (anySignatureMatches(s, keys)) return OK;
  // 5.4.1.8 Otherwise, reject.
  return fail(rules, C.THIRD_PARTY_INVITE_BAD_SIGNATURE, "expected a signature in signed to match a public key of the m.room.third_party_invite");
}

// 10. m.room.power_levels (9. in room versions 6–11).
function checkPowerLevelsEvent(
  event: Pdu,
  currentEvent: Pdu | undefined,
  create: Pdu,
  current: PowerLevels,
  senderLevel: number,
  rules: RoomVersionRules,
): AuthResult {
  const content = contentOf(event);
  // 10.1–10.3 Integer values (since room version 10 strictly; before, integer
  // strings and, before 6, floats are read) and user ID keys.
  const problem = validatePowerLevelsEvent(event, rules);
  if (problem !== undefined) {
    const code = problem.part === "levels" ? C.POWER_LEVELS_INVALID_LEVEL : problem.part === "maps" ? C.POWER_LEVELS_INVALID_MAP : C.POWER_LEVELS_INVALID_USERS;
    return fail(rules, code, problem.message);
  }
  // 10.4 (since room version 12) Creators may not appear in users. A lookup per
  // creator (a handful) instead of a walk over `users` (often thousands).
  if (rules.authorization.privilegedCreators) {
    const users = content.users;
    if (typeof users === "object" && users !== null) {
      const named = creatorNamedIn(users as Record<string, unknown>, create);
      if (named !== undefined) {
        return fail(rules, C.POWER_LEVELS_CREATOR_IN_USERS, `expected users not to name the creator ${named} (creators: ${creators(create, rules).join(", ")})`);
      }
    }
  }
  // 10.5 No previous power levels: allow.
  if (currentEvent === undefined) return OK;
  const next = parsePowerLevels(event, rules);

  // 10.6 Top-level levels added, changed or removed: neither old nor new value above the sender's.
  for (const key of POWER_LEVEL_KEYS) {
    const before = current.explicit[key];
    const after = next.explicit[key];
    if (before === after) continue;
    if (before !== undefined && before > senderLevel) {
      return fail(rules, C.POWER_LEVELS_OLD_LEVEL_TOO_HIGH, `expected ${key} (${before}) to be at most ${senderLevel} to change it`);
    }
    if (after !== undefined && after > senderLevel) {
      return fail(rules, C.POWER_LEVELS_NEW_LEVEL_TOO_HIGH, `expected new ${key} (${after}) to be at most ${senderLevel}`);
    }
  }
  // 10.7–10.8 events, and (since room version 6) notifications. Each pair of
  // maps is compared once (one lockstep pass, see diffLevelMaps).
  const events = diffLevelMaps(current.events, next.events);
  const notifications = rules.authorization.checkNotificationsPowerLevels ? diffLevelMaps(current.notifications, next.notifications) : undefined;
  // 10.7 Entries changed or removed: the current value is not above the sender's.
  const oldEventLevel = firstAbove(events.oldKeys, events.oldValues, senderLevel, "events") ??
    (notifications && firstAbove(notifications.oldKeys, notifications.oldValues, senderLevel, "notifications"));
  if (oldEventLevel !== undefined) {
    return fail(rules, C.POWER_LEVELS_OLD_EVENT_LEVEL_TOO_HIGH, `expected ${oldEventLevel} to be at most ${senderLevel} to change it`);
  }
  // 10.8 Entries added or changed: the new value is not above the sender's.
  const newEventLevel = firstAbove(events.newKeys, events.newValues, senderLevel, "events") ??
    (notifications && firstAbove(notifications.newKeys, notifications.newValues, senderLevel, "notifications"));
  if (newEventLevel !== undefined) {
    return fail(rules, C.POWER_LEVELS_NEW_EVENT_LEVEL_TOO_HIGH, `expected new ${newEventLevel} to be at most ${senderLevel}`);
  }
  // 10.9–10.10 users: one pass over the union of both maps' keys, on the parsed
  // (per-event cached) maps — not on the raw content.
  const users = diffLevelMaps(current.users, next.users);
  // 10.9 Other users' entries changed or removed: the current value is below the sender's.
  const sender = event.sender;
  for (let i = 0; i < users.oldKeys.length; i++) {
    const user = users.oldKeys[i]!;
    const level = users.oldValues[i]!;
    if (user !== sender && level >= senderLevel) {
      return fail(rules, C.POWER_LEVELS_USER_NOT_BELOW_SENDER, `expected ${user} (${level}) to be below ${senderLevel} to change them`);
    }
  }
  // 10.10 Entries added or changed: the new value is not above the sender's.
  const newUserLevel = firstAbove(users.newKeys, users.newValues, senderLevel);
  if (newUserLevel !== undefined) {
    return fail(rules, C.POWER_LEVELS_NEW_USER_LEVEL_TOO_HIGH, `expected new level of ${newUserLevel} to be at most ${senderLevel}`);
  }
  // 10.11 Otherwise, allow.
  return OK;
}

/** A creator of the room (its sender or, since room version 12, an additional creator) named as a key of `users`. */
function creatorNamedIn(users: Record<string, unknown>, create: Pdu): string | undefined {
  if (typeof create.sender === "string" && Object.hasOwn(users, create.sender)) return create.sender;
  const extra = contentOf(create).additional_creators;
  if (Array.isArray(extra)) {
    for (const user of extra) if (typeof user === "string" && Object.hasOwn(users, user)) return user;
  }
  return undefined;
}

/** The first entry whose level is above `limit`, described for a message (`name[key] (level)` or `key (level)`). */
function firstAbove(keys: readonly string[], levels: readonly number[], limit: number, name?: string): string | undefined {
  for (let i = 0; i < keys.length; i++) {
    const level = levels[i]!;
    if (level > limit) return name === undefined ? `${keys[i]!} (${level})` : `${name}[${JSON.stringify(keys[i])}] (${level})`;
  }
  return undefined;
}
