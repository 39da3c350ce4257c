// The durable push delivery queue: https://spec.matrix.org/v1.19/push-gateway-api/
// Rows are queued in the event's transaction (see notifications.ts). Workers
// in any number of processes claim due rows with `FOR UPDATE SKIP LOCKED`,
// moving `next_attempt_ts` forward by a lease in the same statement, so a
// claimed row is invisible to other workers until the lease runs out — and
// comes back by itself if its worker dies. Success deletes the row; failure
// reschedules it.

import type { Queryable } from "./database.js";

/** A queued delivery. */
export interface PushQueueRow {
  id: number;
  pusher_id: number;
  user_id: string;
  room_id: string;
  event_id: string;
  stream_position: number;
  actions: unknown[];
  /** Attempts so far, this claim included. */
  attempts: number;
  next_attempt_ts: number;
  last_error: string | null;
}

function fromDb(r: PushQueueRow): PushQueueRow {
  return { ...r, id: Number(r.id), pusher_id: Number(r.pusher_id), stream_position: Number(r.stream_position), attempts: Number(r.attempts), next_attempt_ts: Number(r.next_attempt_ts) };
}

/**
 * Claims up to `limit` due deliveries (next attempt at or before `now`),
 * oldest first, leasing them until `now + leaseMs`.
 * @example
 * ```ts
 * const rows = await claimPushes(db, Date.now(), 30_000, 20);
 * ```
 */
export async function claimPushes(db: Queryable, now: number, leaseMs: number, limit: number): Promise<PushQueueRow[]> {
  const { rows } = await db.query<PushQueueRow>(
    `UPDATE push_queue SET next_attempt_ts = $2, attempts = attempts + 1
     WHERE id IN (SELECT id FROM push_queue WHERE next_attempt_ts <= $1 ORDER BY next_attempt_ts, id LIMIT $3 FOR UPDATE SKIP LOCKED)
     RETURNING *`,
    [now, now + leaseMs, limit],
  );
  return rows.map(fromDb).sort((a, b) => a.id - b.id);
}

/** Removes a delivered (or abandoned) row. */
export async function completePush(db: Queryable, id: number): Promise<void> {
  await db.query("DELETE FROM push_queue WHERE id = $1", [id]);
}

/** Reschedules a failed delivery. */
export async function retryPush(db: Queryable, id: number, nextAttemptTs: number, error: string): Promise<void> {
  await db.query("UPDATE push_queue SET next_attempt_ts = $2, last_error = $3 WHERE id = $1", [id, nextAttemptTs, error.slice(0, 500)]);
}

/** Every queued row (tests and operators), oldest first. */
export async function pendingPushes(db: Queryable): Promise<PushQueueRow[]> {
  const { rows } = await db.query<PushQueueRow>("SELECT * FROM push_queue ORDER BY id");
  return rows.map(fromDb);
}
