// Room state at any event, stored as deltas: https://spec.matrix.org/v1.19/server-server-api/#room-state-resolution
// needs the state before and after any event, not only the current state. A
// state group is its `prev_group` plus the entries that changed; every
// MAX_CHAIN-th group in a chain is a full snapshot so a lookup walks a bounded
// number of groups.

import type { Queryable } from "./database.js";

/** Longest delta chain before a full snapshot is written. */
export const MAX_STATE_GROUP_CHAIN = 64;

/** `(type, state_key) → event_id` */
export type StateIds = Map<string, string>;

/** The key of a state entry in a {@link StateIds} map: `type` + NUL + `state_key`. */
export function stateKeyOf(type: string, stateKey: string): string {
  return `${type}\u0000${stateKey}`;
}

/** Splits a {@link stateKeyOf} key. */
export function splitStateKey(key: string): [type: string, stateKey: string] {
  const i = key.indexOf("\u0000");
  return [key.slice(0, i), key.slice(i + 1)];
}

/**
 * Stores a new state group: `delta` on top of `prevGroup`, or a full snapshot
 * (`full`) when the chain would grow too long or there is no previous group.
 *
 * @returns the new group's ID.
 */
export async function createStateGroup(
  tx: Queryable,
  roomId: string,
  prevGroup: number | null,
  delta: StateIds,
  full: () => Promise<StateIds>,
): Promise<number> {
  let chain = 0;
  if (prevGroup !== null) {
    const { rows } = await tx.query<{ chain_length: number }>("SELECT chain_length FROM state_groups WHERE id = $1", [prevGroup]);
    chain = (rows[0]?.chain_length ?? MAX_STATE_GROUP_CHAIN) + 1;
  }
  const snapshot = prevGroup === null || chain >= MAX_STATE_GROUP_CHAIN;
  const entries = snapshot ? await full() : delta;
  const { rows } = await tx.query<{ id: number }>(
    "INSERT INTO state_groups (room_id, prev_group, chain_length) VALUES ($1, $2, $3) RETURNING id",
    [roomId, snapshot ? null : prevGroup, snapshot ? 0 : chain],
  );
  const id = Number(rows[0]!.id);
  if (entries.size > 0) {
    const types: string[] = [];
    const keys: string[] = [];
    const ids: string[] = [];
    for (const [key, eventId] of entries) {
      const [type, stateKey] = splitStateKey(key);
      types.push(type);
      keys.push(stateKey);
      ids.push(eventId);
    }
    await tx.query(
      "INSERT INTO state_group_entries (group_id, type, state_key, event_id) SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[])",
      [id, types, keys, ids],
    );
  }
  return id;
}

/** The full state of a group, resolving its delta chain. */
export async function stateGroupIds(db: Queryable, groupId: number): Promise<StateIds> {
  const { rows } = await db.query<{ type: string; state_key: string; event_id: string }>(
    `WITH RECURSIVE chain(id, prev_group, n) AS (
       SELECT id, prev_group, 0 FROM state_groups WHERE id = $1
       UNION ALL SELECT g.id, g.prev_group, c.n + 1 FROM state_groups g JOIN chain c ON g.id = c.prev_group
     )
     SELECT DISTINCT ON (e.type, e.state_key) e.type, e.state_key, e.event_id
     FROM state_group_entries e JOIN chain c ON e.group_id = c.id
     ORDER BY e.type, e.state_key, c.n`,
    [groupId],
  );
  const out: StateIds = new Map();
  for (const r of rows) out.set(stateKeyOf(r.type, r.state_key), r.event_id);
  return out;
}

/** The state group after the last event of `roomId` at or below `position` (null before the room existed). */
export async function stateGroupAtPosition(db: Queryable, roomId: string, position: number): Promise<number | null> {
  const { rows } = await db.query<{ state_group_after: number | null }>(
    `SELECT state_group_after FROM events WHERE room_id = $1 AND stream_position <= $2 AND stream_position IS NOT NULL
     ORDER BY stream_position DESC LIMIT 1`,
    [roomId, position],
  );
  return rows[0]?.state_group_after == null ? null : Number(rows[0].state_group_after);
}
