// /sync over HTTP: initial and incremental, long-polling woken by sends,
// limited timelines, invites, leaves, lazy-loaded members, ephemeral typing and
// receipts, state_after (https://spec.matrix.org/v1.19/client-server-api/#syncing).

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, testBackends, type TestServer } from "./support/test-server.js";
import { call, register, roomPath, sendText, type RoomTestUser } from "./support/room-helpers.js";

const SYNC = "/_matrix/client/v3/sync";

describe.each(testBackends())("sync on $name", (backend) => {
  let t: TestServer;
  let alice: RoomTestUser;
  let bob: RoomTestUser;
  beforeAll(async () => {
    t = await startTestServer(backend);
    alice = await register(t, "alice");
    bob = await register(t, "bob");
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it("gives an initial sync with state and timeline, then increments", async () => {
    const { room_id: roomId } = await call(t, alice, "POST", "/_matrix/client/v3/createRoom", { name: "Sync room" });
    await sendText(t, alice, roomId, "first");
    const initial = await call(t, alice, "GET", SYNC);
    expect(initial.next_batch).toMatch(/^s\d+_\d+$/);
    const room = initial.rooms.join[roomId];
    const timelineTypes = room.timeline.events.map((e: { type: string }) => e.type);
    expect(timelineTypes.at(-1)).toBe("m.room.message");
    expect(room.timeline.prev_batch).toMatch(/^s\d+$/);
    // state + timeline together hold the room's state.
    const stateTypes = [...room.state.events, ...room.timeline.events].map((e: { type: string }) => e.type);
    expect(stateTypes).toEqual(expect.arrayContaining(["m.room.create", "m.room.member", "m.room.power_levels", "m.room.name"]));
    expect(room.summary["m.joined_member_count"]).toBe(1);

    const empty = await call(t, alice, "GET", `${SYNC}?since=${initial.next_batch}&timeout=0`);
    expect(empty.rooms.join[roomId]).toBeUndefined();

    const started = Date.now();
    const pending = call(t, alice, "GET", `${SYNC}?since=${initial.next_batch}&timeout=10000`);
    await new Promise((r) => setTimeout(r, 100));
    await sendText(t, alice, roomId, "second");
    const woken = await pending;
    expect(Date.now() - started).toBeLessThan(5000);
    const events = woken.rooms.join[roomId].timeline.events;
    expect(events.map((e: { content: { body?: string } }) => e.content.body)).toEqual(["second"]);
    expect(events[0].unsigned.transaction_id).toBeDefined();
    expect(woken.rooms.join[roomId].timeline.limited).toBe(false);
  });

  it("limits timelines and lets /messages continue from prev_batch", async () => {
    const { room_id: roomId } = await call(t, alice, "POST", "/_matrix/client/v3/createRoom", {});
    const before = await call(t, alice, "GET", `${SYNC}?timeout=0`);
    for (let i = 0; i < 8; i++) await sendText(t, alice, roomId, `m${i}`);
    const filter = encodeURIComponent(JSON.stringify({ room: { timeline: { limit: 3 } } }));
    const res = await call(t, alice, "GET", `${SYNC}?since=${before.next_batch}&filter=${filter}`);
    const timeline = res.rooms.join[roomId].timeline;
    expect(timeline.limited).toBe(true);
    expect(timeline.events.map((e: { content: { body: string } }) => e.content.body)).toEqual(["m5", "m6", "m7"]);
    const page = await call(t, alice, "GET", roomPath(roomId, `/messages?dir=b&limit=2&from=${timeline.prev_batch}`));
    expect(page.chunk.map((e: { content: { body: string } }) => e.content.body)).toEqual(["m4", "m3"]);
  });

  it("shows invites with stripped state, joins, and leaves", async () => {
    const { room_id: roomId } = await call(t, alice, "POST", "/_matrix/client/v3/createRoom", { name: "Invite room" });
    const start = await call(t, bob, "GET", `${SYNC}?timeout=0`);
    await call(t, alice, "POST", roomPath(roomId, "/invite"), { user_id: bob.userId });
    const invited = await call(t, bob, "GET", `${SYNC}?since=${start.next_batch}&timeout=5000`);
    const inviteState = invited.rooms.invite[roomId].invite_state.events;
    expect(inviteState).toEqual(expect.arrayContaining([expect.objectContaining({ type: "m.room.name", content: { name: "Invite room" } })]));
    expect(inviteState).toEqual(expect.arrayContaining([expect.objectContaining({ type: "m.room.member", state_key: bob.userId, content: { membership: "invite" } })]));
    await call(t, bob, "POST", roomPath(roomId, "/join"), {});
    const joined = await call(t, bob, "GET", `${SYNC}?since=${invited.next_batch}`);
    const room = joined.rooms.join[roomId];
    expect([...room.state.events, ...room.timeline.events].some((e: { type: string }) => e.type === "m.room.name")).toBe(true);
    await call(t, bob, "POST", roomPath(roomId, "/leave"), {});
    const left = await call(t, bob, "GET", `${SYNC}?since=${joined.next_batch}`);
    const leaveEvents = left.rooms.leave[roomId].timeline.events;
    expect(leaveEvents.at(-1)).toMatchObject({ type: "m.room.member", state_key: bob.userId, content: { membership: "leave" } });
  });

  it("lazy-loads members and serves state_after on request", async () => {
    const { room_id: roomId } = await call(t, alice, "POST", "/_matrix/client/v3/createRoom", { preset: "public_chat" });
    await call(t, bob, "POST", roomPath(roomId, "/join"), {});
    await sendText(t, bob, roomId, "from bob");
    for (let i = 0; i < 3; i++) await sendText(t, alice, roomId, `alice ${i}`);
    const filter = encodeURIComponent(JSON.stringify({ room: { timeline: { limit: 3 }, state: { lazy_load_members: true } } }));
    const res = await call(t, alice, "GET", `${SYNC}?filter=${filter}`);
    const members = res.rooms.join[roomId].state.events.filter((e: { type: string }) => e.type === "m.room.member").map((e: { state_key: string }) => e.state_key);
    expect(members).toEqual([alice.userId]);
    const after = await call(t, alice, "GET", `${SYNC}?use_state_after=true`);
    const stateAfter = after.rooms.join[roomId].state_after.events.map((e: { type: string; state_key: string }) => `${e.type}|${e.state_key}`);
    expect(stateAfter).toEqual(expect.arrayContaining([`m.room.member|${bob.userId}`, "m.room.create|"]));
  });

  it("delivers typing and receipts as ephemeral events, and counts unread messages", async () => {
    const { room_id: roomId } = await call(t, alice, "POST", "/_matrix/client/v3/createRoom", { preset: "public_chat" });
    await call(t, bob, "POST", roomPath(roomId, "/join"), {});
    const eventId = await sendText(t, alice, roomId, "read me");
    await sendText(t, alice, roomId, "and me");
    const start = await call(t, bob, "GET", `${SYNC}?timeout=0`);
    expect(start.rooms.join[roomId].unread_notifications.notification_count).toBe(2);
    const waiting = call(t, bob, "GET", `${SYNC}?since=${start.next_batch}&timeout=5000`);
    await call(t, alice, "PUT", roomPath(roomId, `/typing/${encodeURIComponent(alice.userId)}`), { typing: true, timeout: 10000 });
    const typed = await waiting;
    expect(typed.rooms.join[roomId].ephemeral.events).toContainEqual({ type: "m.typing", content: { user_ids: [alice.userId] } });
    await call(t, bob, "POST", roomPath(roomId, `/receipt/m.read/${encodeURIComponent(eventId)}`), {});
    const receipted = await call(t, bob, "GET", `${SYNC}?since=${typed.next_batch}&timeout=5000`);
    const receipt = receipted.rooms.join[roomId].ephemeral.events.find((e: { type: string }) => e.type === "m.receipt");
    expect(receipt.content[eventId]["m.read"][bob.userId].ts).toBeTypeOf("number");
    expect(receipted.rooms.join[roomId].unread_notifications.notification_count).toBe(1);
    await call(t, alice, "PUT", roomPath(roomId, `/typing/${encodeURIComponent(alice.userId)}`), { typing: false });
  });

  it("rejects bad tokens, filters and missing auth", async () => {
    expect((await call(t, undefined, "GET", SYNC, undefined, 401)).errcode).toBe("M_MISSING_TOKEN");
    expect((await call(t, alice, "GET", `${SYNC}?since=garbage`, undefined, 400)).errcode).toBe("M_INVALID_PARAM");
    expect((await call(t, alice, "GET", `${SYNC}?filter=${encodeURIComponent("{bad")}`, undefined, 400)).errcode).toBe("M_INVALID_PARAM");
    expect((await call(t, alice, "GET", `${SYNC}?timeout=soon`, undefined, 400)).errcode).toBe("M_INVALID_PARAM");
  });
});
