// Storage for account data (https://spec.matrix.org/v1.19/client-server-api/#client-config)
// and room tags (https://spec.matrix.org/v1.19/client-server-api/#room-tagging),
// which are the room account data type `m.tag`. Every write takes a position
// from the global stream so /sync can return what changed since a token.

import type { Queryable } from "./database.js";
import { allocateStreamPosition } from "./stream.js";

/** One account data entry. `room_id` is `""` for global account data. */
export interface AccountDataRow {
  readonly room_id: string;
  readonly type: string;
  readonly content: Record<string, unknown>;
  readonly stream_position: number;
}

/**
 * Account data over any {@link Queryable}; writes must run in a transaction
 * (they allocate a stream position).
 *
 * @example
 * ```ts
 * await db.transaction((tx) => new AccountDataStore(tx).put("@alice:example.com", "", "m.direct", {}));
 * ```
 */
export class AccountDataStore {
  constructor(private readonly db: Queryable) {}

  /** Stores content under (user, room or `""`, type). @returns the stream position of the change. */
  async put(userId: string, roomId: string, type: string, content: Record<string, unknown>): Promise<number> {
    const position = await allocateStreamPosition(this.db);
    await this.db.query(
      `INSERT INTO account_data (user_id, room_id, type, content, stream_position) VALUES ($1, $2, $3, $4::jsonb, $5)
       ON CONFLICT (user_id, room_id, type) DO UPDATE SET content = EXCLUDED.content, stream_position = EXCLUDED.stream_position`,
      [userId, roomId, type, JSON.stringify(content), position],
    );
    return position;
  }

  /** The content, locked for update inside a transaction. */
  async get(userId: string, roomId: string, type: string, forUpdate = false): Promise<Record<string, unknown> | undefined> {
    const { rows } = await this.db.query<{ content: Record<string, unknown> }>(
      `SELECT content FROM account_data WHERE user_id = $1 AND room_id = $2 AND type = $3${forUpdate ? " FOR UPDATE" : ""}`,
      [userId, roomId, type],
    );
    return rows[0]?.content;
  }

  /**
   * Entries changed after `since` up to and including `upTo` (all entries when
   * `since` is 0), global and per room, for /sync.
   */
  async changedSince(userId: string, since: number, upTo: number): Promise<AccountDataRow[]> {
    const { rows } = await this.db.query<AccountDataRow>(
      "SELECT room_id, type, content, stream_position FROM account_data WHERE user_id = $1 AND stream_position > $2 AND stream_position <= $3 ORDER BY stream_position",
      [userId, since, upTo],
    );
    return rows.map((r) => ({ ...r, stream_position: Number(r.stream_position) }));
  }
}
