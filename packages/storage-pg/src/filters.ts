// Storage for filters: https://spec.matrix.org/v1.19/client-server-api/#filtering

import type { Queryable } from "./database.js";

/**
 * Uploaded filters, kept as sent. Filter IDs are decimal strings (never
 * starting with `{`, so /sync can tell an ID from inline JSON).
 *
 * @example
 * ```ts
 * const id = await new FiltersStore(db).insert("@alice:example.com", { room: { timeline: { limit: 10 } } });
 * ```
 */
export class FiltersStore {
  constructor(private readonly db: Queryable) {}

  async insert(userId: string, filter: Record<string, unknown>): Promise<string> {
    const { rows } = await this.db.query<{ filter_id: number }>("INSERT INTO filters (user_id, filter) VALUES ($1, $2::jsonb) RETURNING filter_id", [
      userId,
      JSON.stringify(filter),
    ]);
    return String(rows[0]!.filter_id);
  }

  async get(userId: string, filterId: string): Promise<Record<string, unknown> | undefined> {
    if (!/^\d{1,18}$/.test(filterId)) return undefined;
    const { rows } = await this.db.query<{ filter: Record<string, unknown> }>("SELECT filter FROM filters WHERE user_id = $1 AND filter_id = $2", [
      userId,
      filterId,
    ]);
    return rows[0]?.filter;
  }
}
