// Storage for push rules: https://spec.matrix.org/v1.19/client-server-api/#push-rules
// One row per account that edited its rules; the row holds what the service
// gives it (Weft stores the user's own rules plus overrides of the default
// rules' `enabled`/`actions`, so server-default updates still reach users).
// An account without a row uses the server-default ruleset. Every write takes
// a new global stream position; evaluators follow edits through
// {@link PushRulesStore.changedSince} as a change feed.

import type { Queryable } from "./database.js";
import { allocateStreamPosition } from "./stream.js";

/** A stored push-rules document and the stream position of its last change. */
export interface PushRulesRow {
  user_id: string;
  ruleset: Record<string, unknown>;
  stream_position: number;
}

/**
 * Each account's edited push rules over any {@link Queryable}; writes must run
 * in a transaction (they allocate a stream position).
 *
 * @example
 * ```ts
 * const stored = await new PushRulesStore(db).get("@alice:example.com"); // undefined: use the default
 * ```
 */
export class PushRulesStore {
  constructor(private readonly db: Queryable) {}

  /** The stored document, optionally locked for update. */
  async get(userId: string, forUpdate = false): Promise<{ ruleset: Record<string, unknown>; stream_position: number } | undefined> {
    const { rows } = await this.db.query<{ ruleset: Record<string, unknown>; stream_position: number }>(
      `SELECT ruleset, stream_position FROM push_rules WHERE user_id = $1${forUpdate ? " FOR UPDATE" : ""}`,
      [userId],
    );
    const row = rows[0];
    return row ? { ruleset: row.ruleset, stream_position: Number(row.stream_position) } : undefined;
  }

  /** Stores the document. @returns the stream position of the change. */
  async put(userId: string, ruleset: Record<string, unknown>): Promise<number> {
    const position = await allocateStreamPosition(this.db);
    await this.db.query(
      `INSERT INTO push_rules (user_id, ruleset, stream_position) VALUES ($1, $2::jsonb, $3)
       ON CONFLICT (user_id) DO UPDATE SET ruleset = EXCLUDED.ruleset, stream_position = EXCLUDED.stream_position`,
      [userId, JSON.stringify(ruleset), position],
    );
    return position;
  }

  /** Documents of the given users (absent: server default). */
  async getMany(userIds: readonly string[]): Promise<PushRulesRow[]> {
    if (userIds.length === 0) return [];
    const { rows } = await this.db.query<PushRulesRow>("SELECT user_id, ruleset, stream_position FROM push_rules WHERE user_id = ANY($1::text[])", [userIds]);
    return rows.map((r) => ({ ...r, stream_position: Number(r.stream_position) }));
  }

  /**
   * Users whose rules changed after `position`, with their new positions (no
   * documents: callers load those they need), ordered by position.
   */
  async changedSince(position: number): Promise<{ user_id: string; stream_position: number }[]> {
    const { rows } = await this.db.query<{ user_id: string; stream_position: number }>(
      "SELECT user_id, stream_position FROM push_rules WHERE stream_position > $1 ORDER BY stream_position",
      [position],
    );
    return rows.map((r) => ({ user_id: r.user_id, stream_position: Number(r.stream_position) }));
  }
}
