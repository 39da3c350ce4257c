// Notifications: https://spec.matrix.org/v1.19/client-server-api/#receiving-notifications
// and push rule evaluation on the server
// (https://spec.matrix.org/v1.19/client-server-api/#server-behaviour-1: "homeservers
// process push rules for each of the local users in the room (excluding the sender)").
//
// Every persisted event is evaluated, inside the event's transaction, for each
// local joined member (plus the local target of an invite, for
// `.m.rule.invite_for_me`): one prepared event, shared per-template work
// (`evaluateForRecipients`), compiled rulesets cached per room state. Notifying
// decisions become one `notification_groups` row per distinct decision (the
// users as a bitset of per-room ordinals) and, for users with HTTP pushers,
// `push_queue` rows — committed or rolled back with the event.
//
// Unread counts (/sync `unread_notifications`, `unread_thread_notifications`)
// are computed when read, relative to the user's latest read receipts, so
// receipts need no hook: an unthreaded receipt clears everything up to its
// event, a `main` receipt the main timeline, a thread receipt its thread.

import { MatrixError, type Pdu } from "@weft/common";
import { userPowerLevel, type StateMap } from "@weft/event-auth";
import { evaluateForRecipients, prepareEvent, type PushAction, type Recipient, type RoomFacts } from "@weft/push-rules";
import {
  getEventsById,
  insertNotifications,
  listNotifications,
  pushMemberOrdinals,
  receiptPositions,
  setMemberBit,
  unreadCounts,
  type PushInStatement,
  type Queryable,
} from "@weft/storage-pg";
import type { Requester } from "../http/route.js";
import type { ServiceContext } from "./index.js";
import type { PushRulesService } from "./pushrules-service.js";
import type { RoomSnapshot } from "./room-state.js";
import type { RoomsService } from "./rooms-service.js";

/** A local member to evaluate an event for. */
export interface PushMember {
  readonly userId: string;
  /** Their display name in the room (from their member event), for `contains_display_name`. */
  readonly displayName: string | null;
}

/** An event as persisted: its PDU, ID and stream position. */
export interface NotifiableEvent {
  readonly eventId: string;
  readonly roomId: string;
  readonly streamPosition: number;
  readonly pdu: Pdu;
}

/** Notification counts of one room or thread. */
export interface NotificationCounts {
  notification_count: number;
  highlight_count: number;
}

/** A user's unread counts in one room: all events, the main timeline, and per thread root. */
export interface RoomUnreadCounts {
  readonly total: NotificationCounts;
  readonly main: NotificationCounts;
  readonly threads: Record<string, NotificationCounts>;
}

/** `GET /notifications` query. */
export interface ListNotificationsRequest {
  readonly from?: string | undefined;
  readonly limit?: number | undefined;
  readonly only?: string | undefined;
}

const ZERO = (): NotificationCounts => ({ notification_count: 0, highlight_count: 0 });

/** The thread an event belongs to (`m.thread` relation), or null for the main timeline. */
export function threadOf(content: Readonly<Record<string, unknown>>): string | null {
  const relation = content["m.relates_to"] as Record<string, unknown> | undefined;
  return relation?.rel_type === "m.thread" && typeof relation.event_id === "string" ? relation.event_id : null;
}

/**
 * The sync fields for one room: with `threaded` (the filter's
 * `unread_thread_notifications`), room counts cover the main timeline and
 * threads are listed apart; otherwise room counts cover everything.
 *
 * @example
 * ```ts
 * Object.assign(room, unreadSyncFields(counts.get(roomId), false));
 * ```
 */
export function unreadSyncFields(
  counts: RoomUnreadCounts | undefined,
  threaded: boolean,
): { unread_notifications: NotificationCounts; unread_thread_notifications?: Record<string, NotificationCounts> } {
  if (!threaded) return { unread_notifications: counts ? { ...counts.total } : ZERO() };
  return { unread_notifications: counts ? { ...counts.main } : ZERO(), unread_thread_notifications: counts ? { ...counts.threads } : {} };
}

interface MemberList {
  readonly stateGroup: number | null;
  /** Joined local members. */
  readonly joined: readonly PushMember[];
  /** Joined members, local or not (`room_member_count`). */
  readonly memberCount: number;
  /** The evaluation inputs of `joined`, while the push-rules epoch and ordinals hold. */
  recipients?: RecipientList;
}

/** A local member ready for evaluation: compiled ruleset and push-member ordinal. */
interface PushRecipient extends Recipient {
  readonly ordinal: number;
}

interface RecipientList {
  /** The push-rules epoch the rulesets were compiled at ({@link PushRulesService.refresh}). */
  readonly epoch: number;
  /** Set when an ordinal was allocated by this (then uncommitted) transaction. */
  readonly pendingTx: Queryable | null;
  readonly recipients: readonly PushRecipient[];
  /** Bytes of a bitset holding every ordinal of `recipients`. */
  readonly bitsetBytes: number;
}

/**
 * Push-member ordinals of one room known to this process. `confirmed` ones
 * are committed (ordinals never change once committed); `pending` ones were
 * allocated by `pendingTx`, which may still roll back, so they are trusted in
 * that transaction only and forgotten (and read back) by the next one.
 */
interface RoomOrdinals {
  readonly confirmed: Map<string, number>;
  pending: Map<string, number>;
  pendingTx: Queryable | null;
}

/** Rooms whose ordinals are kept (least recently used dropped first). */
const MAX_ORDINAL_ROOMS = 10_000;

/**
 * Records notifications as events are persisted, and answers unread counts
 * and `GET /notifications`.
 *
 * Per message the send path costs one change-feed query for push-rule edits
 * and one insert of one row per distinct decision (see storage-pg
 * notifications.ts): the room's local members, their compiled rulesets and
 * their ordinals are cached per room state and reused until the room's
 * members or someone's push rules change.
 *
 * @example
 * ```ts
 * // inside the event's transaction, after the event row is written:
 * await notifications.recordForEvent(tx, event, { memberCount: 3, senderPowerLevel: 100 }, members);
 * ```
 */
export class NotificationsService {
  /** Joined local members per room state (keyed by the state map, checked against its state group). */
  readonly #members = new WeakMap<StateMap, MemberList>();
  readonly #ordinals = new Map<string, RoomOrdinals>();
  /** Set when a transaction queued deliveries; the push worker is woken after commit. */
  queuedSinceWake = false;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly pushRules: PushRulesService,
    private readonly rooms: RoomsService,
  ) {}

  /**
   * Evaluates `event` for `members` (the sender is skipped) and records the
   * notifying decisions in `tx`.
   *
   * @param tx - the transaction that persists the event (holding the room's lock).
   * @param event - the persisted event.
   * @param roomFacts - member count and power levels at the event.
   * @param members - the local users to evaluate for.
   * @returns how many users were notified.
   */
  async recordForEvent(tx: Queryable, event: NotifiableEvent, roomFacts: RoomFacts, members: readonly PushMember[]): Promise<number> {
    const list = await this.#recipientsFor(tx, event.roomId, members, await this.pushRules.refresh(tx));
    return this.#record(tx, event, roomFacts, list);
  }

  /**
   * {@link recordForEvent} with the members and facts read from the room
   * state after the event (the persister's in-transaction hook).
   */
  async recordFromSnapshot(tx: Queryable, snap: RoomSnapshot, event: NotifiableEvent): Promise<number> {
    const list = this.#memberList(snap);
    const pdu = event.pdu;
    const content = pdu.content as Record<string, unknown>;
    const facts = (): RoomFacts => this.roomFacts(snap, pdu.sender, list.memberCount);
    // The invitee is not joined yet, but `.m.rule.invite_for_me` is for them.
    if (pdu.type === "m.room.member" && content.membership === "invite" && typeof pdu.state_key === "string" && this.#isLocal(pdu.state_key)) {
      const invitee = { userId: pdu.state_key, displayName: typeof content.displayname === "string" ? content.displayname : null };
      return this.recordForEvent(tx, event, facts(), [...list.joined, invitee]);
    }
    if (list.joined.length === 0 || (list.joined.length === 1 && list.joined[0]!.userId === pdu.sender)) return 0;
    const epoch = await this.pushRules.refresh(tx);
    let cached = list.recipients;
    if (!cached || cached.epoch !== epoch || (cached.pendingTx !== null && cached.pendingTx !== tx)) {
      cached = list.recipients = await this.#recipientsFor(tx, event.roomId, list.joined, epoch);
    }
    return this.#record(tx, event, facts(), cached);
  }

  /**
   * Whether {@link recordFromSnapshot} could record anything for `pdu` on
   * `snap`: false when no local member other than the sender is joined and the
   * event invites no local user (the send then needs no transaction).
   */
  mayRecord(snap: RoomSnapshot, pdu: Pdu): boolean {
    const content = pdu.content as Record<string, unknown>;
    if (pdu.type === "m.room.member" && content.membership === "invite" && typeof pdu.state_key === "string" && this.#isLocal(pdu.state_key)) return true;
    const joined = this.#memberList(snap).joined;
    return !(joined.length === 0 || (joined.length === 1 && joined[0]!.userId === pdu.sender));
  }

  async #recipientsFor(tx: Queryable, roomId: string, members: readonly PushMember[], epoch: number): Promise<RecipientList> {
    const userIds = members.map((m) => m.userId);
    const compiled = await this.pushRules.compiledFor(tx, userIds, true);
    const { ordinals, pending } = await this.#ordinalsFor(tx, roomId, userIds);
    let maxOrdinal = 0;
    const recipients = members.map((m, i): PushRecipient => {
      const ordinal = ordinals.get(m.userId)!;
      if (ordinal > maxOrdinal) maxOrdinal = ordinal;
      return { userId: m.userId, ruleset: compiled[i]!, displayName: m.displayName, ordinal };
    });
    return { epoch, pendingTx: pending ? tx : null, recipients, bitsetBytes: (maxOrdinal >> 3) + 1 };
  }

  /** Ordinals of `userIds` in `roomId` (reading or allocating the unknown ones in `tx`). */
  async #ordinalsFor(tx: Queryable, roomId: string, userIds: readonly string[]): Promise<{ ordinals: Map<string, number>; pending: boolean }> {
    let room = this.#ordinals.get(roomId);
    if (room) this.#ordinals.delete(roomId);
    else room = { confirmed: new Map(), pending: new Map(), pendingTx: null };
    this.#ordinals.set(roomId, room);
    if (this.#ordinals.size > MAX_ORDINAL_ROOMS) this.#ordinals.delete(this.#ordinals.keys().next().value!);
    if (room.pendingTx !== null && room.pendingTx !== tx) {
      // That transaction has ended, committed or not: read its allocations back.
      room.pending = new Map();
      room.pendingTx = null;
    }
    const out = new Map<string, number>();
    const missing: string[] = [];
    for (const u of userIds) {
      const o = room.confirmed.get(u) ?? room.pending.get(u);
      if (o === undefined) missing.push(u);
      else out.set(u, o);
    }
    if (missing.length > 0) {
      for (const row of await pushMemberOrdinals(tx, roomId, missing)) {
        out.set(row.userId, row.ordinal);
        if (row.allocated) {
          room.pending.set(row.userId, row.ordinal);
          room.pendingTx = tx;
        } else room.confirmed.set(row.userId, row.ordinal);
      }
    }
    return { ordinals: out, pending: room.pendingTx === tx && userIds.some((u) => room.pending.has(u)) };
  }

  /**
   * The one-statement send's push part for `event` built on `snap`: the
   * decisions evaluated now on the cached rulesets, to be inserted by the
   * event's own statement (guarded by the push-rules epoch they were compiled
   * at). Undefined when the cache cannot answer (first message after a
   * membership or push-rule change, invites): the caller then persists in a
   * transaction through {@link recordFromSnapshot}.
   */
  inStatement(snap: RoomSnapshot, event: Omit<NotifiableEvent, "streamPosition">): PushInStatement | undefined {
    const pdu = event.pdu;
    if (pdu.type === "m.room.member") return undefined;
    const list = this.#memberList(snap);
    const cached = list.recipients;
    const epoch = this.pushRules.epoch;
    if (!cached || cached.pendingTx !== null || epoch < 0 || cached.epoch !== epoch) return undefined;
    const { groups } = this.#evaluate(event.pdu, this.roomFacts(snap, pdu.sender, list.memberCount), cached);
    return { rulesEpoch: epoch, threadId: threadOf(pdu.content as Record<string, unknown>), ts: this.ctx.now(), groups };
  }

  /** Called after a one-statement send committed `queued` push deliveries. */
  deliveriesQueued(queued: number): void {
    if (queued > 0) this.queuedSinceWake = true;
  }

  #evaluate(pdu: Pdu, roomFacts: RoomFacts, list: RecipientList): { groups: { highlight: boolean; actions: readonly PushAction[]; members: Uint8Array }[]; notified: number } {
    const prepared = prepareEvent(pdu as unknown as Readonly<Record<string, unknown>>);
    // One group per distinct decision (equal actions, same highlight). Decisions
    // are shared per ruleset template, so equal actions from different
    // templates (users with their own rules) are matched by their JSON, once
    // per actions object.
    const groups: { highlight: boolean; actions: readonly PushAction[]; members: Uint8Array }[] = [];
    const groupOfActions = new Map<readonly PushAction[], number>();
    const groupOfKey = new Map<string, number>();
    let notified = 0;
    evaluateForRecipients(prepared, roomFacts, list.recipients, (recipient, decision) => {
      if (!decision?.notify) return;
      let g = groupOfActions.get(decision.actions);
      if (g === undefined) {
        const key = `${decision.highlight ? 1 : 0}${JSON.stringify(decision.actions)}`;
        g = groupOfKey.get(key);
        if (g === undefined) {
          g = groups.length;
          groupOfKey.set(key, g);
          groups.push({ highlight: decision.highlight, actions: decision.actions, members: new Uint8Array(list.bitsetBytes) });
        }
        groupOfActions.set(decision.actions, g);
      }
      const group = groups[g]!;
      group.members = setMemberBit(group.members, recipient.ordinal);
      notified++;
    });
    return { groups, notified };
  }

  async #record(tx: Queryable, event: NotifiableEvent, roomFacts: RoomFacts, list: RecipientList): Promise<number> {
    const { groups, notified } = this.#evaluate(event.pdu, roomFacts, list);
    if (notified === 0) return 0;
    const queued = await insertNotifications(tx, {
      roomId: event.roomId,
      eventId: event.eventId,
      streamPosition: event.streamPosition,
      threadId: threadOf(event.pdu.content as Record<string, unknown>),
      ts: this.ctx.now(),
      groups,
    });
    if (queued > 0) this.queuedSinceWake = true;
    return notified;
  }

  /** The facts push conditions need: joined member count and power levels. */
  roomFacts(snap: RoomSnapshot, sender: string, memberCount = this.#memberList(snap).memberCount): RoomFacts {
    const power = snap.state.get("m.room.power_levels", "")?.content as Record<string, unknown> | undefined;
    const notifications: Record<string, number> = {};
    const raw = power?.notifications;
    if (raw && typeof raw === "object") for (const [k, v] of Object.entries(raw)) if (typeof v === "number") notifications[k] = v;
    let senderPowerLevel = 0;
    try {
      senderPowerLevel = userPowerLevel(sender, snap.state, snap.roomVersion);
    } catch {
      senderPowerLevel = 0;
    }
    return { memberCount, senderPowerLevel, notificationLevels: notifications };
  }

  #isLocal(userId: string): boolean {
    return userId.slice(userId.indexOf(":") + 1) === this.ctx.config.server_name;
  }

  #memberList(snap: RoomSnapshot): MemberList {
    const cached = this.#members.get(snap.state);
    if (cached && cached.stateGroup === snap.stateGroup) return cached;
    const joined: PushMember[] = [];
    let memberCount = 0;
    for (const [userId, e] of snap.state.members) {
      const content = e.content as Record<string, unknown>;
      if (content.membership !== "join") continue;
      memberCount++;
      if (this.#isLocal(userId)) joined.push({ userId, displayName: typeof content.displayname === "string" ? content.displayname : null });
    }
    const list = { stateGroup: snap.stateGroup, joined, memberCount };
    this.#members.set(snap.state, list);
    return list;
  }

  /**
   * A user's unread notification counts in the given rooms (one query).
   * @example
   * ```ts
   * const counts = await notifications.countsForRooms("@bob:example.com", [roomId]);
   * counts.get(roomId)?.total.notification_count;
   * ```
   */
  async countsForRooms(userId: string, roomIds: readonly string[]): Promise<Map<string, RoomUnreadCounts>> {
    const out = new Map<string, RoomUnreadCounts>();
    for (const row of await unreadCounts(this.ctx.db, userId, roomIds)) {
      let room = out.get(row.room_id);
      if (!room) out.set(row.room_id, (room = { total: ZERO(), main: ZERO(), threads: {} }));
      room.total.notification_count += row.notification_count;
      room.total.highlight_count += row.highlight_count;
      const counts = { notification_count: row.notification_count, highlight_count: row.highlight_count };
      if (row.thread_id === null) Object.assign(room.main, counts);
      else room.threads[row.thread_id] = counts;
    }
    return out;
  }

  /**
   * `GET /notifications`: newest first, `next_token` while more remain.
   * @throws {MatrixError} `M_INVALID_PARAM` for a bad `from` token.
   */
  async list(requester: Requester, q: ListNotificationsRequest): Promise<{ notifications: unknown[]; next_token?: string }> {
    let before: number | undefined;
    if (q.from !== undefined) {
      if (!/^\d{1,15}$/.test(q.from)) throw new MatrixError("M_INVALID_PARAM", `expected a next_token from /notifications, got ${JSON.stringify(q.from)}`);
      before = Number(q.from);
    }
    const limit = Math.min(Math.max(q.limit ?? 50, 1), 100);
    const rows = await listNotifications(this.ctx.db, requester.userId, { before, limit: limit + 1, onlyHighlight: q.only === "highlight" });
    const page = rows.slice(0, limit);
    const receipts = await receiptPositions(this.ctx.db, requester.userId, [...new Set(page.map((r) => r.room_id))]);
    const events = await getEventsById(this.ctx.db, page.map((r) => r.event_id));
    const present = page.filter((r) => events.has(r.event_id));
    const formatted = await this.rooms.format(present.map((r) => events.get(r.event_id)!), requester);
    const notifications = present.map((r, i) => {
      const read = receipts.get(r.room_id);
      const upTo = Math.max(read?.get("") ?? 0, read?.get(r.thread_id ?? "main") ?? 0);
      return { actions: r.actions, event: formatted[i], read: r.stream_position <= upTo, room_id: r.room_id, ts: r.ts };
    });
    const last = page[page.length - 1];
    return rows.length > limit && last ? { notifications, next_token: String(last.stream_position) } : { notifications };
  }
}
