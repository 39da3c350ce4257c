// The README example (https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv1roomsroomidhierarchy), run.

import { expect, it } from "vitest";
import { getHierarchy, getRoomSummary, type HierarchySource, type HierarchyStateEvent } from "../src/index.js";

it("runs the README example", async () => {
  const ev = (type: string, content: Record<string, unknown>, state_key = ""): HierarchyStateEvent => ({
    type, state_key, content, sender: "@alice:example.com", origin_server_ts: 1_700_000_000_000,
  });
  const states = new Map<string, HierarchyStateEvent[]>([
    ["!space:example.com", [
      ev("m.room.create", { room_version: "11", type: "m.space" }),
      ev("m.room.name", { name: "Our space" }),
      ev("m.room.join_rules", { join_rule: "public" }),
      ev("m.space.child", { via: ["example.com"], order: "a" }, "!general:example.com"),
      ev("m.space.child", { via: ["example.com"], order: "b" }, "!secret:example.com"),
    ]],
    ["!general:example.com", [ev("m.room.create", { room_version: "11" }), ev("m.room.join_rules", { join_rule: "public" })]],
    ["!secret:example.com", [ev("m.room.create", { room_version: "11" }), ev("m.room.join_rules", { join_rule: "invite" })]],
  ]);
  const source: HierarchySource = {
    getRoomState: (roomId) => states.get(roomId),
    getMembership: () => undefined,
  };
  const tokenKey = "a secret shared by every process of your server";

  const page = await getHierarchy("!space:example.com", { requester: "@bob:example.com", limit: 1, tokenKey }, source);
  expect(page.rooms.map((r) => r.room_id)).toEqual(["!space:example.com"]);
  const next = await getHierarchy("!space:example.com", { requester: "@bob:example.com", from: page.next_batch, tokenKey }, source);
  expect(next.rooms.map((r) => r.room_id)).toEqual(["!general:example.com"]);
  expect(next.next_batch).toBeUndefined();

  const summary = await getRoomSummary("!space:example.com", { requester: "@bob:example.com" }, source);
  expect(summary).toEqual({
    room_id: "!space:example.com",
    name: "Our space",
    join_rule: "public",
    room_type: "m.space",
    room_version: "11",
    num_joined_members: 0,
    guest_can_join: false,
    world_readable: false,
    membership: "leave",
  });
});
