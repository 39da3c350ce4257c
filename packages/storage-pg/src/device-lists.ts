// Who shares rooms with whom, for device-list tracking:
// https://spec.matrix.org/v1.19/client-server-api/#tracking-the-device-list-for-a-user
// `/sync`'s `device_lists.changed` lists users who share a room with the
// syncing user and changed their devices, or who newly share one; `left`
// lists users who no longer share any room. Read from `room_memberships`
// (current membership and the stream position it changed at).

import type { Queryable } from "./database.js";

/**
 * Users who share a joined room with `userId` now (`userId` included when
 * they are joined anywhere).
 * @example
 * ```ts
 * const peers = await usersSharingRooms(db, "@alice:example.com");
 * ```
 */
export async function usersSharingRooms(db: Queryable, userId: string): Promise<string[]> {
  const { rows } = await db.query<{ user_id: string }>(
    `SELECT DISTINCT m2.user_id FROM room_memberships m1
     JOIN room_memberships m2 ON m2.room_id = m1.room_id AND m2.membership = 'join'
     WHERE m1.user_id = $1 AND m1.membership = 'join'`,
    [userId],
  );
  return rows.map((r) => r.user_id);
}

/**
 * Membership changes relevant to `userId`'s device-list tracking in
 * (`after`, `upTo`]: users who came to share a room with them (they joined a
 * room of `userId`'s, or `userId` joined theirs), and users who may have
 * stopped sharing one (left a room of `userId`'s, or `userId` left theirs).
 * The caller removes still-shared users from `mayHaveLeft`.
 */
export async function sharedRoomChanges(db: Queryable, userId: string, after: number, upTo: number): Promise<{ joined: string[]; mayHaveLeft: string[] }> {
  const { rows } = await db.query<{ user_id: string; kind: string }>(
    `SELECT DISTINCT m2.user_id, 'joined' AS kind FROM room_memberships m1
     JOIN room_memberships m2 ON m2.room_id = m1.room_id AND m2.membership = 'join'
     WHERE m1.user_id = $1 AND m1.membership = 'join'
       AND ((m2.stream_position > $2 AND m2.stream_position <= $3) OR (m1.stream_position > $2 AND m1.stream_position <= $3))
     UNION
     SELECT DISTINCT m2.user_id, 'left' AS kind FROM room_memberships m1
     JOIN room_memberships m2 ON m2.room_id = m1.room_id
     WHERE m1.user_id = $1
       AND ((m1.membership = 'join' AND m2.membership IN ('leave', 'ban') AND m2.stream_position > $2 AND m2.stream_position <= $3)
         OR (m1.membership IN ('leave', 'ban') AND m1.stream_position > $2 AND m1.stream_position <= $3 AND m2.membership = 'join'))`,
    [userId, after, upTo],
  );
  return { joined: rows.filter((r) => r.kind === "joined").map((r) => r.user_id), mayHaveLeft: rows.filter((r) => r.kind === "left").map((r) => r.user_id) };
}

/** The rooms `userId` is joined to (to wake the other members' syncs). */
export async function joinedRoomIds(db: Queryable, userId: string): Promise<string[]> {
  const { rows } = await db.query<{ room_id: string }>("SELECT room_id FROM room_memberships WHERE user_id = $1 AND membership = 'join'", [userId]);
  return rows.map((r) => r.room_id);
}

/** Every device ID of a local user (for to-device messages to `*`). */
export async function deviceIdsOfUser(db: Queryable, userId: string): Promise<string[]> {
  const { rows } = await db.query<{ device_id: string }>("SELECT device_id FROM devices WHERE user_id = $1 ORDER BY device_id", [userId]);
  return rows.map((r) => r.device_id);
}
