// Shared helpers for the auth-rule tables (https://spec.matrix.org/v1.19/server-server-api/#authorization-rules).

import { ROOM_VERSIONS, roomVersionRules, type JsonObject, type RoomVersionRules } from "@weft/common";
import { defaultPowerLevels, RoomBuilder, USERS, type StandardRoomOptions } from "@weft/test-fixtures";

export const ALL_VERSIONS = Object.keys(ROOM_VERSIONS);

/** Room versions whose rules satisfy `pred`. */
export function versionsWhere(pred: (rules: RoomVersionRules) => boolean): string[] {
  return ALL_VERSIONS.filter((v) => pred(roomVersionRules(v)));
}

/** A standard room (alice creates and has power 100 / infinite; bob and charlie joined; public). */
export function standardRoom(version: string, options: StandardRoomOptions = {}): RoomBuilder {
  return RoomBuilder.standard({ version, ...options });
}

/**
 * Power levels content: the defaults, with `users` (alice at 100 unless the
 * version has privileged creators) and `overrides` on top.
 */
export function powerLevels(room: RoomBuilder, users: Record<string, number> = {}, overrides: JsonObject = {}): JsonObject {
  const allUsers: JsonObject = { ...users };
  if (!room.rules.authorization.privilegedCreators) allUsers[USERS.alice] = 100;
  return { ...defaultPowerLevels(allUsers), ...overrides };
}
