// /sync v2: https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3sync
//
// Tokens are `s<position>_<typing serial>`: a position in the one global
// stream (events, receipts, account data, presence — later to-device and
// device lists, which extend the token with more `_`-separated parts without
// breaking old ones) and the per-process typing serial. A response covers
// everything at or below the position read when it started, so a later commit
// lands in the next response, never in neither.
//
// Unread counts: push-rule based (issue 8, notifications-service.ts) through
// the `unreadCounts` hook; without it, messages after the latest read receipt.

import { MatrixError } from "@weft/common";
import {
  accountDataSince,
  currentStreamPosition,
  filterById,
  getEventsById,
  membershipsOfUser,
  presenceSince,
  receiptsSince,
  roomEvents,
  roomMembers,
  stateGroupAtPosition,
  stateGroupIds,
  syncHead,
  type MembershipRow,
  unreadCount,
  type StoredEvent,
} from "@weft/storage-pg";
import { z } from "zod";
import type { Requester } from "../http/route.js";
import type { ServiceContext } from "./index.js";
import { strippedEvent, type ClientEvent } from "./client-events.js";
import { ignoredUsersOf } from "./ignored-users.js";
import { filterSql, RoomEventFilterSchema, type RoomEventFilter } from "./messages-service.js";
import type { RoomsService } from "./rooms-service.js";
import type { TypingService } from "./typing-service.js";
import type { SyncE2eeExtensions as E2eeSyncFields } from "./keys-service.js";
import { unreadSyncFields, type RoomUnreadCounts } from "./notifications-service.js";

const EventFilterSchema = z.looseObject({ limit: z.number().int().optional(), types: z.array(z.string()).optional(), not_types: z.array(z.string()).optional() });

/** The sync filter (https://spec.matrix.org/v1.19/client-server-api/#filtering). */
export const SyncFilterSchema = z.looseObject({
  account_data: EventFilterSchema.optional(),
  presence: EventFilterSchema.optional(),
  event_fields: z.array(z.string()).optional(),
  event_format: z.enum(["client", "federation"]).optional(),
  room: z
    .looseObject({
      rooms: z.array(z.string()).optional(),
      not_rooms: z.array(z.string()).optional(),
      include_leave: z.boolean().optional(),
      timeline: RoomEventFilterSchema.optional(),
      state: RoomEventFilterSchema.optional(),
      ephemeral: RoomEventFilterSchema.optional(),
      account_data: RoomEventFilterSchema.optional(),
    })
    .optional(),
});
export type SyncFilter = z.infer<typeof SyncFilterSchema>;

/** Parsed /sync query. */
export interface SyncRequest {
  since?: string | undefined;
  timeout?: number | undefined;
  filter?: string | undefined;
  fullState?: boolean | undefined;
  setPresence?: string | undefined;
  /** MSC4222: return `state_after` (state at the end of the timeline) instead of `state`. */
  useStateAfter?: boolean | undefined;
}

interface Token {
  position: number;
  typing: number;
}

function parseToken(token: string): Token {
  const match = /^s(\d+)(?:_(\d+))?/.exec(token);
  if (!match) throw new MatrixError("M_INVALID_PARAM", `expected a sync token, got ${JSON.stringify(token)}`);
  return { position: Number(match[1]), typing: Number(match[2] ?? 0) };
}

const DEFAULT_TIMELINE_LIMIT = 10;

/** Builds /sync responses and long-polls for changes. */
export class SyncService {
  /** Set by the accounts side: marks presence on sync (`set_presence`). */
  onSyncPresence: ((userId: string, presence: string) => Promise<void>) | undefined;
  // --- E2EE (issue 7, keys-service.ts): set by services/index.ts -------------
  /** Supplies `to_device`, `device_lists`, `device_one_time_keys_count` and `device_unused_fallback_key_types`. */
  e2eeExtensions:
    | ((userId: string, deviceId: string, since: number | undefined, upTo: number, news?: { toDevice: boolean; deviceLists: boolean }) => Promise<E2eeSyncFields>)
    | undefined;
  /** Push (issue 8): push-rule unread counts per joined room (notifications-service.ts); set by services/push-services.ts. */
  unreadCounts: ((userId: string, roomIds: readonly string[]) => Promise<Map<string, RoomUnreadCounts>>) | undefined;
  // --- end E2EE ---------------------------------------------------------------

  constructor(
    private readonly ctx: ServiceContext,
    private readonly rooms: RoomsService,
    private readonly typing: TypingService,
  ) {}

  /**
   * One /sync request: immediate when there is news (or for an initial sync),
   * otherwise waits up to `timeout` ms for the notifier.
   */
  async sync(requester: Requester, q: SyncRequest, signal?: AbortSignal): Promise<Record<string, unknown>> {
    const filter = await this.#filter(requester.userId, q.filter);
    const since = q.since !== undefined ? parseToken(q.since) : undefined;
    if (q.setPresence && q.setPresence !== "offline" && this.onSyncPresence) await this.onSyncPresence(requester.userId, q.setPresence).catch(() => undefined);
    const deadline = Date.now() + Math.min(Math.max(q.timeout ?? 0, 0), 300_000);
    // A long poll whose token is already "now" waits without computing an empty response first.
    let idle = since && !q.fullState && deadline > Date.now() ? await this.#idleAt(requester.userId, since) : undefined;
    for (;;) {
      let joined: string[], position: number, typingSerial: number;
      if (idle) {
        ({ joined, position, typingSerial } = idle);
        idle = undefined;
      } else {
        const computed = await this.#compute(requester, since, filter, q);
        const remaining = deadline - Date.now();
        if (!since || !computed.empty || q.fullState || remaining <= 0 || signal?.aborted) return computed.response;
        ({ joined, position, typingSerial } = computed);
      }
      const remaining = deadline - Date.now();
      if (remaining <= 0 || signal?.aborted) return (await this.#compute(requester, since, filter, q)).response;
      const stop = new AbortController();
      const onAbort = (): void => stop.abort();
      signal?.addEventListener("abort", onAbort, { once: true });
      const waiting = this.ctx.notifier.wait([requester.userId, ...joined], remaining, stop.signal);
      // A write that committed while #compute ran woke nobody (this waiter was
      // not registered yet): look at the stream again before sleeping.
      if ((await currentStreamPosition(this.ctx.db)) > position || this.typing.serial !== typingSerial) {
        stop.abort();
        await waiting;
        signal?.removeEventListener("abort", onAbort);
        continue;
      }
      const woken = await waiting;
      signal?.removeEventListener("abort", onAbort);
      if (!woken) {
        // Timed out: an empty response that still advances the token to "now".
        return (await this.#compute(requester, since, filter, q)).response;
      }
    }
  }

  /**
   * When nothing was written since `since` (the global stream still at its
   * position, the typing serial unchanged), what a long poll waits on; else
   * undefined (compute a response). Every stream shares the position, so an
   * unchanged position means an empty response.
   */
  async #idleAt(userId: string, since: Token): Promise<{ joined: string[]; position: number; typingSerial: number } | undefined> {
    const typingSerial = this.typing.serial;
    if (typingSerial !== since.typing) return undefined;
    const [position, memberships] = await Promise.all([currentStreamPosition(this.ctx.db), membershipsOfUser(this.ctx.db, userId)]);
    if (position > since.position) return undefined;
    return { joined: memberships.filter((m) => m.membership === "join").map((m) => m.room_id), position, typingSerial };
  }

  async #filter(userId: string, param: string | undefined): Promise<SyncFilter> {
    if (param === undefined) return {};
    let json: unknown;
    if (param.trimStart().startsWith("{")) {
      try {
        json = JSON.parse(param);
      } catch {
        throw new MatrixError("M_INVALID_PARAM", "filter is not valid JSON");
      }
    } else {
      json = await filterById(this.ctx.db, userId, param);
      if (json === undefined) throw new MatrixError("M_NOT_FOUND", `no filter ${param}`);
    }
    const parsed = SyncFilterSchema.safeParse(json);
    if (!parsed.success) throw new MatrixError("M_INVALID_PARAM", `invalid filter: ${parsed.error.issues[0]?.message}`);
    return parsed.data;
  }

  async #compute(requester: Requester, since: Token | undefined, filter: SyncFilter, q: SyncRequest): Promise<{ response: Record<string, unknown>; empty: boolean; joined: string[]; position: number; typingSerial: number }> {
    const userId = requester.userId;
    const typingSerial = this.typing.serial;
    // One round trip for the position, the memberships and their rooms' summary
    // counters (one statement, one snapshot); everything after it runs concurrently.
    const head = await syncHead(this.ctx.db, userId, { since: since?.position, deviceId: requester.deviceId });
    // Streams the head says have nothing in (since, pos] are not queried.
    const news = head.news;
    const pos = head.position;
    const nextBatch = `s${pos}_${typingSerial}`;
    const sincePos = since?.position;
    const fullState = q.fullState === true || since === undefined;
    const roomFilter = filter.room ?? {};
    // --- E2EE (issue 7): to-device, device lists, one-time key counts ---------
    // Independent of the rooms: runs alongside them.
    const e2eePromise: Promise<E2eeSyncFields> = this.e2eeExtensions
      ? this.e2eeExtensions(userId, requester.deviceId, sincePos, pos, news && { toDevice: news.toDevice, deviceLists: news.deviceLists })
      : Promise.resolve({ to_device: { events: [] }, device_lists: { changed: [], left: [] }, device_one_time_keys_count: {}, device_unused_fallback_key_types: [] });
    e2eePromise.catch(() => undefined); // awaited below; never an unhandled rejection meanwhile
    // --- end E2EE ---------------------------------------------------------------
    const allMemberships = head.memberships;
    const summaries = head.summaries;
    const memberships = allMemberships.filter(
      (m) =>
        Number(m.stream_position) <= pos &&
        (!roomFilter.rooms || roomFilter.rooms.includes(m.room_id)) &&
        !(roomFilter.not_rooms ?? []).includes(m.room_id),
    );
    const joinedIds = memberships.filter((m) => m.membership === "join").map((m) => m.room_id);
    // Read once, on first need, for every room of this response (rooms without news never ask).
    let ignoredRead: Promise<ReadonlySet<string>> | undefined;
    const ignored = (): Promise<ReadonlySet<string>> => (ignoredRead ??= ignoredUsersOf(this.ctx.db, userId));
    // Push (issue 8): unread notification counts of every joined room in one query.
    const accountDataPromise = news?.accountData === false ? Promise.resolve([]) : accountDataSince(this.ctx.db, userId, sincePos, pos);
    const receiptsPromise = news?.receipts === false ? Promise.resolve([]) : receiptsSince(this.ctx.db, joinedIds, sincePos, pos);
    const pushCountsPromise = this.unreadCounts ? this.unreadCounts(userId, joinedIds) : Promise.resolve(undefined);
    for (const p of [accountDataPromise, receiptsPromise, pushCountsPromise]) p.catch(() => undefined); // awaited below
    const sharedPromise = Promise.all([accountDataPromise, receiptsPromise, pushCountsPromise]);
    sharedPromise.catch(() => undefined); // awaited below
    const join: Record<string, unknown> = {};
    const invite: Record<string, unknown> = {};
    const leave: Record<string, unknown> = {};
    const knock: Record<string, unknown> = {};
    // Rooms are independent: their queries run concurrently (a pool serves them in parallel).
    const presenceUsers = new Set<string>([userId]);
    // A filter with `presence.types: []` asks for no presence at all.
    const noPresence = filter.presence?.types?.length === 0;
    const presencePromise = (async () => {
      if (noPresence) return [];
      for (const m of memberships) if (m.membership === "join") for (const member of await this.#memberIds(m.room_id)) presenceUsers.add(member);
      return presenceSince(this.ctx.db, [...presenceUsers], sincePos, pos);
    })();
    presencePromise.catch(() => undefined); // awaited below; never an unhandled rejection if a room fails first
    await Promise.all(
      memberships.map(async (m) => {
        await this.rooms.roomVersion(m.room_id);
        const changed = sincePos === undefined || Number(m.stream_position) > sincePos;
        if (m.membership === "join") {
          const summary = summaries.get(m.room_id);
          const roomChanged = sincePos === undefined || Number(summary?.stream_position ?? 0) > sincePos;
          const typingChanged = since === undefined ? this.typing.typingIn(m.room_id).length > 0 : this.typing.changedSince(m.room_id, since.typing);
          const full = fullState || changed;
          // A room with news starts its timeline at once, alongside the receipts and
          // account data; any other room waits for those to tell whether it is in.
          const news = fullState || changed || roomChanged || typingChanged;
          const joinedRoom = (): Promise<Record<string, unknown>> => this.#joinedRoom(requester, m, full ? undefined : sincePos, pos, roomFilter, q.useStateAfter === true, ignored());
          const early = news ? joinedRoom() : undefined;
          early?.catch(() => undefined); // awaited below
          const [accountData, receipts, pushCounts] = await sharedPromise;
          const roomReceipts = receipts.filter((r) => r.room_id === m.room_id && (r.receipt_type !== "m.read.private" || r.user_id === userId));
          const roomAccountData = accountData.filter((a) => a.room_id === m.room_id);
          if (!news && roomReceipts.length === 0 && roomAccountData.length === 0) return;
          const [room, unread] = await Promise.all([early ?? joinedRoom(), pushCounts ? 0 : unreadCount(this.ctx.db, m.room_id, userId, Number(m.stream_position))]);
          const ephemeral: unknown[] = [];
          if (typingChanged) ephemeral.push({ type: "m.typing", content: { user_ids: this.typing.typingIn(m.room_id) } });
          if (roomReceipts.length > 0) {
            const content: Record<string, Record<string, Record<string, Record<string, unknown>>>> = {};
            for (const r of roomReceipts) {
              const receipt: Record<string, unknown> = { ts: Number(r.ts) };
              if (r.thread_id) receipt.thread_id = r.thread_id;
              ((content[r.event_id] ??= {})[r.receipt_type] ??= {})[r.user_id] = receipt;
            }
            ephemeral.push({ type: "m.receipt", content });
          }
          room.ephemeral = { events: ephemeral };
          room.account_data = { events: roomAccountData.map((a) => ({ type: a.type, content: a.content })) };
          if (pushCounts) Object.assign(room, unreadSyncFields(pushCounts.get(m.room_id), roomFilter.timeline?.unread_thread_notifications === true));
          else room.unread_notifications = { notification_count: unread, highlight_count: 0 };
          // The summary changes only with membership: sent in full responses and when members changed.
          const timeline = (room.timeline as { events: { type: string }[] }).events;
          if (full || timeline.some((e) => e.type === "m.room.member")) {
            room.summary = await this.#summary(m.room_id, userId, summary?.joined_count, summary?.invited_count);
          }
          join[m.room_id] = room;
        } else if (m.membership === "invite" && changed) {
          const inviteEvent = (await getEventsById(this.ctx.db, [m.event_id])).get(m.event_id);
          // "Servers must not send room invites from ignored users to clients."
          if (inviteEvent && (await ignored()).has(inviteEvent.sender)) return;
          const events = [...((m.stripped_state as unknown[] | null) ?? []), ...(inviteEvent ? [strippedEvent(inviteEvent)] : [])];
          invite[m.room_id] = { invite_state: { events } };
        } else if (m.membership === "knock" && changed) {
          const knockEvent = (await getEventsById(this.ctx.db, [m.event_id])).get(m.event_id);
          const events = [...((m.stripped_state as unknown[] | null) ?? []), ...(knockEvent ? [strippedEvent(knockEvent)] : [])];
          knock[m.room_id] = { knock_state: { events } };
        } else if ((m.membership === "leave" || m.membership === "ban") && changed && !m.forgotten) {
          if (sincePos === undefined && !roomFilter.include_leave) return;
          leave[m.room_id] = await this.#leftRoom(requester, m, sincePos, roomFilter, ignored());
        }
      }),
    );

    const [accountData] = await sharedPromise;
    const globalData = accountData.filter((a) => a.room_id === "").map((a) => ({ type: a.type, content: a.content }));
    const presence = (await presencePromise).map((p) => ({
      type: "m.presence",
      sender: p.user_id,
      content: {
        presence: p.presence,
        ...(p.status_msg !== null ? { status_msg: p.status_msg } : {}),
        last_active_ago: Math.max(0, this.ctx.now() - Number(p.last_active_ts)),
        currently_active: p.presence === "online",
      },
    }));
    // --- E2EE (issue 7): to-device, device lists, one-time key counts ---------
    const e2ee = await e2eePromise;
    const e2eeNews = e2ee.to_device.events.length + e2ee.device_lists.changed.length + e2ee.device_lists.left.length;
    // --- end E2EE ---------------------------------------------------------------
    const empty =
      Object.keys(join).length + Object.keys(invite).length + Object.keys(leave).length + Object.keys(knock).length + globalData.length + presence.length + e2eeNews === 0;
    const response: Record<string, unknown> = {
      next_batch: nextBatch,
      rooms: { join, invite, leave, knock },
      account_data: { events: globalData },
      presence: { events: presence },
      ...e2ee,
    };
    return { response, empty, joined: allMemberships.filter((m) => m.membership === "join").map((m) => m.room_id), position: pos, typingSerial };
  }


  async #memberIds(roomId: string): Promise<string[]> {
    const snap = this.rooms.persister.cache.peek(roomId);
    if (snap) return [...snap.state.members.entries()].filter(([, e]) => (e.content as Record<string, unknown>).membership === "join").map(([u]) => u);
    return (await roomMembers(this.ctx.db, roomId, "join")).map((m) => m.user_id);
  }

  async #summary(roomId: string, userId: string, joined?: number, invited?: number): Promise<Record<string, unknown>> {
    const members = (await roomMembers(this.ctx.db, roomId)).filter((m) => m.user_id !== userId && (m.membership === "join" || m.membership === "invite"));
    members.sort((a, b) => (a.user_id < b.user_id ? -1 : 1));
    return {
      "m.heroes": members.slice(0, 5).map((m) => m.user_id),
      "m.joined_member_count": Number(joined ?? 0),
      "m.invited_member_count": Number(invited ?? 0),
    };
  }

  /** A joined room's section: timeline (after `sincePos`, or the latest events), state and limits. */
  async #joinedRoom(
    requester: Requester,
    m: MembershipRow,
    sincePos: number | undefined,
    pos: number,
    roomFilter: NonNullable<SyncFilter["room"]>,
    useStateAfter: boolean,
    ignored: Promise<ReadonlySet<string>>,
  ): Promise<Record<string, unknown>> {
    const timelineFilter = roomFilter.timeline;
    const limit = Math.min(timelineFilter?.limit ?? DEFAULT_TIMELINE_LIMIT, 100);
    const rows = (
      await roomEvents(this.ctx.db, { roomId: m.room_id, after: sincePos, upTo: pos, direction: "backward", limit: limit + 1, filter: filterSql(timelineFilter) })
    ).reverse();
    const limited = rows.length > limit;
    const timelineRows = limited ? rows.slice(1) : rows;
    const first = timelineRows[0];
    const startPos = first ? Number(first.stream_position) - 1 : pos;
    const room: Record<string, unknown> = {};
    room.timeline = {
      // History visibility per event (fast path when joined throughout); bundled aggregations when limited (spec).
      events: (await this.rooms.serveEvents(requester, timelineRows, { membership: m, aggregate: limited, ignored })).events,
      limited,
      prev_batch: `s${startPos}`,
    };
    const lazy = roomFilter.state?.lazy_load_members === true;
    if (useStateAfter) {
      // MSC4222: state at the end of the timeline, as a delta since the token.
      const after = await this.#stateAt(m.room_id, pos);
      const before = sincePos === undefined ? new Map<string, string>() : await this.#stateAt(m.room_id, sincePos);
      room.state_after = { events: await this.#stateDelta(requester, before, after, lazy ? timelineRows : undefined, roomFilter.state) };
    } else if (sincePos === undefined || limited) {
      const atStart = first ? await this.#stateBefore(first) : await this.#stateAt(m.room_id, pos);
      const before = sincePos === undefined ? new Map<string, string>() : await this.#stateAt(m.room_id, sincePos);
      room.state = { events: await this.#stateDelta(requester, before, atStart, lazy ? timelineRows : undefined, roomFilter.state) };
    } else {
      room.state = { events: [] };
    }
    return room;
  }

  async #leftRoom(
    requester: Requester,
    m: MembershipRow,
    sincePos: number | undefined,
    roomFilter: NonNullable<SyncFilter["room"]>,
    ignored: Promise<ReadonlySet<string>>,
  ): Promise<Record<string, unknown>> {
    const leavePos = Number(m.stream_position);
    const limit = Math.min(roomFilter.timeline?.limit ?? DEFAULT_TIMELINE_LIMIT, 100);
    const rows = (await roomEvents(this.ctx.db, { roomId: m.room_id, after: sincePos, upTo: leavePos, direction: "backward", limit: limit + 1 })).reverse();
    const limited = rows.length > limit;
    const timelineRows = limited ? rows.slice(1) : rows;
    const first = timelineRows[0];
    const before = sincePos === undefined ? new Map<string, string>() : await this.#stateAt(m.room_id, sincePos);
    const atStart = first ? await this.#stateBefore(first) : await this.#stateAt(m.room_id, leavePos);
    return {
      timeline: { events: (await this.rooms.serveEvents(requester, timelineRows, { membership: m, aggregate: limited, ignored })).events, limited, prev_batch: `s${first ? Number(first.stream_position) - 1 : leavePos}` },
      state: { events: sincePos === undefined || limited ? await this.#stateDelta(requester, before, atStart, undefined, roomFilter.state) : [] },
      account_data: { events: [] },
    };
  }

  async #stateBefore(event: StoredEvent): Promise<Map<string, string>> {
    return event.state_group_before == null ? new Map() : stateGroupIds(this.ctx.db, Number(event.state_group_before));
  }

  async #stateAt(roomId: string, position: number): Promise<Map<string, string>> {
    const group = await stateGroupAtPosition(this.ctx.db, roomId, position);
    return group === null ? new Map() : stateGroupIds(this.ctx.db, group);
  }

  /** State entries of `after` that differ from `before`, as client events (lazy members: only the timeline's senders). */
  async #stateDelta(
    requester: Requester,
    before: Map<string, string>,
    after: Map<string, string>,
    lazyFor: readonly StoredEvent[] | undefined,
    stateFilter: RoomEventFilter | undefined,
  ): Promise<ClientEvent[]> {
    const senders = lazyFor ? new Set([...lazyFor.map((e) => e.sender), requester.userId]) : undefined;
    const ids: string[] = [];
    for (const [key, id] of after) {
      if (before.get(key) === id) continue;
      const [type, stateKey] = [key.slice(0, key.indexOf("\u0000")), key.slice(key.indexOf("\u0000") + 1)];
      if (senders && type === "m.room.member" && !senders.has(stateKey)) continue;
      if (stateFilter?.types && !stateFilter.types.some((t) => matchesType(t, type))) continue;
      if (stateFilter?.not_types?.some((t) => matchesType(t, type))) continue;
      ids.push(id);
    }
    const rows = [...(await getEventsById(this.ctx.db, ids)).values()];
    return this.rooms.format(rows, requester);
  }
}

function matchesType(pattern: string, type: string): boolean {
  if (!pattern.includes("*")) return pattern === type;
  const regex = new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`);
  return regex.test(type);
}
