// Ignoring users (https://spec.matrix.org/v1.19/client-server-api/#ignoring-users):
// with `m.ignored_user_list` in account data, the ignored user's non-state
// events leave /sync, /messages, /event and thread summaries at once, their
// state events stay, their invites are not sent; un-ignoring restores what
// they send next.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, testBackends, type TestServer } from "./support/test-server.js";
import { call, register, roomPath, sendText, type RoomTestUser } from "./support/room-helpers.js";

type Ev = { event_id: string; type: string; sender: string; state_key?: string; content: Record<string, unknown>; unsigned?: Record<string, any> };
const SYNC = "/_matrix/client/v3/sync";

describe.each(testBackends())("ignoring users on $name", (backend) => {
  let t: TestServer;
  let alice: RoomTestUser;
  let bob: RoomTestUser;
  let carol: RoomTestUser;
  let roomId: string;
  const ignore = (users: string[]) =>
    call(t, alice, "PUT", `/_matrix/client/v3/user/${encodeURIComponent(alice.userId)}/account_data/m.ignored_user_list`, {
      ignored_users: Object.fromEntries(users.map((u) => [u, {}])),
    });
  let txn = 0;
  const threadReply = async (user: RoomTestUser, root: string, body: string): Promise<string> =>
    (await call(t, user, "PUT", roomPath(roomId, `/send/m.room.message/ign${++txn}`), { msgtype: "m.text", body, "m.relates_to": { rel_type: "m.thread", event_id: root } })).event_id;

  beforeAll(async () => {
    t = await startTestServer(backend);
    [alice, bob, carol] = [await register(t, "alice"), await register(t, "bob"), await register(t, "carol")];
    roomId = (await call(t, carol, "POST", "/_matrix/client/v3/createRoom", { preset: "public_chat" })).room_id;
    for (const u of [alice, bob]) await call(t, u, "POST", roomPath(roomId, "/join"), {});
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it("leaves the ignored user's messages out of sync, /messages and /event, but keeps their state events", async () => {
    const since = (await call(t, alice, "GET", `${SYNC}?timeout=0`)).next_batch;
    await ignore([bob.userId]);
    const hidden = await sendText(t, bob, roomId, "from bob");
    const shown = await sendText(t, carol, roomId, "from carol");
    const topic = (await call(t, bob, "PUT", roomPath(roomId, `/state/m.room.member/${encodeURIComponent(bob.userId)}`), { membership: "join", displayname: "Bob in here" })).event_id;
    const sync = await call(t, alice, "GET", `${SYNC}?since=${since}&timeout=0`);
    const timeline: Ev[] = sync.rooms.join[roomId].timeline.events;
    expect(timeline.map((e) => e.event_id)).toEqual(expect.arrayContaining([shown, topic]));
    expect(timeline.map((e) => e.event_id)).not.toContain(hidden);
    // The list itself comes down as account data.
    expect(sync.account_data.events.find((e: Ev) => e.type === "m.ignored_user_list").content.ignored_users).toEqual({ [bob.userId]: {} });
    const page: Ev[] = (await call(t, alice, "GET", roomPath(roomId, "/messages?dir=b&limit=20"))).chunk;
    expect(page.map((e) => e.event_id)).toContain(topic);
    expect(page.some((e) => e.sender === bob.userId && e.state_key === undefined)).toBe(false);
    expect((await call(t, alice, "GET", roomPath(roomId, `/event/${encodeURIComponent(hidden)}`), undefined, 404)).errcode).toBe("M_NOT_FOUND");
    // Carol ignores nobody: she sees it all.
    expect((await call(t, carol, "GET", roomPath(roomId, `/event/${encodeURIComponent(hidden)}`))).content.body).toBe("from bob");
  });

  it("counts thread replies and picks the latest without the ignored user", async () => {
    const root = await sendText(t, carol, roomId, "thread root");
    const carolsReply = await threadReply(carol, root, "carol replies");
    await threadReply(bob, root, "bob replies last");
    const forAlice = await call(t, alice, "GET", roomPath(roomId, `/event/${encodeURIComponent(root)}`));
    expect(forAlice.unsigned["m.relations"]["m.thread"]).toMatchObject({ count: 1, latest_event: { event_id: carolsReply } });
    const forCarol = await call(t, carol, "GET", roomPath(roomId, `/event/${encodeURIComponent(root)}`));
    expect(forCarol.unsigned["m.relations"]["m.thread"]).toMatchObject({ count: 2, latest_event: { sender: bob.userId } });
  });

  it("does not send invites from ignored users, and un-ignoring restores what they send next", async () => {
    const since = (await call(t, alice, "GET", `${SYNC}?timeout=0`)).next_batch;
    await call(t, bob, "POST", "/_matrix/client/v3/createRoom", { invite: [alice.userId] });
    const fromCarol = (await call(t, carol, "POST", "/_matrix/client/v3/createRoom", { invite: [alice.userId] })).room_id;
    const sync = await call(t, alice, "GET", `${SYNC}?since=${since}&timeout=0`);
    expect(Object.keys(sync.rooms?.invite ?? {})).toEqual([fromCarol]);
    await ignore([]);
    const after = (await call(t, alice, "GET", `${SYNC}?timeout=0`)).next_batch;
    const again = await sendText(t, bob, roomId, "bob, heard again");
    const next = await call(t, alice, "GET", `${SYNC}?since=${after}&timeout=0`);
    expect(next.rooms.join[roomId].timeline.events.map((e: Ev) => e.event_id)).toContain(again);
  });
});
