// The optimistic send path for message events, for several rooms at once in
// ONE autocommitted statement (group commit): concurrent sends to different
// rooms share one round trip, one stream-row lock and one commit instead of
// queueing behind each other's. Each message was built on a cached room
// state; the statement stores it only if its room is still at that state
// (the stream position the event was built on), so a message never forks the
// DAG behind another writer's back: a message whose room moved on is left
// out and the caller rebuilds it under the room lock.
//
// The statement runs on a generic plan (database.ts), planned once per
// connection, often while the tables are still tiny; a join against the
// batch's arrays could then settle on a sequential scan and keep it as the
// tables grow (measured: a duplicate check scanning every event, 1 ms per
// send). So every lookup in a large table is a per-message subquery on an
// index (transaction IDs, the summary lock) or carries `= ANY(room IDs)` on
// the primary key.

import type { Queryable } from "./database.js";
import { EVENT_INSERT_COLUMNS, summaryAfterEventSql, type NewEvent } from "./events.js";
import { notificationBatchParams, notificationBatchSql, type NotificationGroup } from "./notifications.js";

/** A message event (no state key) built on a room state as of `expectedPosition`. */
export interface OptimisticMessage {
  readonly event: Omit<NewEvent, "streamPosition" | "stateKey" | "unsigned" | "outlier" | "stateGroupBefore" | "stateGroupAfter"> & {
    /** The room's state group, before and after the message. */
    readonly stateGroup: number | null;
  };
  /** The room's stream position the event was built on. */
  readonly expectedPosition: number;
  /** Whether the message moves the room up the room list (bump stamp). */
  readonly bump: boolean;
  /** Notifications to record with it, or undefined for none. */
  readonly push?: PushInStatement | undefined;
}

/**
 * Notifications to record with a message in the same statement: the
 * decisions were evaluated on push rules as of `rulesEpoch` (a stream
 * position), so the message is left out when a user's push rules changed
 * after it (the caller then takes the transactional path).
 */
export interface PushInStatement {
  readonly rulesEpoch: number;
  readonly threadId: string | null;
  readonly ts: number;
  readonly groups: readonly NotificationGroup[];
}

/** What happened to one message of a batch. */
export type OptimisticOutcome =
  /** Stored at `position`; `queued` push deliveries were queued with it. */
  | { readonly kind: "stored"; readonly position: number; readonly queued: number }
  /** The sending device already used this transaction ID: nothing written. */
  | { readonly kind: "duplicate"; readonly existing: string }
  /** The room moved on (or push rules changed): nothing written. */
  | { readonly kind: "stale" };

/**
 * Stores `messages` (at most one per room) in one statement (a lone message
 * takes a leaner statement of its own, see {@link insertMessageIfRoomAt}). It locks each
 * room's summary row (in room ID order, so concurrent batches never deadlock)
 * only if the room is still at the message's `expectedPosition` and the
 * device has not used the transaction ID, allocates consecutive global stream
 * positions in the messages' order, inserts the events (with their DAG and
 * auth edges), moves the forward extremities, updates the summaries and
 * records the notifications. Summary rows are locked before the stream row,
 * the order of the transactional path too. With `notify`,
 * `pg_notify(channel, payload)` joins the statement when anything is stored
 * (PostgreSQL delivers it at commit).
 *
 * @returns one outcome per message, in order.
 * @example
 * ```ts
 * const [outcome] = await insertMessagesIfRoomsAt(db, [{ event, expectedPosition: 41, bump: true }]);
 * if (outcome.kind === "stale") { // rebuild under the room lock
 * }
 * ```
 */
export async function insertMessagesIfRoomsAt(
  db: Queryable,
  messages: readonly OptimisticMessage[],
  notify?: { channel: string; payload: string },
): Promise<OptimisticOutcome[]> {
  if (messages.length === 0) return [];
  if (messages.length === 1) return [await insertMessageIfRoomAt(db, messages[0]!, notify)];
  const rooms = new Set(messages.map((m) => m.event.roomId));
  if (rooms.size !== messages.length) throw new RangeError("insertMessagesIfRoomsAt: at most one message per room");
  // The batch travels as one JSON array of rows: V8 encodes it natively,
  // where `pg` escapes every element of ~20 text arrays in JavaScript (the
  // signed JSON's quotes above all).
  const batch = JSON.stringify(
    messages.map(({ event: x, bump, expectedPosition, push }) => ({
      event_id: x.eventId, room_id: x.roomId, type: x.type, sender: x.sender, depth: x.depth, ts: x.originServerTs, json: x.json,
      state_group: x.stateGroup, relates_to: x.relatesTo, rel_type: x.relType, thread_id: x.threadId, contains_url: x.containsUrl,
      txn_device: x.txnDevice, txn_id: x.txnId, txn_scope: x.txnScope, prev: x.prevEvents, auth: x.authEvents, bump, expected: expectedPosition,
      epoch: push?.rulesEpoch ?? null, push_thread: push?.threadId ?? null, push_ts: push?.ts ?? 0,
    })),
  );
  const params: unknown[] = [batch, messages.map((m) => m.event.roomId), notify?.channel ?? null, notify?.payload ?? null];
  // The notification CTEs only when something notifies: each table a
  // statement writes costs executor setup even for no rows.
  let notifications = { ctes: "", queuedOf: (_eventId: string) => "0" };
  if (messages.some((m) => (m.push?.groups.length ?? 0) > 0)) {
    const push = notificationBatchParams(messages.map((m) => m.push?.groups ?? []));
    const sql = notificationBatchSql({ stored: "ok", rooms: "$2", owners: "$5", highlights: "$6", members: "$7", actions: "$8" });
    notifications = { ctes: `,\n     ${sql.ctes}`, queuedOf: sql.queuedOf };
    params.push(push.owners, push.highlights, push.members, push.actions);
  }
  const { rows } = await db.query<{ n: number; position: number | null; existing: string | null; queued: number }>(
    `WITH inp AS (
       SELECT * FROM ROWS FROM (json_to_recordset($1::json) AS (event_id text, room_id text, type text, sender text, depth bigint, ts bigint,
         json text, state_group bigint, relates_to text, rel_type text, thread_id text, contains_url bool, txn_device text, txn_id text,
         txn_scope text, prev text[], auth text[], bump bool, expected bigint, epoch bigint, push_thread text, push_ts bigint)) WITH ORDINALITY AS i(
         event_id, room_id, type, sender, depth, ts, json, state_group, relates_to, rel_type, thread_id, contains_url, txn_device, txn_id,
         txn_scope, prev, auth, bump, expected, epoch, push_thread, push_ts, n)
     ),
     dup AS (
       SELECT n, existing AS event_id FROM (
         SELECT i.n, (SELECT e.event_id FROM events e
           WHERE e.sender = i.sender AND e.txn_device = i.txn_device AND e.room_id = i.room_id AND e.txn_scope = i.txn_scope AND e.txn_id = i.txn_id) AS existing
         FROM inp i WHERE i.txn_id IS NOT NULL
       ) d WHERE existing IS NOT NULL
     ),
     lk AS (
       SELECT s.room_id
       FROM (
         SELECT room_id, expected FROM inp
         WHERE n NOT IN (SELECT n FROM dup)
           AND (epoch IS NULL OR NOT EXISTS (SELECT 1 FROM push_rules r WHERE r.stream_position > epoch))
         ORDER BY room_id
       ) i
       CROSS JOIN LATERAL (SELECT s.room_id FROM room_summaries s WHERE s.room_id = i.room_id AND s.stream_position = i.expected FOR UPDATE) s
     ),
     pos AS (UPDATE weft_stream SET position = position + (SELECT count(*) FROM lk) WHERE EXISTS (SELECT 1 FROM lk) RETURNING position),
     ok AS (
       SELECT i.*, (SELECT position FROM pos) - (SELECT count(*) FROM lk) + row_number() OVER (ORDER BY i.n) AS position
       FROM inp i WHERE i.room_id IN (SELECT room_id FROM lk)
     ),
     ev AS (
       INSERT INTO events ${EVENT_INSERT_COLUMNS}
       SELECT event_id, room_id, position, type, NULL, sender, depth, ts, json, NULL, false, state_group, state_group,
         relates_to, rel_type, thread_id, contains_url, txn_device, txn_id, txn_scope, prev, auth FROM ok
     ),
     sm AS (
       UPDATE room_summaries s
       SET ${summaryAfterEventSql({ row: "s.", position: "ok.position", eventId: "ok.event_id", prevEvents: "ok.prev", bump: "ok.bump", depth: "ok.depth" })}
       FROM ok WHERE s.room_id = ANY($2::text[]) AND s.room_id = ok.room_id
     )${notifications.ctes}
     SELECT i.n::int AS n, ok.position, dup.event_id AS existing, ${notifications.queuedOf("i.event_id")} AS queued,
       (SELECT pg_notify($3, $4) FROM pos WHERE $3::text IS NOT NULL) AS notified
     FROM inp i LEFT JOIN ok ON ok.n = i.n LEFT JOIN dup ON dup.n = i.n
     ORDER BY i.n`,
    params,
  );
  return rows.map((row): OptimisticOutcome => {
    if (row.existing) return { kind: "duplicate", existing: row.existing };
    if (row.position != null) return { kind: "stored", position: Number(row.position), queued: Number(row.queued) };
    return { kind: "stale" };
  });
}

/**
 * {@link insertMessagesIfRoomsAt} for one message, with scalar parameters.
 * Measured against the batch statement with one message on PostgreSQL 15:
 * the batch form (then with array parameters) costs ~150 µs more to execute (unnesting, materialised CTEs,
 * window functions) and ~100 µs more client CPU to encode, which a lone
 * sender, the common case, would pay on every message.
 */
async function insertMessageIfRoomAt(db: Queryable, m: OptimisticMessage, notify: { channel: string; payload: string } | undefined): Promise<OptimisticOutcome> {
  const e = m.event;
  const push = m.push;
  const params: unknown[] = [
    e.eventId, e.roomId, e.type, e.sender, e.depth, e.originServerTs, e.json, e.stateGroup, e.relatesTo, e.relType, e.threadId,
    e.containsUrl, e.txnDevice, e.txnId, e.prevEvents, e.authEvents, m.bump, m.expectedPosition, notify?.channel ?? null,
    push?.rulesEpoch ?? null, notify?.payload ?? null, e.txnScope,
  ];
  let notifications = { ctes: "", queued: "0" }; // as in the batch statement: only when something notifies
  if (push && push.groups.length > 0) {
    const groups = notificationBatchParams([push.groups]);
    const sql = notificationBatchSql({ stored: "one", rooms: "ARRAY[$2]", owners: "$23", highlights: "$24", members: "$25", actions: "$26" });
    notifications = {
      ctes: `, one AS (SELECT 1 AS n, $2::text AS room_id, $1::text AS event_id, pos.position, $27::text AS push_thread, $28::bigint AS push_ts FROM pos),
     ${sql.ctes}`,
      queued: sql.queuedOf("$1"),
    };
    params.push(groups.owners, groups.highlights, groups.members, groups.actions, push.threadId, push.ts);
  }
  const { rows } = await db.query<{ position: number | null; existing: string | null; queued: number | null }>(
    `WITH dup AS (SELECT event_id FROM events WHERE $14::text IS NOT NULL AND sender = $4 AND txn_device = $13 AND room_id = $2 AND txn_scope = $22 AND txn_id = $14),
     lk AS (
       SELECT room_id FROM room_summaries WHERE room_id = $2 AND stream_position = $18::bigint AND NOT EXISTS (SELECT 1 FROM dup)
         AND ($20::bigint IS NULL OR NOT EXISTS (SELECT 1 FROM push_rules WHERE stream_position > $20::bigint))
       FOR UPDATE
     ),
     pos AS (UPDATE weft_stream SET position = position + 1 WHERE EXISTS (SELECT 1 FROM lk) RETURNING position),
     ev AS (
       INSERT INTO events ${EVENT_INSERT_COLUMNS}
       SELECT $1, $2, pos.position, $3, NULL, $4, $5, $6, $7, NULL, false, $8::bigint, $8::bigint, $9, $10, $11, $12, $13, $14, $22,
         $15::text[], $16::text[] FROM pos
     ),
     sm AS (
       UPDATE room_summaries
       SET ${summaryAfterEventSql({ row: "", position: "pos.position", eventId: "$1", prevEvents: "$15::text[]", bump: "$17::boolean", depth: "$5::bigint" })}
       FROM pos WHERE room_id = $2
     )${notifications.ctes}
     SELECT (SELECT position FROM pos) AS position, (SELECT event_id FROM dup) AS existing,
       (SELECT pg_notify($19, $21) FROM pos WHERE $19::text IS NOT NULL) AS notified, ${notifications.queued} AS queued`,
    params,
  );
  const row = rows[0];
  if (row?.existing) return { kind: "duplicate", existing: row.existing };
  if (row?.position != null) return { kind: "stored", position: Number(row.position), queued: Number(row.queued ?? 0) };
  return { kind: "stale" };
}
