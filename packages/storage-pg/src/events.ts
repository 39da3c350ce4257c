// Room events (PDUs) and their DAG: https://spec.matrix.org/v1.19/server-server-api/#pdus.
// The JSON column holds the event exactly as it was signed; everything else is
// extracted from it for queries, prev_events and auth_events among them (the
// DAG's edges, as arrays). Auth chains are walked with a recursive query, a
// primary-key lookup per step.

import type { Queryable } from "./database.js";

/** An event row as stored. */
export interface StoredEvent {
  event_id: string;
  room_id: string;
  stream_position: number | null;
  type: string;
  state_key: string | null;
  sender: string;
  depth: number;
  origin_server_ts: number;
  /** The signed event, as canonical JSON text. */
  json: string;
  /** Server-side unsigned additions (prev_content, prev_sender, replaces_state). */
  unsigned: Record<string, unknown> | null;
  redacted_by: string | null;
  relates_to: string | null;
  rel_type: string | null;
  thread_id: string | null;
  txn_device: string | null;
  txn_id: string | null;
  state_group_before: number | null;
  state_group_after: number | null;
}

/** What {@link insertEvent} writes. */
export interface NewEvent {
  eventId: string;
  roomId: string;
  streamPosition: number | null;
  type: string;
  stateKey: string | null;
  sender: string;
  depth: number;
  originServerTs: number;
  json: string;
  unsigned: Record<string, unknown> | null;
  outlier?: boolean;
  stateGroupBefore: number | null;
  stateGroupAfter: number | null;
  relatesTo: string | null;
  relType: string | null;
  threadId: string | null;
  containsUrl: boolean;
  txnDevice: string | null;
  /** The endpoint a transaction ID is scoped to besides the room: `send/{type}` or `redact/{eventId}`. */
  txnScope: string | null;
  txnId: string | null;
  prevEvents: readonly string[];
  authEvents: readonly string[];
}

/** The columns every statement that stores an event writes, in the order their values follow. */
export const EVENT_INSERT_COLUMNS = `(event_id, room_id, stream_position, type, state_key, sender, depth, origin_server_ts, json, unsigned,
  outlier, state_group_before, state_group_after, relates_to, rel_type, thread_id, contains_url, txn_device, txn_id, txn_scope,
  prev_events, auth_events)`;

/**
 * The SET list that moves a room's summary row past a new event (all SQL
 * expressions): its stream position, forward extremities (the event's prev
 * events leave, the event joins), bump stamp and depth. `row` prefixes the
 * summary's own columns (an alias with its dot, or "").
 */
export function summaryAfterEventSql(e: { row: string; position: string; eventId: string; prevEvents: string; bump: string; depth: string }): string {
  return `stream_position = ${e.position},
         forward_extremities = array_append(ARRAY(SELECT x FROM unnest(${e.row}forward_extremities) AS x WHERE x <> ALL(${e.prevEvents})), ${e.eventId}),
         bump_stamp = CASE WHEN ${e.bump} THEN ${e.position} ELSE ${e.row}bump_stamp END,
         max_depth = GREATEST(${e.row}max_depth, ${e.depth})`;
}

const COLUMNS =
  "event_id, room_id, stream_position, type, state_key, sender, depth, origin_server_ts, json, unsigned, redacted_by, relates_to, rel_type, thread_id, txn_device, txn_id, state_group_before, state_group_after";

/**
 * Inserts an event with its DAG and auth edges.
 *
 * @example
 * ```ts
 * await insertEvent(tx, { eventId, roomId, streamPosition: 7, … });
 * ```
 */
export async function insertEvent(tx: Queryable, e: NewEvent): Promise<void> {
  await tx.query(
    `INSERT INTO events ${EVENT_INSERT_COLUMNS}
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$22,$20,$21)`,
    [
      e.eventId, e.roomId, e.streamPosition, e.type, e.stateKey, e.sender, e.depth, e.originServerTs, e.json,
      e.unsigned === null ? null : JSON.stringify(e.unsigned), e.outlier ?? false, e.stateGroupBefore, e.stateGroupAfter,
      e.relatesTo, e.relType, e.threadId, e.containsUrl, e.txnDevice, e.txnId, e.prevEvents, e.authEvents, e.txnScope,
    ],
  );
}

/** Events by ID (missing IDs are absent from the result). */
export async function getEventsById(db: Queryable, eventIds: readonly string[]): Promise<Map<string, StoredEvent>> {
  const out = new Map<string, StoredEvent>();
  if (eventIds.length === 0) return out;
  const { rows } = await db.query<StoredEvent>(`SELECT ${COLUMNS} FROM events WHERE event_id = ANY($1::text[])`, [eventIds]);
  for (const row of rows) out.set(row.event_id, row);
  return out;
}

/** One event by ID. */
export async function getEventById(db: Queryable, eventId: string): Promise<StoredEvent | undefined> {
  return (await getEventsById(db, [eventId])).get(eventId);
}

/** Where a transaction ID is unique: one device, one endpoint (room and `send/{type}` or `redact/{eventId}`). */
export interface TransactionKey {
  readonly sender: string;
  readonly device: string;
  readonly roomId: string;
  readonly scope: string;
  readonly txnId: string;
}

/** The event a device already sent with this transaction ID to this endpoint, if any. */
export async function eventIdForTransaction(db: Queryable, key: TransactionKey): Promise<string | undefined> {
  const { rows } = await db.query<{ event_id: string }>(
    "SELECT event_id FROM events WHERE sender = $1 AND txn_device = $2 AND room_id = $3 AND txn_scope = $4 AND txn_id = $5",
    [key.sender, key.device, key.roomId, key.scope, key.txnId],
  );
  return rows[0]?.event_id;
}

/** Marks `eventId` redacted by `redactionId`. */
export async function markRedacted(tx: Queryable, eventId: string, redactionId: string): Promise<void> {
  await tx.query("UPDATE events SET redacted_by = $2 WHERE event_id = $1 AND redacted_by IS NULL", [eventId, redactionId]);
}

/** A RoomEventFilter's SQL-able parts (https://spec.matrix.org/v1.19/client-server-api/#filtering). */
export interface EventFilterSql {
  types?: readonly string[] | undefined;
  notTypes?: readonly string[] | undefined;
  senders?: readonly string[] | undefined;
  notSenders?: readonly string[] | undefined;
  containsUrl?: boolean | undefined;
}

/** Options for {@link roomEvents}. */
export interface RoomEventsQuery {
  roomId: string;
  /** Exclusive lower bound of stream positions. */
  after?: number | undefined;
  /** Inclusive upper bound of stream positions. */
  upTo?: number | undefined;
  direction: "forward" | "backward";
  limit: number;
  filter?: EventFilterSql | undefined;
  /** Only events of this thread (`thread_id`), or the root itself. */
  threadId?: string | undefined;
}

function globToLike(pattern: string): string {
  return pattern.replace(/[\\%_]/g, (c) => "\\" + c).replace(/\*/g, "%");
}

/** Appends filter conditions to `where`, pushing parameters. */
export function appendEventFilter(filter: EventFilterSql | undefined, where: string[], params: unknown[], alias = ""): void {
  if (!filter) return;
  const col = (c: string): string => (alias ? `${alias}.${c}` : c);
  if (filter.types) {
    if (filter.types.length === 0) where.push("false");
    else {
      params.push(filter.types.map(globToLike));
      where.push(`${col("type")} LIKE ANY($${params.length}::text[])`);
    }
  }
  if (filter.notTypes && filter.notTypes.length > 0) {
    params.push(filter.notTypes.map(globToLike));
    where.push(`NOT (${col("type")} LIKE ANY($${params.length}::text[]))`);
  }
  if (filter.senders) {
    params.push(filter.senders);
    where.push(`${col("sender")} = ANY($${params.length}::text[])`);
  }
  if (filter.notSenders && filter.notSenders.length > 0) {
    params.push(filter.notSenders);
    where.push(`NOT (${col("sender")} = ANY($${params.length}::text[]))`);
  }
  if (filter.containsUrl !== undefined) where.push(filter.containsUrl ? `${col("contains_url")}` : `NOT ${col("contains_url")}`);
}

/**
 * A page of a room's timeline in stream order.
 *
 * @example
 * ```ts
 * const page = await roomEvents(db, { roomId, upTo: 100, direction: "backward", limit: 10 });
 * ```
 */
export async function roomEvents(db: Queryable, q: RoomEventsQuery): Promise<StoredEvent[]> {
  const params: unknown[] = [q.roomId];
  const where = ["room_id = $1", "stream_position IS NOT NULL", "NOT soft_failed", "rejected_reason IS NULL"];
  if (q.after !== undefined) {
    params.push(q.after);
    where.push(`stream_position > $${params.length}`);
  }
  if (q.upTo !== undefined) {
    params.push(q.upTo);
    where.push(`stream_position <= $${params.length}`);
  }
  if (q.threadId !== undefined) {
    params.push(q.threadId);
    where.push(`(thread_id = $${params.length} OR event_id = $${params.length})`);
  }
  appendEventFilter(q.filter, where, params);
  params.push(q.limit);
  const order = q.direction === "forward" ? "ASC" : "DESC";
  const { rows } = await db.query<StoredEvent>(
    `SELECT ${COLUMNS} FROM events WHERE ${where.join(" AND ")} ORDER BY stream_position ${order} LIMIT $${params.length}`,
    params,
  );
  return rows;
}

/** Events relating to `eventId` (https://spec.matrix.org/v1.19/client-server-api/#relationships-api). */
export async function relatedEvents(
  db: Queryable,
  q: { roomId: string; eventId: string; relType?: string | undefined; eventType?: string | undefined; before?: number | undefined; after?: number | undefined; direction: "forward" | "backward"; limit: number },
): Promise<StoredEvent[]> {
  const params: unknown[] = [q.roomId, q.eventId];
  const where = ["room_id = $1", "relates_to = $2", "stream_position IS NOT NULL"];
  if (q.relType !== undefined) {
    params.push(q.relType);
    where.push(`rel_type = $${params.length}`);
  }
  if (q.eventType !== undefined) {
    params.push(q.eventType);
    where.push(`type = $${params.length}`);
  }
  if (q.before !== undefined) {
    params.push(q.before);
    where.push(`stream_position <= $${params.length}`);
  }
  if (q.after !== undefined) {
    params.push(q.after);
    where.push(`stream_position > $${params.length}`);
  }
  params.push(q.limit);
  const { rows } = await db.query<StoredEvent>(
    `SELECT ${COLUMNS} FROM events WHERE ${where.join(" AND ")} ORDER BY stream_position ${q.direction === "forward" ? "ASC" : "DESC"} LIMIT $${params.length}`,
    params,
  );
  return rows;
}

/** Thread roots of a room with their latest reply position, newest activity first. */
export async function threadRoots(
  db: Queryable,
  q: { roomId: string; before?: number | undefined; limit: number; participant?: string | undefined },
): Promise<{ root: StoredEvent; latest: number; count: number }[]> {
  const params: unknown[] = [q.roomId];
  let having = "";
  if (q.participant !== undefined) {
    params.push(q.participant);
    having = ` HAVING bool_or(t.sender = $${params.length})`;
  }
  const outer: string[] = [];
  if (q.before !== undefined) {
    params.push(q.before);
    outer.push(`latest <= $${params.length}`);
  }
  params.push(q.limit);
  const { rows } = await db.query<StoredEvent & { latest: number; reply_count: number; participated: boolean }>(
    `WITH th AS (
       SELECT t.thread_id, max(t.stream_position) AS latest, count(*)::int AS reply_count
       FROM events t WHERE t.room_id = $1 AND t.thread_id IS NOT NULL AND t.stream_position IS NOT NULL
       GROUP BY t.thread_id${having}
     )
     SELECT ${COLUMNS.split(", ").map((c) => "e." + c).join(", ")}, th.latest, th.reply_count FROM th JOIN events e ON e.event_id = th.thread_id
     ${outer.length ? "WHERE " + outer.join(" AND ") : ""}
     ORDER BY th.latest DESC LIMIT $${params.length}`,
    params,
  );
  return rows.map((r) => ({ root: r, latest: Number(r.latest), count: Number(r.reply_count) }));
}

/**
 * The auth chain of the given events: every event reachable through
 * `auth_events`, recursively (https://spec.matrix.org/v1.19/server-server-api/#auth-events-selection).
 */
export async function authChainIds(db: Queryable, eventIds: readonly string[]): Promise<string[]> {
  const { rows } = await db.query<{ auth_event_id: string }>(
    `WITH RECURSIVE chain(auth_event_id) AS (
       SELECT a FROM events e CROSS JOIN LATERAL unnest(e.auth_events) AS a WHERE e.event_id = ANY($1::text[])
       UNION SELECT a FROM chain c JOIN events e ON e.event_id = c.auth_event_id CROSS JOIN LATERAL unnest(e.auth_events) AS a
     ) SELECT auth_event_id FROM chain`,
    [eventIds],
  );
  return rows.map((r) => r.auth_event_id);
}

/**
 * The send path in one statement: allocates the next global stream position
 * (locking the stream row until commit), inserts the event with its DAG and
 * auth edges, moves the room's forward extremities and updates its summary row
 * (position, bump stamp, depth, state group).
 *
 * @returns the event's stream position.
 */
export async function insertEventAtNextPosition(
  tx: Queryable,
  e: Omit<NewEvent, "streamPosition">,
  summary: { bump: boolean },
): Promise<number> {
  const { rows } = await tx.query<{ position: number }>(
    `WITH pos AS (UPDATE weft_stream SET position = position + 1 RETURNING position),
     ev AS (
       INSERT INTO events ${EVENT_INSERT_COLUMNS}
       SELECT $1, $2, pos.position, $3, $4, $5, $6, $7, $8, $9::jsonb, false, $10::bigint, $11::bigint, $12, $13, $14, $15, $16, $17, $21,
         $18::text[], $19::text[] FROM pos
     ),
     sm AS (
       UPDATE room_summaries
       SET ${summaryAfterEventSql({ row: "", position: "pos.position", eventId: "$1", prevEvents: "$18::text[]", bump: "$20::boolean", depth: "$6::bigint" })},
         state_group = COALESCE($11::bigint, state_group)
       FROM pos WHERE room_id = $2
     )
     SELECT position FROM pos`,
    [
      e.eventId, e.roomId, e.type, e.stateKey, e.sender, e.depth, e.originServerTs, e.json,
      e.unsigned === null ? null : JSON.stringify(e.unsigned), e.stateGroupBefore, e.stateGroupAfter,
      e.relatesTo, e.relType, e.threadId, e.containsUrl, e.txnDevice, e.txnId, e.prevEvents, e.authEvents, summary.bump, e.txnScope,
    ],
  );
  return Number(rows[0]!.position);
}
