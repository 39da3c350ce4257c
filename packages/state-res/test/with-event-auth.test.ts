// The classic scenarios of https://spec.matrix.org/v1.19/rooms/v2/#algorithm run
// with the default auth check: @weft/event-auth's checkAuthAgainstState.

import { describe, expect, it } from "vitest";
import { resolveStateSync } from "../src/index.js";
import { buildRoom, expectedState, joinRules, member, powerLevels, topic } from "./helpers/dag.js";

describe("with @weft/event-auth as the auth check", () => {
  for (const v of ["2", "11", "12"]) {
    it(`room version ${v}: ban vs power levels, topic reset and join-rule evasion`, () => {
      const admin = v === "12" ? {} : { alice: 100 };
      const ban = buildRoom(v, [powerLevels("PA", "alice", { ...admin, bob: 50 }), member("MA", "alice", "alice", "join"), member("MB", "alice", "bob", "ban"), powerLevels("PB", "bob", { ...admin, bob: 50 })], [["END", "MB", "MA", "PA", "START"], ["END", "PB", "PA"]]);
      expect(resolveStateSync(v, ban.endStates, ban.room.getEvent)).toEqual(expectedState(ban.room, ["PA", "MA", "MB"]));
      const reset = buildRoom(v, [topic("T1", "alice"), powerLevels("PA", "alice", { ...admin, bob: 50 }), topic("T2", "bob"), member("MB", "alice", "bob", "ban")], [["END", "MB", "T2", "PA", "T1", "START"], ["END", "T1"]]);
      expect(resolveStateSync(v, reset.endStates, reset.room.getEvent)).toEqual(expectedState(reset.room, ["T1", "MB", "PA"]));
      const evasion = buildRoom(v, [joinRules("JR", "alice", "private"), member("ME", "ella", "ella", "join")], [["END", "JR", "START"], ["END", "ME", "START"]]);
      expect(resolveStateSync(v, evasion.endStates, evasion.room.getEvent)).toEqual(expectedState(evasion.room, ["JR"]));
    });
  }
});
