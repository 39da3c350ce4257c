// Rooms for clients: creation (https://spec.matrix.org/v1.19/client-server-api/#creation),
// sending events (https://spec.matrix.org/v1.19/client-server-api/#sending-events-to-a-room),
// room state (https://spec.matrix.org/v1.19/client-server-api/#getting-events-for-a-room),
// redactions (https://spec.matrix.org/v1.19/client-server-api/#redactions) and
// room membership listings. Membership changes live in membership-service.ts.

import { randomBytes } from "node:crypto";
import { DEFAULT_ROOM_VERSION, MatrixError, isKnownRoomVersion, isUserId, roomVersionRules } from "@weft/common";
import {
  createAlias,
  currentStateRows,
  eventIdForTransaction,
  getAlias,
  getEventById,
  getEventsById,
  getRoomSummary,
  getRoomVersion,
  membershipOf,
  membershipsOfUser,
  profileForMembership,
  roomMembers,
  setRoomPublic,
  stateGroupAtPosition,
  stateGroupIds,
  splitStateKey,
  type MembershipRow,
  type Queryable,
  type StoredEvent,
} from "@weft/storage-pg";
import { HttpMatrixError } from "../http/http-error.js";
import type { Requester } from "../http/route.js";
import type { ServiceContext } from "./index.js";
import { bundleAggregations, formatEvents, formatEvent, type ClientEvent } from "./client-events.js";
import { filterVisibleEvents } from "./history-visibility.js";
import { ignoredUsersOf, shownDespiteIgnores } from "./ignored-users.js";
import type { EventDraft } from "./event-builder.js";
import { actionPower, powerOf } from "./event-authorizer.js";
import { EventPersister } from "./event-persister.js";
import { membershipIn, type RoomSnapshot } from "./room-state.js";

/** The `createRoom` request body (https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3createroom). */
export interface CreateRoomRequest {
  visibility?: "public" | "private" | undefined;
  room_alias_name?: string | undefined;
  name?: string | undefined;
  topic?: string | undefined;
  invite?: string[] | undefined;
  room_version?: string | undefined;
  creation_content?: Record<string, unknown> | undefined;
  initial_state?: { type: string; state_key?: string | undefined; content: Record<string, unknown> }[] | undefined;
  preset?: "private_chat" | "public_chat" | "trusted_private_chat" | undefined;
  is_direct?: boolean | undefined;
  power_level_content_override?: Record<string, unknown> | undefined;
  invite_3pid?: unknown[] | undefined;
}

/** Why third-party invites (https://spec.matrix.org/v1.19/client-server-api/#third-party-invites) are refused. */
export const THIRD_PARTY_INVITES_UNSUPPORTED = "third-party invites need an identity server, and this server trusts none";

/** Where a user stands in a room, for read access. */
interface Visibility {
  /** Read the current state (joined, or world-readable). */
  readonly current: boolean;
  /** Otherwise: the stream position reads are capped at (their leave). */
  readonly upTo?: number;
  readonly leaveStateGroup?: number | null;
  /** The user's membership row, if they have one. */
  readonly membership?: MembershipRow | undefined;
}

/** Room creation, events, state and membership lists. */
export class RoomsService {
  readonly #versions = new Map<string, string>();

  constructor(
    private readonly ctx: ServiceContext,
    readonly persister: EventPersister,
  ) {}

  /** A room's version (cached: it never changes), or undefined for an unknown room. */
  async roomVersion(roomId: string): Promise<string | undefined> {
    const cached = this.#versions.get(roomId);
    if (cached) return cached;
    const version = await getRoomVersion(this.ctx.db, roomId);
    if (version) this.#versions.set(roomId, version);
    return version;
  }

  /** Synchronous version lookup for formatting rooms already touched (falls back to the default). */
  versionOf = (roomId: string): string => this.#versions.get(roomId) ?? DEFAULT_ROOM_VERSION;

  /** Formats stored events for `requester`. */
  async format(rows: readonly StoredEvent[], requester?: Requester): Promise<ClientEvent[]> {
    for (const roomId of new Set(rows.map((r) => r.room_id))) await this.roomVersion(roomId);
    return formatEvents(this.ctx.db, rows, { now: this.ctx.now(), requester, roomVersion: this.versionOf });
  }

  /**
   * Creates a room per the request's preset and options.
   *
   * @throws {MatrixError} `M_UNSUPPORTED_ROOM_VERSION`, `M_ROOM_IN_USE` (alias taken), `M_INVALID_PARAM`.
   */
  async createRoom(requester: Requester, body: CreateRoomRequest): Promise<{ room_id: string; room_alias?: string }> {
    const creator = requester.userId;
    const serverName = this.ctx.config.server_name;
    const version = body.room_version ?? DEFAULT_ROOM_VERSION;
    if (!isKnownRoomVersion(version)) throw new MatrixError("M_UNSUPPORTED_ROOM_VERSION", `unsupported room version ${version}`);
    const rules = roomVersionRules(version);
    // Third-party invites need an identity server, and this server trusts none:
    // refuse before anything is created (M_SERVER_NOT_TRUSTED, spec "Standard error response").
    if ((body.invite_3pid ?? []).length > 0) throw new MatrixError("M_SERVER_NOT_TRUSTED", THIRD_PARTY_INVITES_UNSUPPORTED);
    const invitees = [...new Set(body.invite ?? [])];
    for (const user of invitees) if (!isUserId(user)) throw new MatrixError("M_INVALID_PARAM", `expected user IDs in invite, got ${user}`);
    let alias: string | undefined;
    if (body.room_alias_name !== undefined) {
      if (/[:\s#]/.test(body.room_alias_name) || body.room_alias_name === "") {
        throw new MatrixError("M_INVALID_PARAM", "room_alias_name must be a bare localpart");
      }
      alias = `#${body.room_alias_name}:${serverName}`;
      if (await getAlias(this.ctx.db, alias)) throw new MatrixError("M_ROOM_IN_USE", `${alias} is already in use`);
    }
    const preset = body.preset ?? (body.visibility === "public" ? "public_chat" : "private_chat");

    // 1. m.room.create
    const createContent: Record<string, unknown> = { ...(body.creation_content ?? {}), room_version: version };
    if (!rules.authorization.implicitRoomCreator) createContent.creator = creator;
    else delete createContent.creator;
    if (rules.authorization.additionalCreators) {
      const extra = createContent.additional_creators;
      if (extra !== undefined && (!Array.isArray(extra) || !extra.every((u) => isUserId(u)))) {
        throw new MatrixError("M_INVALID_PARAM", "creation_content.additional_creators must be a list of user IDs");
      }
      // Since room version 12, trusted private chats make the invitees creators too.
      const creators = new Set<string>([...((extra as string[] | undefined) ?? [])]);
      if (preset === "trusted_private_chat") for (const user of invitees) creators.add(user);
      creators.delete(creator);
      if (creators.size > 0) createContent.additional_creators = [...creators];
    } else delete createContent.additional_creators;

    // 3. m.room.power_levels
    const users: Record<string, number> = {};
    if (!rules.authorization.privilegedCreators) {
      users[creator] = 100;
      if (preset === "trusted_private_chat") for (const user of invitees) users[user] = 100;
    }
    const powerLevels: Record<string, unknown> = {
      users,
      users_default: 0,
      events: {
        "m.room.name": 50,
        "m.room.power_levels": 100,
        "m.room.history_visibility": 100,
        "m.room.canonical_alias": 50,
        "m.room.avatar": 50,
        "m.room.tombstone": rules.authorization.privilegedCreators ? 150 : 100,
        "m.room.server_acl": 100,
        "m.room.encryption": 100,
      },
      events_default: 0,
      state_default: 50,
      ban: 50,
      kick: 50,
      redact: 50,
      invite: 0,
      notifications: { room: 50 },
      ...(body.power_level_content_override ?? {}),
    };

    // Preset state, then initial_state (which takes precedence), then name and topic.
    const state = new Map<string, EventDraft>();
    const put = (type: string, stateKey: string, content: Record<string, unknown>): void => {
      state.set(`${type}\u0000${stateKey}`, { type, stateKey, sender: creator, content });
    };
    if (alias) put("m.room.canonical_alias", "", { alias });
    put("m.room.join_rules", "", { join_rule: preset === "public_chat" ? "public" : "invite" });
    put("m.room.history_visibility", "", { history_visibility: "shared" });
    if (preset !== "public_chat") put("m.room.guest_access", "", { guest_access: "can_join" });
    let plFromInitial: Record<string, unknown> | undefined;
    for (const entry of body.initial_state ?? []) {
      if (entry.type === "m.room.create" || entry.type === "m.room.member") continue;
      if (entry.type === "m.room.power_levels" && (entry.state_key ?? "") === "") {
        plFromInitial = entry.content;
        continue;
      }
      put(entry.type, entry.state_key ?? "", entry.content);
    }
    if (body.name !== undefined) put("m.room.name", "", { name: body.name });
    if (body.topic !== undefined) {
      put("m.room.topic", "", { topic: body.topic, "m.topic": [{ mimetype: "text/plain", body: body.topic }] });
    }

    const profile = await this.profileOf(creator);
    const legacyRoomId = `!${randomBytes(12).toString("base64url")}:${serverName}`;
    const drafts = (): EventDraft[] => {
      const list: EventDraft[] = [
        { type: "m.room.member", stateKey: creator, sender: creator, content: { membership: "join", ...profile } },
        { type: "m.room.power_levels", stateKey: "", sender: creator, content: plFromInitial ?? powerLevels },
        ...state.values(),
      ];
      for (const user of invitees) {
        const content: Record<string, unknown> = { membership: "invite" };
        if (body.is_direct) content.is_direct = true;
        list.push({ type: "m.room.member", stateKey: user, sender: creator, content });
      }
      return list;
    };
    // The alias and directory listing commit with the room, or not at all: a
    // concurrent request that took the alias first makes this one M_ROOM_IN_USE.
    const inTransaction = async (tx: Queryable, roomId: string): Promise<void> => {
      if (alias && !(await createAlias(tx, alias, roomId, creator))) throw new MatrixError("M_ROOM_IN_USE", `${alias} is already in use`);
      if (body.visibility === "public") await setRoomPublic(tx, roomId, true);
    };
    // Since room version 12 the room ID is the create event's reference hash: two
    // identical requests by one user in the same millisecond would compute the same
    // room. The unique room row detects it; the retry signs a later timestamp.
    let originServerTs = this.ctx.now();
    let roomId: string | undefined;
    for (let attempt = 0; roomId === undefined; attempt++) {
      try {
        ({ roomId } = await this.persister.createRoom(version, creator, createContent, drafts, legacyRoomId, { originServerTs, inTransaction }));
      } catch (error) {
        if (attempt >= 20 || !isUniqueViolation(error, ["rooms_pkey", "room_summaries_pkey", "events_pkey"])) throw error;
        originServerTs += 1;
      }
    }
    this.#versions.set(roomId, version);
    return alias ? { room_id: roomId, room_alias: alias } : { room_id: roomId };
  }

  /** Display name and avatar for a new membership event (from the account's profile). */
  async profileOf(userId: string): Promise<Record<string, unknown>> {
    return { ...(await profileForMembership(this.ctx.db, userId)) };
  }

  /**
   * Sends a message-like event with transaction-ID idempotency per device.
   *
   * @throws {MatrixError} `M_FORBIDDEN` when not joined or not allowed.
   */
  async sendEvent(requester: Requester, roomId: string, type: string, txnId: string, content: Record<string, unknown>): Promise<string> {
    await this.#requireKnownRoomForWrite(roomId);
    try {
      // Idempotency: the fast path answers a repeated transaction in the same round trip; the
      // locked path hits the unique (sender, device, room, endpoint, txn) index and is answered below.
      const sent = await this.persister.sendMessage(roomId, { type, sender: requester.userId, content, txn: { device: requester.deviceId, txnId, scope: `send/${type}` } });
      return sent.eventId;
    } catch (error) {
      // A concurrent retry of the same transaction won the unique index, or the retry comes
      // after the sender lost the right to send: answer with the earlier event either way.
      if (isUniqueViolation(error) || (error as { errcode?: string }).errcode === "M_FORBIDDEN") {
        const again = await eventIdForTransaction(this.ctx.db, { sender: requester.userId, device: requester.deviceId, roomId, scope: `send/${type}`, txnId });
        if (again) return again;
      }
      throw error;
    }
  }

  /** Sends a state event. */
  async sendState(requester: Requester, roomId: string, type: string, stateKey: string, content: Record<string, unknown>): Promise<string> {
    await this.#requireKnownRoomForWrite(roomId);
    if (type === "m.room.canonical_alias") await this.#checkCanonicalAlias(roomId, content);
    if (type === "m.room.create") throw new MatrixError("M_FORBIDDEN", "the create event cannot be replaced");
    const [event] = await this.persister.send(roomId, [{ type, stateKey, sender: requester.userId, content }]);
    return event!.eventId;
  }

  /** Redacts an event (the original sender, or someone with the `redact` power level). */
  async redact(requester: Requester, roomId: string, eventId: string, txnId: string, reason: string | undefined): Promise<string> {
    const txnKey = { sender: requester.userId, device: requester.deviceId, roomId, scope: `redact/${eventId}`, txnId };
    const existing = await eventIdForTransaction(this.ctx.db, txnKey);
    if (existing) return existing;
    const version = await this.#requireKnownRoomForWrite(roomId);
    const target = await getEventById(this.ctx.db, eventId);
    const content: Record<string, unknown> = reason !== undefined ? { reason } : {};
    if (roomVersionRules(version).eventFormat.redactsInContent) content.redacts = eventId;
    try {
      const [event] = await this.persister.send(roomId, (snapshot) => {
        if (target && target.room_id === roomId && target.sender !== requester.userId) {
          if (powerOf(requester.userId, snapshot.state, version) < actionPower("redact", snapshot.state, version)) {
            throw new MatrixError("M_FORBIDDEN", "insufficient power to redact other users' events");
          }
        }
        return [{ type: "m.room.redaction", sender: requester.userId, content, redacts: eventId, txn: { device: requester.deviceId, txnId, scope: txnKey.scope } }];
      });
      return event!.eventId;
    } catch (error) {
      // A concurrent retry of the same transaction won the unique transaction index.
      if (isUniqueViolation(error, ["events_txn"])) {
        const again = await eventIdForTransaction(this.ctx.db, txnKey);
        if (again) return again;
      }
      throw error;
    }
  }

  async #requireKnownRoomForWrite(roomId: string): Promise<string> {
    const version = await this.roomVersion(roomId);
    if (!version) throw new MatrixError("M_FORBIDDEN", `you are not in room ${roomId}`);
    return version;
  }

  async #checkCanonicalAlias(roomId: string, content: Record<string, unknown>): Promise<void> {
    const aliases = [content.alias, ...(Array.isArray(content.alt_aliases) ? content.alt_aliases : [])].filter((a) => a !== undefined && a !== null);
    for (const alias of aliases) {
      if (typeof alias !== "string") throw new MatrixError("M_INVALID_PARAM", "aliases must be strings");
      const row = await getAlias(this.ctx.db, alias);
      if (!row || row.room_id !== roomId) throw new HttpMatrixError(400, "M_BAD_ALIAS", `${alias} does not point to this room`);
    }
  }

  /**
   * What `userId` may read in `roomId`: the current state when joined (or the
   * room is world-readable), otherwise up to when they left.
   *
   * @throws {MatrixError} `M_FORBIDDEN` when they never were in the room.
   */
  async visibility(userId: string, roomId: string): Promise<Visibility> {
    const membership = await membershipOf(this.ctx.db, userId, roomId);
    if (membership?.membership === "join") return { current: true, membership };
    const worldReadable = async (): Promise<boolean> => {
      const hv = await currentStateRows(this.ctx.db, roomId, { type: "m.room.history_visibility", stateKey: "" });
      const event = hv[0] ? await getEventById(this.ctx.db, hv[0].event_id) : undefined;
      return event !== undefined && (JSON.parse(event.json) as { content?: { history_visibility?: string } }).content?.history_visibility === "world_readable";
    };
    if (membership && (membership.membership === "leave" || membership.membership === "ban")) {
      // Left users read up to their leave; in a world-readable room they may peek like anyone.
      if (await worldReadable()) return { current: true, membership };
      const leave = await getEventById(this.ctx.db, membership.event_id);
      return { current: false, upTo: Number(membership.stream_position), leaveStateGroup: leave?.state_group_after ?? null, membership };
    }
    if (await worldReadable()) return { current: true, membership };
    throw new MatrixError("M_FORBIDDEN", `you are not a member of ${roomId}`);
  }

  /**
   * Serves a page of `roomId`'s events to a user: drops those history
   * visibility hides (state at each event, one query per page), formats the
   * rest and, with `aggregate`, bundles child-event aggregations.
   */
  async serveEvents(
    requester: Requester,
    rows: readonly StoredEvent[],
    options: { membership?: MembershipRow | undefined; aggregate?: boolean; ignored?: Promise<ReadonlySet<string>> } = {},
  ): Promise<{ rows: StoredEvent[]; events: ClientEvent[] }> {
    // Read alongside the visibility checks; callers serving several pages (a /sync) pass one read for all.
    const ignoredPromise = rows.length === 0 ? Promise.resolve(new Set<string>()) : (options.ignored ?? ignoredUsersOf(this.ctx.db, requester.userId));
    ignoredPromise.catch(() => undefined); // awaited below
    const byRoom = new Map<string, StoredEvent[]>();
    for (const row of rows) (byRoom.get(row.room_id) ?? byRoom.set(row.room_id, []).get(row.room_id)!).push(row);
    let visible: StoredEvent[];
    if (byRoom.size <= 1) {
      const membership = options.membership ?? (rows[0] ? await membershipOf(this.ctx.db, requester.userId, rows[0].room_id) : undefined);
      visible = await filterVisibleEvents(this.ctx.db, requester.userId, rows, membership);
    } else {
      const keep = new Set<string>();
      for (const [roomId, page] of byRoom) {
        const membership = await membershipOf(this.ctx.db, requester.userId, roomId);
        for (const r of await filterVisibleEvents(this.ctx.db, requester.userId, page, membership)) keep.add(r.event_id);
      }
      visible = rows.filter((r) => keep.has(r.event_id));
    }
    const ignored = await ignoredPromise;
    if (ignored.size > 0) visible = visible.filter((r) => shownDespiteIgnores(r, ignored));
    const events = await this.format(visible, requester);
    if (options.aggregate) {
      await bundleAggregations(this.ctx.db, visible, events, { now: this.ctx.now(), requester, roomVersion: this.versionOf, ignored });
    }
    return { rows: visible, events };
  }

  /** State events visible to `userId` (current, or at their leave). */
  async stateEvents(requester: Requester, roomId: string): Promise<StoredEvent[]> {
    const vis = await this.visibility(requester.userId, roomId);
    let ids: string[];
    if (vis.current) ids = (await currentStateRows(this.ctx.db, roomId)).map((r) => r.event_id);
    else ids = vis.leaveStateGroup != null ? [...(await stateGroupIds(this.ctx.db, vis.leaveStateGroup)).values()] : [];
    return [...(await getEventsById(this.ctx.db, ids)).values()];
  }

  /** One state event visible to `userId`. */
  async stateEvent(requester: Requester, roomId: string, type: string, stateKey: string): Promise<StoredEvent> {
    const vis = await this.visibility(requester.userId, roomId);
    let id: string | undefined;
    if (vis.current) id = (await currentStateRows(this.ctx.db, roomId, { type, stateKey }))[0]?.event_id;
    else if (vis.leaveStateGroup != null) {
      for (const [key, eventId] of await stateGroupIds(this.ctx.db, vis.leaveStateGroup)) {
        const [t, k] = splitStateKey(key);
        if (t === type && k === stateKey) id = eventId;
      }
    }
    const event = id ? await getEventById(this.ctx.db, id) : undefined;
    if (!event) throw new MatrixError("M_NOT_FOUND", `no ${type} state with key "${stateKey}"`);
    return event;
  }

  /** One event, if `userId` may see it (history visibility), with its bundled aggregations. */
  async event(requester: Requester, roomId: string, eventId: string): Promise<ClientEvent> {
    const vis = await this.visibility(requester.userId, roomId);
    const row = await getEventById(this.ctx.db, eventId);
    if (!row || row.room_id !== roomId || row.stream_position === null) throw new MatrixError("M_NOT_FOUND", "event not found");
    if (!vis.current && vis.upTo !== undefined && Number(row.stream_position) > vis.upTo) throw new MatrixError("M_NOT_FOUND", "event not found");
    const { events } = await this.serveEvents(requester, [row], { membership: vis.membership, aggregate: true });
    if (!events[0]) throw new MatrixError("M_NOT_FOUND", "event not found");
    return events[0];
  }

  /** Rooms the user is joined to. */
  async joinedRooms(userId: string): Promise<string[]> {
    return (await membershipsOfUser(this.ctx.db, userId, { membership: "join" })).map((m) => m.room_id);
  }

  /** `/members`: member events, optionally filtered by membership. */
  async members(
    requester: Requester,
    roomId: string,
    options: { membership?: string | undefined; notMembership?: string | undefined; at?: string | undefined },
  ): Promise<ClientEvent[]> {
    const vis = await this.visibility(requester.userId, roomId);
    let ids: string[];
    const atPosition = parsePosition(options.at);
    if (atPosition !== undefined || !vis.current) {
      const cap = vis.current ? atPosition! : Math.min(atPosition ?? Number.MAX_SAFE_INTEGER, vis.upTo ?? 0);
      const group = await stateGroupAtPosition(this.ctx.db, roomId, cap);
      ids = [];
      if (group !== null) for (const [key, id] of await stateGroupIds(this.ctx.db, group)) if (key.startsWith("m.room.member\u0000")) ids.push(id);
    } else {
      ids = (await currentStateRows(this.ctx.db, roomId, { type: "m.room.member" })).map((r) => r.event_id);
    }
    const rows = [...(await getEventsById(this.ctx.db, ids)).values()];
    const events = await this.format(rows, requester);
    return events.filter((e) => {
      const m = e.content.membership;
      if (options.membership !== undefined && m !== options.membership) return false;
      if (options.notMembership !== undefined && m === options.notMembership) return false;
      return true;
    });
  }

  /** `/joined_members`. */
  async joinedMembers(requester: Requester, roomId: string): Promise<Record<string, { display_name: string | null; avatar_url: string | null }>> {
    const vis = await this.visibility(requester.userId, roomId);
    if (!vis.current) throw new MatrixError("M_FORBIDDEN", "you are not joined to this room");
    const out: Record<string, { display_name: string | null; avatar_url: string | null }> = {};
    for (const m of await roomMembers(this.ctx.db, roomId, "join")) out[m.user_id] = { display_name: m.display_name, avatar_url: m.avatar_url };
    return out;
  }

  /** The room's current state snapshot (cached when fresh), or undefined for an unknown room. */
  async currentSnapshot(roomId: string): Promise<RoomSnapshot | undefined> {
    const summary = await getRoomSummary(this.ctx.db, roomId);
    return summary ? this.persister.cache.load(this.ctx.db, summary) : undefined;
  }

  /** Whether `userId` is currently joined (from the cached state when fresh enough). */
  isJoinedCached(userId: string, roomId: string): boolean | undefined {
    const snap = this.persister.cache.peek(roomId);
    return snap ? membershipIn(snap, userId) === "join" : undefined;
  }

  /** Formats one stored event for a requester. */
  formatOne(row: StoredEvent, requester?: Requester): ClientEvent {
    return formatEvent(row, { now: this.ctx.now(), requester, roomVersion: this.versionOf });
  }
}

/**
 * Whether `error` is PostgreSQL's unique violation (SQLSTATE 23505), on one of
 * `constraints` when given (pg and PGlite both report the constraint name).
 */
export function isUniqueViolation(error: unknown, constraints?: readonly string[]): boolean {
  const e = error as { code?: unknown; constraint?: unknown; message?: unknown };
  if (e?.code !== "23505") return false;
  if (!constraints) return true;
  const where = `${typeof e.constraint === "string" ? e.constraint : ""} ${typeof e.message === "string" ? e.message : ""}`;
  return constraints.some((c) => where.includes(c));
}

/** Parses a stream token `s<position>[_…]` (sync and pagination tokens). */
export function parsePosition(token: string | undefined): number | undefined {
  if (token === undefined) return undefined;
  const match = /^s(\d+)/.exec(token);
  if (!match) throw new MatrixError("M_INVALID_PARAM", `expected a stream token, got ${JSON.stringify(token)}`);
  return Number(match[1]);
}
