// @weft/test-fixtures — spec vectors and the shared room builder for Weft's tests.
// The room builder makes synthetic rooms in any room version
// (https://spec.matrix.org/v1.19/rooms/); see README.md.

export { RoomBuilder, USERS, userId, defaultPowerLevels } from "./room-builder.js";
export type { UserName, UserRef, EventOptions, EventSpec, CreateOptions, StandardRoomOptions } from "./room-builder.js";
