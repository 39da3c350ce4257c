// Reads /sync needs from the account tables (written by the accounts code in
// migration 0001): account data, presence, filters and profiles, each change
// stamped with a global stream position.
// https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3sync

import type { Queryable } from "./database.js";

/** Account data rows (global ones have `room_id` ''). */
export async function accountDataSince(
  db: Queryable,
  userId: string,
  since: number | undefined,
  upTo: number,
): Promise<{ room_id: string; type: string; content: unknown }[]> {
  const { rows } = await db.query<{ room_id: string; type: string; content: unknown }>(
    "SELECT room_id, type, content FROM account_data WHERE user_id = $1 AND stream_position > $2 AND stream_position <= $3",
    [userId, since ?? -1, upTo],
  );
  return rows;
}

/** Presence of the given users changed after `since`. */
export async function presenceSince(
  db: Queryable,
  userIds: readonly string[],
  since: number | undefined,
  upTo: number,
): Promise<{ user_id: string; presence: string; status_msg: string | null; last_active_ts: number }[]> {
  if (userIds.length === 0) return [];
  const { rows } = await db.query<{ user_id: string; presence: string; status_msg: string | null; last_active_ts: number }>(
    "SELECT user_id, presence, status_msg, last_active_ts FROM presence WHERE user_id = ANY($1::text[]) AND stream_position > $2 AND stream_position <= $3",
    [userIds, since ?? -1, upTo],
  );
  return rows;
}

/** A stored filter of a user, if any. */
export async function filterById(db: Queryable, userId: string, filterId: string): Promise<unknown> {
  if (!/^\d+$/.test(filterId)) return undefined;
  const { rows } = await db.query<{ filter: unknown }>("SELECT filter FROM filters WHERE user_id = $1 AND filter_id = $2", [userId, Number(filterId)]);
  return rows[0]?.filter;
}

/** A user's display name and avatar for membership events. */
export async function profileForMembership(db: Queryable, userId: string): Promise<{ displayname?: string; avatar_url?: string }> {
  const { rows } = await db.query<{ key: string; value: unknown }>(
    "SELECT key, value FROM profiles WHERE user_id = $1 AND key IN ('displayname', 'avatar_url')",
    [userId],
  );
  const out: { displayname?: string; avatar_url?: string } = {};
  for (const row of rows) {
    if (typeof row.value !== "string") continue;
    if (row.key === "displayname") out.displayname = row.value;
    else out.avatar_url = row.value;
  }
  return out;
}
