// Notifications: https://spec.matrix.org/v1.19/client-server-api/#receiving-notifications
// and push rule evaluation on the server
// (https://spec.matrix.org/v1.19/client-server-api/#server-behaviour-1: "homeservers
// process push rules for each of the local users in the room (excluding the sender)").
//
// Every persisted event is evaluated, inside the event's transaction, for each
// local joined member (plus the local target of an invite, for
// `.m.rule.invite_for_me`): one prepared event, shared per-template work
// (`evaluateForRecipients`), compiled rulesets from a cache. Notifying
// decisions become `notifications` rows and, for users with HTTP pushers,
// `push_queue` rows — committed or rolled back with the event.
//
// Unread counts (/sync `unread_notifications`, `unread_thread_notifications`)
// are computed when read, relative to the user's latest read receipts, so
// receipts need no hook: an unthreaded receipt clears everything up to its
// event, a `main` receipt the main timeline, a thread receipt its thread.

import { MatrixError, type Pdu } from "@weft/common";
import { userPowerLevel, type StateMap } from "@weft/event-auth";
import { evaluateForRecipients, prepareEvent, type PushAction, type RoomFacts } from "@weft/push-rules";
import { getEventsById, insertNotifications, listNotifications, receiptPositions, unreadCounts, type Queryable } from "@weft/storage-pg";
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
}

/**
 * Records notifications as events are persisted, and answers unread counts
 * and `GET /notifications`.
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
  /** Set when a transaction queued deliveries; the push worker is woken after commit. */
  queuedSinceWake = false;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly pushRules: PushRulesService,
    private readonly rooms: RoomsService,
  ) {}

  /**
   * Evaluates `event` for `members` (the sender and duplicates are skipped)
   * and records the notifying decisions in `tx`.
   *
   * @param tx - the transaction that persists the event.
   * @param event - the persisted event.
   * @param roomFacts - member count and power levels at the event.
   * @param members - the local users to evaluate for.
   * @returns how many users were notified.
   */
  async recordForEvent(tx: Queryable, event: NotifiableEvent, roomFacts: RoomFacts, members: readonly PushMember[]): Promise<number> {
    const sender = event.pdu.sender;
    const recipients = members.filter((m) => m.userId !== sender);
    if (recipients.length === 0) return 0;
    const compiled = await this.pushRules.compiledFor(
      tx,
      recipients.map((m) => m.userId),
    );
    const prepared = prepareEvent(event.pdu as unknown as Readonly<Record<string, unknown>>);
    const userIds: string[] = [];
    const highlights: boolean[] = [];
    const actionIndexes: number[] = [];
    const actions: (readonly PushAction[])[] = [];
    const indexOf = new Map<readonly PushAction[], number>();
    evaluateForRecipients(
      prepared,
      roomFacts,
      recipients.map((m, i) => ({ userId: m.userId, ruleset: compiled[i]!, displayName: m.displayName })),
      (recipient, decision) => {
        if (!decision?.notify) return;
        let index = indexOf.get(decision.actions);
        if (index === undefined) {
          index = actions.length;
          actions.push(decision.actions);
          indexOf.set(decision.actions, index);
        }
        userIds.push(recipient.userId);
        highlights.push(decision.highlight);
        actionIndexes.push(index);
      },
    );
    if (userIds.length === 0) return 0;
    const queued = await insertNotifications(tx, {
      roomId: event.roomId,
      eventId: event.eventId,
      streamPosition: event.streamPosition,
      threadId: threadOf(event.pdu.content as Record<string, unknown>),
      ts: this.ctx.now(),
      userIds,
      highlights,
      actionIndexes,
      actions,
    });
    if (queued > 0) this.queuedSinceWake = true;
    return userIds.length;
  }

  /**
   * {@link recordForEvent} with the members and facts read from the room
   * state after the event (the persister's in-transaction hook).
   */
  async recordFromSnapshot(tx: Queryable, snap: RoomSnapshot, event: NotifiableEvent): Promise<number> {
    const list = this.#memberList(snap);
    const joined = list.joined;
    let members = joined;
    // The invitee is not joined yet, but `.m.rule.invite_for_me` is for them.
    const pdu = event.pdu;
    const content = pdu.content as Record<string, unknown>;
    if (pdu.type === "m.room.member" && content.membership === "invite" && typeof pdu.state_key === "string" && this.#isLocal(pdu.state_key)) {
      members = [...joined, { userId: pdu.state_key, displayName: typeof content.displayname === "string" ? content.displayname : null }];
    }
    if (members.length === 0) return 0;
    return this.recordForEvent(tx, event, this.roomFacts(snap, pdu.sender, list.memberCount), members);
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
