// Jumping to a date: https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv1roomsroomidtimestamp_to_event
// (index events_room_ts, migration 0003).

import type { Queryable } from "./database.js";
import type { StoredEvent } from "./events.js";

const COLUMNS =
  "event_id, room_id, stream_position, type, state_key, sender, depth, origin_server_ts, json, unsigned, redacted_by, relates_to, rel_type, thread_id, txn_device, txn_id, state_group_before, state_group_after";

/**
 * The timeline events of `roomId` closest to `ts`: from `ts` onwards oldest
 * first (`dir` `f`), or up to `ts` newest first (`dir` `b`).
 *
 * @example
 * ```ts
 * const [first] = await eventsNearTimestamp(db, roomId, Date.parse("2026-01-01"), "f", 1);
 * ```
 */
export async function eventsNearTimestamp(db: Queryable, roomId: string, ts: number, dir: "f" | "b", limit: number): Promise<StoredEvent[]> {
  const comparison = dir === "f" ? ">=" : "<=";
  const order = dir === "f" ? "ASC" : "DESC";
  const { rows } = await db.query<StoredEvent>(
    `SELECT ${COLUMNS} FROM events
     WHERE room_id = $1 AND origin_server_ts ${comparison} $2
       AND stream_position IS NOT NULL AND NOT outlier AND NOT soft_failed AND rejected_reason IS NULL
     ORDER BY origin_server_ts ${order}, stream_position ${order} LIMIT $3`,
    [roomId, ts, limit],
  );
  return rows;
}
