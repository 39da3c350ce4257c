// Reporting users: https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3usersuseridreport

import type { Queryable } from "./database.js";

/**
 * Stores a report of a user, kept for the server's admins.
 *
 * @example
 * ```ts
 * await insertUserReport(db, { targetUserId: "@spam:example.com", reporter: "@alice:example.com", reason: "spam", ts: Date.now() });
 * ```
 */
export async function insertUserReport(db: Queryable, r: { targetUserId: string; reporter: string; reason: string | null; ts: number }): Promise<void> {
  await db.query("INSERT INTO user_reports (target_user_id, reporter, reason, received_ts) VALUES ($1, $2, $3, $4)", [r.targetUserId, r.reporter, r.reason, r.ts]);
}

/** Reports about a user, oldest first (for admins and tests). */
export async function userReports(db: Queryable, targetUserId: string): Promise<{ reporter: string; reason: string | null; received_ts: number }[]> {
  const { rows } = await db.query<{ reporter: string; reason: string | null; received_ts: string }>(
    "SELECT reporter, reason, received_ts FROM user_reports WHERE target_user_id = $1 ORDER BY id",
    [targetUserId],
  );
  return rows.map((r) => ({ ...r, received_ts: Number(r.received_ts) }));
}
