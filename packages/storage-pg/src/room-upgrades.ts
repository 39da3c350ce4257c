// Room upgrades: https://spec.matrix.org/v1.19/client-server-api/#server-behaviour-16
// — step 4, moving local aliases (and the directory listing) to the replacement room.

import type { Queryable } from "./database.js";

/**
 * Points every local alias of `fromRoomId` at `toRoomId` and moves the public
 * directory listing along; returns the moved aliases.
 *
 * @example
 * ```ts
 * const moved = await moveRoomAliases(tx, oldRoomId, newRoomId);
 * ```
 */
export async function moveRoomAliases(db: Queryable, fromRoomId: string, toRoomId: string): Promise<{ aliases: string[]; wasPublic: boolean }> {
  const { rows } = await db.query<{ alias: string }>("UPDATE room_aliases SET room_id = $2 WHERE room_id = $1 RETURNING alias", [fromRoomId, toRoomId]);
  const { rows: listed } = await db.query<{ is_public: boolean }>("UPDATE rooms SET is_public = false WHERE room_id = $1 AND is_public RETURNING is_public", [fromRoomId]);
  const wasPublic = listed.length > 0;
  if (wasPublic) await db.query("UPDATE rooms SET is_public = true WHERE room_id = $1", [toRoomId]);
  return { aliases: rows.map((r) => r.alias).sort(), wasPublic };
}
