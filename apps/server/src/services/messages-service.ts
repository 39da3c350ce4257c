// Room history: https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3roomsroomidmessages
// (/messages in both directions with RoomEventFilter) and
// https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3roomsroomidcontexteventid (/context).
// Pagination tokens are stream tokens `s<position>`: "after every event at or
// below position" — the same tokens /sync hands out as `prev_batch`.

import { MatrixError } from "@weft/common";
import { currentStateRows, currentStreamPosition, getEventById, getEventsById, roomEvents, type EventFilterSql, type StoredEvent } from "@weft/storage-pg";
import { z } from "zod";
import type { Requester } from "../http/route.js";
import type { ServiceContext } from "./index.js";
import type { ClientEvent } from "./client-events.js";
import { parsePosition, type RoomsService } from "./rooms-service.js";

/** RoomEventFilter (https://spec.matrix.org/v1.19/client-server-api/#filtering). */
export const RoomEventFilterSchema = z.looseObject({
  limit: z.number().int().min(0).optional(),
  types: z.array(z.string()).optional(),
  not_types: z.array(z.string()).optional(),
  senders: z.array(z.string()).optional(),
  not_senders: z.array(z.string()).optional(),
  rooms: z.array(z.string()).optional(),
  not_rooms: z.array(z.string()).optional(),
  contains_url: z.boolean().optional(),
  lazy_load_members: z.boolean().optional(),
  include_redundant_members: z.boolean().optional(),
  unread_thread_notifications: z.boolean().optional(),
});
export type RoomEventFilter = z.infer<typeof RoomEventFilterSchema>;

/** The SQL-able part of a filter. */
export function filterSql(filter: RoomEventFilter | undefined): EventFilterSql | undefined {
  if (!filter) return undefined;
  return { types: filter.types, notTypes: filter.not_types, senders: filter.senders, notSenders: filter.not_senders, containsUrl: filter.contains_url };
}

/** Parses a `filter` query parameter holding RoomEventFilter JSON. */
export function parseRoomEventFilterParam(value: string | undefined): RoomEventFilter | undefined {
  if (value === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    throw new MatrixError("M_INVALID_PARAM", "filter must be JSON");
  }
  const parsed = RoomEventFilterSchema.safeParse(json);
  if (!parsed.success) throw new MatrixError("M_INVALID_PARAM", `invalid filter: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

/** Room history for clients. */
export class MessagesService {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly rooms: RoomsService,
  ) {}

  /** `/messages`. */
  async messages(
    requester: Requester,
    roomId: string,
    q: { from?: string | undefined; to?: string | undefined; dir: "b" | "f"; limit?: number | undefined; filter?: RoomEventFilter | undefined },
  ): Promise<{ start: string; end?: string; chunk: ClientEvent[]; state?: ClientEvent[] }> {
    const vis = await this.rooms.visibility(requester.userId, roomId);
    const limit = Math.min(Math.max(q.limit ?? 10, 0), 1000);
    const cap = vis.current ? undefined : vis.upTo;
    const now = await currentStreamPosition(this.ctx.db);
    const from = parsePosition(q.from) ?? (q.dir === "b" ? now : 0);
    const to = parsePosition(q.to);
    // History visibility may hide part of a page: keep reading (a few pages at most)
    // so a client is not handed a run of empty chunks; tokens follow the rows read.
    const rows: StoredEvent[] = [];
    const chunk: ClientEvent[] = [];
    let cursor = from;
    let more = false;
    for (let round = 0; round < 4 && chunk.length < limit; round++) {
      const want = limit - chunk.length;
      let page: StoredEvent[];
      if (q.dir === "b") {
        const upTo = cap === undefined ? cursor : Math.min(cursor, cap);
        page = await roomEvents(this.ctx.db, { roomId, upTo, after: to, direction: "backward", limit: want, filter: filterSql(q.filter) });
      } else {
        const upTo = cap === undefined ? to : Math.min(to ?? Number.MAX_SAFE_INTEGER, cap);
        page = await roomEvents(this.ctx.db, { roomId, after: cursor, upTo, direction: "forward", limit: want, filter: filterSql(q.filter) });
      }
      const served = await this.rooms.serveEvents(requester, page, { membership: vis.membership, aggregate: true });
      rows.push(...served.rows);
      chunk.push(...served.events);
      more = page.length === want;
      const last = page.at(-1);
      if (last) cursor = q.dir === "b" ? Number(last.stream_position) - 1 : Number(last.stream_position);
      if (!more) break;
    }
    const result: { start: string; end?: string; chunk: ClientEvent[]; state?: ClientEvent[] } = { start: `s${from}`, chunk };
    if (more) result.end = `s${cursor}`;
    if (q.filter?.lazy_load_members) result.state = await this.memberEventsFor(requester, roomId, rows);
    return result;
  }

  /** The current member events of the senders of `rows` (lazy-loading members). */
  async memberEventsFor(requester: Requester, roomId: string, rows: readonly StoredEvent[]): Promise<ClientEvent[]> {
    const senders = new Set(rows.map((r) => r.sender));
    if (senders.size === 0) return [];
    const ids = (await currentStateRows(this.ctx.db, roomId, { type: "m.room.member" })).filter((r) => senders.has(r.state_key)).map((r) => r.event_id);
    return this.rooms.format([...(await getEventsById(this.ctx.db, ids)).values()], requester);
  }

  /** `/context/{eventId}`. */
  async context(
    requester: Requester,
    roomId: string,
    eventId: string,
    q: { limit?: number | undefined; filter?: RoomEventFilter | undefined },
  ): Promise<Record<string, unknown>> {
    const vis = await this.rooms.visibility(requester.userId, roomId);
    const target = await getEventById(this.ctx.db, eventId);
    if (!target || target.room_id !== roomId || target.stream_position === null) throw new MatrixError("M_NOT_FOUND", "event not found");
    const position = Number(target.stream_position);
    if (!vis.current && vis.upTo !== undefined && position > vis.upTo) throw new MatrixError("M_NOT_FOUND", "event not found");
    const limit = Math.min(q.limit ?? 10, 100);
    const beforeLimit = Math.floor(limit / 2);
    const afterLimit = limit - beforeLimit;
    const filter = filterSql(q.filter);
    const [shown] = (await this.rooms.serveEvents(requester, [target], { membership: vis.membership, aggregate: true })).events;
    if (!shown) throw new MatrixError("M_NOT_FOUND", "event not found");
    const beforeRows = await roomEvents(this.ctx.db, { roomId, upTo: position - 1, direction: "backward", limit: beforeLimit, filter });
    const afterRows = await roomEvents(this.ctx.db, { roomId, after: position, upTo: vis.current ? undefined : vis.upTo, direction: "forward", limit: afterLimit, filter });
    const before = await this.rooms.serveEvents(requester, beforeRows, { membership: vis.membership, aggregate: true });
    const after = await this.rooms.serveEvents(requester, afterRows, { membership: vis.membership, aggregate: true });
    const state = q.filter?.lazy_load_members
      ? await this.memberEventsFor(requester, roomId, [...before.rows, target, ...after.rows])
      : await this.rooms.format(await this.rooms.stateEvents(requester, roomId), requester);
    return {
      start: `s${beforeRows.length ? Number(beforeRows.at(-1)!.stream_position) - 1 : position - 1}`,
      end: `s${afterRows.length ? Number(afterRows.at(-1)!.stream_position) : position}`,
      event: shown,
      events_before: before.events,
      events_after: after.events,
      state,
    };
  }
}
