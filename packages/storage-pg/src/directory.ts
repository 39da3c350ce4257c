// Room aliases and the public room directory
// (https://spec.matrix.org/v1.19/client-server-api/#room-aliases,
// https://spec.matrix.org/v1.19/client-server-api/#listing-rooms), and user
// directory search over membership snapshots
// (https://spec.matrix.org/v1.19/client-server-api/#user-directory).

import type { Queryable } from "./database.js";
import type { RoomSummary } from "./rooms.js";

/** Creates an alias; returns false when it already exists. */
export async function createAlias(db: Queryable, alias: string, roomId: string, creator: string): Promise<boolean> {
  const { rowCount } = await db.query(
    "INSERT INTO room_aliases (alias, room_id, creator) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
    [alias, roomId, creator],
  );
  return rowCount > 0;
}

/** The alias row, if any. */
export async function getAlias(db: Queryable, alias: string): Promise<{ room_id: string; creator: string } | undefined> {
  const { rows } = await db.query<{ room_id: string; creator: string }>("SELECT room_id, creator FROM room_aliases WHERE alias = $1", [alias]);
  return rows[0];
}

/** Deletes an alias; returns whether it existed. */
export async function deleteAlias(db: Queryable, alias: string): Promise<boolean> {
  const { rowCount } = await db.query("DELETE FROM room_aliases WHERE alias = $1", [alias]);
  return rowCount > 0;
}

/** Local aliases of a room. */
export async function aliasesOfRoom(db: Queryable, roomId: string): Promise<string[]> {
  const { rows } = await db.query<{ alias: string }>("SELECT alias FROM room_aliases WHERE room_id = $1 ORDER BY alias", [roomId]);
  return rows.map((r) => r.alias);
}

/** Sets a room's directory visibility. */
export async function setRoomPublic(db: Queryable, roomId: string, isPublic: boolean): Promise<void> {
  await db.query("UPDATE rooms SET is_public = $2 WHERE room_id = $1", [roomId, isPublic]);
}

/** A room's directory visibility (undefined for an unknown room). */
export async function isRoomPublic(db: Queryable, roomId: string): Promise<boolean | undefined> {
  const { rows } = await db.query<{ is_public: boolean }>("SELECT is_public FROM rooms WHERE room_id = $1", [roomId]);
  return rows[0]?.is_public;
}

/**
 * Public rooms, most members first (ties by room ID), optionally filtered by a
 * case-insensitive search term over name, topic and canonical alias.
 */
export async function publicRooms(
  db: Queryable,
  q: { offset: number; limit: number; search?: string | undefined; roomTypes?: (string | null)[] | undefined },
): Promise<{ rooms: RoomSummary[]; total: number }> {
  const params: unknown[] = [];
  const where = ["r.is_public"];
  if (q.search) {
    params.push(`%${q.search.replace(/[\\%_]/g, (c) => "\\" + c)}%`);
    where.push(`(s.name ILIKE $${params.length} OR s.topic ILIKE $${params.length} OR s.canonical_alias ILIKE $${params.length})`);
  }
  if (q.roomTypes) {
    const named = q.roomTypes.filter((t): t is string => t !== null);
    const parts: string[] = [];
    if (named.length) {
      params.push(named);
      parts.push(`s.room_type = ANY($${params.length}::text[])`);
    }
    if (q.roomTypes.includes(null)) parts.push("s.room_type IS NULL");
    where.push(parts.length ? `(${parts.join(" OR ")})` : "false");
  }
  const base = `FROM rooms r JOIN room_summaries s ON s.room_id = r.room_id WHERE ${where.join(" AND ")}`;
  const total = await db.query<{ n: number }>(`SELECT count(*)::int AS n ${base}`, params);
  params.push(q.limit, q.offset);
  const { rows } = await db.query<RoomSummary>(
    `SELECT s.* ${base} ORDER BY s.joined_count DESC, s.room_id LIMIT $${params.length - 1} OFFSET $${params.length}`,
    params,
  );
  return { rooms: rows, total: Number(total.rows[0]?.n ?? 0) };
}

/**
 * Users matching `term` (user ID or display name, case-insensitive) who share
 * a joined room with `searcher` or are joined to a public room.
 */
export async function searchUserDirectory(
  db: Queryable,
  searcher: string,
  term: string,
  limit: number,
): Promise<{ user_id: string; display_name: string | null; avatar_url: string | null }[]> {
  const pattern = `%${term.replace(/[\\%_]/g, (c) => "\\" + c)}%`;
  const { rows } = await db.query<{ user_id: string; display_name: string | null; avatar_url: string | null }>(
    `SELECT DISTINCT ON (m.user_id) m.user_id, m.display_name, m.avatar_url
     FROM room_memberships m
     JOIN rooms r ON r.room_id = m.room_id
     WHERE m.membership = 'join'
       AND (m.user_id ILIKE $2 OR m.display_name ILIKE $2)
       AND (r.is_public OR EXISTS (SELECT 1 FROM room_memberships me WHERE me.user_id = $1 AND me.room_id = m.room_id AND me.membership = 'join'))
     ORDER BY m.user_id, m.stream_position DESC
     LIMIT $3`,
    [searcher, pattern, limit],
  );
  return rows;
}
