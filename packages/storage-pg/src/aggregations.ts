// Bundled aggregations of child events
// (https://spec.matrix.org/v1.19/client-server-api/#aggregations-of-child-events):
// for a page of parent events, in one query, the thread summary (`m.thread`:
// count, latest event, whether a user took part), the most recent valid edit
// (`m.replace`, https://spec.matrix.org/v1.19/client-server-api/#server-side-aggregation-of-mreplace-relationships)
// and the referencing events (`m.reference`). Annotations are not aggregated
// by the server (spec: "m.annotation relationships are not aggregated").

import type { Queryable } from "./database.js";
import type { StoredEvent } from "./events.js";

/** The aggregations of one parent event. */
export interface ChildAggregation {
  thread?: { count: number; latest: StoredEvent; participated: boolean };
  replace?: StoredEvent;
  references?: string[];
}

const CHILD_COLUMNS =
  "c.event_id, c.room_id, c.stream_position, c.type, c.state_key, c.sender, c.depth, c.origin_server_ts, c.json, c.unsigned, c.redacted_by, c.relates_to, c.rel_type, c.thread_id, c.txn_device, c.txn_id, c.state_group_before, c.state_group_after";

const LIVE = "c.stream_position IS NOT NULL AND NOT c.soft_failed AND c.rejected_reason IS NULL";

/**
 * Child-event aggregations of `parentIds` in `roomId`, for `userId` (thread
 * participation counts the thread root's sender too, which the caller knows).
 * Thread summaries (count, latest event) and references leave out the events
 * of `ignoredSenders` (the users `userId` ignores).
 * Edits follow the validity rules: same sender and type as the original,
 * neither a state event, the original not itself an edit, `m.new_content`
 * present (not checkable for encrypted edits), and neither redacted; the most
 * recent by `origin_server_ts`, then the largest event ID.
 *
 * @example
 * ```ts
 * const bundles = await childAggregations(db, roomId, ["$root"], "@alice:example.com");
 * bundles.get("$root")?.thread?.count;
 * ```
 */
export async function childAggregations(
  db: Queryable,
  roomId: string,
  parentIds: readonly string[],
  userId: string,
  ignoredSenders: readonly string[] = [],
): Promise<Map<string, ChildAggregation>> {
  const out = new Map<string, ChildAggregation>();
  if (parentIds.length === 0) return out;
  const { rows } = await db.query<StoredEvent & { kind: string; parent: string; n: number | null; participated: boolean | null }>(
    `WITH th AS (
       SELECT c.thread_id AS parent, count(*)::int AS n, max(c.stream_position) AS latest, bool_or(c.sender = $3) AS participated
       FROM events c
       WHERE c.room_id = $1 AND c.thread_id = ANY($2::text[]) AND c.rel_type = 'm.thread' AND ${LIVE} AND c.sender <> ALL($4::text[])
       GROUP BY c.thread_id
     ),
     ed AS (
       SELECT DISTINCT ON (c.relates_to) c.relates_to AS parent, c.event_id
       FROM events c JOIN events p ON p.event_id = c.relates_to
       WHERE c.relates_to = ANY($2::text[]) AND c.rel_type = 'm.replace' AND c.room_id = $1 AND p.room_id = $1 AND ${LIVE}
         AND c.sender = p.sender AND c.type = p.type AND c.state_key IS NULL AND p.state_key IS NULL
         AND p.rel_type IS DISTINCT FROM 'm.replace' AND c.redacted_by IS NULL AND p.redacted_by IS NULL
         AND (c.type = 'm.room.encrypted' OR (c.json::jsonb -> 'content' -> 'm.new_content') IS NOT NULL)
       ORDER BY c.relates_to, c.origin_server_ts DESC, c.event_id DESC
     )
     SELECT 'thread' AS kind, th.parent, th.n, th.participated, ${CHILD_COLUMNS}
       FROM th JOIN events c ON c.stream_position = th.latest
     UNION ALL
     SELECT 'replace', ed.parent, NULL, NULL, ${CHILD_COLUMNS}
       FROM ed JOIN events c ON c.event_id = ed.event_id
     UNION ALL
     SELECT 'reference', c.relates_to, NULL, NULL, ${CHILD_COLUMNS}
       FROM events c WHERE c.relates_to = ANY($2::text[]) AND c.rel_type = 'm.reference' AND c.room_id = $1 AND ${LIVE} AND c.sender <> ALL($4::text[])
     ORDER BY stream_position`,
    [roomId, parentIds, userId, ignoredSenders],
  );
  for (const row of rows) {
    let entry = out.get(row.parent);
    if (!entry) out.set(row.parent, (entry = {}));
    const { kind, parent: _parent, n, participated, ...event } = row;
    if (kind === "thread") entry.thread = { count: Number(n), latest: event, participated: participated === true };
    else if (kind === "replace") entry.replace = event;
    else (entry.references ??= []).push(event.event_id);
  }
  return out;
}
