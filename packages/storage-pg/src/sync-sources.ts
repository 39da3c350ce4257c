// Reads /sync needs from the account tables (written by the accounts code in
// migration 0001): account data, presence, filters and profiles, each change
// stamped with a global stream position.
// https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3sync

import type { Queryable } from "./database.js";
import type { MembershipRow } from "./rooms.js";

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

/** What a /sync response starts from: the stream position and the user's memberships with their rooms' summary counters, read in one statement. */
export interface SyncHead {
  /** The latest committed stream position (the response covers everything at or below it). */
  position: number;
  /** The user's memberships (forgotten rooms left out). */
  memberships: MembershipRow[];
  /** Per room of `memberships`: the room's latest stream position and member counts. */
  summaries: Map<string, { stream_position: number; joined_count: number; invited_count: number }>;
  /**
   * With `since`: which of the smaller streams may have news in (`since`,
   * `position`]. Each flag is a cheap superset test — `false` means the
   * stream certainly has nothing for this response, so its queries can be skipped.
   */
  news?: {
    /** Account data of the user changed. */
    accountData: boolean;
    /** A receipt landed in a room the user is joined to (after `since`; may err towards yes). */
    receipts: boolean;
    /** The device's to-device inbox holds messages at or below `position` (to deliver, or acknowledged ones to delete). */
    toDevice: boolean;
    /** A device list changed anywhere, or a membership changed in a room the user is or was in. */
    deviceLists: boolean;
  };
}

/**
 * The stream position, the user's memberships and their rooms' summary
 * counters in one round trip. One statement reads one snapshot, so every
 * membership at or below `position` is present (none committed in between).
 * With `since` (and the device), also the {@link SyncHead.news} flags.
 *
 * @example
 * ```ts
 * const { position, memberships, summaries, news } = await syncHead(db, "@alice:example.org", { since: 41, deviceId: "ABCDEF" });
 * ```
 */
export async function syncHead(db: Queryable, userId: string, options: { since?: number | undefined; deviceId?: string | undefined } = {}): Promise<SyncHead> {
  const withNews = options.since !== undefined;
  const flags = withNews
    ? `, EXISTS (SELECT 1 FROM account_data WHERE user_id = $1 AND stream_position > $2 AND stream_position <= p.position) AS account_data_news,
         EXISTS (SELECT 1 FROM receipts r JOIN room_memberships j ON j.room_id = r.room_id AND j.user_id = $1 AND j.membership = 'join' WHERE r.stream_position > $2) AS receipt_news,
         EXISTS (SELECT 1 FROM e2ee_to_device WHERE user_id = $1 AND device_id = $3 AND stream_position <= p.position) AS to_device_news,
         (EXISTS (SELECT 1 FROM e2ee_device_list_changes WHERE stream_position > $2 AND stream_position <= p.position)
          OR EXISTS (SELECT 1 FROM room_memberships m1 JOIN room_memberships m2 ON m2.room_id = m1.room_id
                     WHERE m1.user_id = $1 AND m2.stream_position > $2 AND m2.stream_position <= p.position)) AS device_list_news`
    : "";
  const { rows } = await db.query<
    MembershipRow & {
      head_position: number;
      summary_position: number | null;
      joined_count: number | null;
      invited_count: number | null;
      account_data_news?: boolean;
      receipt_news?: boolean;
      to_device_news?: boolean;
      device_list_news?: boolean;
    }
  >(
    `SELECT w.*, m.user_id, m.room_id, m.membership, m.event_id, m.sender, m.stream_position, m.display_name, m.avatar_url,
            m.stripped_state, m.forgotten, s.stream_position AS summary_position, s.joined_count, s.invited_count
     FROM (SELECT p.position AS head_position${flags} FROM (SELECT COALESCE((SELECT position FROM weft_stream LIMIT 1), 0) AS position) p) w
     LEFT JOIN (room_memberships m LEFT JOIN room_summaries s ON s.room_id = m.room_id) ON m.user_id = $1 AND NOT m.forgotten`,
    withNews ? [userId, options.since, options.deviceId ?? ""] : [userId],
  );
  const memberships: MembershipRow[] = [];
  const summaries: SyncHead["summaries"] = new Map();
  for (const row of rows) {
    if (row.room_id === null) continue;
    const { head_position: _p, summary_position, joined_count, invited_count, account_data_news: _a, receipt_news: _r, to_device_news: _t, device_list_news: _d, ...membership } = row;
    memberships.push(membership);
    if (summary_position !== null) summaries.set(row.room_id, { stream_position: Number(summary_position), joined_count: Number(joined_count ?? 0), invited_count: Number(invited_count ?? 0) });
  }
  const first = rows[0];
  const head: SyncHead = { position: Number(first?.head_position ?? 0), memberships, summaries };
  if (withNews && first) {
    head.news = { accountData: first.account_data_news === true, receipts: first.receipt_news === true, toDevice: first.to_device_news === true, deviceLists: first.device_list_news === true };
  }
  return head;
}
