// Tests of the shared room builder (https://spec.matrix.org/v1.19/server-server-api/#auth-events-selection
// for the automatic auth_events, https://spec.matrix.org/v1.19/rooms/v12/ for room IDs).

import { describe, expect, it } from "vitest";
import { RoomBuilder, USERS } from "../src/index.js";

describe("RoomBuilder", () => {
  it("builds a linear v12 room with readable IDs and a room ID from the create event", () => {
    const room = RoomBuilder.standard({ version: "12" });
    const create = room.createEvent;
    expect(create.event_id).toBe("$create");
    expect(create.room_id).toBeUndefined();
    expect(room.roomId).toBe("!create");
    const msg = room.message("bob", "hello");
    expect(msg.event_id).toBe("$bob-message");
    expect(msg.room_id).toBe("!create");
    expect(msg.prev_events).toEqual(["$charlie-join"]);
    // v12: the create event is never cited.
    expect(msg.auth_events).toEqual(["$power-levels", "$bob-join"]);
    expect(msg.depth).toBe(room.get("$charlie-join").depth + 1);
  });

  it("cites the create event and uses [id, hashes] pairs in v1", () => {
    const room = RoomBuilder.standard({ version: "1" });
    expect(room.roomId).toBe("!room:example.com");
    expect(room.createEvent.content.creator).toBe(USERS.alice);
    const msg = room.message("bob", "hi");
    expect(msg.event_id).toBe("$bob-message:example.com");
    expect((msg.auth_events as [string, unknown][]).map((p) => p[0])).toEqual([
      "$create:example.com",
      "$power-levels:example.com",
      "$bob-join:example.com",
    ]);
  });

  it("selects target membership and join rules for membership events, and dedupes names", () => {
    const room = RoomBuilder.standard({ version: "11", members: [] });
    const invite = room.invite("alice", "bob");
    expect(invite.event_id).toBe("$alice-invite-bob");
    expect(invite.auth_events).toEqual(["$create", "$power-levels", "$alice-join", "$join-rules"]);
    const join = room.join("bob");
    expect(join.auth_events).toEqual(["$create", "$power-levels", "$alice-invite-bob", "$join-rules"]);
    const m1 = room.message("bob", "1");
    const m2 = room.message("bob", "2");
    expect([m1.event_id, m2.event_id]).toEqual(["$bob-message", "$bob-message-2"]);
  });

  it("builds forks from explicit parents, with auth events from the branch's state", () => {
    const room = RoomBuilder.standard({ version: "10" });
    const fork = room.last.event_id;
    const ban = room.ban("alice", "bob", { id: "ban" });
    const topic = room.state("bob", "m.room.topic", "", { topic: "x" }, { parents: [fork], id: "topic" });
    expect(topic.prev_events).toEqual([fork]);
    expect(topic.auth_events).toContain("$bob-join");
    expect(room.stateAfter(ban.event_id).get("m.room.member", USERS.bob)?.event_id).toBe("$ban");
    expect(room.stateAfter("$topic").get("m.room.member", USERS.bob)?.event_id).toBe("$bob-join");
    expect(room.forwardExtremities().sort()).toEqual(["$ban", "$topic"]);
    const merge = room.message("alice", "merge", { parents: ["$ban", "$topic"] });
    expect(merge.depth).toBe(Math.max(ban.depth, topic.depth) + 1);
  });

  it("draft does not add the event or reserve its name", () => {
    const room = RoomBuilder.standard({ version: "12" });
    const n = room.events.length;
    const d = room.draft({ sender: "zara", type: "m.room.message", content: { body: "x" } });
    expect(room.events.length).toBe(n);
    expect(d.auth_events).toEqual(["$power-levels"]);
    expect(room.message("zara", "x").event_id).toBe("$zara-message");
  });

  it("records additional creators in v12", () => {
    const room = new RoomBuilder();
    room.create({ creator: "alice", version: "12", additionalCreators: ["bob"] });
    expect(room.createEvent.content.additional_creators).toEqual([USERS.bob]);
  });
});
