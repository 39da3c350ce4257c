// The smaller client-server modules over HTTP, with their error paths:
// OpenID (https://spec.matrix.org/v1.19/client-server-api/#openid and the
// federation userinfo exchange), server administration (whois), mutual rooms,
// timestamp_to_event, VoIP TURN credentials, third-party networks, 3PID
// management without 3PID support, login tokens, support discovery and
// reporting users.

import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { userReports } from "@weft/storage-pg";
import { startTestServer, testBackends, type TestServer } from "./support/test-server.js";
import { call, register, roomPath, sendText, type RoomTestUser } from "./support/room-helpers.js";

const V1 = "/_matrix/client/v1";
const V3 = "/_matrix/client/v3";
const enc = encodeURIComponent;

describe.each(testBackends())("client modules on $name", (backend) => {
  let t: TestServer;
  let clock = Date.parse("2026-06-01T12:00:00Z");
  let alice: RoomTestUser;
  let bob: RoomTestUser;
  let charlie: RoomTestUser;
  beforeAll(async () => {
    t = await startTestServer(
      backend,
      { turn: { uris: ["turn:turn.localhost:3478?transport=udp"], shared_secret: "s3cret", user_lifetime_ms: 3_600_000 } },
      { now: () => clock },
    );
    [alice, bob, charlie] = await Promise.all([register(t, "alice"), register(t, "bob"), register(t, "charlie")]);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  describe("OpenID", () => {
    it("issues a token that the federation userinfo endpoint exchanges for the user ID, until it expires", async () => {
      const creds = await call(t, alice, "POST", `${V3}/user/${enc(alice.userId)}/openid/request_token`, {});
      expect(creds).toMatchObject({ token_type: "Bearer", matrix_server_name: "localhost", expires_in: 3600 });
      const info = await t.request("GET", `/_matrix/federation/v1/openid/userinfo?access_token=${enc(creds.access_token)}`);
      expect(info).toMatchObject({ status: 200, body: { sub: alice.userId } });
      clock += 3_600_001;
      const expired = await t.request("GET", `/_matrix/federation/v1/openid/userinfo?access_token=${enc(creds.access_token)}`);
      expect(expired).toMatchObject({ status: 401, body: { errcode: "M_UNKNOWN_TOKEN" } });
    });

    it("refuses tokens for other users, unknown tokens and missing parameters", async () => {
      expect((await call(t, alice, "POST", `${V3}/user/${enc(bob.userId)}/openid/request_token`, {}, 403)).errcode).toBe("M_FORBIDDEN");
      expect((await t.request("POST", `${V3}/user/${enc(alice.userId)}/openid/request_token`, { body: {} })).body.errcode).toBe("M_MISSING_TOKEN");
      expect((await call(t, alice, "POST", `${V3}/user/${enc(alice.userId)}/openid/request_token`, "[", 400)).errcode).toBe("M_NOT_JSON");
      expect((await t.request("GET", "/_matrix/federation/v1/openid/userinfo?access_token=nope")).body.errcode).toBe("M_UNKNOWN_TOKEN");
      const missing = await t.request("GET", "/_matrix/federation/v1/openid/userinfo");
      expect(missing.status).toBe(400);
      expect(missing.body.errcode).toBe("M_MISSING_PARAM");
    });
  });

  describe("whois", () => {
    it("shows a user their own sessions, and nobody else's unless admin", async () => {
      const own = await call(t, alice, "GET", `${V3}/admin/whois/${enc(alice.userId)}`);
      expect(own.user_id).toBe(alice.userId);
      expect(Object.keys(own.devices)).toContain(alice.deviceId);
      expect(own.devices[alice.deviceId].sessions).toHaveLength(1);
      expect(Array.isArray(own.devices[alice.deviceId].sessions[0].connections)).toBe(true);
      expect((await call(t, alice, "GET", `${V3}/admin/whois/${enc(bob.userId)}`, undefined, 403)).errcode).toBe("M_FORBIDDEN");
      await t.server.services.accounts.createUser({ localpart: "root", password: "root-password-long", admin: true });
      const login = await call(t, undefined, "POST", `${V3}/login`, { type: "m.login.password", identifier: { type: "m.id.user", user: "root" }, password: "root-password-long" });
      const root = { userId: login.user_id, token: login.access_token, deviceId: login.device_id };
      expect((await call(t, root, "GET", `${V3}/admin/whois/${enc(bob.userId)}`)).user_id).toBe(bob.userId);
      expect((await call(t, root, "GET", `${V3}/admin/whois/${enc("@ghost:localhost")}`, undefined, 404)).errcode).toBe("M_NOT_FOUND");
    });
  });

  describe("mutual rooms", () => {
    it("lists rooms both users are joined to", async () => {
      const shared = (await call(t, alice, "POST", `${V3}/createRoom`, { preset: "public_chat" })).room_id;
      await call(t, alice, "POST", `${V3}/createRoom`, { preset: "public_chat" });
      const invitedOnly = (await call(t, alice, "POST", `${V3}/createRoom`, { invite: [charlie.userId] })).room_id;
      await call(t, charlie, "POST", roomPath(shared, "/join"), {});
      const body = await call(t, alice, "GET", `${V1}/mutual_rooms?user_id=${enc(charlie.userId)}`);
      expect(body).toEqual({ joined: [shared], count: 1 });
      expect(body.joined).not.toContain(invitedOnly);
      expect(await call(t, alice, "GET", `${V1}/mutual_rooms?user_id=${enc("@nobody:localhost")}`)).toEqual({ joined: [], count: 0 });
    });

    it("rejects a missing, malformed or own user ID and bad tokens", async () => {
      expect((await call(t, alice, "GET", `${V1}/mutual_rooms`, undefined, 400)).errcode).toBe("M_MISSING_PARAM");
      expect((await call(t, alice, "GET", `${V1}/mutual_rooms?user_id=bob`, undefined, 400)).errcode).toBe("M_INVALID_PARAM");
      expect((await call(t, alice, "GET", `${V1}/mutual_rooms?user_id=${enc(alice.userId)}`, undefined, 400)).errcode).toBe("M_INVALID_PARAM");
      expect((await call(t, alice, "GET", `${V1}/mutual_rooms?user_id=${enc(bob.userId)}&from=xx`, undefined, 400)).errcode).toBe("M_INVALID_PARAM");
    });
  });

  describe("timestamp_to_event", () => {
    it("finds the closest event in either direction", async () => {
      const roomId = (await call(t, alice, "POST", `${V3}/createRoom`, {})).room_id;
      clock += 60_000;
      const first = await sendText(t, alice, roomId, "first");
      const firstTs = clock;
      clock += 60_000;
      const second = await sendText(t, alice, roomId, "second");
      const path = (ts: number, dir: string) => `${V1}/rooms/${enc(roomId)}/timestamp_to_event?ts=${ts}&dir=${dir}`;
      expect(await call(t, alice, "GET", path(firstTs + 1, "f"))).toEqual({ event_id: second, origin_server_ts: clock });
      expect(await call(t, alice, "GET", path(clock - 1, "b"))).toEqual({ event_id: first, origin_server_ts: firstTs });
      expect(await call(t, alice, "GET", path(firstTs, "f"))).toMatchObject({ event_id: first });
      expect((await call(t, alice, "GET", path(clock + 1, "f"), undefined, 404)).errcode).toBe("M_NOT_FOUND");
    });

    it("rejects bad parameters and non-members", async () => {
      const roomId = (await call(t, alice, "POST", `${V3}/createRoom`, {})).room_id;
      const base = `${V1}/rooms/${enc(roomId)}/timestamp_to_event`;
      expect((await call(t, alice, "GET", `${base}?ts=1`, undefined, 400)).errcode).toMatch(/^M_(MISSING|INVALID)_PARAM$/);
      expect((await call(t, alice, "GET", `${base}?ts=x&dir=f`, undefined, 400)).errcode).toBe("M_INVALID_PARAM");
      expect((await call(t, alice, "GET", `${base}?ts=1&dir=up`, undefined, 400)).errcode).toBe("M_INVALID_PARAM");
      expect((await call(t, bob, "GET", `${base}?ts=1&dir=f`, undefined, 403)).errcode).toBe("M_FORBIDDEN");
    });
  });

  describe("VoIP", () => {
    it("hands out TURN REST API credentials from the configured shared secret", async () => {
      const turn = await call(t, alice, "GET", `${V3}/voip/turnServer`);
      expect(turn).toMatchObject({ uris: ["turn:turn.localhost:3478?transport=udp"], ttl: 3600 });
      expect(turn.username).toBe(`${Math.floor(clock / 1000) + 3600}:${alice.userId}`);
      expect(turn.password).toBe(createHmac("sha1", "s3cret").update(turn.username).digest("base64"));
    });
  });

  describe("third-party networks", () => {
    it("knows no protocols and finds no mappings", async () => {
      expect(await call(t, alice, "GET", `${V3}/thirdparty/protocols`)).toEqual({});
      for (const kind of ["protocol", "location", "user"]) {
        expect((await call(t, alice, "GET", `${V3}/thirdparty/${kind}/irc`, undefined, 404)).errcode).toBe("M_NOT_FOUND");
      }
      expect(await call(t, alice, "GET", `${V3}/thirdparty/location?alias=${enc("#a:localhost")}`)).toEqual([]);
      expect(await call(t, alice, "GET", `${V3}/thirdparty/user?userid=${enc("@a:localhost")}`)).toEqual([]);
      expect((await call(t, alice, "GET", `${V3}/thirdparty/location`, undefined, 400)).errcode).toBe("M_MISSING_PARAM");
    });
  });

  describe("3PIDs", () => {
    const email = { client_secret: "secret", email: "alice@example.org", send_attempt: 1 };
    const msisdn = { client_secret: "secret", country: "GB", phone_number: "07700900001", send_attempt: 1 };
    it("refuses validation requests with the spec's error codes", async () => {
      for (const prefix of [`${V3}/register`, `${V3}/account/3pid`]) {
        expect((await call(t, undefined, "POST", `${prefix}/email/requestToken`, email, 400)).errcode).toBe("M_THREEPID_MEDIUM_NOT_SUPPORTED");
        expect((await call(t, undefined, "POST", `${prefix}/msisdn/requestToken`, msisdn, 400)).errcode).toBe("M_THREEPID_MEDIUM_NOT_SUPPORTED");
      }
      expect((await call(t, undefined, "POST", `${V3}/account/password/email/requestToken`, email, 400)).errcode).toBe("M_THREEPID_NOT_FOUND");
      expect((await call(t, undefined, "POST", `${V3}/account/password/msisdn/requestToken`, msisdn, 400)).errcode).toBe("M_THREEPID_NOT_FOUND");
      expect((await call(t, undefined, "POST", `${V3}/register/email/requestToken`, { email: "x@example.org" }, 400)).errcode).toMatch(/^M_(BAD_JSON|MISSING_PARAM)$/);
    });

    it("refuses 3PID changes and binds, and reports unbinds as unsupported", async () => {
      expect((await call(t, alice, "POST", `${V3}/account/3pid/add`, { client_secret: "s", sid: "1" }, 400)).errcode).toBe("M_FORBIDDEN");
      expect((await call(t, alice, "POST", `${V3}/account/3pid/delete`, { medium: "email", address: "a@example.org" }, 400)).errcode).toBe("M_FORBIDDEN");
      const bind = { client_secret: "s", id_server: "id.example.org", id_access_token: "t", sid: "1" };
      expect((await call(t, alice, "POST", `${V3}/account/3pid/bind`, bind, 400)).errcode).toBe("M_SERVER_NOT_TRUSTED");
      expect(await call(t, alice, "POST", `${V3}/account/3pid/unbind`, { medium: "email", address: "a@example.org" })).toEqual({ id_server_unbind_result: "no-support" });
      expect((await call(t, alice, "POST", `${V3}/account/3pid/delete`, { medium: "fax", address: "1" }, 400)).errcode).toMatch(/^M_(BAD_JSON|INVALID_PARAM)$/);
      expect((await t.request("POST", `${V3}/account/3pid/add`, { body: {} })).body.errcode).toBe("M_MISSING_TOKEN");
      expect(await call(t, alice, "GET", `${V3}/account/3pid`)).toEqual({ threepids: [] });
    });
  });

  describe("login tokens and support", () => {
    it("does not issue login tokens (m.get_login_token is false)", async () => {
      const caps = await call(t, alice, "GET", `${V3}/capabilities`);
      expect(caps.capabilities["m.get_login_token"]).toEqual({ enabled: false });
      expect((await call(t, alice, "POST", `${V1}/login/get_token`, {}, 400)).errcode).toBe("M_FORBIDDEN");
    });

    it("has no support contacts to publish", async () => {
      expect((await call(t, undefined, "GET", "/.well-known/matrix/support", undefined, 404)).errcode).toBe("M_NOT_FOUND");
    });
  });

  describe("room initialSync (peeking)", () => {
    it("returns state, the latest messages oldest first, membership, visibility and room account data", async () => {
      const roomId = (await call(t, alice, "POST", `${V3}/createRoom`, { name: "Peek", visibility: "public", preset: "public_chat" })).room_id;
      await sendText(t, alice, roomId, "one");
      await sendText(t, alice, roomId, "two");
      await call(t, alice, "PUT", `${V3}/user/${enc(alice.userId)}/rooms/${enc(roomId)}/account_data/org.example.note`, { note: "hi" });
      const body = await call(t, alice, "GET", roomPath(roomId, "/initialSync"));
      expect(body).toMatchObject({ room_id: roomId, membership: "join", visibility: "public", account_data: [{ type: "org.example.note", content: { note: "hi" } }] });
      expect(body.messages.chunk.slice(-2).map((e: any) => e.content.body)).toEqual(["one", "two"]);
      expect(typeof body.messages.end).toBe("string");
      expect(body.state.some((e: any) => e.type === "m.room.name" && e.content.name === "Peek")).toBe(true);
    });

    it("lets anyone peek into a world-readable room, and nobody into a private one", async () => {
      const roomId = (await call(t, alice, "POST", `${V3}/createRoom`, { preset: "public_chat" })).room_id;
      await sendText(t, alice, roomId, "members only");
      expect((await call(t, charlie, "GET", roomPath(roomId, "/initialSync"), undefined, 403)).errcode).toBe("M_FORBIDDEN");
      await call(t, alice, "PUT", roomPath(roomId, "/state/m.room.history_visibility/"), { history_visibility: "world_readable" });
      await sendText(t, alice, roomId, "visible to all");
      const peek = await call(t, charlie, "GET", roomPath(roomId, "/initialSync"));
      expect(peek.membership).toBeUndefined();
      // History visibility applies per event: what was sent while "shared" stays hidden from non-members.
      const bodies = peek.messages.chunk.map((e: any) => e.content.body);
      expect(bodies).toContain("visible to all");
      expect(bodies).not.toContain("members only");
      expect((await call(t, alice, "GET", roomPath("!nope:localhost", "/initialSync"), undefined, 403)).errcode).toBe("M_FORBIDDEN");
      expect((await t.request("GET", roomPath(roomId, "/initialSync"))).body.errcode).toBe("M_MISSING_TOKEN");
    });
  });

  describe("reporting users", () => {
    it("stores reports of known users and 404s unknown ones", async () => {
      expect(await call(t, alice, "POST", `${V3}/users/${enc(bob.userId)}/report`, { reason: "rude" })).toEqual({});
      expect(await userReports(t.server.db, bob.userId)).toEqual([{ reporter: alice.userId, reason: "rude", received_ts: clock }]);
      expect((await call(t, alice, "POST", `${V3}/users/${enc("@ghost:localhost")}/report`, { reason: "?" }, 404)).errcode).toBe("M_NOT_FOUND");
      expect((await call(t, alice, "POST", `${V3}/users/${enc(bob.userId)}/report`, {}, 400)).errcode).toMatch(/^M_(BAD_JSON|MISSING_PARAM)$/);
      expect((await t.request("POST", `${V3}/users/${enc(bob.userId)}/report`, { body: { reason: "x" } })).body.errcode).toBe("M_MISSING_TOKEN");
    });
  });
});
