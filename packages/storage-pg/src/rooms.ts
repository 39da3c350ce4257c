// Rooms, their summary row, current state, forward extremities and each
// user's membership snapshot. The summary row is rewritten with every
// persisted event and doubles as the per-room write lock (`FOR UPDATE`), so
// concurrent sends into one room never fork its DAG on this server.
// https://spec.matrix.org/v1.19/client-server-api/#rooms

import type { Queryable } from "./database.js";

/** The summary row of a room. */
export interface RoomSummary {
  room_id: string;
  room_version: string;
  stream_position: number;
  bump_stamp: number;
  state_group: number | null;
  max_depth: number;
  name: string | null;
  topic: string | null;
  avatar_url: string | null;
  canonical_alias: string | null;
  room_type: string | null;
  join_rule: string | null;
  history_visibility: string | null;
  guest_access: string | null;
  encryption: string | null;
  tombstone_successor: string | null;
  joined_count: number;
  invited_count: number;
  /** The DAG's current leaves: the events with no children yet (the next event's prev_events). */
  forward_extremities: string[];
}

/** A user's membership in a room. */
export interface MembershipRow {
  user_id: string;
  room_id: string;
  membership: string;
  event_id: string;
  sender: string;
  stream_position: number;
  display_name: string | null;
  avatar_url: string | null;
  stripped_state: unknown[] | null;
  forgotten: boolean;
}

/** Creates the room row and an empty summary row. */
export async function insertRoom(tx: Queryable, room: { roomId: string; roomVersion: string; creator: string; createdTs: number }): Promise<void> {
  await tx.query(
    `WITH r AS (INSERT INTO rooms (room_id, room_version, creator, created_ts) VALUES ($1, $2, $3, $4))
     INSERT INTO room_summaries (room_id, room_version, stream_position, bump_stamp) VALUES ($1, $2, 0, 0)`,
    [room.roomId, room.roomVersion, room.creator, room.createdTs],
  );
}

/** Locks a room's summary row for this transaction and returns it (undefined for an unknown room). */
export async function lockRoomSummary(tx: Queryable, roomId: string): Promise<RoomSummary | undefined> {
  const { rows } = await tx.query<RoomSummary>("SELECT * FROM room_summaries WHERE room_id = $1 FOR UPDATE", [roomId]);
  return rows[0];
}

/** A room's summary row. */
export async function getRoomSummary(db: Queryable, roomId: string): Promise<RoomSummary | undefined> {
  const { rows } = await db.query<RoomSummary>("SELECT * FROM room_summaries WHERE room_id = $1", [roomId]);
  return rows[0];
}

/** Summary rows of several rooms. */
export async function getRoomSummaries(db: Queryable, roomIds: readonly string[]): Promise<Map<string, RoomSummary>> {
  const { rows } = await db.query<RoomSummary>("SELECT * FROM room_summaries WHERE room_id = ANY($1::text[])", [roomIds]);
  return new Map(rows.map((r) => [r.room_id, r]));
}

/** Summary fields a state event may change. */
export type SummaryPatch = Partial<
  Pick<RoomSummary, "name" | "topic" | "avatar_url" | "canonical_alias" | "room_type" | "join_rule" | "history_visibility" | "guest_access" | "encryption" | "tombstone_successor">
>;

/** Writes the summary fields a state event changed, and recounts members after a membership change. */
export async function patchRoomSummary(tx: Queryable, roomId: string, update: { patch: SummaryPatch; recount: boolean }): Promise<void> {
  const sets: string[] = [];
  const params: unknown[] = [roomId];
  for (const [key, value] of Object.entries(update.patch)) {
    params.push(value ?? null);
    sets.push(`${key} = $${params.length}`);
  }
  if (update.recount) {
    sets.push(
      "joined_count = (SELECT count(*) FROM room_current_state WHERE room_id = $1 AND type = 'm.room.member' AND membership = 'join')",
      "invited_count = (SELECT count(*) FROM room_current_state WHERE room_id = $1 AND type = 'm.room.member' AND membership = 'invite')",
    );
  }
  if (sets.length === 0) return;
  await tx.query(`UPDATE room_summaries SET ${sets.join(", ")} WHERE room_id = $1`, params);
}

/** The room's version, or undefined for an unknown room. */
export async function getRoomVersion(db: Queryable, roomId: string): Promise<string | undefined> {
  const { rows } = await db.query<{ room_version: string }>("SELECT room_version FROM rooms WHERE room_id = $1", [roomId]);
  return rows[0]?.room_version;
}

/** Current state: rows of (type, state_key, event_id, membership). */
export async function currentStateRows(
  db: Queryable,
  roomId: string,
  options: { type?: string; stateKey?: string } = {},
): Promise<{ type: string; state_key: string; event_id: string; membership: string | null }[]> {
  const params: unknown[] = [roomId];
  let where = "room_id = $1";
  if (options.type !== undefined) {
    params.push(options.type);
    where += ` AND type = $${params.length}`;
  }
  if (options.stateKey !== undefined) {
    params.push(options.stateKey);
    where += ` AND state_key = $${params.length}`;
  }
  const { rows } = await db.query<{ type: string; state_key: string; event_id: string; membership: string | null }>(
    `SELECT type, state_key, event_id, membership FROM room_current_state WHERE ${where}`,
    params,
  );
  return rows;
}

/** Current state with the event JSON (for caches). */
export async function currentStateEvents(db: Queryable, roomId: string): Promise<{ event_id: string; json: string }[]> {
  const { rows } = await db.query<{ event_id: string; json: string }>(
    "SELECT e.event_id, e.json FROM room_current_state cs JOIN events e ON e.event_id = cs.event_id WHERE cs.room_id = $1",
    [roomId],
  );
  return rows;
}

/** Sets one current state entry. */
export async function setCurrentState(
  tx: Queryable,
  roomId: string,
  entry: { type: string; stateKey: string; eventId: string; membership: string | null },
): Promise<void> {
  await tx.query(
    `INSERT INTO room_current_state (room_id, type, state_key, event_id, membership) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (room_id, type, state_key) DO UPDATE SET event_id = EXCLUDED.event_id, membership = EXCLUDED.membership`,
    [roomId, entry.type, entry.stateKey, entry.eventId, entry.membership],
  );
}

/** The room's forward extremities. */
export async function forwardExtremities(db: Queryable, roomId: string): Promise<string[]> {
  const { rows } = await db.query<{ forward_extremities: string[] }>("SELECT forward_extremities FROM room_summaries WHERE room_id = $1", [roomId]);
  return rows[0]?.forward_extremities ?? [];
}

/** Records a user's membership at a stream position. */
export async function upsertMembership(
  tx: Queryable,
  row: { userId: string; roomId: string; membership: string; eventId: string; sender: string; streamPosition: number; displayName: string | null; avatarUrl: string | null; strippedState: unknown[] | null },
): Promise<void> {
  await tx.query(
    `INSERT INTO room_memberships (user_id, room_id, membership, event_id, sender, stream_position, display_name, avatar_url, stripped_state, forgotten)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, false)
     ON CONFLICT (user_id, room_id) DO UPDATE SET membership = EXCLUDED.membership, event_id = EXCLUDED.event_id, sender = EXCLUDED.sender,
       stream_position = EXCLUDED.stream_position, display_name = EXCLUDED.display_name, avatar_url = EXCLUDED.avatar_url,
       stripped_state = EXCLUDED.stripped_state, forgotten = false`,
    [row.userId, row.roomId, row.membership, row.eventId, row.sender, row.streamPosition, row.displayName, row.avatarUrl,
      row.strippedState === null ? null : JSON.stringify(row.strippedState)],
  );
}

/** A user's memberships (all rooms, not forgotten). */
export async function membershipsOfUser(db: Queryable, userId: string, options: { membership?: string; includeForgotten?: boolean } = {}): Promise<MembershipRow[]> {
  const params: unknown[] = [userId];
  let where = "user_id = $1";
  if (!options.includeForgotten) where += " AND NOT forgotten";
  if (options.membership) {
    params.push(options.membership);
    where += ` AND membership = $${params.length}`;
  }
  const { rows } = await db.query<MembershipRow>(`SELECT * FROM room_memberships WHERE ${where}`, params);
  return rows;
}

/** A user's membership in one room. */
export async function membershipOf(db: Queryable, userId: string, roomId: string): Promise<MembershipRow | undefined> {
  const { rows } = await db.query<MembershipRow>("SELECT * FROM room_memberships WHERE user_id = $1 AND room_id = $2", [userId, roomId]);
  return rows[0];
}

/** Members of a room with the given membership. */
export async function roomMembers(db: Queryable, roomId: string, membership?: string): Promise<MembershipRow[]> {
  const { rows } = membership
    ? await db.query<MembershipRow>("SELECT * FROM room_memberships WHERE room_id = $1 AND membership = $2", [roomId, membership])
    : await db.query<MembershipRow>("SELECT * FROM room_memberships WHERE room_id = $1", [roomId]);
  return rows;
}

/** Marks a left room forgotten for a user. */
export async function forgetRoom(db: Queryable, userId: string, roomId: string): Promise<void> {
  await db.query("UPDATE room_memberships SET forgotten = true WHERE user_id = $1 AND room_id = $2", [userId, roomId]);
}

/** Whether two users share a joined room. */
export async function shareRoom(db: Queryable, a: string, b: string): Promise<boolean> {
  const { rows } = await db.query(
    `SELECT 1 FROM room_memberships x JOIN room_memberships y ON x.room_id = y.room_id
     WHERE x.user_id = $1 AND y.user_id = $2 AND x.membership = 'join' AND y.membership = 'join' LIMIT 1`,
    [a, b],
  );
  return rows.length > 0;
}
