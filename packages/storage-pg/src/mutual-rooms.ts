// Mutual rooms: https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv1mutual_rooms

import type { Queryable } from "./database.js";

/**
 * Rooms both users are joined to, in room ID order, after `afterRoomId`
 * (keyset pagination), with the total count.
 *
 * @example
 * ```ts
 * const { roomIds, count } = await mutualRooms(db, "@alice:example.com", "@bob:example.com", { limit: 100 });
 * ```
 */
export async function mutualRooms(
  db: Queryable,
  userId: string,
  otherUserId: string,
  options: { afterRoomId?: string | undefined; limit: number },
): Promise<{ roomIds: string[]; count: number }> {
  const from = `FROM room_memberships a JOIN room_memberships b ON b.room_id = a.room_id
    WHERE a.user_id = $1 AND a.membership = 'join' AND b.user_id = $2 AND b.membership = 'join'`;
  const { rows: counted } = await db.query<{ count: string }>(`SELECT count(*) AS count ${from}`, [userId, otherUserId]);
  const { rows } = await db.query<{ room_id: string }>(
    `SELECT a.room_id ${from} AND a.room_id > $3 ORDER BY a.room_id LIMIT $4`,
    [userId, otherUserId, options.afterRoomId ?? "", options.limit],
  );
  return { roomIds: rows.map((r) => r.room_id), count: Number(counted[0]?.count ?? 0) };
}
