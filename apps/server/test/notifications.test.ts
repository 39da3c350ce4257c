// Notifications over HTTP: push rules evaluated for every local member when an
// event is persisted, unread counts in /sync (per room and per thread) reset
// by read receipts, and GET /notifications
// (https://spec.matrix.org/v1.19/client-server-api/#receiving-notifications).

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, register, roomPath, sendText, type RoomTestUser } from "./support/room-helpers.js";
import { startTestServer, testBackends, type TestServer } from "./support/test-server.js";

const SYNC = "/_matrix/client/v3/sync";

describe.each(testBackends())("notifications on $name", (backend) => {
  let t: TestServer;
  let alice: RoomTestUser;
  let bob: RoomTestUser;
  let carol: RoomTestUser;
  let roomId: string;
  beforeAll(async () => {
    t = await startTestServer(backend);
    [alice, bob, carol] = [await register(t, "alice"), await register(t, "bob"), await register(t, "carol")];
    roomId = (await call(t, alice, "POST", "/_matrix/client/v3/createRoom", { name: "Kitchen", invite: [bob.userId, carol.userId] })).room_id;
    await call(t, bob, "POST", roomPath(roomId, "/join"), {});
    await call(t, carol, "POST", roomPath(roomId, "/join"), {});
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  const counts = async (user: RoomTestUser, filter?: unknown) => {
    const sync = await call(t, user, "GET", filter ? `${SYNC}?filter=${encodeURIComponent(JSON.stringify(filter))}` : SYNC);
    return sync.rooms.join[roomId];
  };

  it("counts notifications per room, highlights mentions, never for the sender, and resets on a receipt", async () => {
    await sendText(t, bob, roomId, "hello");
    const mention = await call(t, bob, "PUT", roomPath(roomId, "/send/m.room.message/m1"), { msgtype: "m.text", body: "alice: look", "m.mentions": { user_ids: [alice.userId] } });
    // A notice is suppressed by .m.rule.suppress_notices.
    await call(t, bob, "PUT", roomPath(roomId, "/send/m.room.message/n1"), { msgtype: "m.notice", body: "bot says hi" });
    expect((await counts(alice)).unread_notifications).toEqual({ notification_count: 2, highlight_count: 1 });
    // Carol's count also holds her invite (.m.rule.invite_for_me): she has sent no receipt yet.
    expect((await counts(carol)).unread_notifications).toEqual({ notification_count: 3, highlight_count: 0 });
    // Bob's own messages never notify him: his count is his invite alone.
    expect((await counts(bob)).unread_notifications).toEqual({ notification_count: 1, highlight_count: 0 });

    // A receipt at the mention clears both.
    await call(t, alice, "POST", roomPath(roomId, `/receipt/m.read/${encodeURIComponent(mention.event_id)}`), {});
    expect((await counts(alice)).unread_notifications).toEqual({ notification_count: 0, highlight_count: 0 });
    expect((await counts(carol)).unread_notifications.notification_count).toBe(3);
    const last = await sendText(t, bob, roomId, "one more");
    expect((await counts(alice)).unread_notifications).toEqual({ notification_count: 1, highlight_count: 0 });
    await call(t, alice, "POST", roomPath(roomId, `/receipt/m.read.private/${encodeURIComponent(last)}`), {});
    expect((await counts(alice)).unread_notifications.notification_count).toBe(0);
  });

  it("counts threads apart when the filter asks, and threaded receipts clear their thread", async () => {
    const root = await sendText(t, carol, roomId, "thread root");
    const inThread = (body: string, txn: string) =>
      call(t, bob, "PUT", roomPath(roomId, `/send/m.room.message/${txn}`), { msgtype: "m.text", body, "m.relates_to": { rel_type: "m.thread", event_id: root } });
    await call(t, alice, "POST", roomPath(roomId, `/receipt/m.read/${encodeURIComponent(root)}`), {});
    const r1 = await inThread("in thread 1", "th1");
    await inThread("in thread 2", "th2");
    await sendText(t, bob, roomId, "main again");
    const threaded = await counts(alice, { room: { timeline: { unread_thread_notifications: true } } });
    expect(threaded.unread_notifications).toEqual({ notification_count: 1, highlight_count: 0 });
    expect(threaded.unread_thread_notifications).toEqual({ [root]: { notification_count: 2, highlight_count: 0 } });
    // Without the filter option everything is counted at room level.
    expect((await counts(alice)).unread_notifications.notification_count).toBe(3);
    // A receipt in the thread clears the thread up to it, not the main timeline.
    await call(t, alice, "POST", roomPath(roomId, `/receipt/m.read/${encodeURIComponent(r1.event_id)}`), { thread_id: root });
    const after = await counts(alice, { room: { timeline: { unread_thread_notifications: true } } });
    expect(after.unread_thread_notifications).toEqual({ [root]: { notification_count: 1, highlight_count: 0 } });
    expect(after.unread_notifications.notification_count).toBe(1);
  });

  it("lists notifications newest first with pagination, read flags and only=highlight", async () => {
    const page1 = await call(t, alice, "GET", "/_matrix/client/v3/notifications?limit=2");
    expect(page1.notifications).toHaveLength(2);
    expect(page1.next_token).toMatch(/^\d+$/);
    const n = page1.notifications[0];
    expect(n).toMatchObject({ room_id: roomId, read: false, actions: ["notify"] });
    expect(n.event).toMatchObject({ type: "m.room.message", sender: bob.userId, content: { body: "main again" } });
    expect(typeof n.ts).toBe("number");
    const all: any[] = [...page1.notifications];
    let from = page1.next_token;
    while (from) {
      const page = await call(t, alice, "GET", `/_matrix/client/v3/notifications?limit=2&from=${from}`);
      all.push(...page.notifications);
      from = page.next_token;
    }
    const bodies = all.map((x) => x.event.content.body);
    expect(bodies).toEqual(["main again", "in thread 2", "in thread 1", "thread root", "one more", "alice: look", "hello"]);
    expect(all.find((x) => x.event.content.body === "hello").read).toBe(true);
    const highlights = await call(t, alice, "GET", "/_matrix/client/v3/notifications?only=highlight");
    expect(highlights.notifications.map((x: any) => x.event.content.body)).toEqual(["alice: look"]);
    expect(highlights.notifications[0].actions).toContainEqual({ set_tweak: "highlight" });
    expect(highlights.next_token).toBeUndefined();
    const bad = await t.request("GET", "/_matrix/client/v3/notifications?from=abc", { token: alice.token });
    expect([bad.status, bad.body.errcode]).toEqual([400, "M_INVALID_PARAM"]);
    expect((await t.request("GET", "/_matrix/client/v3/notifications")).status).toBe(401);
  });

  it("notifies an invitee through .m.rule.invite_for_me and rolls back with a rejected event", async () => {
    const dave = await register(t, "dave");
    const { room_id: other } = await call(t, alice, "POST", "/_matrix/client/v3/createRoom", { name: "Other" });
    await call(t, alice, "POST", roomPath(other, "/invite"), { user_id: dave.userId });
    const list = await call(t, dave, "GET", "/_matrix/client/v3/notifications");
    expect(list.notifications[0].event).toMatchObject({ type: "m.room.member", state_key: dave.userId });
    // A send the auth rules reject leaves no notification behind.
    const before = (await t.server.db.query<{ n: number }>("SELECT count(*)::int AS n FROM notification_groups")).rows[0]!.n;
    await call(t, dave, "PUT", roomPath(other, "/send/m.room.message/x"), { msgtype: "m.text", body: "not joined" }, 403);
    expect((await t.server.db.query<{ n: number }>("SELECT count(*)::int AS n FROM notification_groups")).rows[0]!.n).toBe(before);
  });
});
