// Filters: https://spec.matrix.org/v1.19/client-server-api/#filtering
// Shapes follow data/api/client-server/definitions/{sync_filter,event_filter,
// room_event_filter}.yaml. Uploaded filters are stored as sent (unknown keys
// kept); /sync receives a parsed, typed copy through getFilter.

import { z } from "zod";
import { MatrixError } from "@weft/common";
import { FiltersStore } from "@weft/storage-pg";
import type { Requester } from "../http/route.js";
import type { ServiceContext } from "./index.js";

const StringList = z.array(z.string());

/** `EventFilter`. */
export const EventFilterSchema = z.object({
  limit: z.number().int().min(0).optional(),
  not_senders: StringList.optional(),
  not_types: StringList.optional(),
  senders: StringList.optional(),
  types: StringList.optional(),
});

/** `RoomEventFilter` (also the shape of `StateFilter`). */
export const RoomEventFilterSchema = EventFilterSchema.extend({
  lazy_load_members: z.boolean().optional(),
  include_redundant_members: z.boolean().optional(),
  not_rooms: StringList.optional(),
  rooms: StringList.optional(),
  contains_url: z.boolean().optional(),
  unread_thread_notifications: z.boolean().optional(),
});

/** `RoomFilter`. */
export const RoomFilterSchema = z.object({
  not_rooms: StringList.optional(),
  rooms: StringList.optional(),
  ephemeral: RoomEventFilterSchema.optional(),
  include_leave: z.boolean().optional(),
  state: RoomEventFilterSchema.optional(),
  timeline: RoomEventFilterSchema.optional(),
  account_data: RoomEventFilterSchema.optional(),
});

/** A sync filter (`Filter`). */
export const FilterSchema = z.object({
  event_fields: StringList.optional(),
  event_format: z.enum(["client", "federation"]).optional(),
  presence: EventFilterSchema.optional(),
  account_data: EventFilterSchema.optional(),
  room: RoomFilterSchema.optional(),
});

export type EventFilter = z.infer<typeof EventFilterSchema>;
export type RoomEventFilter = z.infer<typeof RoomEventFilterSchema>;
export type RoomFilter = z.infer<typeof RoomFilterSchema>;
export type Filter = z.infer<typeof FilterSchema>;

/**
 * Checks a filter's shape.
 * @throws {MatrixError} `M_BAD_JSON` naming the first offending path.
 */
export function parseFilter(value: unknown): Filter {
  const result = FilterSchema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new MatrixError("M_BAD_JSON", `filter.${issue.path.join(".")}: ${issue.message}`);
  }
  return result.data;
}

/**
 * Uploads and fetches filters.
 *
 * @example
 * ```ts
 * const { filter_id } = await filters.create(requester, userId, { room: { timeline: { limit: 10 } } });
 * const filter = await filters.getFilter(userId, filter_id); // or an inline JSON filter
 * ```
 */
export class FiltersService {
  constructor(private readonly ctx: ServiceContext) {}

  /**
   * `POST /user/{userId}/filter`.
   * @throws {MatrixError} `M_FORBIDDEN` for another user, `M_BAD_JSON` for a malformed filter.
   */
  async create(requester: Requester, userId: string, filter: Record<string, unknown>): Promise<{ filter_id: string }> {
    if (requester.userId !== userId) throw new MatrixError("M_FORBIDDEN", "Cannot create filters for other users");
    parseFilter(filter);
    return { filter_id: await new FiltersStore(this.ctx.db).insert(userId, filter) };
  }

  /**
   * `GET /user/{userId}/filter/{filterId}`: the filter as uploaded.
   * @throws {MatrixError} `M_FORBIDDEN` for another user, `M_NOT_FOUND` for an unknown filter.
   */
  async get(requester: Requester, userId: string, filterId: string): Promise<Record<string, unknown>> {
    if (requester.userId !== userId) throw new MatrixError("M_FORBIDDEN", "Cannot read filters of other users");
    const filter = await new FiltersStore(this.ctx.db).get(userId, filterId);
    if (!filter) throw new MatrixError("M_NOT_FOUND", "Unknown filter");
    return filter;
  }

  /**
   * The filter /sync uses: a stored filter ID, or inline JSON (starting with `{`).
   * @throws {MatrixError} `M_NOT_FOUND` for an unknown ID, `M_BAD_JSON` / `M_NOT_JSON` for bad inline JSON.
   */
  async getFilter(userId: string, filterIdOrJson: string): Promise<Filter> {
    if (filterIdOrJson.trimStart().startsWith("{")) {
      let value: unknown;
      try {
        value = JSON.parse(filterIdOrJson);
      } catch {
        throw new MatrixError("M_NOT_JSON", "filter is not valid JSON");
      }
      return parseFilter(value);
    }
    const stored = await new FiltersStore(this.ctx.db).get(userId, filterIdOrJson);
    if (!stored) throw new MatrixError("M_NOT_FOUND", "Unknown filter");
    return parseFilter(stored);
  }
}
