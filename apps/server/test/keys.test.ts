// /keys/* over HTTP on every backend:
// https://spec.matrix.org/v1.19/client-server-api/#key-management-api and
// https://spec.matrix.org/v1.19/client-server-api/#cross-signing
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { crossSigningFor, deviceKeysFor, signAs } from "./support/e2ee-helpers.js";
import { call, register, type RoomTestUser } from "./support/room-helpers.js";
import { startTestServer, testBackends, type TestServer } from "./support/test-server.js";

const UPLOAD = "/_matrix/client/v3/keys/upload";
const QUERY = "/_matrix/client/v3/keys/query";
const CLAIM = "/_matrix/client/v3/keys/claim";

async function login(t: TestServer, user: RoomTestUser, username: string): Promise<RoomTestUser> {
  const res = await t.request("POST", "/_matrix/client/v3/login", {
    body: { type: "m.login.password", identifier: { type: "m.id.user", user: username }, password: `pw-${username}-long-enough` },
  });
  expect(res.status).toBe(200);
  return { userId: user.userId, token: res.body.access_token, deviceId: res.body.device_id };
}

describe.each(testBackends())("/keys on $name", (backend) => {
  let t: TestServer;
  let alice: RoomTestUser;
  let bob: RoomTestUser;
  beforeAll(async () => {
    t = await startTestServer(backend);
    alice = await register(t, "alice");
    bob = await register(t, "bob");
  }, 60_000);
  afterAll(async () => t?.close());

  describe("POST /keys/upload", () => {
    it("stores self-signed device keys and one-time keys; query shows them with the display name", async () => {
      const keys = deviceKeysFor(alice.userId, alice.deviceId);
      const res = await call(t, alice, "POST", UPLOAD, { device_keys: keys.deviceKeys, one_time_keys: keys.oneTimeKeys(0, 3) });
      expect(res).toEqual({ one_time_key_counts: { signed_curve25519: 3 } });
      await call(t, alice, "PUT", `/_matrix/client/v3/devices/${alice.deviceId}`, { display_name: "Alice's laptop" });
      const q = await call(t, bob, "POST", QUERY, { device_keys: { [alice.userId]: [] } });
      expect(q.device_keys[alice.userId][alice.deviceId]).toEqual({ ...keys.deviceKeys, unsigned: { device_display_name: "Alice's laptop" } });
      expect(q.failures).toEqual({});
      // The pre-serialised body goes out as JSON, remote users listed in failures.
      const raw = await t.request("POST", QUERY, { token: bob.token, body: { device_keys: { [alice.userId]: [alice.deviceId], "@x:elsewhere.example": [] } } });
      expect(raw.headers.get("content-type")).toMatch(/^application\/json/);
      expect(raw.body.device_keys[alice.userId][alice.deviceId].unsigned).toEqual({ device_display_name: "Alice's laptop" });
      expect(Object.keys(raw.body.failures)).toEqual(["elsewhere.example"]);
      // Identical re-upload: accepted.
      await call(t, alice, "POST", UPLOAD, { device_keys: keys.deviceKeys });
    });

    it("refuses mismatched IDs (M_INVALID_PARAM), bad signatures (M_INVALID_SIGNATURE), wrong types (M_BAD_JSON), no token", async () => {
      const keys = deviceKeysFor(bob.userId, bob.deviceId);
      expect((await call(t, bob, "POST", UPLOAD, { device_keys: { ...keys.deviceKeys, user_id: alice.userId } }, 400)).errcode).toBe("M_INVALID_PARAM");
      expect((await call(t, bob, "POST", UPLOAD, { device_keys: { ...keys.deviceKeys, device_id: "OTHER" } }, 400)).errcode).toBe("M_INVALID_PARAM");
      expect((await call(t, bob, "POST", UPLOAD, { device_keys: { ...keys.deviceKeys, algorithms: ["changed"] } }, 400)).errcode).toBe("M_INVALID_SIGNATURE");
      expect((await call(t, bob, "POST", UPLOAD, { device_keys: "nope" }, 400)).errcode).toBe("M_BAD_JSON");
      expect((await call(t, bob, "POST", UPLOAD, { one_time_keys: { "signed_curve25519:A": "unsigned" } }, 400)).errcode).toBe("M_BAD_JSON");
      expect((await t.request("POST", UPLOAD, { body: "{not json" , token: bob.token })).body.errcode).toBe("M_NOT_JSON");
      expect((await call(t, undefined, "POST", UPLOAD, {}, 401)).errcode).toBe("M_MISSING_TOKEN");
      expect((await t.request("POST", UPLOAD, { body: {}, token: "bogus" })).body.errcode).toBe("M_UNKNOWN_TOKEN");
    });

    it("refuses a one-time key signed by another key, and a changed device key", async () => {
      const keys = deviceKeysFor(bob.userId, bob.deviceId);
      await call(t, bob, "POST", UPLOAD, { device_keys: keys.deviceKeys });
      const stranger = deviceKeysFor(bob.userId, bob.deviceId);
      expect((await call(t, bob, "POST", UPLOAD, { one_time_keys: stranger.oneTimeKeys(0, 1) }, 400)).errcode).toBe("M_INVALID_SIGNATURE");
      expect((await call(t, bob, "POST", UPLOAD, { device_keys: stranger.deviceKeys }, 400)).errcode).toBe("M_INVALID_PARAM");
    });
  });

  describe("POST /keys/query and /keys/claim", () => {
    it("reports remote servers in failures and rejects bad bodies", async () => {
      const q = await call(t, alice, "POST", QUERY, { device_keys: { "@x:remote.example": [] } });
      expect(q.failures["remote.example"]).toBeDefined();
      expect((await call(t, alice, "POST", QUERY, { device_keys: { [bob.userId]: "all" } }, 400)).errcode).toBe("M_BAD_JSON");
      expect((await call(t, alice, "POST", QUERY, {}, 400)).errcode).toMatch(/M_MISSING_PARAM|M_BAD_JSON/);
      const c = await call(t, alice, "POST", CLAIM, { one_time_keys: { "@x:remote.example": { D: "signed_curve25519" } } });
      expect(c).toEqual({ one_time_keys: {}, failures: { "remote.example": expect.any(Object) } });
      expect((await call(t, alice, "POST", CLAIM, { one_time_keys: { [bob.userId]: { D: 5 } } }, 400)).errcode).toBe("M_BAD_JSON");
    });

    it("50 parallel claims against 20 one-time keys and a fallback key: each key once, in upload order, then the fallback", async () => {
      const carol = await register(t, "carol");
      const keys = deviceKeysFor(carol.userId, carol.deviceId);
      const otks = keys.oneTimeKeys(0, 20);
      await call(t, carol, "POST", UPLOAD, { device_keys: keys.deviceKeys, one_time_keys: otks, fallback_keys: keys.fallbackKey("FB") });
      const body = { one_time_keys: { [carol.userId]: { [carol.deviceId]: "signed_curve25519" } } };
      const results = await Promise.all(Array.from({ length: 50 }, () => call(t, alice, "POST", CLAIM, body)));
      const ids = results.map((r) => Object.keys(r.one_time_keys[carol.userId][carol.deviceId])[0] as string);
      const oneTime = ids.filter((id) => id !== "signed_curve25519:FB");
      expect(oneTime).toHaveLength(20);
      expect(new Set(oneTime)).toEqual(new Set(Object.keys(otks)));
      expect(ids.filter((id) => id === "signed_curve25519:FB")).toHaveLength(30);
      // The fallback key came out as uploaded, and is now marked used.
      const fb = results.find((r) => r.one_time_keys[carol.userId][carol.deviceId]["signed_curve25519:FB"]);
      expect(fb.one_time_keys[carol.userId][carol.deviceId]["signed_curve25519:FB"]).toEqual(keys.fallbackKey("FB")["signed_curve25519:FB"]);
      const sync = await call(t, carol, "GET", "/_matrix/client/v3/sync?timeout=0");
      expect(sync.device_one_time_keys_count).toEqual({});
      expect(sync.device_unused_fallback_key_types).toEqual([]);
      // Sequential claims after a fresh upload follow upload order exactly.
      await call(t, carol, "POST", UPLOAD, { one_time_keys: keys.oneTimeKeys(100, 5) });
      const order: string[] = [];
      for (let i = 0; i < 5; i++) order.push(Object.keys((await call(t, alice, "POST", CLAIM, body)).one_time_keys[carol.userId][carol.deviceId])[0]!);
      expect(order).toEqual(Object.keys(keys.oneTimeKeys(100, 5)));
      // A retried upload of claimed keys is accepted and ignored.
      expect(await call(t, carol, "POST", UPLOAD, { one_time_keys: keys.oneTimeKeys(100, 5) })).toEqual({ one_time_key_counts: {} });
    });
  });

  describe("cross-signing", () => {
    it("first upload without UIA, replacement behind m.login.password, visibility and signatures", async () => {
      const dave = await register(t, "dave");
      const daveKeys = deviceKeysFor(dave.userId, dave.deviceId);
      await call(t, dave, "POST", UPLOAD, { device_keys: daveKeys.deviceKeys });
      const cs = crossSigningFor(dave.userId);
      const upload = { master_key: cs.master_key, self_signing_key: cs.self_signing_key, user_signing_key: cs.user_signing_key };
      expect(await call(t, dave, "POST", "/_matrix/client/v3/keys/device_signing/upload", upload)).toEqual({});
      // Owner sees all three, others no user-signing key.
      const own = await call(t, dave, "POST", QUERY, { device_keys: { [dave.userId]: [] } });
      expect(own.user_signing_keys[dave.userId]).toEqual(cs.user_signing_key);
      const other = await call(t, alice, "POST", QUERY, { device_keys: { [dave.userId]: [] } });
      expect(other.master_keys[dave.userId]).toEqual(cs.master_key);
      expect(other.self_signing_keys[dave.userId]).toEqual(cs.self_signing_key);
      expect(other.user_signing_keys).toEqual({});
      // Replacing needs UIA.
      const cs2 = crossSigningFor(dave.userId);
      const challenge = await call(t, dave, "POST", "/_matrix/client/v3/keys/device_signing/upload", { master_key: cs2.master_key }, 401);
      expect(challenge.flows).toEqual([{ stages: ["m.login.password"] }]);
      const wrong = await call(
        t,
        dave,
        "POST",
        "/_matrix/client/v3/keys/device_signing/upload",
        { master_key: cs2.master_key, auth: { type: "m.login.password", session: challenge.session, identifier: { type: "m.id.user", user: dave.userId }, password: "wrong" } },
        401,
      );
      expect(wrong.errcode).toBe("M_FORBIDDEN");
      // A self-signing key not signed by the master key.
      const badSsk = { ...cs.self_signing_key, signatures: {} };
      const bad = await call(
        t,
        dave,
        "POST",
        "/_matrix/client/v3/keys/device_signing/upload",
        { self_signing_key: badSsk, auth: { type: "m.login.password", session: challenge.session, identifier: { type: "m.id.user", user: dave.userId }, password: "pw-dave-long-enough" } },
        400,
      );
      expect(bad.errcode).toBe("M_INVALID_SIGNATURE");

      // Signatures: own device by the self-signing key; a bad one fails per key.
      const res = await call(t, dave, "POST", "/_matrix/client/v3/keys/signatures/upload", {
        [dave.userId]: { [dave.deviceId]: signAs(daveKeys.deviceKeys, dave.userId, cs.selfSigning), NODEVICE: signAs(daveKeys.deviceKeys, dave.userId, cs.selfSigning) },
      });
      expect(res.failures).toEqual({ [dave.userId]: { NODEVICE: { errcode: "M_NOT_FOUND", error: expect.any(String) } } });
      const bad2 = await call(t, dave, "POST", "/_matrix/client/v3/keys/signatures/upload", {
        [dave.userId]: { [dave.deviceId]: signAs(daveKeys.deviceKeys, dave.userId, cs.userSigning) },
      });
      expect(bad2.failures[dave.userId][dave.deviceId].errcode).toBe("M_INVALID_SIGNATURE");
      const seen = await call(t, alice, "POST", QUERY, { device_keys: { [dave.userId]: [dave.deviceId] } });
      expect(Object.keys(seen.device_keys[dave.userId][dave.deviceId].signatures[dave.userId])).toContain(`ed25519:${cs.selfSigning.publicKeyBase64}`);
      // Bad bodies.
      expect((await call(t, dave, "POST", "/_matrix/client/v3/keys/device_signing/upload", { master_key: "x" }, 400)).errcode).toBe("M_BAD_JSON");
      expect((await call(t, dave, "POST", "/_matrix/client/v3/keys/signatures/upload", [], 400)).errcode).toBe("M_BAD_JSON");
    });

    it("refuses a self-signing key without a master key, and another user's key", async () => {
      const erin = await register(t, "erin");
      const cs = crossSigningFor(erin.userId);
      expect((await call(t, erin, "POST", "/_matrix/client/v3/keys/device_signing/upload", { self_signing_key: cs.self_signing_key }, 400)).errcode).toBe("M_INVALID_PARAM");
      const foreign = crossSigningFor(alice.userId);
      expect((await call(t, erin, "POST", "/_matrix/client/v3/keys/device_signing/upload", { master_key: foreign.master_key }, 400)).errcode).toBe("M_INVALID_PARAM");
    });
  });

  describe("device lists", () => {
    it("/keys/changes and /sync device_lists report users sharing a room; deleting a device drops its keys", async () => {
      const frank = await register(t, "frank");
      const gina = await register(t, "gina");
      const room = await call(t, frank, "POST", "/_matrix/client/v3/createRoom", { preset: "public_chat" });
      const s0 = (await call(t, frank, "GET", "/_matrix/client/v3/sync?timeout=0")).next_batch;
      await call(t, gina, "POST", `/_matrix/client/v3/join/${encodeURIComponent(room.room_id)}`, {});
      const s1 = await call(t, frank, "GET", `/_matrix/client/v3/sync?timeout=0&since=${s0}`);
      expect(s1.device_lists.changed).toContain(gina.userId);
      // Gina logs in a second device and uploads keys: Frank's long poll wakes with the change.
      const gina2 = await login(t, gina, "gina");
      const poll = call(t, frank, "GET", `/_matrix/client/v3/sync?timeout=10000&since=${s1.next_batch}`);
      await new Promise((r) => setTimeout(r, 200));
      await call(t, gina2, "POST", UPLOAD, { device_keys: deviceKeysFor(gina.userId, gina2.deviceId).deviceKeys });
      const s2 = await poll;
      expect(s2.device_lists.changed).toEqual([gina.userId]);
      const changes = await call(t, frank, "GET", `/_matrix/client/v3/keys/changes?from=${s1.next_batch}&to=${s2.next_batch}`);
      expect(changes).toEqual({ changed: [gina.userId], left: [] });
      expect((await call(t, frank, "GET", "/_matrix/client/v3/keys/changes?from=nope&to=s1", undefined, 400)).errcode).toBe("M_INVALID_PARAM");
      expect((await call(t, frank, "GET", "/_matrix/client/v3/keys/changes?from=s1", undefined, 400)).errcode).toBe("M_MISSING_PARAM");
      // Deleting the device removes its keys and is reported as a change.
      const del1 = await call(t, gina, "DELETE", `/_matrix/client/v3/devices/${gina2.deviceId}`, {}, 401);
      await call(t, gina, "DELETE", `/_matrix/client/v3/devices/${gina2.deviceId}`, {
        auth: { type: "m.login.password", session: del1.session, identifier: { type: "m.id.user", user: gina.userId }, password: "pw-gina-long-enough" },
      });
      const q = await call(t, frank, "POST", QUERY, { device_keys: { [gina.userId]: [] } });
      expect(q.device_keys[gina.userId][gina2.deviceId]).toBeUndefined();
      const s3 = await call(t, frank, "GET", `/_matrix/client/v3/sync?timeout=0&since=${s2.next_batch}`);
      expect(s3.device_lists.changed).toEqual([gina.userId]);
      // Gina leaves: Frank sees her in left.
      await call(t, gina, "POST", `/_matrix/client/v3/rooms/${encodeURIComponent(room.room_id)}/leave`, {});
      const s4 = await call(t, frank, "GET", `/_matrix/client/v3/sync?timeout=0&since=${s3.next_batch}`);
      expect(s4.device_lists.left).toEqual([gina.userId]);
    });
  });
});
