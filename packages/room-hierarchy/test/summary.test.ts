// Tests for room summaries: https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv1room_summaryroomidoralias
// (fields from state, the requester's membership, and 404 for rooms the requester may not see).

import { isMatrixError } from "@weft/common";
import { describe, expect, it } from "vitest";
import { getRoomSummary, indexRoomState, summarizeRoom, type HierarchyStateEvent } from "../src/index.js";
import { alice, bob, charlie, SpaceBuilder } from "./space-builder.js";

function ev(type: string, content: Record<string, unknown>, stateKey = ""): HierarchyStateEvent {
  return { type, state_key: stateKey, content, sender: alice, origin_server_ts: 1 };
}

describe("summarizeRoom", () => {
  it("reads every spec field from state (the spec's example room)", () => {
    const state = indexRoomState([
      ev("m.room.create", { room_version: "11", type: "m.space" }),
      ev("m.room.name", { name: "CHEESE" }),
      ev("m.room.topic", { topic: "Tasty tasty cheese" }),
      ev("m.room.avatar", { url: "mxc://bleecker.street/CHEDDARandBRIE" }),
      ev("m.room.canonical_alias", { alias: "#cheese:bleecker.street" }),
      ev("m.room.join_rules", { join_rule: "public" }),
      ev("m.room.history_visibility", { history_visibility: "world_readable" }),
      ev("m.room.guest_access", { guest_access: "can_join" }),
      ev("m.room.encryption", { algorithm: "m.megolm.v1.aes-sha2" }),
      ev("m.room.member", { membership: "join" }, alice),
      ev("m.room.member", { membership: "join" }, bob),
      ev("m.room.member", { membership: "leave" }, charlie),
    ]);
    expect(summarizeRoom("!ol19s:bleecker.street", state, state.joinedCount)).toEqual({
      room_id: "!ol19s:bleecker.street",
      name: "CHEESE",
      topic: "Tasty tasty cheese",
      avatar_url: "mxc://bleecker.street/CHEDDARandBRIE",
      canonical_alias: "#cheese:bleecker.street",
      num_joined_members: 2,
      join_rule: "public",
      room_type: "m.space",
      encryption: "m.megolm.v1.aes-sha2",
      room_version: "11",
      guest_can_join: true,
      world_readable: true,
    });
  });

  it("prefers the text/plain m.topic entry, and defaults the room version to 1", () => {
    const state = indexRoomState([
      ev("m.room.create", {}),
      ev("m.room.topic", {
        topic: "legacy",
        "m.topic": { "m.text": [{ mimetype: "text/html", body: "<b>rich</b>" }, { body: "plain" }] },
      }),
    ]);
    const summary = summarizeRoom("!r:example.com", state, 0);
    expect(summary.topic).toBe("plain");
    expect(summary.room_version).toBe("1");
    expect(summary.join_rule).toBeUndefined();
    expect(summary.guest_can_join).toBe(false);
  });

  it("lists allowed_room_ids for knock_restricted rooms too, ignoring malformed conditions", () => {
    const state = indexRoomState([
      ev("m.room.create", { room_version: "10" }),
      ev("m.room.join_rules", {
        join_rule: "knock_restricted",
        allow: [{ type: "m.room_membership", room_id: "!a:example.com" }, { type: "m.other" }, "junk", { type: "m.room_membership" }],
      }),
    ]);
    expect(summarizeRoom("!r:example.com", state, 0).allowed_room_ids).toEqual(["!a:example.com"]);
  });
});

describe("getRoomSummary", () => {
  const b = new SpaceBuilder()
    .room("!public:example.com", { members: { [alice]: "join", [bob]: "invite" } })
    .room("!private:example.com", { joinRule: "invite", members: { [alice]: "join" } });

  it("adds the requester's membership, leave when they have none, absent when unauthenticated", async () => {
    const source = b.source();
    expect((await getRoomSummary("!public:example.com", { requester: alice }, source)).membership).toBe("join");
    expect((await getRoomSummary("!public:example.com", { requester: bob }, source)).membership).toBe("invite");
    expect((await getRoomSummary("!public:example.com", { requester: charlie }, source)).membership).toBe("leave");
    const anonymous = await getRoomSummary("!public:example.com", {}, source);
    expect(anonymous.membership).toBeUndefined();
    expect(anonymous.num_joined_members).toBe(1);
  });

  it("answers M_NOT_FOUND for unknown rooms and rooms the requester may not see", async () => {
    const source = b.source();
    for (const [roomId, requester] of [
      ["!nowhere:example.com", alice],
      ["!private:example.com", bob],
      ["!private:example.com", undefined],
    ] as const) {
      const error = await getRoomSummary(roomId, { requester }, source).catch((e: unknown) => e);
      expect(isMatrixError(error) && error.errcode).toBe("M_NOT_FOUND");
    }
    expect((await getRoomSummary("!private:example.com", { requester: alice }, source)).join_rule).toBe("invite");
  });
});
