// The stream-order invariant behind /sync tokens
// (https://spec.matrix.org/v1.19/client-server-api/#syncing): a response
// covers everything at or below its `next_batch` position, so a write that
// holds an earlier position and commits LATE must never be skipped by a sync
// that ran in between. Positions come from one counter row updated inside
// each writing transaction (storage-pg stream.ts): a later writer waits for
// the earlier one's commit, and readers only see committed positions.
// Also: the per-process access-token cache forgets revoked tokens at once.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allocateStreamPosition, forwardExtremities } from "@weft/storage-pg";
import { startTestServer, testBackends, type TestServer } from "./support/test-server.js";
import { call, register, roomPath, sendText, type RoomTestUser } from "./support/room-helpers.js";

const SYNC = "/_matrix/client/v3/sync";

describe.each(testBackends())("stream order on $name", (backend) => {
  let t: TestServer;
  let alice: RoomTestUser;
  beforeAll(async () => {
    t = await startTestServer(backend);
    alice = await register(t, "alice");
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it("never skips a write that commits after a later send started", async () => {
    const { room_id: roomId } = await call(t, alice, "POST", "/_matrix/client/v3/createRoom", {});
    const { next_batch: start } = await call(t, alice, "GET", `${SYNC}?timeout=0`);

    // Writer A takes a stream position and holds its transaction open.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let allocated!: (position: number) => void;
    const positionA = new Promise<number>((resolve) => (allocated = resolve));
    const writerA = t.server.db.transaction(async (tx) => {
      const position = await allocateStreamPosition(tx);
      await tx.query("INSERT INTO account_data (user_id, room_id, type, content, stream_position) VALUES ($1, '', 'org.example.late', $2, $3)", [
        alice.userId,
        JSON.stringify({ late: true }),
        position,
      ]);
      allocated(position);
      await gate;
    });
    const pA = await positionA;

    // Writer B (a message send) and a sync start while A is uncommitted.
    let sentB = false;
    const writerB = sendText(t, alice, roomId, "after A").then((id) => ((sentB = true), id));
    const between = call(t, alice, "GET", `${SYNC}?since=${start}&timeout=0`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    if (backend.name === "postgres") {
      // B waits for A's position to commit: positions commit in order.
      expect(sentB).toBe(false);
    }
    release();
    await writerA;
    const eventB = await writerB;
    const first = await between;
    expect(Number(/^s(\d+)/.exec(first.next_batch)![1])).toBeLessThanOrEqual(pA + 1);
    // Whatever the in-between sync reported, the next one from its token has the rest.
    const second = await call(t, alice, "GET", `${SYNC}?since=${first.next_batch}&timeout=0`);
    const seenTypes = [first, second].flatMap((r) => r.account_data.events.map((e: { type: string }) => e.type));
    const seenEvents = [first, second].flatMap((r) => (r.rooms.join[roomId]?.timeline.events ?? []).map((e: { event_id: string }) => e.event_id));
    expect(seenTypes).toContain("org.example.late");
    expect(seenEvents).toContain(eventB);
  });

  it("stores concurrent sends to many rooms (group commit) without forks, each with its notifications", async () => {
    const bob = await register(t, "bob-batch");
    const rooms: string[] = [];
    for (let i = 0; i < 6; i++) {
      const { room_id } = await call(t, alice, "POST", "/_matrix/client/v3/createRoom", { preset: "public_chat" });
      await call(t, bob, "POST", roomPath(room_id, "/join"), {});
      rooms.push(room_id);
    }
    const { next_batch: since } = await call(t, bob, "GET", `${SYNC}?timeout=0`);
    // Five sends per room, all in flight at once: most share a batch statement with other rooms'.
    const sends = rooms.flatMap((roomId) => Array.from({ length: 5 }, (_, k) => sendText(t, alice, roomId, `batched ${k}`)));
    const ids = await Promise.all(sends);
    expect(new Set(ids).size).toBe(30);
    for (const roomId of rooms) {
      expect(await forwardExtremities(t.server.db, roomId)).toHaveLength(1);
      const page = await call(t, bob, "GET", roomPath(roomId, "/messages?dir=b&limit=5"));
      expect(page.chunk.map((e: { content: { body: string } }) => e.content.body).sort()).toEqual(["batched 0", "batched 1", "batched 2", "batched 3", "batched 4"]);
    }
    const sync = await call(t, bob, "GET", `${SYNC}?since=${since}&timeout=0`);
    for (const roomId of rooms) expect(sync.rooms.join[roomId].unread_notifications.notification_count).toBe(5);
  });

  it("keeps a transaction ID reused at once in two rooms apart: one event per room (one batch), a repeat answered", async () => {
    const rooms: string[] = [];
    for (let i = 0; i < 2; i++) rooms.push((await call(t, alice, "POST", "/_matrix/client/v3/createRoom", {})).room_id);
    const put = (roomId: string) => call(t, alice, "PUT", roomPath(roomId, "/send/m.room.message/shared-txn"), { msgtype: "m.text", body: "once" });
    // A third room keeps a statement under way so the two queue into one batch.
    const busy = (await call(t, alice, "POST", "/_matrix/client/v3/createRoom", {})).room_id;
    const [, first, second] = await Promise.all([sendText(t, alice, busy, "busy"), put(rooms[0]!), put(rooms[1]!)]);
    expect(second.event_id).not.toBe(first.event_id);
    const [again0, again1] = await Promise.all([put(rooms[0]!), put(rooms[1]!)]);
    expect([again0.event_id, again1.event_id]).toEqual([first.event_id, second.event_id]);
  });

  it("rejects a token at once after logout (the token cache forgets it)", async () => {
    const bob = await register(t, "bob");
    await call(t, bob, "GET", "/_matrix/client/v3/account/whoami");
    await call(t, bob, "POST", "/_matrix/client/v3/logout", {});
    const res = await t.request("GET", "/_matrix/client/v3/account/whoami", { token: bob.token });
    expect(res.status).toBe(401);
    expect(res.body.errcode).toBe("M_UNKNOWN_TOKEN");
  });
});
