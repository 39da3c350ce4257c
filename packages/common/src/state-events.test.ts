import { describe, expect, it } from "vitest";
import { AUTH_STATE_EVENT_TYPES, JOIN_RULES, MEMBERSHIPS, STATE_EVENT_TYPES, isJoinRule, isMembership } from "./state-events.js";

describe("state event vocabulary", () => {
  it("lists the memberships of m.room.member", () => {
    expect(Object.values(MEMBERSHIPS).sort()).toEqual(["ban", "invite", "join", "knock", "leave"]);
    expect(isMembership("knock")).toBe(true);
    expect(isMembership("Join")).toBe(false);
  });

  it("lists the join rules of m.room.join_rules", () => {
    expect(Object.values(JOIN_RULES).sort()).toEqual(["invite", "knock", "knock_restricted", "private", "public", "restricted"]);
    expect(isJoinRule("knock_restricted")).toBe(true);
    expect(isJoinRule(1)).toBe(false);
  });

  it("names the auth event types in the auth rules' order", () => {
    expect(AUTH_STATE_EVENT_TYPES).toEqual(["m.room.create", "m.room.member", "m.room.join_rules", "m.room.power_levels", "m.room.third_party_invite"]);
    expect(STATE_EVENT_TYPES.POWER_LEVELS).toBe("m.room.power_levels");
  });
});
