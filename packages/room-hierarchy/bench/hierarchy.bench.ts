// Bench of the hierarchy walk (https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv1roomsroomidhierarchy)
// over in-memory 1,000-room spaces: the first page, a page deep in the walk
// (re-walked from its token), and a naive baseline that summarises every room
// of the space up front.

import { bench, describe } from "vitest";
import { getHierarchy, indexRoomState, summarizeRoom } from "../src/index.js";
import { alice, SpaceBuilder } from "../test/space-builder.js";

const tokenKey = "bench-key";

function flat(rooms: number): SpaceBuilder {
  const b = new SpaceBuilder().room("!space:example.com", { space: true });
  for (let i = 0; i < rooms; i++) b.room(`!room-${i}:example.com`, { name: `Room ${i}` }).child("!space:example.com", `!room-${i}:example.com`);
  return b;
}

function nested(rooms: number): SpaceBuilder {
  const b = new SpaceBuilder().room("!space:example.com", { space: true });
  for (let s = 0; s < 10; s++) b.room(`!sub-${s}:example.com`, { space: true }).child("!space:example.com", `!sub-${s}:example.com`);
  for (let i = 0; i < rooms - 10; i++) b.room(`!room-${i}:example.com`).child(`!sub-${i % 10}:example.com`, `!room-${i}:example.com`);
  return b;
}

for (const [layout, builder] of [
  ["flat", flat(1000)],
  ["nested", nested(1000)],
] as const) {
  const source = builder.batchSource();
  const middle = await getHierarchy("!space:example.com", { requester: alice, limit: 500, tokenKey }, source);
  describe(`1,000-room ${layout} space`, () => {
    bench("first page of 50", async () => {
      await getHierarchy("!space:example.com", { requester: alice, limit: 50, tokenKey }, source);
    });
    bench("page of 50 after 500 rooms (from a token)", async () => {
      await getHierarchy("!space:example.com", { requester: alice, limit: 50, from: middle.next_batch, tokenKey }, source);
    });
    bench("naive baseline: summarise every room up front", () => {
      for (const [roomId, events] of builder.states) summarizeRoom(roomId, indexRoomState(events), 1);
    });
  });
}
