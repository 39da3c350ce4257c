// Storage for notifications: https://spec.matrix.org/v1.19/client-server-api/#receiving-notifications
// One row per (user, event) that a user's push rules said to notify about,
// written inside the event's transaction together with the push deliveries
// for the user's HTTP pushers. Unread counts are computed when read, against
// the user's read receipts (https://spec.matrix.org/v1.19/client-server-api/#receipts):
// an unthreaded receipt clears everything up to its event; a threaded one
// (`main` or a thread root) clears its own thread.

import type { Queryable } from "./database.js";

/** The notifications of one event (all rows share the event). */
export interface NotificationBatch {
  readonly roomId: string;
  readonly eventId: string;
  readonly streamPosition: number;
  /** The thread root, or null for the main timeline. */
  readonly threadId: string | null;
  readonly ts: number;
  /** Users to notify, with per-user highlight and an index into `actions`. */
  readonly userIds: readonly string[];
  readonly highlights: readonly boolean[];
  readonly actionIndexes: readonly number[];
  /** Distinct action lists (JSON values), shared by index. */
  readonly actions: readonly unknown[];
}

/** A stored notification. */
export interface NotificationRow {
  user_id: string;
  room_id: string;
  event_id: string;
  stream_position: number;
  thread_id: string | null;
  highlight: boolean;
  actions: unknown[];
  ts: number;
}

/** Unread counts of one (room, thread) group; `threadId` null is the main timeline. */
export interface UnreadCountRow {
  room_id: string;
  thread_id: string | null;
  notification_count: number;
  highlight_count: number;
}

/**
 * Inserts the notifications of one event and queues a delivery for each HTTP
 * pusher of each notified user, in one statement (run it inside the event's
 * transaction).
 * @returns how many deliveries were queued.
 * @example
 * ```ts
 * await insertNotifications(tx, { roomId, eventId, streamPosition, threadId: null, ts, userIds: ["@bob:example.com"], highlights: [false], actionIndexes: [0], actions: [["notify"]] });
 * ```
 */
export async function insertNotifications(tx: Queryable, batch: NotificationBatch): Promise<number> {
  if (batch.userIds.length === 0) return 0;
  const { rows } = await tx.query<{ n: number }>(
    `WITH ins AS (
       INSERT INTO notifications (user_id, room_id, event_id, stream_position, thread_id, highlight, actions, ts)
       SELECT t.u, $2, $3, $4, $5, t.h, ($6::jsonb) -> t.i, $7
       FROM unnest($1::text[], $8::bool[], $9::int[]) AS t(u, h, i)
       RETURNING user_id, actions
     ), queued AS (
       INSERT INTO push_queue (pusher_id, user_id, room_id, event_id, stream_position, actions, next_attempt_ts)
       SELECT p.id, ins.user_id, $2, $3, $4, ins.actions, $7
       FROM ins JOIN pushers p ON p.user_id = ins.user_id AND p.kind = 'http'
       RETURNING 1
     )
     SELECT count(*)::int AS n FROM queued`,
    [batch.userIds, batch.roomId, batch.eventId, batch.streamPosition, batch.threadId, JSON.stringify(batch.actions), batch.ts, batch.highlights, batch.actionIndexes],
  );
  return Number(rows[0]?.n ?? 0);
}

// The receipt positions of a user per (room, thread): '' is unthreaded.
const RECEIPT_POSITIONS = `
  SELECT r.room_id, r.thread_id, max(e.stream_position) AS p
  FROM receipts r JOIN events e ON e.event_id = r.event_id
  WHERE r.user_id = $1 AND r.room_id = ANY($2::text[]) AND r.receipt_type IN ('m.read', 'm.read.private')
  GROUP BY r.room_id, r.thread_id`;

/**
 * Unread notification counts of a user in the given rooms, per (room, thread):
 * notifications after both the unthreaded receipt and the receipt of their
 * thread (`main` for the main timeline).
 * @example
 * ```ts
 * const rows = await unreadCounts(db, "@bob:example.com", [roomId]);
 * ```
 */
export async function unreadCounts(db: Queryable, userId: string, roomIds: readonly string[]): Promise<UnreadCountRow[]> {
  if (roomIds.length === 0) return [];
  const { rows } = await db.query<UnreadCountRow>(
    `WITH r AS (${RECEIPT_POSITIONS})
     SELECT n.room_id, n.thread_id, count(*)::int AS notification_count, (count(*) FILTER (WHERE n.highlight))::int AS highlight_count
     FROM notifications n
     LEFT JOIN r u ON u.room_id = n.room_id AND u.thread_id = ''
     LEFT JOIN r t ON t.room_id = n.room_id AND t.thread_id = COALESCE(n.thread_id, 'main')
     WHERE n.user_id = $1 AND n.room_id = ANY($2::text[])
       AND n.stream_position > GREATEST(COALESCE(u.p, 0), COALESCE(t.p, 0))
     GROUP BY n.room_id, n.thread_id`,
    [userId, roomIds],
  );
  return rows.map((r) => ({ ...r, notification_count: Number(r.notification_count), highlight_count: Number(r.highlight_count) }));
}

/**
 * A user's unread notifications across the rooms they are joined to, and how
 * many of them are calls (`m.call.invite`), for push gateway `counts`.
 */
export async function unreadTotals(db: Queryable, userId: string): Promise<{ unread: number; missed_calls: number }> {
  const { rows } = await db.query<{ unread: number; missed_calls: number }>(
    `WITH rooms AS (SELECT room_id FROM room_memberships WHERE user_id = $1 AND membership = 'join'),
     r AS (${RECEIPT_POSITIONS.replace("ANY($2::text[])", "ANY(SELECT room_id FROM rooms)")})
     SELECT count(*)::int AS unread, (count(*) FILTER (WHERE e.type = 'm.call.invite'))::int AS missed_calls
     FROM notifications n
     JOIN events e ON e.event_id = n.event_id
     LEFT JOIN r u ON u.room_id = n.room_id AND u.thread_id = ''
     LEFT JOIN r t ON t.room_id = n.room_id AND t.thread_id = COALESCE(n.thread_id, 'main')
     WHERE n.user_id = $1 AND n.room_id IN (SELECT room_id FROM rooms)
       AND n.stream_position > GREATEST(COALESCE(u.p, 0), COALESCE(t.p, 0))`,
    [userId],
  );
  return { unread: Number(rows[0]?.unread ?? 0), missed_calls: Number(rows[0]?.missed_calls ?? 0) };
}

/**
 * A page of a user's notifications, newest first, strictly before stream
 * position `before` (all when undefined), optionally only highlights.
 */
export async function listNotifications(
  db: Queryable,
  userId: string,
  options: { before?: number | undefined; limit: number; onlyHighlight: boolean },
): Promise<NotificationRow[]> {
  const { rows } = await db.query<NotificationRow>(
    `SELECT user_id, room_id, event_id, stream_position, thread_id, highlight, actions, ts FROM notifications
     WHERE user_id = $1 AND stream_position < $2 ${options.onlyHighlight ? "AND highlight" : ""}
     ORDER BY stream_position DESC LIMIT $3`,
    [userId, options.before ?? Number.MAX_SAFE_INTEGER, options.limit],
  );
  return rows.map((r) => ({ ...r, stream_position: Number(r.stream_position), ts: Number(r.ts) }));
}

/**
 * Receipt positions of a user in some rooms: `room_id` → thread (`""` for
 * unthreaded) → stream position of the receipted event.
 */
export async function receiptPositions(db: Queryable, userId: string, roomIds: readonly string[]): Promise<Map<string, Map<string, number>>> {
  const out = new Map<string, Map<string, number>>();
  if (roomIds.length === 0) return out;
  const { rows } = await db.query<{ room_id: string; thread_id: string; p: number }>(RECEIPT_POSITIONS, [userId, roomIds]);
  for (const r of rows) {
    let m = out.get(r.room_id);
    if (!m) out.set(r.room_id, (m = new Map()));
    m.set(r.thread_id, Number(r.p));
  }
  return out;
}
