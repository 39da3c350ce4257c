// History visibility: https://spec.matrix.org/v1.19/client-server-api/#server-behaviour-7
// (the rules governing whether a user may see an event depend on the state of
// the room *at that event*). A page of events is decided with one query for
// the visibility setting and the user's membership in every state group the
// page touches, plus one for the user's latest join when rule 3 needs it.

import { latestJoinPosition, visibilityStateAtGroups, type MembershipRow, type Queryable, type StoredEvent, type VisibilityState } from "@weft/storage-pg";

/** The settings this server understands; anything else counts as `shared`. */
const KNOWN = new Set(["world_readable", "shared", "invited", "joined"]);

/**
 * Whether a user may see an event given the state at it (spec steps 1–5).
 * `joinedLater` answers step 3: the user joined the room at some point after
 * the event was sent.
 */
export function visibleAt(state: VisibilityState, joinedLater: boolean): boolean {
  const hv = state.historyVisibility !== undefined && KNOWN.has(state.historyVisibility) ? state.historyVisibility : "shared";
  // 1. world_readable: allow.
  if (hv === "world_readable") return true;
  // 2. The user's membership was join: allow.
  if (state.membership === "join") return true;
  // 3. shared, and the user joined the room at any point after the event was sent: allow.
  if (hv === "shared" && joinedLater) return true;
  // 4. The user's membership was invite, and the setting was invited: allow.
  if (state.membership === "invite" && hv === "invited") return true;
  // 5. Otherwise, deny.
  return false;
}

/**
 * The events of `rows` (all in `roomId`) that `userId` may see, in order.
 * `membership` is the user's current membership row when the caller has it
 * (saves a query and enables the fast path: a joined user sees everything
 * from their current join on).
 *
 * @example
 * ```ts
 * const visible = await filterVisibleEvents(db, "@bob:example.com", roomId, page);
 * ```
 */
export async function filterVisibleEvents(
  db: Queryable,
  userId: string,
  rows: readonly StoredEvent[],
  membership: MembershipRow | undefined,
): Promise<StoredEvent[]> {
  if (rows.length === 0) return [];
  // Fast path: joined now, and every event at or after the current join.
  if (membership?.membership === "join" && rows.every((r) => r.stream_position !== null && Number(r.stream_position) >= Number(membership.stream_position))) {
    return [...rows];
  }
  const groups = new Set<number>();
  // The spec's two exceptions look at the state before *or* after the event:
  // m.room.history_visibility events, and the user's own membership events.
  const both = (r: StoredEvent): boolean => (r.type === "m.room.history_visibility" && r.state_key === "") || (r.type === "m.room.member" && r.state_key === userId);
  for (const r of rows) {
    if (r.state_group_before != null) groups.add(Number(r.state_group_before));
    if (both(r) && r.state_group_after != null) groups.add(Number(r.state_group_after));
  }
  const states = await visibilityStateAtGroups(db, [...groups], userId);
  const stateOf = (group: number | null): VisibilityState => (group == null ? {} : (states.get(Number(group)) ?? {}));
  // Step 3 needs the user's latest join; currently joined users joined "after" every earlier event.
  let latestJoin: Promise<number | undefined> | undefined =
    membership?.membership === "join" ? Promise.resolve(Number.POSITIVE_INFINITY) : membership ? undefined : Promise.resolve(undefined);
  const joinedAfter = async (position: number): Promise<boolean> => {
    latestJoin ??= latestJoinPosition(db, rows[0]!.room_id, userId);
    const joined = await latestJoin;
    return joined !== undefined && joined > position;
  };
  const out: StoredEvent[] = [];
  for (const r of rows) {
    const position = Number(r.stream_position ?? 0);
    const before = stateOf(r.state_group_before);
    const needsJoin = (s: VisibilityState): boolean => s.membership !== "join" && (s.historyVisibility ?? "shared") !== "world_readable";
    let later = false;
    if (needsJoin(before) || (both(r) && needsJoin(stateOf(r.state_group_after)))) later = await joinedAfter(position);
    if (visibleAt(before, later) || (both(r) && visibleAt(stateOf(r.state_group_after), later))) out.push(r);
  }
  return out;
}
