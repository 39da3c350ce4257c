// Storage for presence: https://spec.matrix.org/v1.19/client-server-api/#presence
// Each change takes a position from the global stream, for /sync.

import type { Queryable } from "./database.js";
import { allocateStreamPosition } from "./stream.js";

/** A stored presence state. */
export interface PresenceRow {
  readonly user_id: string;
  readonly presence: string;
  readonly status_msg: string | null;
  readonly last_active_ts: number;
  readonly stream_position: number;
}

/**
 * Presence over any {@link Queryable}; writes must run in a transaction.
 *
 * @example
 * ```ts
 * await db.transaction((tx) => new PresenceStore(tx).set({ userId, presence: "online", statusMsg: null, now: Date.now() }));
 * ```
 */
export class PresenceStore {
  constructor(private readonly db: Queryable) {}

  /** @returns the stream position of the change. */
  async set(state: { userId: string; presence: string; statusMsg: string | null; now: number }): Promise<number> {
    const position = await allocateStreamPosition(this.db);
    await this.db.query(
      `INSERT INTO presence (user_id, presence, status_msg, last_active_ts, stream_position) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (user_id) DO UPDATE SET presence = EXCLUDED.presence, status_msg = EXCLUDED.status_msg,
         last_active_ts = EXCLUDED.last_active_ts, stream_position = EXCLUDED.stream_position`,
      [state.userId, state.presence, state.statusMsg, state.now, position],
    );
    return position;
  }

  /** Refreshes the last-active time without a new stream position (no one is woken). */
  async touch(userId: string, now: number): Promise<void> {
    await this.db.query("UPDATE presence SET last_active_ts = $2 WHERE user_id = $1", [userId, now]);
  }

  async get(userId: string): Promise<PresenceRow | undefined> {
    const { rows } = await this.db.query<PresenceRow>("SELECT * FROM presence WHERE user_id = $1", [userId]);
    return rows[0];
  }

  /** Presence of `userIds` changed after `since` up to `upTo`, for /sync. */
  async changedSince(userIds: readonly string[], since: number, upTo: number): Promise<PresenceRow[]> {
    if (userIds.length === 0) return [];
    const { rows } = await this.db.query<PresenceRow>(
      "SELECT * FROM presence WHERE user_id = ANY($1::text[]) AND stream_position > $2 AND stream_position <= $3 ORDER BY stream_position",
      [[...userIds], since, upTo],
    );
    return rows;
  }
}
