// Auth events selection: https://spec.matrix.org/v1.19/server-server-api/#auth-events-selection

import { describe, expect, it } from "vitest";
import { USERS } from "@weft/test-fixtures";
import { authEventsSelection } from "./selection.js";

const pairs = (e: Parameters<typeof authEventsSelection>[0], v: string): string[] =>
  authEventsSelection(e, v).map((p) => `${p.type}|${p.stateKey}`);

describe("authEventsSelection", () => {
  it("selects nothing for a create event", () => {
    expect(authEventsSelection({ type: "m.room.create", sender: USERS.alice, state_key: "", content: {} }, "11")).toEqual([]);
  });
  it("selects create (not in v12), power levels and the sender's membership", () => {
    const msg = { type: "m.room.message", sender: USERS.bob, content: {} };
    expect(pairs(msg, "11")).toEqual(["m.room.create|", "m.room.power_levels|", `m.room.member|${USERS.bob}`]);
    expect(pairs(msg, "12")).toEqual(["m.room.power_levels|", `m.room.member|${USERS.bob}`]);
  });
  it("adds target, join rules, third-party invite and the authorising user for memberships", () => {
    const invite = { type: "m.room.member", sender: USERS.alice, state_key: USERS.zara, content: { membership: "invite", third_party_invite: { signed: { token: "tok" } } } };
    expect(pairs(invite, "12")).toEqual(["m.room.power_levels|", `m.room.member|${USERS.alice}`, `m.room.member|${USERS.zara}`, "m.room.join_rules|", "m.room.third_party_invite|tok"]);
    const join = { type: "m.room.member", sender: USERS.zara, state_key: USERS.zara, content: { membership: "join", join_authorised_via_users_server: USERS.alice } };
    expect(pairs(join, "8")).toContain(`m.room.member|${USERS.alice}`);
    expect(pairs(join, "7")).not.toContain(`m.room.member|${USERS.alice}`);
    const leave = { type: "m.room.member", sender: USERS.bob, state_key: USERS.bob, content: { membership: "leave" } };
    expect(pairs(leave, "10")).toEqual(["m.room.create|", "m.room.power_levels|", `m.room.member|${USERS.bob}`]);
  });
});
