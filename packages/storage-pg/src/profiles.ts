// Storage for profiles: https://spec.matrix.org/v1.19/client-server-api/#profiles
// One row per (user, field); values are any JSON.

import type { Queryable } from "./database.js";

/**
 * Profile fields over any {@link Queryable}.
 *
 * @example
 * ```ts
 * await new ProfilesStore(db).setField("@alice:example.com", "displayname", "Alice");
 * ```
 */
export class ProfilesStore {
  constructor(private readonly db: Queryable) {}

  /** Every field of a user's profile. */
  async getProfile(userId: string): Promise<Record<string, unknown>> {
    const { rows } = await this.db.query<{ key: string; value: unknown }>("SELECT key, value FROM profiles WHERE user_id = $1 ORDER BY key", [userId]);
    return Object.fromEntries(rows.map((r) => [r.key, r.value]));
  }

  async setField(userId: string, key: string, value: unknown): Promise<void> {
    await this.db.query(
      "INSERT INTO profiles (user_id, key, value) VALUES ($1, $2, $3::jsonb) ON CONFLICT (user_id, key) DO UPDATE SET value = EXCLUDED.value",
      [userId, key, JSON.stringify(value)],
    );
  }

  /** @returns whether the field existed. */
  async deleteField(userId: string, key: string): Promise<boolean> {
    const { rowCount } = await this.db.query("DELETE FROM profiles WHERE user_id = $1 AND key = $2", [userId, key]);
    return rowCount > 0;
  }
}
