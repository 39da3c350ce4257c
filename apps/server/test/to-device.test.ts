// Send-to-device messaging over HTTP and /sync on every backend:
// https://spec.matrix.org/v1.19/client-server-api/#send-to-device-messaging
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, register, type RoomTestUser } from "./support/room-helpers.js";
import { startTestServer, testBackends, type TestServer } from "./support/test-server.js";

const send = (type: string, txn: string): string => `/_matrix/client/v3/sendToDevice/${encodeURIComponent(type)}/${txn}`;

describe.each(testBackends())("/sendToDevice on $name", (backend) => {
  let t: TestServer;
  let alice: RoomTestUser;
  let bob: RoomTestUser;
  let bob2: RoomTestUser;
  beforeAll(async () => {
    t = await startTestServer(backend);
    alice = await register(t, "alice");
    bob = await register(t, "bob");
    const res = await t.request("POST", "/_matrix/client/v3/login", {
      body: { type: "m.login.password", identifier: { type: "m.id.user", user: "bob" }, password: "pw-bob-long-enough" },
    });
    bob2 = { userId: bob.userId, token: res.body.access_token, deviceId: res.body.device_id };
  }, 60_000);
  afterAll(async () => t?.close());

  it("delivers once per transaction ID, and deletes messages once the next since acknowledges them", async () => {
    const s0 = (await call(t, bob, "GET", "/_matrix/client/v3/sync?timeout=0")).next_batch;
    await call(t, alice, "PUT", send("m.test", "t1"), { messages: { [bob.userId]: { [bob.deviceId]: { n: 1 } } } });
    await call(t, alice, "PUT", send("m.test", "t1"), { messages: { [bob.userId]: { [bob.deviceId]: { n: 1 } } } });
    const s1 = await call(t, bob, "GET", `/_matrix/client/v3/sync?timeout=0&since=${s0}`);
    expect(s1.to_device.events).toEqual([{ sender: alice.userId, type: "m.test", content: { n: 1 } }]);
    // Not acknowledged yet: the same since returns it again (the client may have lost the response).
    const again = await call(t, bob, "GET", `/_matrix/client/v3/sync?timeout=0&since=${s0}`);
    expect(again.to_device.events).toHaveLength(1);
    // Acknowledged by the next since: gone, even for an older token.
    const s2 = await call(t, bob, "GET", `/_matrix/client/v3/sync?timeout=0&since=${s1.next_batch}`);
    expect(s2.to_device.events).toEqual([]);
    expect((await call(t, bob, "GET", `/_matrix/client/v3/sync?timeout=0&since=${s0}`)).to_device.events).toEqual([]);
  });

  it("expands * to every device, and wakes a waiting sync", async () => {
    const s0 = (await call(t, bob2, "GET", "/_matrix/client/v3/sync?timeout=0")).next_batch;
    const poll = call(t, bob2, "GET", `/_matrix/client/v3/sync?timeout=10000&since=${s0}`);
    await new Promise((r) => setTimeout(r, 200));
    const started = Date.now();
    await call(t, alice, "PUT", send("m.room_key_request", "t2"), { messages: { [bob.userId]: { "*": { action: "request" } } } });
    const woke = await poll;
    expect(Date.now() - started).toBeLessThan(5000);
    expect(woke.to_device.events).toEqual([{ sender: alice.userId, type: "m.room_key_request", content: { action: "request" } }]);
    const first = await call(t, bob, "GET", "/_matrix/client/v3/sync?timeout=0");
    expect(first.to_device.events.map((e: { type: string }) => e.type)).toContain("m.room_key_request");
  });

  it("keeps messages in order across sends and separates senders' transaction IDs", async () => {
    const s0 = (await call(t, alice, "GET", "/_matrix/client/v3/sync?timeout=0")).next_batch;
    for (let i = 0; i < 5; i++) await call(t, bob, "PUT", send("m.seq", `same`), { messages: { [alice.userId]: { [alice.deviceId]: { i } } } }).catch(() => undefined);
    await call(t, bob2, "PUT", send("m.seq", "same"), { messages: { [alice.userId]: { [alice.deviceId]: { i: "other device" } } } });
    for (let i = 0; i < 3; i++) await call(t, bob, "PUT", send("m.seq", `n${i}`), { messages: { [alice.userId]: { [alice.deviceId]: { i } } } });
    const s1 = await call(t, alice, "GET", `/_matrix/client/v3/sync?timeout=0&since=${s0}`);
    expect(s1.to_device.events.map((e: { content: { i: unknown } }) => e.content.i)).toEqual([0, "other device", 0, 1, 2]);
  });

  it("rejects bad bodies, remote users and missing auth", async () => {
    expect((await call(t, alice, "PUT", send("m.x", "e1"), {}, 400)).errcode).toBe("M_MISSING_PARAM");
    expect((await call(t, alice, "PUT", send("m.x", "e2"), { messages: { [bob.userId]: { D: "x" } } }, 400)).errcode).toBe("M_BAD_JSON");
    expect((await call(t, alice, "PUT", send("m.x", "e3"), { messages: { "@x:remote.example": { D: {} } } }, 403)).errcode).toBe("M_FORBIDDEN");
    expect((await call(t, undefined, "PUT", send("m.x", "e4"), { messages: {} }, 401)).errcode).toBe("M_MISSING_TOKEN");
  });

  it("a deleted device's inbox is dropped", async () => {
    const res = await t.request("POST", "/_matrix/client/v3/login", {
      body: { type: "m.login.password", identifier: { type: "m.id.user", user: "bob" }, password: "pw-bob-long-enough" },
    });
    const bob3 = { userId: bob.userId, token: res.body.access_token, deviceId: res.body.device_id };
    await call(t, alice, "PUT", send("m.test", "del"), { messages: { [bob.userId]: { [bob3.deviceId]: { n: 1 } } } });
    const first = await call(t, bob, "DELETE", `/_matrix/client/v3/devices/${bob3.deviceId}`, {}, 401);
    await call(t, bob, "DELETE", `/_matrix/client/v3/devices/${bob3.deviceId}`, {
      auth: { type: "m.login.password", session: first.session, identifier: { type: "m.id.user", user: bob.userId }, password: "pw-bob-long-enough" },
    });
    // Logging in again with the same device ID starts with an empty inbox.
    const again = await t.request("POST", "/_matrix/client/v3/login", {
      body: { type: "m.login.password", identifier: { type: "m.id.user", user: "bob" }, password: "pw-bob-long-enough", device_id: bob3.deviceId },
    });
    const sync = await call(t, { ...bob3, token: again.body.access_token }, "GET", "/_matrix/client/v3/sync?timeout=0");
    expect(sync.to_device.events).toEqual([]);
  });
});
