// @weft/room-hierarchy — spaces: https://spec.matrix.org/v1.19/client-server-api/#spaces
// (the hierarchy walk, child ordering, visibility, room summaries, pagination tokens).

export { getHierarchy, getRoomSummary, DEFAULT_LIMIT, MAX_LIMIT, MAX_DEPTH } from "./hierarchy.js";
export { spaceChildren, compareSpaceChildren, isValidOrder, compareCodePoints, MAX_ORDER_LENGTH } from "./children.js";
export type { SpaceChild } from "./children.js";
export { isRoomAccessible, allowedRoomIds } from "./access.js";
export { summarizeRoom } from "./summary.js";
export { indexRoomState, SUMMARY_STATE_TYPES } from "./room-state.js";
export type { IndexedRoomState } from "./room-state.js";
export { encodeHierarchyToken, decodeHierarchyToken } from "./token.js";
export type { TokenBinding, TokenPosition } from "./token.js";
export type {
  Awaitable,
  HierarchyStateEvent,
  HierarchySource,
  HierarchyOptions,
  StrippedChildStateEvent,
  RoomSummary,
  HierarchyRoom,
  HierarchyPage,
  RoomSummaryWithMembership,
} from "./types.js";
