// Receipts: https://spec.matrix.org/v1.19/client-server-api/#receipts — one row
// per (room, type, user, thread), replaced as the user reads on, each write at a
// new global stream position so incremental sync can find it.

import type { Queryable } from "./database.js";
import { allocateStreamPosition } from "./stream.js";

/** A stored receipt. */
export interface ReceiptRow {
  room_id: string;
  receipt_type: string;
  user_id: string;
  thread_id: string;
  event_id: string;
  ts: number;
  stream_position: number;
}

/** Writes a receipt at a new stream position; returns the position. */
export async function putReceipt(
  db: { transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> },
  r: { roomId: string; receiptType: string; userId: string; threadId: string; eventId: string; ts: number },
): Promise<number> {
  return db.transaction(async (tx) => {
    const position = await allocateStreamPosition(tx);
    await tx.query(
      `INSERT INTO receipts (room_id, receipt_type, user_id, thread_id, event_id, ts, stream_position) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (room_id, receipt_type, user_id, thread_id) DO UPDATE SET event_id = EXCLUDED.event_id, ts = EXCLUDED.ts, stream_position = EXCLUDED.stream_position`,
      [r.roomId, r.receiptType, r.userId, r.threadId, r.eventId, r.ts, position],
    );
    return position;
  });
}

/** Receipts in rooms changed after `since` (all when undefined). */
export async function receiptsSince(db: Queryable, roomIds: readonly string[], since: number | undefined, upTo: number): Promise<ReceiptRow[]> {
  if (roomIds.length === 0) return [];
  // Bounded above by the sync's position: a receipt moved by a later write is
  // delivered once, by the sync whose window contains its new position.
  const { rows } = await db.query<ReceiptRow>(
    "SELECT * FROM receipts WHERE room_id = ANY($1::text[]) AND stream_position > $2 AND stream_position <= $3 ORDER BY stream_position",
    [roomIds, since ?? -1, upTo],
  );
  return rows;
}

/** A user's receipt of a type in a room (unthreaded or `main`), for unread counts. */
export async function latestReceiptPosition(db: Queryable, roomId: string, userId: string): Promise<number | undefined> {
  const { rows } = await db.query<{ p: number | null }>(
    `SELECT max(e.stream_position) AS p FROM receipts r JOIN events e ON e.event_id = r.event_id
     WHERE r.room_id = $1 AND r.user_id = $2 AND r.receipt_type IN ('m.read', 'm.read.private') AND r.thread_id IN ('', 'main')`,
    [roomId, userId],
  );
  return rows[0]?.p == null ? undefined : Number(rows[0].p);
}

/** Counts events after position `after` in a room not sent by `userId` (a simple unread count). */
export async function countUnread(db: Queryable, roomId: string, userId: string, after: number): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM events WHERE room_id = $1 AND stream_position > $2 AND sender <> $3
     AND state_key IS NULL AND type IN ('m.room.message', 'm.room.encrypted', 'm.sticker', 'm.call.invite', 'm.poll.start')`,
    [roomId, after, userId],
  );
  return Number(rows[0]?.n ?? 0);
}

/**
 * A simple unread count in one query: messages by others after the user's
 * latest unthreaded/main read receipt (or after `fallback`, their join, when
 * they have none).
 */
export async function unreadCount(db: Queryable, roomId: string, userId: string, fallback: number): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM events WHERE room_id = $1 AND sender <> $2 AND state_key IS NULL
       AND type IN ('m.room.message', 'm.room.encrypted', 'm.sticker', 'm.call.invite', 'm.poll.start')
       AND stream_position > COALESCE((
         SELECT max(e.stream_position) FROM receipts r JOIN events e ON e.event_id = r.event_id
         WHERE r.room_id = $1 AND r.user_id = $2 AND r.receipt_type IN ('m.read', 'm.read.private') AND r.thread_id IN ('', 'main')
       ), $3)`,
    [roomId, userId, fallback],
  );
  return Number(rows[0]?.n ?? 0);
}
