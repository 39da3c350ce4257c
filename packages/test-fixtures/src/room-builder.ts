// A builder of synthetic rooms for tests, in any room version
// (https://spec.matrix.org/v1.19/rooms/). Events have the federation shape of
// https://spec.matrix.org/v1.19/server-server-api/#pdus with readable synthetic
// event IDs (`$<name>`), `auth_events` chosen by the auth events selection
// algorithm (https://spec.matrix.org/v1.19/server-server-api/#auth-events-selection),
// linear `prev_events` unless parents are given, increasing `depth` and
// `origin_server_ts`. Hashes and signatures are placeholders: the builder makes
// rooms for auth and state-resolution tests, not for signature tests.
//
// The builder never checks authorization: tests build forbidden events on
// purpose. Use `draft` to make an event without adding it to the room.

import { roomVersionRules, type EventReferencePair, type JsonObject, type Pdu, type RoomVersionRules } from "@weft/common";
import { authEventsSelection, StateMap, type AuthPdu } from "@weft/event-auth";

/** The test users, all on `example.com`. */
export const USERS = {
  alice: "@alice:example.com",
  bob: "@bob:example.com",
  charlie: "@charlie:example.com",
  ella: "@ella:example.com",
  zara: "@zara:example.com",
} as const;

/** A test user's short name. */
export type UserName = keyof typeof USERS;
/** A short name (`"alice"`) or any full user ID (`"@x:other.org"`). */
export type UserRef = UserName | (string & {});

/** The user ID for a short name, or the argument itself when it is already a user ID. */
export function userId(user: UserRef): string {
  return Object.prototype.hasOwnProperty.call(USERS, user) ? USERS[user as UserName] : user;
}

function localpartOf(user: string): string {
  const colon = user.indexOf(":");
  return user.slice(1, colon < 0 ? undefined : colon);
}

/** Options every event-making method accepts. */
export interface EventOptions {
  /** Readable name: the event ID becomes `$<id>` (`$<id>:example.com` in room versions 1–2). Default: derived from the event, made unique with `-2`, `-3`, … */
  id?: string;
  /** IDs of the parent events (`prev_events`). Default: the last event added — a linear history. Give several to merge forks, or an older one to fork. */
  parents?: string[];
  /** Explicit `auth_events` IDs, replacing the automatic selection. */
  authEvents?: string[];
  /** `origin_server_ts`. Default: 1,700,000,000,000 + 1,000 × the event's index. */
  ts?: number;
  /** Extra top-level keys merged into the PDU last (e.g. `redacts`, `signatures`, or a broken `room_id`). */
  extra?: Record<string, unknown>;
}

/** Arguments of {@link RoomBuilder.event} / {@link RoomBuilder.draft}. */
export interface EventSpec extends EventOptions {
  sender: UserRef;
  type: string;
  /** Present for state events. */
  stateKey?: string;
  content?: JsonObject;
}

/** Arguments of {@link RoomBuilder.create}. */
export interface CreateOptions extends Omit<EventOptions, "parents" | "authEvents"> {
  creator: UserRef;
  /** Room version identifier. Default `"12"`. */
  version?: string;
  /** `content.additional_creators` (room version 12). */
  additionalCreators?: UserRef[];
  /** Extra create-event content (e.g. `{ "m.federate": false }`). */
  content?: JsonObject;
}

/** Arguments of {@link RoomBuilder.standard}. */
export interface StandardRoomOptions {
  version?: string;
  creator?: UserRef;
  /** Users who join after the creator. Default: `["bob", "charlie"]`. */
  members?: UserRef[];
  /** Join rule. Default `"public"`. */
  joinRule?: string;
  /** Extra `users` entries for the power levels (the creator gets 100 before room version 12). */
  users?: Record<string, number>;
}

const BASE_TS = 1_700_000_000_000;

/**
 * Builds a synthetic room event by event.
 *
 * @example
 * ```ts
 * const room = new RoomBuilder();
 * room.create({ creator: "alice", version: "12" });
 * room.join("alice");
 * room.setPowerLevels("alice", { users: {}, state_default: 50 });
 * room.setJoinRules("alice", "public");
 * room.join("bob");
 * const msg = room.message("bob", "hello");
 * // msg.event_id === "$bob-message"; msg.auth_events lists bob's join and the power levels
 * ```
 */
export class RoomBuilder {
  /** Every event added, in order. */
  readonly events: AuthPdu[] = [];
  private readonly byId = new Map<string, AuthPdu>();
  private readonly stateAfterById = new Map<string, StateMap>();
  private readonly usedNames = new Set<string>();
  private versionId = "";
  private rulesValue: RoomVersionRules | undefined;
  private roomIdValue = "";

  /** The room version identifier (after {@link create}). */
  get version(): string {
    return this.versionId;
  }

  /** The room version rules (after {@link create}). */
  get rules(): RoomVersionRules {
    if (this.rulesValue === undefined) throw new Error("expected room.create() first, got no create event");
    return this.rulesValue;
  }

  /** The room ID: `!room:<creator's server>` before room version 12, `!<create event ID without $>` in 12. */
  get roomId(): string {
    return this.roomIdValue;
  }

  /** The `m.room.create` event. */
  get createEvent(): AuthPdu {
    const first = this.events[0];
    if (first === undefined) throw new Error("expected room.create() first, got no create event");
    return first;
  }

  /** The last event added. */
  get last(): AuthPdu {
    const last = this.events[this.events.length - 1];
    if (last === undefined) throw new Error("expected an event, got an empty room");
    return last;
  }

  /** A standard room: create, creator joins, power levels, join rules, members join. */
  static standard(options: StandardRoomOptions = {}): RoomBuilder {
    const room = new RoomBuilder();
    const creator = options.creator ?? "alice";
    room.create({ creator, version: options.version ?? "12" });
    room.join(creator);
    const users: JsonObject = { ...(options.users ?? {}) };
    // Since room version 12 creators have infinite power and must not appear in `users`.
    if (!room.rules.authorization.privilegedCreators) users[userId(creator)] = 100;
    room.setPowerLevels(creator, defaultPowerLevels(users));
    room.setJoinRules(creator, options.joinRule ?? "public");
    for (const member of options.members ?? ["bob", "charlie"]) room.join(member);
    return room;
  }

  /** The event with this ID. */
  get(eventId: string): AuthPdu {
    const event = this.byId.get(eventId);
    if (event === undefined) throw new Error(`expected a known event ID, got ${eventId}`);
    return event;
  }

  /** The event ID for a readable name (`"create"` → `"$create"`, or `"$create:example.com"` in v1–2). */
  idOf(name: string): string {
    return this.rulesValue?.eventFormat.referencePairs ? `$${name}:example.com` : `$${name}`;
  }

  /** The state after an event (a copy you may change). */
  stateAfter(eventId: string): StateMap {
    const state = this.stateAfterById.get(eventId);
    if (state === undefined) throw new Error(`expected a known event ID, got ${eventId}`);
    return state.clone();
  }

  /** The state after the last event added (a copy). */
  currentState(): StateMap {
    return this.stateAfter(this.last.event_id);
  }

  /** The events no other event names as a parent (the forward extremities). */
  forwardExtremities(): string[] {
    const referenced = new Set<string>();
    for (const event of this.events) for (const id of refIds(event.prev_events)) referenced.add(id);
    return this.events.filter((e) => !referenced.has(e.event_id)).map((e) => e.event_id);
  }

  /** The `m.room.create` event; starts the room. */
  create(options: CreateOptions): AuthPdu {
    if (this.events.length > 0) throw new Error("expected a new room, got a second create");
    const version = options.version ?? "12";
    this.versionId = version;
    this.rulesValue = roomVersionRules(version);
    const creator = userId(options.creator);
    const content: JsonObject = { room_version: version };
    // Before room version 11 the creator is named in content.creator.
    if (!this.rulesValue.authorization.implicitRoomCreator) content.creator = creator;
    if (options.additionalCreators) content.additional_creators = options.additionalCreators.map(userId);
    Object.assign(content, options.content ?? {});
    const name = this.uniqueName(options.id ?? "create");
    const eventId = this.idOf(name);
    // Since room version 12 the room ID is the create event's ID with the `!` sigil.
    this.roomIdValue = this.rulesValue.eventFormat.roomIdIsCreateEventHash
      ? `!${eventId.slice(1)}`
      : `!room:${creator.slice(creator.indexOf(":") + 1)}`;
    const pdu: Record<string, unknown> = {
      event_id: eventId,
      type: "m.room.create",
      state_key: "",
      sender: creator,
      content,
      origin_server_ts: options.ts ?? BASE_TS,
      depth: 1,
      prev_events: [],
      auth_events: [],
      hashes: { sha256: "c3ludGhldGlj" },
      signatures: signaturesFor(creator),
    };
    if (!this.rulesValue.eventFormat.roomIdIsCreateEventHash) pdu.room_id = this.roomIdValue;
    Object.assign(pdu, options.extra ?? {});
    return this.append(pdu as AuthPdu);
  }

  /** `user` joins (sender and target). `content` adds to `{ membership: "join" }`. */
  join(user: UserRef, options: EventOptions & { content?: JsonObject } = {}): AuthPdu {
    return this.member(user, user, "join", options);
  }

  /** `sender` invites `target`. */
  invite(sender: UserRef, target: UserRef, options: EventOptions & { content?: JsonObject } = {}): AuthPdu {
    return this.member(sender, target, "invite", options);
  }

  /** `user` leaves (or rejects an invite, or rescinds a knock). */
  leave(user: UserRef, options: EventOptions & { content?: JsonObject } = {}): AuthPdu {
    return this.member(user, user, "leave", options);
  }

  /** `sender` kicks `target` (membership `leave` with the target as state key). */
  kick(sender: UserRef, target: UserRef, options: EventOptions & { content?: JsonObject } = {}): AuthPdu {
    return this.member(sender, target, "leave", options, "kick");
  }

  /** `sender` unbans `target` (membership `leave`). */
  unban(sender: UserRef, target: UserRef, options: EventOptions & { content?: JsonObject } = {}): AuthPdu {
    return this.member(sender, target, "leave", options, "unban");
  }

  /** `sender` bans `target`. */
  ban(sender: UserRef, target: UserRef, options: EventOptions & { content?: JsonObject } = {}): AuthPdu {
    return this.member(sender, target, "ban", options);
  }

  /** `user` knocks (room version 7+). */
  knock(user: UserRef, options: EventOptions & { content?: JsonObject } = {}): AuthPdu {
    return this.member(user, user, "knock", options);
  }

  /** An `m.room.member` event from `sender` about `target` with any membership. */
  member(
    sender: UserRef,
    target: UserRef,
    membership: string,
    options: EventOptions & { content?: JsonObject } = {},
    verb: string = membership,
  ): AuthPdu {
    const s = userId(sender);
    const t = userId(target);
    const name = s === t ? `${localpartOf(t)}-${verb}` : `${localpartOf(s)}-${verb}-${localpartOf(t)}`;
    return this.event({
      id: name,
      ...options,
      sender: s,
      type: "m.room.member",
      stateKey: t,
      content: { membership, ...(options.content ?? {}) },
    });
  }

  /** `m.room.power_levels` with exactly `content`. */
  setPowerLevels(sender: UserRef, content: JsonObject, options: EventOptions = {}): AuthPdu {
    return this.state(sender, "m.room.power_levels", "", content, { id: "power-levels", ...options });
  }

  /** `m.room.join_rules`: a join rule name, or the whole content (e.g. with `allow` for restricted rooms). */
  setJoinRules(sender: UserRef, joinRule: string | JsonObject, options: EventOptions = {}): AuthPdu {
    const content = typeof joinRule === "string" ? { join_rule: joinRule } : joinRule;
    return this.state(sender, "m.room.join_rules", "", content, { id: "join-rules", ...options });
  }

  /** An `m.room.message` with `msgtype: m.text`. */
  message(sender: UserRef, body: string, options: EventOptions = {}): AuthPdu {
    const s = userId(sender);
    return this.event({
      id: `${localpartOf(s)}-message`,
      ...options,
      sender: s,
      type: "m.room.message",
      content: { msgtype: "m.text", body },
    });
  }

  /** Any state event. */
  state(sender: UserRef, type: string, stateKey: string, content: JsonObject, options: EventOptions = {}): AuthPdu {
    return this.event({ id: type.replace(/^m\.room\./, ""), ...options, sender, type, stateKey, content });
  }

  /** Builds an event and adds it to the room. */
  event(spec: EventSpec): AuthPdu {
    return this.append(this.draft(spec));
  }

  /**
   * Builds an event as {@link event} would, without adding it to the room (its
   * name is not reserved either): for events a test expects to be rejected.
   */
  draft(spec: EventSpec): AuthPdu {
    const rules = this.rules;
    const sender = userId(spec.sender);
    const parents = spec.parents ?? [this.last.event_id];
    const stateBefore = this.stateBeforeParents(parents);
    const partial = {
      type: spec.type,
      sender,
      content: spec.content ?? {},
      ...(spec.stateKey === undefined ? {} : { state_key: spec.stateKey }),
    };
    const authIds =
      spec.authEvents ??
      authEventsSelection(partial, rules)
        .map((pair) => stateBefore.get(pair.type, pair.stateKey)?.event_id)
        .filter((id): id is string => typeof id === "string");
    let depth = 0;
    for (const id of parents) depth = Math.max(depth, this.get(id).depth);
    const name = this.peekName(spec.id ?? spec.type);
    const pdu: Record<string, unknown> = {
      event_id: this.idOf(name),
      room_id: this.roomIdValue,
      ...partial,
      origin_server_ts: spec.ts ?? BASE_TS + 1000 * this.events.length,
      depth: depth + 1,
      prev_events: this.refs(parents),
      auth_events: this.refs(authIds),
      hashes: { sha256: "c3ludGhldGlj" },
      signatures: signaturesFor(sender),
      ...(spec.extra ?? {}),
    };
    return pdu as AuthPdu;
  }

  private stateBeforeParents(parents: string[]): StateMap {
    // The state after the first parent. With several parents (a merge) this is a
    // simplification — no state resolution happens here; pass `authEvents` to choose.
    const first = parents[0];
    return first === undefined ? new StateMap() : (this.stateAfterById.get(first) ?? new StateMap());
  }

  private refs(ids: string[]): Pdu["prev_events"] {
    // Room versions 1–2 reference events as [event_id, hashes] pairs.
    if (this.rules.eventFormat.referencePairs) {
      return ids.map((id): EventReferencePair => [id, { sha256: "c3ludGhldGlj" }]);
    }
    return ids;
  }

  private append(event: AuthPdu): AuthPdu {
    if (this.byId.has(event.event_id)) throw new Error(`expected a new event ID, got duplicate ${event.event_id}`);
    const name = event.event_id.replace(/^\$/, "").replace(/:example\.com$/, "");
    this.usedNames.add(name);
    const parents = refIds(event.prev_events);
    const before = this.stateBeforeParents(parents);
    let after = before;
    if (typeof event.state_key === "string") {
      after = before.clone();
      after.set(event);
    }
    this.events.push(event);
    this.byId.set(event.event_id, event);
    this.stateAfterById.set(event.event_id, after);
    return event;
  }

  private peekName(base: string): string {
    if (!this.usedNames.has(base)) return base;
    for (let n = 2; ; n++) if (!this.usedNames.has(`${base}-${n}`)) return `${base}-${n}`;
  }

  private uniqueName(base: string): string {
    const name = this.peekName(base);
    this.usedNames.add(name);
    return name;
  }
}

/** The power levels `RoomBuilder.standard` uses, with the given `users`. */
export function defaultPowerLevels(users: JsonObject = {}): JsonObject {
  return {
    users,
    users_default: 0,
    events: {
      "m.room.name": 50,
      "m.room.power_levels": 100,
      "m.room.history_visibility": 100,
      "m.room.canonical_alias": 50,
      "m.room.avatar": 50,
      "m.room.tombstone": 100,
      "m.room.server_acl": 100,
      "m.room.encryption": 100,
    },
    events_default: 0,
    state_default: 50,
    ban: 50,
    kick: 50,
    redact: 50,
    invite: 0,
  };
}

function signaturesFor(user: string): Record<string, Record<string, string>> {
  return { [user.slice(user.indexOf(":") + 1)]: { "ed25519:1": "c3ludGhldGlj" } };
}

function refIds(refs: Pdu["prev_events"]): string[] {
  return refs.map((ref) => (typeof ref === "string" ? ref : ref[0]));
}
