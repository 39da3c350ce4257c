// Spec-compliance gaps around room creation and unique-constraint races, over HTTP:
// v12 room IDs are the create event's reference hash
// (https://spec.matrix.org/v1.19/rooms/v12/), so identical createRoom requests
// in one millisecond must still give distinct rooms; aliases taken concurrently
// answer M_ROOM_IN_USE / 409 (https://spec.matrix.org/v1.19/client-server-api/#room-aliases),
// repeated transaction IDs answer the same event
// (https://spec.matrix.org/v1.19/client-server-api/#transaction-identifiers), and
// third-party invites are refused with M_SERVER_NOT_TRUSTED (no identity server
// is trusted; https://spec.matrix.org/v1.19/client-server-api/#third-party-invites).

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, testBackends, type TestServer } from "./support/test-server.js";
import { call, register, roomPath, sendText, type RoomTestUser } from "./support/room-helpers.js";

/** A clock that never moves: every request lands in the same millisecond. */
const FROZEN = (): number => 1_767_225_600_000;

describe.each(testBackends())("createRoom and races on $name", (backend) => {
  let t: TestServer;
  let alice: RoomTestUser;
  let bob: RoomTestUser;
  beforeAll(async () => {
    t = await startTestServer(backend, {}, { now: FROZEN });
    alice = await register(t, "alice");
    bob = await register(t, "bob");
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it("gives identical v12 createRoom requests in the same millisecond distinct rooms", async () => {
    const body = { room_version: "12", creation_content: { "m.federate": true } };
    const first = await call(t, alice, "POST", "/_matrix/client/v3/createRoom", body);
    const second = await call(t, alice, "POST", "/_matrix/client/v3/createRoom", body);
    expect(second.room_id).not.toBe(first.room_id);
    const parallel = await Promise.all([1, 2, 3, 4].map(() => t.request("POST", "/_matrix/client/v3/createRoom", { body, token: alice.token })));
    expect(parallel.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    const ids = new Set([first.room_id, second.room_id, ...parallel.map((r) => r.body.room_id)]);
    expect(ids.size).toBe(6);
    const joined = await call(t, alice, "GET", "/_matrix/client/v3/joined_rooms");
    for (const id of ids) expect(joined.joined_rooms).toContain(id);
    // Each room is whole: its create event hashes to its ID and it accepts messages.
    for (const id of ids) {
      const create = await call(t, alice, "GET", roomPath(id, "/state/m.room.create/"));
      expect(create.room_version).toBe("12");
      await sendText(t, alice, id, "still works");
    }
  });

  it("answers M_ROOM_IN_USE to every concurrent createRoom but one for the same alias, and creates no half room", async () => {
    const before = (await call(t, alice, "GET", "/_matrix/client/v3/joined_rooms")).joined_rooms.length;
    const responses = await Promise.all(
      [alice, alice, bob].map((user) => t.request("POST", "/_matrix/client/v3/createRoom", { body: { room_alias_name: "race", preset: "public_chat" }, token: user.token })),
    );
    const ok = responses.filter((r) => r.status === 200);
    expect(ok).toHaveLength(1);
    for (const r of responses.filter((x) => x.status !== 200)) expect([r.status, r.body.errcode]).toEqual([400, "M_ROOM_IN_USE"]);
    const resolved = await call(t, bob, "GET", `/_matrix/client/v3/directory/room/${encodeURIComponent("#race:localhost")}`);
    expect(resolved.room_id).toBe(ok[0]!.body.room_id);
    const after = (await call(t, alice, "GET", "/_matrix/client/v3/joined_rooms")).joined_rooms.length;
    const aliceWon = responses.slice(0, 2).some((r) => r.status === 200);
    expect(after - before).toBe(aliceWon ? 1 : 0);
  });

  it("answers 409 to concurrent PUTs of one alias but the first", async () => {
    const { room_id: roomId } = await call(t, alice, "POST", "/_matrix/client/v3/createRoom", { preset: "public_chat" });
    const path = `/_matrix/client/v3/directory/room/${encodeURIComponent("#put-race:localhost")}`;
    const responses = await Promise.all([1, 2, 3].map(() => t.request("PUT", path, { body: { room_id: roomId }, token: alice.token })));
    expect(responses.map((r) => r.status).sort()).toEqual([200, 409, 409]);
    for (const r of responses.filter((x) => x.status === 409)) expect(r.body.errcode).toBe("M_UNKNOWN");
  });

  it("answers concurrent retries of one transaction (send and redact) with one event", async () => {
    const { room_id: roomId } = await call(t, alice, "POST", "/_matrix/client/v3/createRoom", {});
    const sends = await Promise.all(
      [1, 2, 3].map(() => t.request("PUT", roomPath(roomId, "/send/m.room.message/same-txn"), { body: { msgtype: "m.text", body: "once" }, token: alice.token })),
    );
    expect(sends.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(new Set(sends.map((r) => r.body.event_id)).size).toBe(1);
    const target = sends[0]!.body.event_id as string;
    const redactions = await Promise.all(
      [1, 2, 3].map(() => t.request("PUT", roomPath(roomId, `/redact/${encodeURIComponent(target)}/same-redact`), { body: { reason: "dup" }, token: alice.token })),
    );
    expect(redactions.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(new Set(redactions.map((r) => r.body.event_id)).size).toBe(1);
  });

  it("refuses third-party invites with M_SERVER_NOT_TRUSTED before creating anything", async () => {
    const invite = { id_server: "id.example.org", id_access_token: "abc", medium: "email", address: "zara@example.com" };
    const before = (await call(t, alice, "GET", "/_matrix/client/v3/joined_rooms")).joined_rooms.length;
    expect((await call(t, alice, "POST", "/_matrix/client/v3/createRoom", { invite_3pid: [invite] }, 403)).errcode).toBe("M_SERVER_NOT_TRUSTED");
    expect((await call(t, alice, "GET", "/_matrix/client/v3/joined_rooms")).joined_rooms.length).toBe(before);
    // A malformed entry is a bad request, not a trust question.
    expect((await call(t, alice, "POST", "/_matrix/client/v3/createRoom", { invite_3pid: [{ medium: "email" }] }, 400)).errcode).toBe("M_MISSING_PARAM");
    // An empty list is no invite at all.
    const { room_id: roomId } = await call(t, alice, "POST", "/_matrix/client/v3/createRoom", { invite_3pid: [] });
    expect((await call(t, alice, "POST", roomPath(roomId, "/invite"), invite, 403)).errcode).toBe("M_SERVER_NOT_TRUSTED");
    expect((await call(t, alice, "POST", roomPath(roomId, "/invite"), { medium: "email", address: "zara@example.com" }, 400)).errcode).toBe("M_MISSING_PARAM");
    expect((await call(t, alice, "POST", roomPath(roomId, "/invite"), {}, 400)).errcode).toBe("M_MISSING_PARAM");
    // The user-ID form still works.
    await call(t, alice, "POST", roomPath(roomId, "/invite"), { user_id: bob.userId });
  });
});
