// Which rooms a user may see in the hierarchy and room summary APIs:
// https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv1roomsroomidhierarchy (the `rooms` description)
// and https://spec.matrix.org/v1.19/client-server-api/#restricted-rooms for `allow` conditions.

import { isKnownRoomVersion, roomVersionRules } from "@weft/common";
import { roomVersionOf, stateString, type IndexedRoomState } from "./room-state.js";
import type { Awaitable } from "./types.js";

/** The room IDs named by the `m.room_membership` conditions of a join rule's `allow` list. */
export function allowedRoomIds(state: IndexedRoomState): string[] {
  const allow = state.singletons.get("m.room.join_rules")?.content["allow"];
  if (!Array.isArray(allow)) return [];
  const ids: string[] = [];
  for (const condition of allow as unknown[]) {
    if (typeof condition !== "object" || condition === null) continue;
    const { type, room_id: roomId } = condition as { type?: unknown; room_id?: unknown };
    if (type === "m.room_membership" && typeof roomId === "string" && !ids.includes(roomId)) ids.push(roomId);
  }
  return ids;
}

/** The join rules a room's version supports beyond `public`/`invite` (unknown versions: none). */
function joinRuleSupported(joinRule: string, roomVersion: string): boolean {
  if (joinRule === "public") return true;
  if (!isKnownRoomVersion(roomVersion)) return false;
  const rules = roomVersionRules(roomVersion).authorization;
  if (joinRule === "knock") return rules.knocking; // since room version 7
  if (joinRule === "restricted") return rules.restrictedJoinRule; // since room version 8
  if (joinRule === "knock_restricted") return rules.knockRestrictedJoinRule; // since room version 10
  return false;
}

/**
 * Whether `requester` may see the room, per the spec's list: they are joined or
 * invited; the room is `world_readable`; its join rule is `public`, `knock` or
 * `knock_restricted` (in a room version with that rule); or it is `restricted`
 * and they are joined to one of the rooms its `allow` conditions name. A banned
 * user sees the room only if it is `world_readable` (the spec's 403 example:
 * "the user has been banned from the room").
 *
 * @param state The room's indexed state.
 * @param requester The user, or `undefined` for an unauthenticated request.
 * @param membership Looks up a membership (the room's own when the state lacks it, and allowed rooms').
 */
export async function isRoomAccessible(
  roomId: string,
  state: IndexedRoomState,
  requester: string | undefined,
  membership: (roomId: string, userId: string) => Awaitable<string | undefined>,
): Promise<boolean> {
  if (stateString(state, "m.room.history_visibility", "history_visibility") === "world_readable") return true;
  let own: string | undefined;
  if (requester !== undefined) {
    own = state.memberships.has(requester) ? state.memberships.get(requester) : await membership(roomId, requester);
    if (own === "join" || own === "invite") return true;
    if (own === "ban") return false;
  }
  const joinRule = stateString(state, "m.room.join_rules", "join_rule");
  if (joinRule === undefined) return false;
  const version = roomVersionOf(state);
  if (!joinRuleSupported(joinRule, version)) return false;
  if (joinRule === "public" || joinRule === "knock" || joinRule === "knock_restricted") return true;
  // restricted: the requester meets one of the `allow` conditions.
  if (requester === undefined) return false;
  for (const allowed of allowedRoomIds(state)) {
    if ((await membership(allowed, requester)) === "join") return true;
  }
  return false;
}
