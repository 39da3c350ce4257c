// Bundled aggregations (https://spec.matrix.org/v1.19/client-server-api/#aggregations-of-child-events):
// m.thread (latest_event, count, current_user_participated), m.replace (the most
// recent valid edit, https://spec.matrix.org/v1.19/client-server-api/#server-side-aggregation-of-mreplace-relationships)
// and m.reference on /event, /messages, /context, /relations, /threads and limited
// /sync timelines; and `unsigned` per https://spec.matrix.org/v1.19/client-server-api/#room-event-format
// (age, transaction_id for the sending device only, redacted_because).

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, testBackends, type TestServer } from "./support/test-server.js";
import { call, register, roomPath, sendText, type RoomTestUser } from "./support/room-helpers.js";

type Ev = { event_id: string; type: string; sender: string; origin_server_ts: number; content: Record<string, any>; unsigned?: Record<string, any> };

describe.each(testBackends())("bundled aggregations and unsigned on $name", (backend) => {
  let t: TestServer;
  let alice: RoomTestUser;
  let bob: RoomTestUser;
  let roomId: string;
  let root: string;
  let reply2: string;
  let reference: string;
  let latestEdit: Ev;
  let replyEdit: string;
  const send = async (user: RoomTestUser, txn: string, content: Record<string, unknown>, type = "m.room.message"): Promise<string> =>
    (await call(t, user, "PUT", roomPath(roomId, `/send/${type}/${txn}`), content)).event_id;
  const v1 = (path: string): string => path.replace("/_matrix/client/v3/", "/_matrix/client/v1/");

  beforeAll(async () => {
    t = await startTestServer(backend);
    alice = await register(t, "alice");
    bob = await register(t, "bob");
    ({ room_id: roomId } = await call(t, alice, "POST", "/_matrix/client/v3/createRoom", { preset: "public_chat" }));
    await call(t, bob, "POST", roomPath(roomId, "/join"), {});
    root = await send(alice, "root", { msgtype: "m.text", body: "root" });
    const edits: string[] = [];
    for (const [i, body] of ["edit one", "edit two"].entries()) {
      edits.push(await send(alice, `edit${i}`, { msgtype: "m.text", body: `* ${body}`, "m.new_content": { msgtype: "m.text", body }, "m.relates_to": { rel_type: "m.replace", event_id: root } }));
    }
    // Invalid edits are ignored: another sender, another type, no m.new_content.
    await send(bob, "bad-edit1", { msgtype: "m.text", body: "* hijack", "m.new_content": { msgtype: "m.text", body: "hijack" }, "m.relates_to": { rel_type: "m.replace", event_id: root } });
    await send(alice, "bad-edit2", { body: "x", "m.new_content": { body: "x" }, "m.relates_to": { rel_type: "m.replace", event_id: root } }, "org.example.other");
    await send(alice, "bad-edit3", { msgtype: "m.text", body: "* nothing new", "m.relates_to": { rel_type: "m.replace", event_id: root } });
    await send(bob, "reply1", { msgtype: "m.text", body: "r1", "m.relates_to": { rel_type: "m.thread", event_id: root } });
    reply2 = await send(bob, "reply2", { msgtype: "m.text", body: "r2", "m.relates_to": { rel_type: "m.thread", event_id: root } });
    replyEdit = await send(bob, "reply2-edit", { msgtype: "m.text", body: "* r2!", "m.new_content": { msgtype: "m.text", body: "r2!" }, "m.relates_to": { rel_type: "m.replace", event_id: reply2 } });
    reference = await send(bob, "ref", { msgtype: "m.text", body: "see above", "m.relates_to": { rel_type: "m.reference", event_id: root } });
    await send(bob, "react", { "m.relates_to": { rel_type: "m.annotation", event_id: root, key: "👍" } }, "m.reaction");
    // The most recent valid edit: latest origin_server_ts, then the largest event ID (spec).
    const editEvents: Ev[] = await Promise.all(edits.map((id) => call(t, alice, "GET", roomPath(roomId, `/event/${encodeURIComponent(id)}`))));
    latestEdit = editEvents.sort((a, b) => a.origin_server_ts - b.origin_server_ts || (a.event_id < b.event_id ? -1 : 1)).at(-1)!;
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  function expectBundle(event: Ev | undefined, viewer: RoomTestUser): void {
    const relations = event?.unsigned?.["m.relations"];
    expect(relations, JSON.stringify(event)).toBeDefined();
    expect(relations["m.replace"].event_id).toBe(latestEdit.event_id);
    expect(relations["m.replace"].content["m.new_content"].body).toBe(latestEdit.content["m.new_content"].body);
    expect(relations["m.thread"].count).toBe(2);
    expect(relations["m.thread"].latest_event.event_id).toBe(reply2);
    // The latest event carries its own aggregations.
    expect(relations["m.thread"].latest_event.unsigned["m.relations"]["m.replace"].event_id).toBe(replyEdit);
    // alice sent the root, bob replied: both took part.
    expect(relations["m.thread"].current_user_participated).toBe(viewer === alice || viewer === bob);
    expect(relations["m.reference"]).toEqual({ chunk: [{ event_id: reference }] });
    expect(relations["m.annotation"]).toBeUndefined();
    // The original content is left intact.
    expect(event!.content.body).toBe("root");
  }

  it("bundles on /event, /messages, /context, /relations and /threads", async () => {
    expectBundle(await call(t, bob, "GET", roomPath(roomId, `/event/${encodeURIComponent(root)}`)), bob);
    const messages = await call(t, alice, "GET", roomPath(roomId, "/messages?dir=b&limit=50"));
    expectBundle(messages.chunk.find((e: Ev) => e.event_id === root), alice);
    const context = await call(t, alice, "GET", roomPath(roomId, `/context/${encodeURIComponent(reply2)}?limit=20`));
    expectBundle(context.events_before.find((e: Ev) => e.event_id === root), alice);
    expect(context.event.unsigned["m.relations"]["m.replace"].event_id).toBe(replyEdit);
    const relations = await call(t, alice, "GET", v1(roomPath(roomId, `/relations/${encodeURIComponent(root)}/m.thread`)));
    expect(relations.chunk.find((e: Ev) => e.event_id === reply2).unsigned["m.relations"]["m.replace"].event_id).toBe(replyEdit);
    const threads = await call(t, bob, "GET", v1(roomPath(roomId, "/threads")));
    expectBundle(threads.chunk.find((e: Ev) => e.event_id === root), bob);
  });

  it("says whether the current user took part in a thread", async () => {
    const carol = await register(t, "carol");
    await call(t, carol, "POST", roomPath(roomId, "/join"), {});
    const event = await call(t, carol, "GET", roomPath(roomId, `/event/${encodeURIComponent(root)}`));
    expect(event.unsigned["m.relations"]["m.thread"].current_user_participated).toBe(false);
  });

  it("bundles in limited /sync timelines", async () => {
    const filter = encodeURIComponent(JSON.stringify({ room: { timeline: { limit: 12 } } }));
    const sync = await call(t, alice, "GET", `/_matrix/client/v3/sync?filter=${filter}`);
    const timeline = sync.rooms.join[roomId].timeline;
    expect(timeline.limited).toBe(true);
    expectBundle(timeline.events.find((e: Ev) => e.event_id === root), alice);
  });

  it("serves age, transaction_id only to the sending device, and redacted_because; drops m.replace of a redacted original", async () => {
    const txnRoom = (await call(t, alice, "POST", "/_matrix/client/v3/createRoom", { preset: "public_chat" })).room_id as string;
    await call(t, bob, "POST", roomPath(txnRoom, "/join"), {});
    const id = (await call(t, alice, "PUT", roomPath(txnRoom, "/send/m.room.message/my-txn"), { msgtype: "m.text", body: "mine" })).event_id;
    const mine = await call(t, alice, "GET", roomPath(txnRoom, `/event/${encodeURIComponent(id)}`));
    expect(mine.unsigned.transaction_id).toBe("my-txn");
    expect(typeof mine.unsigned.age).toBe("number");
    expect(mine.unsigned.age).toBeGreaterThanOrEqual(0);
    expect((await call(t, bob, "GET", roomPath(txnRoom, `/event/${encodeURIComponent(id)}`))).unsigned.transaction_id).toBeUndefined();
    const login = await call(t, undefined, "POST", "/_matrix/client/v3/login", { type: "m.login.password", identifier: { type: "m.id.user", user: "alice" }, password: "pw-alice-long-enough" });
    const otherDevice: RoomTestUser = { userId: alice.userId, token: login.access_token, deviceId: login.device_id };
    expect((await call(t, otherDevice, "GET", roomPath(txnRoom, `/event/${encodeURIComponent(id)}`))).unsigned.transaction_id).toBeUndefined();
    const sync = await call(t, alice, "GET", "/_matrix/client/v3/sync");
    expect(sync.rooms.join[txnRoom].timeline.events.find((e: Ev) => e.event_id === id).unsigned.transaction_id).toBe("my-txn");
    const otherSync = await call(t, otherDevice, "GET", "/_matrix/client/v3/sync");
    expect(otherSync.rooms.join[txnRoom].timeline.events.find((e: Ev) => e.event_id === id).unsigned.transaction_id).toBeUndefined();

    // An edited event, then redacted: served redacted, with redacted_because and no m.replace bundle.
    const edited = await sendText(t, alice, txnRoom, "to be edited");
    await call(t, alice, "PUT", roomPath(txnRoom, "/send/m.room.message/e1"), { msgtype: "m.text", body: "* e", "m.new_content": { msgtype: "m.text", body: "e" }, "m.relates_to": { rel_type: "m.replace", event_id: edited } });
    expect((await call(t, bob, "GET", roomPath(txnRoom, `/event/${encodeURIComponent(edited)}`))).unsigned["m.relations"]["m.replace"]).toBeDefined();
    const redaction = (await call(t, alice, "PUT", roomPath(txnRoom, `/redact/${encodeURIComponent(edited)}/r1`), { reason: "oops" })).event_id;
    const redacted = await call(t, bob, "GET", roomPath(txnRoom, `/event/${encodeURIComponent(edited)}`));
    expect(redacted.content).toEqual({});
    expect(redacted.unsigned.redacted_because.event_id).toBe(redaction);
    expect(redacted.unsigned.redacted_because.content.reason).toBe("oops");
    expect(redacted.unsigned["m.relations"]?.["m.replace"]).toBeUndefined();
    const page = await call(t, bob, "GET", roomPath(txnRoom, "/messages?dir=b&limit=5"));
    expect(page.chunk.find((e: Ev) => e.event_id === edited).unsigned.redacted_because.event_id).toBe(redaction);
  });
});
