// Room summaries: https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv1room_summaryroomidoralias
// (RoomSummary = PublishedRoomsChunk + room_type, allowed_room_ids, encryption, room_version).

import { allowedRoomIds } from "./access.js";
import { roomTypeOf, roomVersionOf, stateString, type IndexedRoomState } from "./room-state.js";
import type { RoomSummary } from "./types.js";

/**
 * The plain-text topic of `m.room.topic`: the `text/plain` entry of `m.topic`
 * (a missing mimetype means `text/plain`), falling back to the legacy `topic`.
 */
function plainTopic(state: IndexedRoomState): string | undefined {
  const content = state.singletons.get("m.room.topic")?.content;
  if (content === undefined) return undefined;
  const block = content["m.topic"];
  const text = typeof block === "object" && block !== null ? (block as { "m.text"?: unknown })["m.text"] : undefined;
  if (Array.isArray(text)) {
    for (const entry of text as unknown[]) {
      if (typeof entry !== "object" || entry === null) continue;
      const { body, mimetype } = entry as { body?: unknown; mimetype?: unknown };
      if (typeof body === "string" && (mimetype === undefined || mimetype === "text/plain")) return body;
    }
  }
  const topic = content["topic"];
  return typeof topic === "string" ? topic : undefined;
}

/**
 * Builds the spec's `RoomSummary` of a room from its state.
 *
 * @param roomId The room.
 * @param state The room's indexed state.
 * @param joinedMembers The number of joined members.
 * @returns The summary; optional fields are present only when the state sets them.
 */
export function summarizeRoom(roomId: string, state: IndexedRoomState, joinedMembers: number): RoomSummary {
  const summary: RoomSummary = {
    room_id: roomId,
    num_joined_members: joinedMembers,
    guest_can_join: stateString(state, "m.room.guest_access", "guest_access") === "can_join",
    world_readable: stateString(state, "m.room.history_visibility", "history_visibility") === "world_readable",
  };
  const name = stateString(state, "m.room.name", "name");
  if (name !== undefined && name !== "") summary.name = name;
  const topic = plainTopic(state);
  if (topic !== undefined) summary.topic = topic;
  const avatar = stateString(state, "m.room.avatar", "url");
  if (avatar !== undefined && avatar !== "") summary.avatar_url = avatar;
  const alias = stateString(state, "m.room.canonical_alias", "alias");
  if (alias !== undefined && alias !== "") summary.canonical_alias = alias;
  const joinRule = stateString(state, "m.room.join_rules", "join_rule");
  if (joinRule !== undefined) summary.join_rule = joinRule;
  const roomType = roomTypeOf(state);
  if (roomType !== undefined) summary.room_type = roomType;
  const encryption = stateString(state, "m.room.encryption", "algorithm");
  if (encryption !== undefined) summary.encryption = encryption;
  summary.room_version = roomVersionOf(state);
  // Spec: "If the room is a restricted room, these are the room IDs which are
  // specified by the join rules. Empty or omitted otherwise." (knock_restricted too.)
  if (joinRule === "restricted" || joinRule === "knock_restricted") summary.allowed_room_ids = allowedRoomIds(state);
  return summary;
}
