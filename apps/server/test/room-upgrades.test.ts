// Room upgrades over HTTP: https://spec.matrix.org/v1.19/client-server-api/#room-upgrades
// (POST /rooms/{roomId}/upgrade: server behaviour steps 1–6 across room
// versions, and the error paths).

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, testBackends, type TestServer } from "./support/test-server.js";
import { call, register, roomPath, sendText, type RoomTestUser } from "./support/room-helpers.js";

const upgrade = (roomId: string) => roomPath(roomId, "/upgrade");

describe.each(testBackends())("room upgrades on $name", (backend) => {
  let t: TestServer;
  let alice: RoomTestUser;
  let bob: RoomTestUser;
  beforeAll(async () => {
    t = await startTestServer(backend);
    [alice, bob] = await Promise.all([register(t, "alice"), register(t, "bob")]);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  async function richRoom(version: string, alias: string): Promise<string> {
    const { room_id: roomId } = await call(t, alice, "POST", "/_matrix/client/v3/createRoom", {
      room_version: version,
      preset: "public_chat",
      visibility: "public",
      name: "Old name",
      topic: "Old topic",
      room_alias_name: alias,
      creation_content: { type: "m.space" },
      initial_state: [
        { type: "m.room.encryption", content: { algorithm: "m.megolm.v1.aes-sha2" } },
        { type: "m.room.avatar", content: { url: "mxc://localhost/avatar" } },
        { type: "org.example.custom", content: { keep: false } },
      ],
    });
    await call(t, bob, "POST", roomPath(roomId, "/join"), {});
    await sendText(t, alice, roomId, "before the upgrade");
    return roomId;
  }

  it.each([
    ["11", "12"],
    ["10", "11"],
    ["12", "12"],
    ["12", "11"],
  ])("upgrades a room of version %s to %s", async (from, to) => {
    const alias = `up${from}to${to}`;
    const oldRoom = await richRoom(from, alias);
    const { replacement_room: newRoom } = await call(t, alice, "POST", upgrade(oldRoom), { new_version: to });
    expect(newRoom).toMatch(/^!/);
    expect(newRoom).not.toBe(oldRoom);

    // 2. The create event: version, predecessor (no event_id since v12) and the room type.
    const create = await call(t, alice, "GET", roomPath(newRoom, "/state/m.room.create/"));
    expect(create.room_version).toBe(to);
    expect(create.type).toBe("m.space");
    expect(create.predecessor.room_id).toBe(oldRoom);
    if (to === "12") expect(create.predecessor.event_id).toBeUndefined();
    else expect(create.predecessor.event_id).toMatch(/^\$/);

    // 3. Transferable state came along; other state did not.
    expect(await call(t, alice, "GET", roomPath(newRoom, "/state/m.room.name/"))).toEqual({ name: "Old name" });
    expect((await call(t, alice, "GET", roomPath(newRoom, "/state/m.room.topic/"))).topic).toBe("Old topic");
    expect(await call(t, alice, "GET", roomPath(newRoom, "/state/m.room.avatar/"))).toEqual({ url: "mxc://localhost/avatar" });
    expect(await call(t, alice, "GET", roomPath(newRoom, "/state/m.room.encryption/"))).toEqual({ algorithm: "m.megolm.v1.aes-sha2" });
    expect((await call(t, alice, "GET", roomPath(newRoom, "/state/m.room.join_rules/"))).join_rule).toBe("public");
    expect((await call(t, alice, "GET", roomPath(newRoom, "/state/m.room.history_visibility/"))).history_visibility).toBe("shared");
    await call(t, alice, "GET", roomPath(newRoom, "/state/org.example.custom/"), undefined, 404);
    const pl = await call(t, alice, "GET", roomPath(newRoom, "/state/m.room.power_levels/"));
    // Since room version 12 the creator is not listed in users.
    if (to === "12") expect(pl.users?.[alice.userId]).toBeUndefined();
    else expect(pl.users[alice.userId]).toBe(100);
    // Members are not carried over: bob has to join the new room himself.
    const members = await call(t, alice, "GET", roomPath(newRoom, "/joined_members"));
    expect(Object.keys(members.joined)).toEqual([alice.userId]);

    // 4. The alias moved, with the canonical alias and the directory listing.
    const resolved = await call(t, alice, "GET", `/_matrix/client/v3/directory/room/${encodeURIComponent(`#${alias}:localhost`)}`);
    expect(resolved.room_id).toBe(newRoom);
    expect((await call(t, alice, "GET", roomPath(newRoom, "/state/m.room.canonical_alias/"))).alias).toBe(`#${alias}:localhost`);
    expect(await call(t, alice, "GET", roomPath(oldRoom, "/state/m.room.canonical_alias/"))).toEqual({});
    expect((await call(t, alice, "GET", `/_matrix/client/v3/directory/list/room/${encodeURIComponent(newRoom)}`)).visibility).toBe("public");
    expect((await call(t, alice, "GET", `/_matrix/client/v3/directory/list/room/${encodeURIComponent(oldRoom)}`)).visibility).toBe("private");

    // 5. The tombstone in the old room.
    const tombstone = await call(t, bob, "GET", roomPath(oldRoom, "/state/m.room.tombstone/"));
    expect(tombstone).toMatchObject({ replacement_room: newRoom });
    expect(typeof tombstone.body).toBe("string");

    // 6. The old room's power levels stop ordinary members from talking and inviting.
    const oldPl = await call(t, bob, "GET", roomPath(oldRoom, "/state/m.room.power_levels/"));
    expect(oldPl.events_default).toBe(50);
    expect(oldPl.invite).toBe(50);
    expect((await call(t, bob, "PUT", roomPath(oldRoom, `/send/m.room.message/after${from}${to}`), { msgtype: "m.text", body: "hi" }, 403)).errcode).toBe("M_FORBIDDEN");

    // Bob follows the tombstone and can talk in the new room.
    await call(t, bob, "POST", `/_matrix/client/v3/join/${encodeURIComponent(newRoom)}`, {});
    await sendText(t, bob, newRoom, "made it");
  });

  it("carries members' tags and room push rules to the new room, on the upgrader's upgrade and on others' join", async () => {
    const oldRoom = await richRoom("11", "carryover");
    const user = (u: RoomTestUser) => encodeURIComponent(u.userId);
    const room = (r: string) => encodeURIComponent(r);
    for (const u of [alice, bob]) {
      await call(t, u, "PUT", `/_matrix/client/v3/user/${user(u)}/rooms/${room(oldRoom)}/tags/m.favourite`, { order: 0.25 });
      await call(t, u, "PUT", `/_matrix/client/v3/pushrules/global/room/${room(oldRoom)}`, { actions: [] });
    }
    await call(t, bob, "PUT", `/_matrix/client/v3/pushrules/global/override/mute-${room(oldRoom)}`, {
      conditions: [{ kind: "event_match", key: "room_id", pattern: oldRoom }],
      actions: [],
    });
    await call(t, bob, "PUT", `/_matrix/client/v3/pushrules/global/override/mute-${room(oldRoom)}/enabled`, { enabled: false });
    const { replacement_room: newRoom } = await call(t, alice, "POST", upgrade(oldRoom), { new_version: "12" });
    const settingsIn = async (u: RoomTestUser, r: string) => ({
      tags: (await call(t, u, "GET", `/_matrix/client/v3/user/${user(u)}/rooms/${room(r)}/tags`)).tags,
      roomRule: (await t.request("GET", `/_matrix/client/v3/pushrules/global/room/${room(r)}`, { token: u.token })).body,
    });
    // The upgrader has them at once; bob only once he follows the tombstone and joins.
    expect(await settingsIn(alice, newRoom)).toMatchObject({ tags: { "m.favourite": { order: 0.25 } }, roomRule: { rule_id: newRoom, actions: [], enabled: true } });
    expect((await settingsIn(bob, newRoom)).tags).toEqual({});
    await call(t, bob, "POST", roomPath(newRoom, "/join"), {});
    expect(await settingsIn(bob, newRoom)).toMatchObject({ tags: { "m.favourite": { order: 0.25 } }, roomRule: { rule_id: newRoom, actions: [] } });
    const override = await call(t, bob, "GET", `/_matrix/client/v3/pushrules/global/override/mute-${room(newRoom)}`);
    expect(override).toMatchObject({ enabled: false, conditions: [{ kind: "event_match", key: "room_id", pattern: newRoom }] });
    // The old room keeps its settings.
    expect((await settingsIn(bob, oldRoom)).tags).toEqual({ "m.favourite": { order: 0.25 } });
  });

  it("carries the old room's bans (with their reasons) to the new room", async () => {
    const mallory = await register(t, "mallory-upgrade");
    const { room_id: oldRoom } = await call(t, alice, "POST", "/_matrix/client/v3/createRoom", { room_version: "10", preset: "public_chat" });
    await call(t, mallory, "POST", roomPath(oldRoom, "/join"), {});
    await call(t, alice, "POST", roomPath(oldRoom, "/ban"), { user_id: mallory.userId, reason: "spam" });
    const { replacement_room: newRoom } = await call(t, alice, "POST", upgrade(oldRoom), { new_version: "12" });
    const ban = await call(t, alice, "GET", roomPath(newRoom, `/state/m.room.member/${encodeURIComponent(mallory.userId)}`));
    expect(ban).toEqual({ membership: "ban", reason: "spam" });
    expect((await call(t, mallory, "POST", roomPath(newRoom, "/join"), {}, 403)).errcode).toBe("M_FORBIDDEN");
  });

  it("sets additional creators when upgrading to room version 12", async () => {
    const { room_id: oldRoom } = await call(t, alice, "POST", "/_matrix/client/v3/createRoom", { room_version: "11", preset: "private_chat", invite: [bob.userId] });
    const { replacement_room: newRoom } = await call(t, alice, "POST", upgrade(oldRoom), { new_version: "12", additional_creators: [bob.userId] });
    const create = await call(t, alice, "GET", roomPath(newRoom, "/state/m.room.create/"));
    expect(create.additional_creators).toEqual([bob.userId]);
    const pl = await call(t, alice, "GET", roomPath(newRoom, "/state/m.room.power_levels/"));
    expect(pl.users?.[bob.userId]).toBeUndefined();
  });

  it("refuses users without the power to send a tombstone, non-members and unknown rooms", async () => {
    const { room_id: roomId } = await call(t, alice, "POST", "/_matrix/client/v3/createRoom", { preset: "public_chat" });
    expect((await call(t, bob, "POST", upgrade(roomId), { new_version: "12" }, 403)).errcode).toBe("M_FORBIDDEN");
    await call(t, bob, "POST", roomPath(roomId, "/join"), {});
    expect((await call(t, bob, "POST", upgrade(roomId), { new_version: "12" }, 403)).errcode).toBe("M_FORBIDDEN");
    expect((await call(t, alice, "POST", upgrade("!nope:localhost"), { new_version: "12" }, 403)).errcode).toBe("M_FORBIDDEN");
    // Nothing happened to the room.
    await call(t, alice, "GET", roomPath(roomId, "/state/m.room.tombstone/"), undefined, 404);
  });

  it("rejects unsupported versions and malformed bodies", async () => {
    const { room_id: roomId } = await call(t, alice, "POST", "/_matrix/client/v3/createRoom", {});
    expect((await call(t, alice, "POST", upgrade(roomId), { new_version: "999" }, 400)).errcode).toBe("M_UNSUPPORTED_ROOM_VERSION");
    expect((await call(t, alice, "POST", upgrade(roomId), {}, 400)).errcode).toMatch(/^M_(BAD_JSON|MISSING_PARAM)$/);
    expect((await call(t, alice, "POST", upgrade(roomId), { new_version: 12 }, 400)).errcode).toMatch(/^M_(BAD_JSON|INVALID_PARAM)$/);
    expect((await call(t, alice, "POST", upgrade(roomId), { new_version: "12", additional_creators: ["not-a-user"] }, 400)).errcode).toBe("M_INVALID_PARAM");
    expect((await call(t, alice, "POST", upgrade(roomId), "nope", 400)).errcode).toBe("M_NOT_JSON");
    expect((await t.request("POST", upgrade(roomId), { body: { new_version: "12" } })).body.errcode).toBe("M_MISSING_TOKEN");
  });
});
