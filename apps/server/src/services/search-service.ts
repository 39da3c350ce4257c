// Server-side search: https://spec.matrix.org/v1.19/client-server-api/#server-side-search
// (POST /search, the `room_events` category): full-text search over the rooms
// the requester is or was in, every result passed through history visibility,
// ordered by rank or recency, with event context, current state, groupings and
// keyset pagination (`next_batch`).

import { MatrixError } from "@weft/common";
import {
  SEARCH_KEYS,
  indexSearchableEvents,
  membershipOf,
  membershipsOfUser,
  roomEvents,
  searchEvents,
  type SearchHit,
  type SearchKey,
  type StoredEvent,
} from "@weft/storage-pg";
import { z } from "zod";
import type { Requester } from "../http/route.js";
import type { ClientEvent } from "./client-events.js";
import type { ServiceContext } from "./index.js";
import { RoomEventFilterSchema, filterSql } from "./messages-service.js";
import type { RoomsService } from "./rooms-service.js";

/** The `room_events` search criteria. */
export const RoomEventsCriteriaSchema = z.object({
  search_term: z.string(),
  keys: z.array(z.enum(Object.keys(SEARCH_KEYS) as [SearchKey, ...SearchKey[]])).optional(),
  filter: RoomEventFilterSchema.optional(),
  order_by: z.enum(["recent", "rank"]).optional(),
  event_context: z
    .object({
      before_limit: z.number().int().min(0).optional(),
      after_limit: z.number().int().min(0).optional(),
      include_profile: z.boolean().optional(),
    })
    .optional(),
  include_state: z.boolean().optional(),
  groupings: z.object({ group_by: z.array(z.object({ key: z.enum(["room_id", "sender"]) })).optional() }).optional(),
});
export type RoomEventsCriteria = z.infer<typeof RoomEventsCriteriaSchema>;

/** The request body of `POST /search`. */
export const SearchRequestSchema = z.object({
  search_categories: z.object({ room_events: RoomEventsCriteriaSchema.optional() }),
});
export type SearchRequest = z.infer<typeof SearchRequestSchema>;

/** Results per page when the filter sets no limit, and the most a page may hold. */
const DEFAULT_LIMIT = 10;
const MAX_LIMIT = 100;
/** Context events per side at most. */
const MAX_CONTEXT = 20;

interface SearchResultItem {
  rank: number;
  result: ClientEvent;
  context?: Record<string, unknown>;
}

/** Where a page ended: the next page starts after it. */
interface BatchToken {
  readonly order: "rank" | "recent";
  readonly rank?: number;
  readonly position: number;
}

/** POST /search. */
export class SearchService {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly rooms: RoomsService,
  ) {}

  /**
   * Runs a search for `requester`.
   *
   * @param nextBatch the `next_batch` query parameter of a previous page.
   * @throws {MatrixError} `M_INVALID_PARAM` for a bad `next_batch`.
   * @example
   * ```ts
   * const page = await search.search(requester, { search_categories: { room_events: { search_term: "lunch" } } });
   * ```
   */
  async search(requester: Requester, body: SearchRequest, nextBatch?: string): Promise<{ search_categories: Record<string, unknown> }> {
    const criteria = body.search_categories.room_events;
    if (!criteria) return { search_categories: {} };
    return { search_categories: { room_events: await this.#roomEvents(requester, criteria, nextBatch) } };
  }

  async #roomEvents(requester: Requester, criteria: RoomEventsCriteria, nextBatch: string | undefined): Promise<Record<string, unknown>> {
    const order = criteria.order_by ?? "rank";
    const after = nextBatch === undefined ? undefined : decodeBatch(nextBatch, order);
    const filter = criteria.filter;
    const limit = Math.min(filter?.limit ?? DEFAULT_LIMIT, MAX_LIMIT);
    // Rooms the requester is or was in (left and banned rooms: up to their leave,
    // which history visibility enforces per event below), narrowed by the filter.
    let roomIds = (await membershipsOfUser(this.ctx.db, requester.userId))
      .filter((m) => m.membership === "join" || m.membership === "leave" || m.membership === "ban")
      .map((m) => m.room_id);
    if (filter?.rooms) roomIds = roomIds.filter((r) => filter.rooms!.includes(r));
    if (filter?.not_rooms) roomIds = roomIds.filter((r) => !filter.not_rooms!.includes(r));

    await indexSearchableEvents(this.ctx.db);
    const { hits, count } = await searchEvents(this.ctx.db, {
      roomIds,
      term: criteria.search_term,
      keys: criteria.keys ?? (Object.keys(SEARCH_KEYS) as SearchKey[]),
      filter: filterSql(filter),
      order,
      limit,
      after,
    });
    const served = await this.rooms.serveEvents(requester, hits, { aggregate: true });
    const visible = new Map(served.rows.map((row, i) => [row.event_id, served.events[i]!]));
    const results: SearchResultItem[] = [];
    const resultRows: SearchHit[] = [];
    for (const hit of hits) {
      const event = visible.get(hit.event_id);
      if (!event) continue;
      results.push({ rank: hit.rank, result: event });
      resultRows.push(hit);
    }
    if (criteria.event_context) {
      for (const [i, item] of results.entries()) item.context = await this.#context(requester, resultRows[i]!, criteria.event_context);
    }
    const out: Record<string, unknown> = { count, highlights: highlightsOf(criteria.search_term), results };
    const last = hits.at(-1);
    const next = hits.length === limit && last ? encodeBatch({ order, rank: last.rank, position: Number(last.stream_position) }) : undefined;
    if (next) out.next_batch = next;
    if (criteria.include_state) {
      const state: Record<string, ClientEvent[]> = {};
      for (const roomId of new Set(resultRows.map((r) => r.room_id))) {
        const membership = await membershipOf(this.ctx.db, requester.userId, roomId);
        if (membership?.membership !== "join") continue;
        state[roomId] = await this.rooms.format(await this.rooms.stateEvents(requester, roomId), requester);
      }
      out.state = state;
    }
    const groupBy = criteria.groupings?.group_by ?? [];
    if (groupBy.length > 0) {
      const groups: Record<string, Record<string, { results: string[]; order: number; next_batch?: string }>> = {};
      for (const { key } of groupBy) {
        const byValue: Record<string, { results: string[]; order: number; next_batch?: string }> = {};
        for (const row of resultRows) {
          const value = key === "room_id" ? row.room_id : row.sender;
          const group = (byValue[value] ??= { results: [], order: Object.keys(byValue).length + 1 });
          group.results.push(row.event_id);
          if (next) group.next_batch = next;
        }
        groups[key] = byValue;
      }
      out.groups = groups;
    }
    return out;
  }

  /** Events around a result (same room, history visibility applied) and, on request, their senders' profiles. */
  async #context(
    requester: Requester,
    row: StoredEvent,
    options: NonNullable<RoomEventsCriteria["event_context"]>,
  ): Promise<Record<string, unknown>> {
    const position = Number(row.stream_position);
    const beforeLimit = Math.min(options.before_limit ?? 5, MAX_CONTEXT);
    const afterLimit = Math.min(options.after_limit ?? 5, MAX_CONTEXT);
    const membership = await membershipOf(this.ctx.db, requester.userId, row.room_id);
    const beforeRows = beforeLimit > 0 ? await roomEvents(this.ctx.db, { roomId: row.room_id, upTo: position - 1, direction: "backward", limit: beforeLimit }) : [];
    const afterRows = afterLimit > 0 ? await roomEvents(this.ctx.db, { roomId: row.room_id, after: position, direction: "forward", limit: afterLimit }) : [];
    const before = await this.rooms.serveEvents(requester, beforeRows, { membership });
    const after = await this.rooms.serveEvents(requester, afterRows, { membership });
    const context: Record<string, unknown> = {
      start: `s${beforeRows.length ? Number(beforeRows.at(-1)!.stream_position) - 1 : position - 1}`,
      end: `s${afterRows.length ? Number(afterRows.at(-1)!.stream_position) : position}`,
      events_before: before.events,
      events_after: after.events,
    };
    if (options.include_profile) {
      const profiles: Record<string, { displayname?: string; avatar_url?: string }> = {};
      for (const sender of new Set([row.sender, ...before.rows.map((r) => r.sender), ...after.rows.map((r) => r.sender)])) {
        const m = await membershipOf(this.ctx.db, sender, row.room_id);
        const profile: { displayname?: string; avatar_url?: string } = {};
        if (m?.display_name) profile.displayname = m.display_name;
        if (m?.avatar_url) profile.avatar_url = m.avatar_url;
        profiles[sender] = profile;
      }
      context.profile_info = profiles;
    }
    return context;
  }
}

/** The words of a search term, lower-cased, without web-search operators (for client-side highlighting). */
export function highlightsOf(term: string): string[] {
  const words = term.toLowerCase().match(/[\p{L}\p{N}_]+/gu) ?? [];
  return [...new Set(words.filter((w) => w !== "or"))];
}

function encodeBatch(token: BatchToken): string {
  return Buffer.from(JSON.stringify(token)).toString("base64url");
}

function decodeBatch(value: string, order: "rank" | "recent"): BatchToken {
  let token: unknown;
  try {
    token = JSON.parse(Buffer.from(value, "base64url").toString("utf8"));
  } catch {
    token = undefined;
  }
  const t = token as Partial<BatchToken> | undefined;
  if (!t || typeof t.position !== "number" || t.order !== order || (order === "rank" && typeof t.rank !== "number")) {
    throw new MatrixError("M_INVALID_PARAM", "next_batch is not a token from a previous search with the same order_by");
  }
  return { order, rank: t.rank, position: t.position };
}
