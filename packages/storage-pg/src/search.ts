// Server-side search: https://spec.matrix.org/v1.19/client-server-api/#server-side-search
// — full-text search over the `content.body`, `content.name` and
// `content.topic` of room events, with PostgreSQL's text search (the same SQL
// on PostgreSQL and PGlite). The index (`event_search`, migration 0003) is
// brought up to date by the search that reads it: {@link indexSearchableEvents}
// picks up every event committed since the last indexed stream position.

import type { Queryable, Database } from "./database.js";
import { appendEventFilter, type EventFilterSql, type StoredEvent } from "./events.js";

/** The searchable keys and the event type each belongs to. */
export const SEARCH_KEYS = {
  "content.body": "m.room.message",
  "content.name": "m.room.name",
  "content.topic": "m.room.topic",
} as const;

/** One of {@link SEARCH_KEYS}. */
export type SearchKey = keyof typeof SEARCH_KEYS;

/**
 * The text search configuration: `simple` (lower-casing, no stemming, no stop
 * words). Matrix rooms speak every language; an English stemmer would mangle
 * the others, so words match as written.
 */
const CONFIG = "simple";

/** Events read per indexing batch. */
const INDEX_BATCH = 1000;

/**
 * Indexes every searchable event committed since the last run, up to the
 * current stream position. Concurrent callers (other requests, other server
 * processes) serialise on the progress row; each batch commits with the
 * progress it reached.
 *
 * @returns the number of events added to the index.
 * @example
 * ```ts
 * await indexSearchableEvents(db);
 * ```
 */
export async function indexSearchableEvents(db: Database): Promise<number> {
  let added = 0;
  for (;;) {
    const batch = await db.transaction(async (tx) => {
      const { rows: progress } = await tx.query<{ position: string }>("SELECT position FROM event_search_progress WHERE id = 1 FOR UPDATE");
      const from = Number(progress[0]?.position ?? 0);
      const { rows: stream } = await tx.query<{ position: string }>("SELECT position FROM weft_stream");
      const upTo = Number(stream[0]?.position ?? 0);
      if (upTo <= from) return { done: true, count: 0 };
      const { rows } = await tx.query<{ event_id: string; room_id: string; type: string; sender: string; stream_position: string; origin_server_ts: string; json: string }>(
        `SELECT event_id, room_id, type, sender, stream_position, origin_server_ts, json FROM events
         WHERE stream_position > $1 AND stream_position <= $2 AND type = ANY($3::text[])
           AND NOT outlier AND NOT soft_failed AND rejected_reason IS NULL
         ORDER BY stream_position LIMIT $4`,
        [from, upTo, Object.values(SEARCH_KEYS), INDEX_BATCH],
      );
      const full = rows.length === INDEX_BATCH;
      const reached = full ? Number(rows.at(-1)!.stream_position) : upTo;
      const entries = rows.flatMap((row) => {
        const extracted = searchableText(row.type, row.json);
        return extracted ? [{ row, ...extracted }] : [];
      });
      if (entries.length > 0) {
        await tx.query(
          `INSERT INTO event_search (event_id, room_id, key, sender, stream_position, origin_server_ts, vector)
           SELECT e, r, k, s, p, t, to_tsvector('${CONFIG}', x)
           FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::text[]) AS u(e, r, k, s, p, t, x)
           ON CONFLICT (event_id) DO NOTHING`,
          [
            entries.map((e) => e.row.event_id),
            entries.map((e) => e.row.room_id),
            entries.map((e) => e.key),
            entries.map((e) => e.row.sender),
            entries.map((e) => e.row.stream_position),
            entries.map((e) => e.row.origin_server_ts),
            entries.map((e) => e.text),
          ],
        );
      }
      await tx.query("UPDATE event_search_progress SET position = $1 WHERE id = 1", [reached]);
      return { done: !full, count: entries.length };
    });
    added += batch.count;
    if (batch.done) return added;
  }
}

/** The searchable key and text of an event, or undefined when it has none. */
function searchableText(type: string, json: string): { key: SearchKey; text: string } | undefined {
  const key = (Object.keys(SEARCH_KEYS) as SearchKey[]).find((k) => SEARCH_KEYS[k] === type);
  if (!key) return undefined;
  let content: unknown;
  try {
    content = (JSON.parse(json) as { content?: unknown }).content;
  } catch {
    return undefined;
  }
  const value = (content as Record<string, unknown> | undefined)?.[key.slice("content.".length)];
  if (typeof value !== "string" || value === "") return undefined;
  // PostgreSQL text cannot hold NUL.
  return { key, text: value.replaceAll("\u0000", " ") };
}

/** A search query (https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3search). */
export interface SearchEventsQuery {
  /** Rooms to search (already restricted to those the user may read). */
  readonly roomIds: readonly string[];
  /** The user's search term, in web-search syntax (`"quoted phrase"`, `or`, `-not`). */
  readonly term: string;
  readonly keys: readonly SearchKey[];
  readonly filter?: EventFilterSql | undefined;
  readonly order: "rank" | "recent";
  readonly limit: number;
  /** Continue after this result (keyset pagination): its rank (for `rank` order) and stream position. */
  readonly after?: { readonly rank?: number | undefined; readonly position: number } | undefined;
}

/** A matching event with its rank. */
export type SearchHit = StoredEvent & { rank: number };

const EVENT_COLUMNS = [
  "event_id", "room_id", "stream_position", "type", "state_key", "sender", "depth", "origin_server_ts", "json", "unsigned",
  "redacted_by", "relates_to", "rel_type", "thread_id", "txn_device", "txn_id", "state_group_before", "state_group_after",
].map((c) => `e.${c}`).join(", ");

/**
 * One page of matching events, best first (`rank`) or newest first
 * (`recent`), and the total number of matches. Redacted events never match.
 *
 * @example
 * ```ts
 * const { hits, count } = await searchEvents(db, { roomIds, term: "lunch", keys: ["content.body"], order: "rank", limit: 10 });
 * ```
 */
export async function searchEvents(db: Queryable, q: SearchEventsQuery): Promise<{ hits: SearchHit[]; count: number }> {
  if (q.roomIds.length === 0 || q.keys.length === 0) return { hits: [], count: 0 };
  const params: unknown[] = [q.term, [...q.roomIds], [...q.keys]];
  const where = [
    `s.vector @@ websearch_to_tsquery('${CONFIG}', $1)`,
    "s.room_id = ANY($2::text[])",
    "s.key = ANY($3::text[])",
    "e.redacted_by IS NULL",
  ];
  appendEventFilter(q.filter, where, params, "e");
  const from = `FROM event_search s JOIN events e ON e.event_id = s.event_id WHERE ${where.join(" AND ")}`;
  const { rows: counted } = await db.query<{ count: string }>(`SELECT count(*) AS count ${from}`, params);
  const rank = `ts_rank(s.vector, websearch_to_tsquery('${CONFIG}', $1))`;
  const pageWhere: string[] = [];
  if (q.after) {
    params.push(q.after.position);
    const position = `$${params.length}`;
    if (q.order === "rank") {
      params.push(q.after.rank ?? 0);
      pageWhere.push(`(${rank}, s.stream_position) < ($${params.length}::real, ${position})`);
    } else {
      pageWhere.push(`s.stream_position < ${position}`);
    }
  }
  params.push(q.limit);
  const order = q.order === "rank" ? `${rank} DESC, s.stream_position DESC` : "s.stream_position DESC";
  const { rows } = await db.query<SearchHit>(
    `SELECT ${EVENT_COLUMNS}, ${rank} AS rank ${from}${pageWhere.length ? ` AND ${pageWhere.join(" AND ")}` : ""}
     ORDER BY ${order} LIMIT $${params.length}`,
    params,
  );
  return { hits: rows.map((r) => ({ ...r, rank: Number(r.rank) })), count: Number(counted[0]?.count ?? 0) };
}
