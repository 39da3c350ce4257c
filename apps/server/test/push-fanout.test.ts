// Push fan-out on send (https://spec.matrix.org/v1.19/client-server-api/#server-behaviour-1:
// "homeservers process push rules for each of the local users in the room
// (excluding the sender)"): in a 200-member room, exactly the right users are
// recorded as notified, with the right decision, for a plain message, a
// mention and a keyword — one stored row per distinct decision, the users as a
// bitset of per-room member ordinals (storage-pg notifications.ts).

import { notificationsOfEvent, pushMemberOrdinals } from "@weft/storage-pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, register, roomPath, sendText, type RoomTestUser } from "./support/room-helpers.js";
import { startTestServer, testBackends, type TestServer } from "./support/test-server.js";

const MEMBERS = 200;
const NOTIFY = ["notify"];
const MENTION = ["notify", { set_tweak: "sound", value: "default" }, { set_tweak: "highlight" }];
const KEYWORD = ["notify", { set_tweak: "highlight" }];

describe.each(testBackends())("push fan-out on $name", (backend) => {
  let t: TestServer;
  let alice: RoomTestUser;
  let bob: RoomTestUser;
  let carol: RoomTestUser;
  let roomId: string;
  /** Synthetic local members, joined through the persister (no accounts needed to be evaluated). */
  const crowd = Array.from({ length: MEMBERS - 3 }, (_, i) => `@fan${i}:localhost`);
  const sorted = (ids: readonly string[]): string[] => [...ids].sort();
  const groupRows = async (eventId: string): Promise<number> =>
    (await t.server.db.query<{ n: number }>("SELECT count(*)::int AS n FROM notification_groups WHERE event_id = $1", [eventId])).rows[0]!.n;

  beforeAll(async () => {
    t = await startTestServer(backend);
    [alice, bob, carol] = [await register(t, "alice"), await register(t, "bob"), await register(t, "carol")];
    roomId = (await call(t, alice, "POST", "/_matrix/client/v3/createRoom", { preset: "public_chat", name: "Crowd" })).room_id;
    await call(t, bob, "POST", roomPath(roomId, "/join"), {});
    await call(t, carol, "POST", roomPath(roomId, "/join"), {});
    const persister = t.server.services.rooms.persister;
    for (let i = 0; i < crowd.length; i += 100) {
      const batch = crowd.slice(i, i + 100);
      await persister.send(roomId, batch.map((u, j) => ({ type: "m.room.member", stateKey: u, sender: u, content: { membership: "join", displayname: `Fan number ${i + j}` } })));
    }
    // Bob mutes the room; carol highlights "pineapple".
    await call(t, bob, "PUT", `/_matrix/client/v3/pushrules/global/room/${encodeURIComponent(roomId)}`, { actions: [] });
    await call(t, carol, "PUT", "/_matrix/client/v3/pushrules/global/content/fruit", { pattern: "pineapple", actions: KEYWORD });
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it("records every member but the sender and the muted one for a plain message, in one row", async () => {
    const id = await sendText(t, alice, roomId, "hello everyone");
    const rows = await notificationsOfEvent(t.server.db, roomId, id);
    expect(sorted(rows.map((r) => r.user_id))).toEqual(sorted([carol.userId, ...crowd]));
    expect(rows).toHaveLength(MEMBERS - 2);
    expect(new Set(rows.map((r) => JSON.stringify([r.highlight, r.actions])))).toEqual(new Set([JSON.stringify([false, NOTIFY])]));
    expect(await groupRows(id)).toBe(1);
  });

  it("highlights exactly the mentioned members and keeps the muted one out", async () => {
    const mentioned = [crowd[5]!, crowd[150]!, bob.userId];
    const { event_id: id } = await call(t, alice, "PUT", roomPath(roomId, "/send/m.room.message/mention1"), {
      msgtype: "m.text",
      body: "you three, look",
      "m.mentions": { user_ids: mentioned },
    });
    const rows = await notificationsOfEvent(t.server.db, roomId, id);
    const highlighted = rows.filter((r) => r.highlight);
    // Bob's mute is a room rule; the mention rule is an override and wins.
    expect(sorted(highlighted.map((r) => r.user_id))).toEqual(sorted(mentioned));
    for (const r of highlighted) expect(r.actions).toEqual(MENTION);
    const plain = rows.filter((r) => !r.highlight);
    expect(sorted(plain.map((r) => r.user_id))).toEqual(sorted([carol.userId, ...crowd.filter((u) => !mentioned.includes(u))]));
    for (const r of plain) expect(r.actions).toEqual(NOTIFY);
    expect(await groupRows(id)).toBe(2);

    // The counts follow: a mentioned member has 2 notifications, 1 highlighted; bob has the mention only.
    const counts = t.server.services.notifications;
    expect((await counts.countsForRooms(crowd[5]!, [roomId])).get(roomId)?.total).toEqual({ notification_count: 2, highlight_count: 1 });
    expect((await counts.countsForRooms(crowd[6]!, [roomId])).get(roomId)?.total).toEqual({ notification_count: 2, highlight_count: 0 });
    expect((await counts.countsForRooms(bob.userId, [roomId])).get(roomId)?.total).toEqual({ notification_count: 1, highlight_count: 1 });
    const list = await call(t, bob, "GET", "/_matrix/client/v3/notifications");
    expect(list.notifications.map((n: any) => n.event.event_id)).toEqual([id]);
  });

  it("applies each member's own rules: a keyword highlights carol alone", async () => {
    const id = await sendText(t, alice, roomId, "pineapple pizza tonight");
    const rows = await notificationsOfEvent(t.server.db, roomId, id);
    expect(rows.filter((r) => r.highlight).map((r) => [r.user_id, r.actions])).toEqual([[carol.userId, KEYWORD]]);
    expect(sorted(rows.filter((r) => !r.highlight).map((r) => r.user_id))).toEqual(sorted(crowd));
    expect(await groupRows(id)).toBe(2);
  });

  it("never trusts an ordinal allocated by a transaction that rolled back", async () => {
    const notifications = t.server.services.notifications;
    const room = "!ordinals:localhost";
    const [x, y] = ["@x:localhost", "@y:localhost"];
    const event = (streamPosition: number) => ({
      eventId: `$ordinals${streamPosition}`,
      roomId: room,
      streamPosition,
      pdu: { type: "m.room.message", sender: "@s:localhost", room_id: room, content: { msgtype: "m.text", body: "hi" } } as never,
    });
    const facts = { memberCount: 3, senderPowerLevel: 0 };
    // x gets ordinal 0 in a transaction that then fails…
    await expect(
      t.server.db.transaction(async (tx) => {
        await notifications.recordForEvent(tx, event(1e12), facts, [{ userId: x, displayName: null }]);
        throw new Error("rolled back");
      }),
    ).rejects.toThrow("rolled back");
    // …so ordinal 0 goes to y,
    const [yOrdinal] = await t.server.db.transaction((tx) => pushMemberOrdinals(tx, room, [y]));
    expect(yOrdinal).toMatchObject({ ordinal: 0, allocated: true });
    // and x's next notification must not land on y.
    await t.server.db.transaction((tx) => notifications.recordForEvent(tx, event(1e12 + 1), facts, [{ userId: x, displayName: null }]));
    expect((await notificationsOfEvent(t.server.db, room, "$ordinals1000000000001")).map((r) => r.user_id)).toEqual([x]);
  });
});
