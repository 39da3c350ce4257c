// Storage for push rulesets: https://spec.matrix.org/v1.19/client-server-api/#push-rules
// An account without a row uses the server-default ruleset.

import type { Queryable } from "./database.js";
import { allocateStreamPosition } from "./stream.js";

/**
 * Each account's edited push ruleset over any {@link Queryable}; writes must
 * run in a transaction (they allocate a stream position, for /sync's
 * `m.push_rules` account data).
 *
 * @example
 * ```ts
 * const stored = await new PushRulesStore(db).get("@alice:example.com"); // undefined: use the default
 * ```
 */
export class PushRulesStore {
  constructor(private readonly db: Queryable) {}

  async get(userId: string, forUpdate = false): Promise<{ ruleset: Record<string, unknown>; stream_position: number } | undefined> {
    const { rows } = await this.db.query<{ ruleset: Record<string, unknown>; stream_position: number }>(
      `SELECT ruleset, stream_position FROM push_rules WHERE user_id = $1${forUpdate ? " FOR UPDATE" : ""}`,
      [userId],
    );
    return rows[0];
  }

  /** @returns the stream position of the change. */
  async put(userId: string, ruleset: Record<string, unknown>): Promise<number> {
    const position = await allocateStreamPosition(this.db);
    await this.db.query(
      `INSERT INTO push_rules (user_id, ruleset, stream_position) VALUES ($1, $2::jsonb, $3)
       ON CONFLICT (user_id) DO UPDATE SET ruleset = EXCLUDED.ruleset, stream_position = EXCLUDED.stream_position`,
      [userId, JSON.stringify(ruleset), position],
    );
    return position;
  }
}
