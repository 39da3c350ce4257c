// Storage for notifications: https://spec.matrix.org/v1.19/client-server-api/#receiving-notifications
// Written inside the event's transaction, together with the push deliveries
// for the notified users' HTTP pushers. One `notification_groups` row per
// (event, distinct decision): the notified users are a bitset over per-room
// member ordinals (`push_members`), so a message in a 1,000-member room writes
// one or two small rows, not a thousand (see migration 0201). Unread counts
// are computed when read, against the user's read receipts
// (https://spec.matrix.org/v1.19/client-server-api/#receipts): an unthreaded
// receipt clears everything up to its event; a threaded one (`main` or a
// thread root) clears its own thread.

import type { Queryable } from "./database.js";

/** One decision of an event and the users it notifies. */
export interface NotificationGroup {
  readonly highlight: boolean;
  /** The action list (a JSON value). */
  readonly actions: unknown;
  /** Bit `ordinal` set for each notified member (see {@link setMemberBit}). */
  readonly members: Uint8Array;
}

/** The notifications of one event. */
export interface NotificationBatch {
  readonly roomId: string;
  readonly eventId: string;
  readonly streamPosition: number;
  /** The thread root, or null for the main timeline. */
  readonly threadId: string | null;
  readonly ts: number;
  readonly groups: readonly NotificationGroup[];
}

/** A stored notification of one user. */
export interface NotificationRow {
  user_id: string;
  room_id: string;
  event_id: string;
  stream_position: number;
  thread_id: string | null;
  highlight: boolean;
  actions: unknown[];
  ts: number;
}

/** Unread counts of one (room, thread) group; `threadId` null is the main timeline. */
export interface UnreadCountRow {
  room_id: string;
  thread_id: string | null;
  notification_count: number;
  highlight_count: number;
}

/**
 * Sets bit `ordinal` in a member bitset (PostgreSQL `get_bit` order: least
 * significant bit of byte `ordinal >> 3` first), growing it as needed.
 * @returns the bitset (a new array when it had to grow).
 * @example
 * ```ts
 * let bits = new Uint8Array(0);
 * bits = setMemberBit(bits, 9); // Uint8Array [0, 2]
 * ```
 */
export function setMemberBit(bits: Uint8Array, ordinal: number): Uint8Array {
  let out = bits;
  const byte = ordinal >> 3;
  if (byte >= out.length) {
    out = new Uint8Array(Math.max(byte + 1, out.length * 2));
    out.set(bits);
  }
  out[byte]! |= 1 << (ordinal & 7);
  return out;
}

/** SQL: whether member ordinal `o` is set in bitset `b` (false past its end). */
const HAS_BIT = (b: string, o: string): string => `(CASE WHEN octet_length(${b}) > (${o} >> 3) THEN get_bit(${b}, ${o}) = 1 ELSE false END)`;

function hex(bits: Uint8Array): string {
  let end = bits.length;
  while (end > 0 && bits[end - 1] === 0) end--;
  return Buffer.from(bits.buffer, bits.byteOffset, end).toString("hex");
}

/** A push-member ordinal, and whether this call allocated it (uncommitted until the transaction commits). */
export interface PushMemberOrdinal {
  readonly userId: string;
  readonly ordinal: number;
  readonly allocated: boolean;
}

/**
 * The push-member ordinals of `userIds` in `roomId`, allocating the missing
 * ones (one statement). Run it in a transaction holding the room's summary
 * row lock, so allocations in one room never race; ordinals are never reused
 * or changed once committed.
 * @example
 * ```ts
 * const [bob] = await pushMemberOrdinals(tx, roomId, ["@bob:example.com"]); // { userId, ordinal: 0, allocated: true }
 * ```
 */
export async function pushMemberOrdinals(tx: Queryable, roomId: string, userIds: readonly string[]): Promise<PushMemberOrdinal[]> {
  if (userIds.length === 0) return [];
  const { rows } = await tx.query<{ user_id: string; ordinal: number; allocated: boolean }>(
    `WITH existing AS (SELECT user_id, ordinal FROM push_members WHERE room_id = $1 AND user_id = ANY($2::text[])),
     base AS (SELECT COALESCE(max(ordinal), -1) AS m FROM push_members WHERE room_id = $1),
     missing AS (SELECT DISTINCT u FROM unnest($2::text[]) AS t(u) WHERE u NOT IN (SELECT user_id FROM existing)),
     ins AS (
       INSERT INTO push_members (room_id, user_id, ordinal)
       SELECT $1, u, base.m + row_number() OVER (ORDER BY u) FROM missing, base
       RETURNING user_id, ordinal
     )
     SELECT user_id, ordinal, false AS allocated FROM existing UNION ALL SELECT user_id, ordinal, true FROM ins`,
    [roomId, userIds],
  );
  return rows.map((r) => ({ userId: r.user_id, ordinal: Number(r.ordinal), allocated: r.allocated }));
}

/** The flattened notification groups of a batch of events, as {@link notificationBatchSql} reads them. */
export interface NotificationBatchParams {
  /** For each group, the 1-based index of its event in the batch. */
  readonly owners: number[];
  readonly highlights: boolean[];
  /** Member bitsets, hex. */
  readonly members: string[];
  /** The groups' action lists as one JSON array. */
  readonly actions: string;
}

/**
 * Flattens the notification groups of each event of a batch (event `i`'s
 * groups are `groupsPerEvent[i]`) into the parameters of {@link notificationBatchSql}.
 * @example
 * ```ts
 * const params = notificationBatchParams([groupsOfFirst, [], groupsOfThird]);
 * ```
 */
export function notificationBatchParams(groupsPerEvent: readonly (readonly NotificationGroup[])[]): NotificationBatchParams {
  const owners: number[] = [];
  const highlights: boolean[] = [];
  const members: string[] = [];
  const actions: unknown[] = [];
  groupsPerEvent.forEach((groups, i) => {
    for (const g of groups) {
      owners.push(i + 1);
      highlights.push(g.highlight);
      members.push(hex(g.members));
      actions.push(g.actions);
    }
  });
  return { owners, highlights, members, actions: JSON.stringify(actions) };
}

/**
 * CTEs inserting the notification groups and push deliveries of a batch of
 * events: the one SQL for them, used by the message send statements (which
 * insert the events too) and by {@link insertNotifications}.
 * `stored` names a CTE with a row per stored event (columns `n`, its 1-based
 * index in the batch, `room_id`, `event_id`, `position`, `push_thread`,
 * `push_ts`), `rooms` an SQL array of the batch's room IDs (an index
 * condition that keeps the plan on the primary key however small the table
 * was when it was planned); the others are the placeholders of
 * {@link notificationBatchParams}'s fields. `queuedOf(eventId)` is an
 * expression counting the deliveries queued for one event.
 * @example
 * ```ts
 * const { ctes, queuedOf } = notificationBatchSql({ stored: "ok", rooms: "$5", owners: "$1", highlights: "$2", members: "$3", actions: "$4" });
 * ```
 */
export function notificationBatchSql(p: { stored: string; rooms: string; owners: string; highlights: string; members: string; actions: string }): {
  ctes: string;
  queuedOf: (eventId: string) => string;
} {
  return {
    ctes: `grp AS (
       SELECT g.n, g.h, g.m, g.j, row_number() OVER (PARTITION BY g.n ORDER BY g.j) - 1 AS k
       FROM unnest(${p.owners}::int[], ${p.highlights}::bool[], ${p.members}::text[]) WITH ORDINALITY AS g(n, h, m, j)
     ), ng AS (
       INSERT INTO notification_groups (room_id, stream_position, grp, event_id, thread_id, highlight, actions, members, ts)
       SELECT s.room_id, s.position, grp.k, s.event_id, s.push_thread, grp.h, (${p.actions}::jsonb) -> (grp.j::int - 1), decode(grp.m, 'hex'), s.push_ts
       FROM grp JOIN ${p.stored} s ON s.n = grp.n
       RETURNING room_id, event_id, stream_position, actions, members, ts
     ), nq AS (
       INSERT INTO push_queue (pusher_id, user_id, room_id, event_id, stream_position, actions, next_attempt_ts)
       SELECT p.id, p.user_id, ng.room_id, ng.event_id, ng.stream_position, ng.actions, ng.ts
       FROM ng
       JOIN push_members m ON m.room_id = ANY(${p.rooms}::text[]) AND m.room_id = ng.room_id
       JOIN pushers p ON p.user_id = m.user_id
       WHERE p.kind = 'http' AND ${HAS_BIT("ng.members", "m.ordinal")}
       RETURNING event_id
     )`,
    queuedOf: (eventId) => `(SELECT count(*)::int FROM nq WHERE nq.event_id = ${eventId})`,
  };
}

/**
 * Inserts the notifications of one event (a row per group) and queues a
 * delivery for each HTTP pusher of each notified user, in one statement (run
 * it inside the event's transaction).
 * @returns how many deliveries were queued.
 * @example
 * ```ts
 * await insertNotifications(tx, { roomId, eventId, streamPosition, threadId: null, ts,
 *   groups: [{ highlight: false, actions: ["notify"], members: setMemberBit(new Uint8Array(0), ordinal) }] });
 * ```
 */
export async function insertNotifications(tx: Queryable, batch: NotificationBatch): Promise<number> {
  if (batch.groups.length === 0) return 0;
  const groups = notificationBatchParams([batch.groups]);
  const { ctes, queuedOf } = notificationBatchSql({ stored: "one", rooms: "ARRAY[$1]", owners: "$7", highlights: "$8", members: "$9", actions: "$5" });
  const { rows } = await tx.query<{ n: number }>(
    `WITH one AS (SELECT 1 AS n, $1::text AS room_id, $3::text AS event_id, $2::bigint AS position, $4::text AS push_thread, $6::bigint AS push_ts),
     ${ctes}
     SELECT ${queuedOf("$3")} AS n`,
    [batch.roomId, batch.streamPosition, batch.eventId, batch.threadId, groups.actions, batch.ts, groups.owners, groups.highlights, groups.members],
  );
  return Number(rows[0]?.n ?? 0);
}

// The receipt positions of user $1 per (room, thread) in the rooms `rooms`
// (an SQL array or subquery for `= ANY(…)`): '' is unthreaded.
const receiptPositionsSql = (rooms: string): string => `
  SELECT r.room_id, r.thread_id, max(e.stream_position) AS p
  FROM receipts r JOIN events e ON e.event_id = r.event_id
  WHERE r.user_id = $1 AND r.room_id = ANY(${rooms}) AND r.receipt_type IN ('m.read', 'm.read.private')
  GROUP BY r.room_id, r.thread_id`;

// User $1's unread notification groups `n` in the rooms `rooms`: after both the
// unthreaded receipt and the receipt of their thread (`main` for the main
// timeline). Needs the CTE `r` (receiptPositionsSql of the same rooms).
const unreadGroupsSql = (rooms: string): string => `
  FROM push_members m
  LEFT JOIN r u ON u.room_id = m.room_id AND u.thread_id = ''
  CROSS JOIN LATERAL (
    SELECT g.room_id, g.stream_position, g.thread_id, g.highlight, g.event_id FROM notification_groups g
    WHERE g.room_id = m.room_id AND g.stream_position > COALESCE(u.p, 0) AND ${HAS_BIT("g.members", "m.ordinal")}
  ) n
  LEFT JOIN r t ON t.room_id = n.room_id AND t.thread_id = COALESCE(n.thread_id, 'main')
  WHERE m.user_id = $1 AND m.room_id = ANY(${rooms}) AND n.stream_position > COALESCE(t.p, 0)`;

/**
 * Unread notification counts of a user in the given rooms, per (room, thread):
 * notifications after both the unthreaded receipt and the receipt of their
 * thread (`main` for the main timeline).
 * @example
 * ```ts
 * const rows = await unreadCounts(db, "@bob:example.com", [roomId]);
 * ```
 */
export async function unreadCounts(db: Queryable, userId: string, roomIds: readonly string[]): Promise<UnreadCountRow[]> {
  if (roomIds.length === 0) return [];
  const { rows } = await db.query<UnreadCountRow>(
    `WITH r AS (${receiptPositionsSql("$2::text[]")})
     SELECT n.room_id, n.thread_id, count(*)::int AS notification_count, (count(*) FILTER (WHERE n.highlight))::int AS highlight_count
     ${unreadGroupsSql("$2::text[]")}
     GROUP BY n.room_id, n.thread_id`,
    [userId, roomIds],
  );
  return rows.map((r) => ({ ...r, notification_count: Number(r.notification_count), highlight_count: Number(r.highlight_count) }));
}

/**
 * A user's unread notifications across the rooms they are joined to, and how
 * many of them are calls (`m.call.invite`), for push gateway `counts`.
 * @example
 * ```ts
 * const { unread, missed_calls } = await unreadTotals(db, "@bob:example.com");
 * ```
 */
export async function unreadTotals(db: Queryable, userId: string): Promise<{ unread: number; missed_calls: number }> {
  const { rows } = await db.query<{ unread: number; missed_calls: number }>(
    `WITH rooms AS (SELECT room_id FROM room_memberships WHERE user_id = $1 AND membership = 'join'),
     r AS (${receiptPositionsSql("ARRAY(SELECT room_id FROM rooms)")})
     SELECT count(*)::int AS unread, (count(*) FILTER (WHERE e.type = 'm.call.invite'))::int AS missed_calls
     FROM (SELECT n.event_id ${unreadGroupsSql("ARRAY(SELECT room_id FROM rooms)")}) n
     JOIN events e ON e.event_id = n.event_id`,
    [userId],
  );
  return { unread: Number(rows[0]?.unread ?? 0), missed_calls: Number(rows[0]?.missed_calls ?? 0) };
}

/**
 * A page of a user's notifications, newest first, strictly before stream
 * position `before` (all when undefined), optionally only highlights: the
 * newest `limit` of each room the user was ever notified in, merged.
 * @example
 * ```ts
 * const page = await listNotifications(db, "@bob:example.com", { limit: 20, onlyHighlight: false });
 * ```
 */
export async function listNotifications(
  db: Queryable,
  userId: string,
  options: { before?: number | undefined; limit: number; onlyHighlight: boolean },
): Promise<NotificationRow[]> {
  const { rows } = await db.query<NotificationRow>(
    `SELECT m.user_id, n.room_id, n.event_id, n.stream_position, n.thread_id, n.highlight, n.actions, n.ts
     FROM push_members m
     CROSS JOIN LATERAL (
       SELECT g.room_id, g.event_id, g.stream_position, g.thread_id, g.highlight, g.actions, g.ts FROM notification_groups g
       WHERE g.room_id = m.room_id AND g.stream_position < $2 ${options.onlyHighlight ? "AND g.highlight" : ""}
         AND ${HAS_BIT("g.members", "m.ordinal")}
       ORDER BY g.stream_position DESC LIMIT $3
     ) n
     WHERE m.user_id = $1
     ORDER BY n.stream_position DESC LIMIT $3`,
    [userId, options.before ?? Number.MAX_SAFE_INTEGER, options.limit],
  );
  return rows.map((r) => ({ ...r, stream_position: Number(r.stream_position), ts: Number(r.ts) }));
}

/**
 * Every user notified of an event, with their decision (tests and operators).
 * @example
 * ```ts
 * const rows = await notificationsOfEvent(db, roomId, eventId); // [{ user_id, highlight, actions }]
 * ```
 */
export async function notificationsOfEvent(db: Queryable, roomId: string, eventId: string): Promise<{ user_id: string; highlight: boolean; actions: unknown[] }[]> {
  const { rows } = await db.query<{ user_id: string; highlight: boolean; actions: unknown[] }>(
    `SELECT m.user_id, g.highlight, g.actions FROM notification_groups g
     JOIN push_members m ON m.room_id = g.room_id AND ${HAS_BIT("g.members", "m.ordinal")}
     WHERE g.room_id = $1 AND g.event_id = $2
     ORDER BY m.user_id`,
    [roomId, eventId],
  );
  return rows;
}

/**
 * Receipt positions of a user in some rooms: `room_id` → thread (`""` for
 * unthreaded) → stream position of the receipted event.
 */
export async function receiptPositions(db: Queryable, userId: string, roomIds: readonly string[]): Promise<Map<string, Map<string, number>>> {
  const out = new Map<string, Map<string, number>>();
  if (roomIds.length === 0) return out;
  const { rows } = await db.query<{ room_id: string; thread_id: string; p: number }>(receiptPositionsSql("$2::text[]"), [userId, roomIds]);
  for (const r of rows) {
    let m = out.get(r.room_id);
    if (!m) out.set(r.room_id, (m = new Map()));
    m.set(r.thread_id, Number(r.p));
  }
  return out;
}
