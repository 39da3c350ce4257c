// Pushers and delivery to push gateways over HTTP:
// https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3pushersset and
// https://spec.matrix.org/v1.19/push-gateway-api/#post_matrixpushv1notify — a local
// gateway on 127.0.0.1:0 (allowed by push_allow_private) receives notifications in
// the spec's format; rejected pushkeys remove pushers; failures are retried with
// exponential backoff from the durable queue; internal gateways are refused
// without the flag.

import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { pendingPushes } from "@weft/storage-pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, register, roomPath, sendText, type RoomTestUser } from "./support/room-helpers.js";
import { startTestServer, testBackends, type TestServer } from "./support/test-server.js";
import { waitFor } from "./support/wait-for.js";

interface Gateway {
  url: string;
  received: any[];
  /** What to answer next: a status and body. */
  answer: () => { status: number; body: unknown };
  close(): Promise<void>;
}

async function startGateway(): Promise<Gateway> {
  const gateway: Partial<Gateway> = { received: [], answer: () => ({ status: 200, body: { rejected: [] } }) };
  const server: Server = createServer((req, res) => {
    let text = "";
    req.on("data", (c) => (text += c));
    req.on("end", () => {
      gateway.received!.push({ path: req.url, body: JSON.parse(text) });
      const { status, body } = gateway.answer!();
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  gateway.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/_matrix/push/v1/notify`;
  gateway.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return gateway as Gateway;
}

describe.each(testBackends())("pushers and push gateways on $name", (backend) => {
  let t: TestServer;
  let gw: Gateway;
  let alice: RoomTestUser;
  let bob: RoomTestUser;
  let roomId: string;
  let offset = 0;
  const pusher = (url: string, extra: Record<string, unknown> = {}) => ({
    kind: "http",
    app_id: "org.example.app",
    pushkey: "key-alice",
    app_display_name: "Example",
    device_display_name: "Phone",
    lang: "en",
    data: { url, custom: "kept" },
    ...extra,
  });
  beforeAll(async () => {
    gw = await startGateway();
    t = await startTestServer(backend, { push_allow_private: true }, { now: () => Date.now() + offset });
    [alice, bob] = [await register(t, "alice"), await register(t, "bob")];
    roomId = (await call(t, alice, "POST", "/_matrix/client/v3/createRoom", { name: "Pushy", invite: [bob.userId] })).room_id;
    await call(t, bob, "POST", roomPath(roomId, "/join"), {});
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await gw?.close();
  });

  it("validates POST /pushers/set", async () => {
    const set = (body: unknown) => t.request("POST", "/_matrix/client/v3/pushers/set", { token: alice.token, body });
    const expectError = async (body: unknown, errcode: string) => {
      const res = await set(body);
      expect([res.status, res.body.errcode], JSON.stringify(res.body)).toEqual([400, errcode]);
    };
    await expectError({ app_id: "a", pushkey: "k" }, "M_MISSING_PARAM"); // kind
    await expectError({ kind: "http", app_id: "a", pushkey: "k", lang: "en", data: { url: gw.url } }, "M_MISSING_PARAM");
    await expectError({ ...pusher(gw.url), data: {} }, "M_MISSING_PARAM");
    await expectError(pusher("https://push.example.org/notify"), "M_INVALID_PARAM");
    await expectError(pusher("ftp://push.example.org/_matrix/push/v1/notify"), "M_INVALID_PARAM");
    await expectError(pusher("not a url"), "M_INVALID_PARAM");
    await expectError({ ...pusher(gw.url), kind: "email" }, "M_INVALID_PARAM");
    await expectError({ ...pusher(gw.url), app_id: "x".repeat(65) }, "M_INVALID_PARAM");
    await expectError({ ...pusher(gw.url), pushkey: "x".repeat(513) }, "M_INVALID_PARAM");
    await expectError({ ...pusher(gw.url), kind: 5 }, "M_BAD_JSON");
    expect((await t.request("GET", "/_matrix/client/v3/pushers")).status).toBe(401);
    expect(await call(t, alice, "GET", "/_matrix/client/v3/pushers")).toEqual({ pushers: [] });
  });

  it("creates, replaces (append) and deletes pushers", async () => {
    await call(t, alice, "POST", "/_matrix/client/v3/pushers/set", pusher(gw.url, { profile_tag: "tag" }));
    expect((await call(t, alice, "GET", "/_matrix/client/v3/pushers")).pushers).toEqual([
      { pushkey: "key-alice", kind: "http", app_id: "org.example.app", app_display_name: "Example", device_display_name: "Phone", profile_tag: "tag", lang: "en", data: { url: gw.url, custom: "kept" } },
    ]);
    // Bob takes the same pushkey without append: alice's pusher goes.
    await call(t, bob, "POST", "/_matrix/client/v3/pushers/set", pusher(gw.url));
    expect((await call(t, alice, "GET", "/_matrix/client/v3/pushers")).pushers).toEqual([]);
    await call(t, alice, "POST", "/_matrix/client/v3/pushers/set", pusher(gw.url, { append: true }));
    expect((await call(t, bob, "GET", "/_matrix/client/v3/pushers")).pushers).toHaveLength(1);
    expect((await call(t, alice, "GET", "/_matrix/client/v3/pushers")).pushers).toHaveLength(1);
    await call(t, bob, "POST", "/_matrix/client/v3/pushers/set", { kind: null, app_id: "org.example.app", pushkey: "key-alice" });
    expect((await call(t, bob, "GET", "/_matrix/client/v3/pushers")).pushers).toEqual([]);
    expect((await call(t, alice, "GET", "/_matrix/client/v3/pushers")).pushers).toHaveLength(1);
  });

  it("removes a device's pushers when it logs out or is deleted, and every pusher on deactivation", async () => {
    const carol = await register(t, `carol${Date.now()}`);
    const password = `pw-${carol.userId.slice(1).split(":")[0]}-long-enough`;
    const login = async (): Promise<RoomTestUser> => {
      const res = await call(t, undefined, "POST", "/_matrix/client/v3/login", { type: "m.login.password", identifier: { type: "m.id.user", user: carol.userId }, password });
      return { userId: carol.userId, token: res.access_token, deviceId: res.device_id };
    };
    const [phone, tablet] = [await login(), await login()];
    await call(t, carol, "POST", "/_matrix/client/v3/pushers/set", pusher(gw.url, { pushkey: "carol-laptop" }));
    await call(t, phone, "POST", "/_matrix/client/v3/pushers/set", pusher(gw.url, { pushkey: "carol-phone" }));
    await call(t, tablet, "POST", "/_matrix/client/v3/pushers/set", pusher(gw.url, { pushkey: "carol-tablet" }));
    const keys = async (): Promise<string[]> => (await call(t, carol, "GET", "/_matrix/client/v3/pushers")).pushers.map((p: { pushkey: string }) => p.pushkey).sort();
    expect(await keys()).toEqual(["carol-laptop", "carol-phone", "carol-tablet"]);
    await call(t, phone, "POST", "/_matrix/client/v3/logout", {});
    expect(await keys()).toEqual(["carol-laptop", "carol-tablet"]);
    const auth = { type: "m.login.password", identifier: { type: "m.id.user", user: carol.userId }, password };
    const first = await t.request("DELETE", `/_matrix/client/v3/devices/${encodeURIComponent(tablet.deviceId)}`, { token: carol.token, body: {} });
    await call(t, carol, "DELETE", `/_matrix/client/v3/devices/${encodeURIComponent(tablet.deviceId)}`, { auth: { ...auth, session: first.body.session } });
    expect(await keys()).toEqual(["carol-laptop"]);
    const start = await t.request("POST", "/_matrix/client/v3/account/deactivate", { token: carol.token, body: {} });
    await call(t, carol, "POST", "/_matrix/client/v3/account/deactivate", { auth: { ...auth, session: start.body.session } });
    const { rows } = await t.server.db.query("SELECT pushkey FROM pushers WHERE user_id = $1", [carol.userId]);
    expect(rows).toEqual([]);
  });

  it("delivers a notification to the gateway in the push gateway format", async () => {
    await call(t, bob, "PUT", `/_matrix/client/v3/profile/${encodeURIComponent(bob.userId)}/displayname`, { displayname: "Bob B." });
    gw.received.length = 0;
    const eventId = await sendText(t, bob, roomId, "ping alice");
    const got = await waitFor("the gateway to be called", () => gw.received.find((r) => r.body.notification.event_id === eventId));
    expect(got.path).toBe("/_matrix/push/v1/notify");
    const n = got.body.notification;
    expect(n).toMatchObject({
      event_id: eventId,
      room_id: roomId,
      type: "m.room.message",
      sender: bob.userId,
      sender_display_name: "Bob B.",
      room_name: "Pushy",
      content: { msgtype: "m.text", body: "ping alice" },
      counts: { unread: 1 },
      prio: "high",
    });
    // The pusher's data minus url, and the rule's tweaks (.m.rule.room_one_to_one: sound).
    expect(n.devices).toEqual([{ app_id: "org.example.app", pushkey: "key-alice", pushkey_ts: expect.any(Number), data: { custom: "kept" }, tweaks: { sound: "default" } }]);
    expect(n.devices[0].pushkey_ts).toBeLessThan(Date.now() / 1000 + 5);
  });

  it("sends only IDs and counts with the event_id_only format", async () => {
    await call(t, alice, "POST", "/_matrix/client/v3/pushers/set", pusher(gw.url, { data: { url: gw.url, format: "event_id_only" } }));
    gw.received.length = 0;
    const eventId = await sendText(t, bob, roomId, "secret");
    const got = await waitFor("the gateway to be called", () => gw.received.find((r) => r.body.notification.event_id === eventId));
    expect(Object.keys(got.body.notification).sort()).toEqual(["counts", "devices", "event_id", "prio", "room_id"]);
    expect(got.body.notification.counts.unread).toBe(2);
    expect(got.body.notification.devices[0].data).toEqual({ format: "event_id_only" });
  });

  it("retries a failing gateway with exponential backoff, from the durable queue", async () => {
    const delivery = t.server.services.pushDelivery;
    await delivery.stop(); // drive rounds by hand with the injected clock
    try {
      gw.received.length = 0;
      gw.answer = () => ({ status: 502, body: {} });
      const eventId = await sendText(t, bob, roomId, "flaky");
      expect(await delivery.runOnce()).toBe(1);
      let [row] = await pendingPushes(t.server.db);
      expect(row).toMatchObject({ event_id: eventId, attempts: 1, last_error: expect.stringContaining("502") });
      const first = row!.next_attempt_ts - Date.now() - offset;
      expect(first).toBeGreaterThan(delivery.options.baseBackoffMs - 1000);
      expect(first).toBeLessThanOrEqual(delivery.options.baseBackoffMs);
      // Not due yet: nothing is claimed.
      expect(await delivery.runOnce()).toBe(0);
      offset += delivery.options.baseBackoffMs;
      expect(await delivery.runOnce()).toBe(1);
      [row] = await pendingPushes(t.server.db);
      const second = row!.next_attempt_ts - Date.now() - offset;
      expect(second).toBeGreaterThan(2 * delivery.options.baseBackoffMs - 1000);
      expect(second).toBeLessThanOrEqual(2 * delivery.options.baseBackoffMs);
      expect(delivery.backoffMs(3)).toBe(4 * delivery.options.baseBackoffMs);
      // The gateway recovers: the next due attempt delivers and empties the queue.
      gw.answer = () => ({ status: 200, body: { rejected: [] } });
      offset += 2 * delivery.options.baseBackoffMs;
      expect(await delivery.runOnce()).toBe(1);
      expect(await pendingPushes(t.server.db)).toEqual([]);
      expect(gw.received.filter((r) => r.body.notification.event_id === eventId)).toHaveLength(3);
    } finally {
      gw.answer = () => ({ status: 200, body: { rejected: [] } });
      delivery.start();
    }
  });

  it("removes a pusher whose pushkey the gateway rejects", async () => {
    gw.answer = () => ({ status: 200, body: { rejected: ["key-alice"] } });
    const eventId = await sendText(t, bob, roomId, "are you there");
    await waitFor("the gateway to be called", () => gw.received.find((r) => r.body.notification.event_id === eventId));
    for (let i = 0; i < 50; i++) {
      if ((await call(t, alice, "GET", "/_matrix/client/v3/pushers")).pushers.length === 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect((await call(t, alice, "GET", "/_matrix/client/v3/pushers")).pushers).toEqual([]);
    gw.answer = () => ({ status: 200, body: { rejected: [] } });
  });
});

describe.each(testBackends())("push gateways on internal addresses on $name", (backend) => {
  let t: TestServer;
  let alice: RoomTestUser;
  beforeAll(async () => {
    t = await startTestServer(backend); // push_allow_private: false (the default)
    alice = await register(t, "alice");
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it("refuses loopback and private gateways without push_allow_private", async () => {
    for (const host of ["127.0.0.1:9", "10.1.2.3", "[::1]", "169.254.169.254", "192.168.0.10"]) {
      const res = await t.request("POST", "/_matrix/client/v3/pushers/set", {
        token: alice.token,
        body: { kind: "http", app_id: "a", pushkey: "k", app_display_name: "A", device_display_name: "D", lang: "en", data: { url: `http://${host}/_matrix/push/v1/notify` } },
      });
      expect([res.status, res.body.errcode], host).toEqual([400, "M_INVALID_PARAM"]);
    }
    expect((await call(t, alice, "GET", "/_matrix/client/v3/pushers")).pushers).toEqual([]);
  });
});
