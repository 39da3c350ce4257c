// Batch reads for the space hierarchy and room summary APIs
// (https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv1roomsroomidhierarchy,
// https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv1room_summaryroomidoralias):
// the summary-relevant current state of many rooms in one query, so walking a
// 1,000-room space costs a handful of round trips, not one per child.

import type { Queryable } from "./database.js";

/** One known room of a batch read: its version, joined count and selected current state. */
export interface HierarchyRoomRow {
  room_id: string;
  room_version: string;
  joined_count: number;
  /** The stored event JSON of each selected state event, with whether it was redacted. */
  events: { json: string; redacted: boolean }[];
}

/**
 * The current state events of the given types (plus `memberOf`'s own
 * `m.room.member`, when given) of every known room among `roomIds`, with the
 * room version and joined member count. Rooms the server does not know are
 * absent from the result. One query.
 */
export async function hierarchyRoomStates(
  db: Queryable,
  roomIds: readonly string[],
  types: readonly string[],
  memberOf?: string,
): Promise<Map<string, HierarchyRoomRow>> {
  const result = new Map<string, HierarchyRoomRow>();
  if (roomIds.length === 0) return result;
  const { rows } = await db.query<{
    room_id: string;
    room_version: string;
    joined_count: number | string;
    json: string | null;
    redacted: boolean | null;
  }>(
    // LATERAL index lookups per room on (room_id, type) and the requester's
    // (room_id, 'm.room.member', user) key: the plan stays index-driven even
    // without fresh planner statistics (PGlite does not autovacuum), instead of
    // scanning the whole current-state table.
    `SELECT s.room_id, s.room_version, s.joined_count, e.json, e.redacted_by IS NOT NULL AS redacted
       FROM room_summaries s
       LEFT JOIN LATERAL (
         SELECT cs.event_id FROM room_current_state cs WHERE cs.room_id = s.room_id AND cs.type = ANY($2::text[])
         UNION ALL
         SELECT cs.event_id FROM room_current_state cs
          WHERE cs.room_id = s.room_id AND cs.type = 'm.room.member' AND cs.state_key = $3
       ) st ON true
       LEFT JOIN events e ON e.event_id = st.event_id
      WHERE s.room_id = ANY($1::text[])`,
    [roomIds, types, memberOf ?? null],
  );
  for (const row of rows) {
    let room = result.get(row.room_id);
    if (room === undefined) {
      room = { room_id: row.room_id, room_version: row.room_version, joined_count: Number(row.joined_count), events: [] };
      result.set(row.room_id, room);
    }
    if (row.json !== null) room.events.push({ json: row.json, redacted: row.redacted === true });
  }
  return result;
}

/** A user's membership in each room they have one in (forgotten rooms included). */
export async function membershipsByRoom(db: Queryable, userId: string): Promise<Map<string, string>> {
  const { rows } = await db.query<{ room_id: string; membership: string }>(
    "SELECT room_id, membership FROM room_memberships WHERE user_id = $1",
    [userId],
  );
  return new Map(rows.map((r) => [r.room_id, r.membership]));
}

/** A room's stream position (changes with every event persisted in it), version and joined count. */
export interface RoomPositionRow {
  room_id: string;
  stream_position: number;
  room_version: string;
  joined_count: number;
}

/** Stream positions of the known rooms among `roomIds` (to validate cached state); one query. */
export async function roomPositions(db: Queryable, roomIds: readonly string[]): Promise<Map<string, RoomPositionRow>> {
  if (roomIds.length === 0) return new Map();
  const { rows } = await db.query<{ room_id: string; stream_position: number | string; room_version: string; joined_count: number | string }>(
    "SELECT room_id, stream_position, room_version, joined_count FROM room_summaries WHERE room_id = ANY($1::text[])",
    [roomIds],
  );
  return new Map(
    rows.map((r) => [
      r.room_id,
      { room_id: r.room_id, stream_position: Number(r.stream_position), room_version: r.room_version, joined_count: Number(r.joined_count) },
    ]),
  );
}
