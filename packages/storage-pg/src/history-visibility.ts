// What history visibility needs from storage
// (https://spec.matrix.org/v1.19/client-server-api/#server-behaviour-7): the
// `m.room.history_visibility` setting and one user's membership in the state
// at many events at once, and the latest point the user joined the room.
// Both answer a whole page of events in one query.

import type { Queryable } from "./database.js";

/** The two state entries history visibility depends on, in one state group. */
export interface VisibilityState {
  /** `content.history_visibility` of `m.room.history_visibility`, if set. */
  historyVisibility?: string;
  /** `content.membership` of the user's `m.room.member`, if any. */
  membership?: string;
}

/**
 * The history visibility setting and `userId`'s membership in each of the
 * given state groups, resolving every group's delta chain in one query.
 * Groups without either entry map to `{}`.
 *
 * @example
 * ```ts
 * const states = await visibilityStateAtGroups(db, [12, 15], "@alice:example.com");
 * states.get(12); // { historyVisibility: "shared", membership: "join" }
 * ```
 */
export async function visibilityStateAtGroups(db: Queryable, groupIds: readonly number[], userId: string): Promise<Map<number, VisibilityState>> {
  const out = new Map<number, VisibilityState>();
  if (groupIds.length === 0) return out;
  for (const id of groupIds) out.set(id, {});
  const { rows } = await db.query<{ group_id: number; type: string; value: string | null }>(
    `WITH RECURSIVE chain(start, id, prev_group, n) AS (
       SELECT g.id, g.id, g.prev_group, 0 FROM state_groups g WHERE g.id = ANY($1::bigint[])
       UNION ALL SELECT c.start, g.id, g.prev_group, c.n + 1 FROM state_groups g JOIN chain c ON g.id = c.prev_group
     )
     SELECT DISTINCT ON (c.start, e.type) c.start AS group_id, e.type,
       CASE WHEN e.type = 'm.room.member' THEN ev.json::jsonb -> 'content' ->> 'membership'
            ELSE ev.json::jsonb -> 'content' ->> 'history_visibility' END AS value
     FROM chain c
     JOIN state_group_entries e ON e.group_id = c.id
       AND ((e.type = 'm.room.history_visibility' AND e.state_key = '') OR (e.type = 'm.room.member' AND e.state_key = $2))
     JOIN events ev ON ev.event_id = e.event_id
     ORDER BY c.start, e.type, c.n`,
    [groupIds, userId],
  );
  for (const row of rows) {
    const entry = out.get(Number(row.group_id))!;
    if (row.value === null) continue;
    if (row.type === "m.room.member") entry.membership = row.value;
    else entry.historyVisibility = row.value;
  }
  return out;
}

/**
 * The stream position of the latest `join` among `userId`'s membership events
 * in `roomId` (walking back from the current one through `replaces_state`),
 * or undefined if they never joined.
 *
 * @example
 * ```ts
 * const joinedAt = await latestJoinPosition(db, "!room:example.com", "@bob:example.com");
 * ```
 */
export async function latestJoinPosition(db: Queryable, roomId: string, userId: string): Promise<number | undefined> {
  const { rows } = await db.query<{ position: number | null }>(
    `WITH RECURSIVE walk(event_id, n) AS (
       SELECT event_id, 0 FROM room_memberships WHERE user_id = $1 AND room_id = $2
       UNION ALL
       SELECT e.unsigned ->> 'replaces_state', w.n + 1 FROM walk w JOIN events e ON e.event_id = w.event_id
       WHERE w.n < 1000 AND e.unsigned ->> 'replaces_state' IS NOT NULL
     )
     SELECT max(e.stream_position) AS position FROM walk w JOIN events e ON e.event_id = w.event_id
     WHERE e.json::jsonb -> 'content' ->> 'membership' = 'join'`,
    [userId, roomId],
  );
  const position = rows[0]?.position;
  return position == null ? undefined : Number(position);
}
