// Registration with user-interactive auth, username availability, password
// change and deactivation, over HTTP on every backend.
// https://spec.matrix.org/v1.19/client-server-api/#account-registration

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AccountsStore } from "@weft/storage-pg";
import { login, registerUser } from "./support/accounts-helpers.js";
import { startTestServer, testBackends, type TestServer } from "./support/test-server.js";

const REGISTER = "/_matrix/client/v3/register";

describe.each(testBackends())("registration (open) on $name", { timeout: 30_000 }, (backend) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(backend);
  }, 120_000);
  afterAll(async () => t?.close(), 60_000);

  it("answers a request without auth with the spec's 401 challenge", async () => {
    const res = await t.request("POST", REGISTER, { body: { username: "uia1", password: "pw" } });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ flows: [{ stages: ["m.login.dummy"] }], params: {}, session: expect.any(String) });
  });

  it("registers with m.login.dummy, continuing the session", async () => {
    const first = await t.request("POST", REGISTER, { body: { username: "alice", password: "pw" } });
    const res = await t.request("POST", REGISTER, {
      body: { username: "alice", password: "pw", initial_device_display_name: "Jungle Phone", auth: { type: "m.login.dummy", session: first.body.session } },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ user_id: "@alice:localhost", home_server: "localhost", access_token: expect.stringMatching(/^weft_at_/), device_id: expect.stringMatching(/^[A-Z]{10}$/) });
    const whoami = await t.request("GET", "/_matrix/client/v3/account/whoami", { token: res.body.access_token });
    expect(whoami.body).toEqual({ user_id: "@alice:localhost", device_id: res.body.device_id, is_guest: false });
    const device = await t.request("GET", `/_matrix/client/v3/devices/${res.body.device_id}`, { token: res.body.access_token });
    if (device.status === 200) expect(device.body.display_name).toBe("Jungle Phone");
  });

  it("does not accept a finished session twice", async () => {
    const first = await t.request("POST", REGISTER, { body: { username: "once", password: "pw" } });
    const auth = { type: "m.login.dummy", session: first.body.session };
    expect((await t.request("POST", REGISTER, { body: { username: "once", password: "pw", auth } })).status).toBe(200);
    const again = await t.request("POST", REGISTER, { body: { username: "once2", password: "pw", auth } });
    expect(again.status).toBe(400);
    expect(again.body.errcode).toBe("M_UNKNOWN");
  });

  it("accepts a client-chosen device ID, inhibit_login and refresh tokens", async () => {
    const a = await registerUser(t, "devchoice", { body: { device_id: "MYDEVICE" } });
    expect(a.deviceId).toBe("MYDEVICE");
    const first = await t.request("POST", REGISTER, { body: { username: "inhibited", password: "pw", inhibit_login: true } });
    const res = await t.request("POST", REGISTER, {
      body: { username: "inhibited", password: "pw", inhibit_login: true, auth: { type: "m.login.dummy", session: first.body.session } },
    });
    expect(res.body).toEqual({ user_id: "@inhibited:localhost", home_server: "localhost" });
    const refreshing = await registerUser(t, "refresher", { body: { refresh_token: true } });
    expect(refreshing.accessToken).toMatch(/^weft_at_/);
  });

  it("maps usernames to lower case and generates one when absent", async () => {
    const upper = await registerUser(t, "MixedCase");
    expect(upper.userId).toBe("@mixedcase:localhost");
    const first = await t.request("POST", REGISTER, { body: { password: "pw" } });
    const res = await t.request("POST", REGISTER, { body: { password: "pw", auth: { type: "m.login.dummy", session: first.body.session } } });
    expect(res.status).toBe(200);
    expect(res.body.user_id).toMatch(/^@[a-z0-9]+:localhost$/);
  });

  it("rejects a taken username before UIA with M_USER_IN_USE, case-insensitively", async () => {
    await registerUser(t, "taken");
    for (const username of ["taken", "TAKEN"]) {
      const res = await t.request("POST", REGISTER, { body: { username, password: "pw" } });
      expect(res.status).toBe(400);
      expect(res.body.errcode).toBe("M_USER_IN_USE");
    }
  });

  it("rejects invalid usernames with M_INVALID_USERNAME", async () => {
    for (const username of ["with space", "colon:name", "ünïcode", "x".repeat(260)]) {
      const res = await t.request("POST", REGISTER, { body: { username, password: "pw" } });
      expect(res.status).toBe(400);
      expect(res.body.errcode).toBe("M_INVALID_USERNAME");
    }
  });

  it("refuses guests with M_GUEST_ACCESS_FORBIDDEN", async () => {
    const res = await t.request("POST", `${REGISTER}?kind=guest`, { body: {} });
    expect(res.status).toBe(403);
    expect(res.body.errcode).toBe("M_GUEST_ACCESS_FORBIDDEN");
  });

  it("answers a stage that is not offered with 401 and an errcode", async () => {
    const res = await t.request("POST", REGISTER, { body: { username: "wrongstage", auth: { type: "m.login.registration_token", token: "x" } } });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ errcode: "M_UNRECOGNIZED", completed: [], flows: [{ stages: ["m.login.dummy"] }] });
  });

  it("answers an unknown session with 400", async () => {
    const res = await t.request("POST", REGISTER, { body: { username: "nosession", auth: { type: "m.login.dummy", session: "nope" } } });
    expect(res.status).toBe(400);
  });

  it("rejects bad bodies: not JSON, wrong types", async () => {
    const notJson = await t.request("POST", REGISTER, { body: "{nope" });
    expect(notJson.status).toBe(400);
    expect(notJson.body.errcode).toBe("M_NOT_JSON");
    const wrongType = await t.request("POST", REGISTER, { body: { username: 42 } });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.errcode).toBe("M_BAD_JSON");
  });

  it("checks username availability", async () => {
    await registerUser(t, "bob");
    expect((await t.request("GET", "/_matrix/client/v3/register/available?username=free")).body).toEqual({ available: true });
    const taken = await t.request("GET", "/_matrix/client/v3/register/available?username=bob");
    expect(taken.status).toBe(400);
    expect(taken.body.errcode).toBe("M_USER_IN_USE");
    const invalid = await t.request("GET", "/_matrix/client/v3/register/available?username=b%20b");
    expect(invalid.body.errcode).toBe("M_INVALID_USERNAME");
    const missing = await t.request("GET", "/_matrix/client/v3/register/available");
    expect(missing.body.errcode).toBe("M_MISSING_PARAM");
  });

  describe("password change", () => {
    it("requires m.login.password, rejects a wrong one, and logs out other devices", async () => {
      const carol = await registerUser(t, "carol", { password: "old-pw" });
      const other = await login(t, "carol", "old-pw");
      const path = "/_matrix/client/v3/account/password";
      const first = await t.request("POST", path, { token: carol.accessToken, body: { new_password: "new-pw" } });
      expect(first.status).toBe(401);
      expect(first.body.flows).toEqual([{ stages: ["m.login.password"] }]);
      const identifier = { type: "m.id.user", user: "carol" };
      const wrong = await t.request("POST", path, {
        token: carol.accessToken,
        body: { new_password: "new-pw", auth: { type: "m.login.password", identifier, password: "bad", session: first.body.session } },
      });
      expect(wrong.status).toBe(401);
      expect(wrong.body).toMatchObject({ errcode: "M_FORBIDDEN", completed: [], session: first.body.session });
      const ok = await t.request("POST", path, {
        token: carol.accessToken,
        body: { new_password: "new-pw", auth: { type: "m.login.password", identifier, password: "old-pw", session: first.body.session } },
      });
      expect(ok.status).toBe(200);
      expect((await t.request("GET", "/_matrix/client/v3/account/whoami", { token: other.body.access_token })).status).toBe(401);
      expect((await t.request("GET", "/_matrix/client/v3/account/whoami", { token: carol.accessToken })).status).toBe(200);
      expect((await login(t, "carol", "old-pw")).status).toBe(403);
      expect((await login(t, "carol", "new-pw")).status).toBe(200);
    });

    it("refuses another user's password in the auth dict", async () => {
      const dave = await registerUser(t, "dave");
      await registerUser(t, "erin", { password: "erin-pw" });
      const res = await t.request("POST", "/_matrix/client/v3/account/password", {
        token: dave.accessToken,
        body: { new_password: "x", auth: { type: "m.login.password", identifier: { type: "m.id.user", user: "erin" }, password: "erin-pw" } },
      });
      expect(res.status).toBe(401);
      expect(res.body.errcode).toBe("M_FORBIDDEN");
    });

    it("keeps other devices with logout_devices: false", async () => {
      const fay = await registerUser(t, "fay");
      const other = await login(t, "fay", fay.password);
      const res = await t.request("POST", "/_matrix/client/v3/account/password", {
        token: fay.accessToken,
        body: { new_password: "fay2", logout_devices: false, auth: { type: "m.login.password", identifier: { type: "m.id.user", user: fay.userId }, password: fay.password } },
      });
      expect(res.status).toBe(200);
      expect((await t.request("GET", "/_matrix/client/v3/account/whoami", { token: other.body.access_token })).status).toBe(200);
    });
  });

  it("deactivates an account: tokens die, login fails, the name stays taken", async () => {
    const gus = await registerUser(t, "gus");
    const res = await t.request("POST", "/_matrix/client/v3/account/deactivate", {
      token: gus.accessToken,
      body: { auth: { type: "m.login.password", identifier: { type: "m.id.user", user: "gus" }, password: gus.password } },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id_server_unbind_result: "no-support" });
    expect((await t.request("GET", "/_matrix/client/v3/account/whoami", { token: gus.accessToken })).body.errcode).toBe("M_UNKNOWN_TOKEN");
    expect((await login(t, "gus", gus.password)).status).toBe(403);
    expect((await t.request("GET", "/_matrix/client/v3/register/available?username=gus")).body.errcode).toBe("M_USER_IN_USE");
  });

  it("lists no third-party identifiers", async () => {
    const hal = await registerUser(t, "hal");
    expect((await t.request("GET", "/_matrix/client/v3/account/3pid", { token: hal.accessToken })).body).toEqual({ threepids: [] });
  });
});

describe.each(testBackends())("registration (token, closed) on $name", { timeout: 30_000 }, (backend) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(backend, { registration: "token", registration_token: "configured-token" });
  }, 120_000);
  afterAll(async () => t?.close(), 60_000);

  it("offers m.login.registration_token and accepts the configured token", async () => {
    const first = await t.request("POST", REGISTER, { body: { username: "tok1", password: "pw" } });
    expect(first.body.flows).toEqual([{ stages: ["m.login.registration_token"] }]);
    const wrong = await t.request("POST", REGISTER, {
      body: { username: "tok1", password: "pw", auth: { type: "m.login.registration_token", token: "wrong", session: first.body.session } },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({ errcode: "M_FORBIDDEN", session: first.body.session, completed: [] });
    const ok = await t.request("POST", REGISTER, {
      body: { username: "tok1", password: "pw", auth: { type: "m.login.registration_token", token: "configured-token", session: first.body.session } },
    });
    expect(ok.status).toBe(200);
    expect(ok.body.user_id).toBe("@tok1:localhost");
  });

  it("accepts stored tokens until their uses run out", async () => {
    await new AccountsStore(t.server.db).createRegistrationToken({ token: "once-only", usesAllowed: 1, expiryTs: null, now: Date.now() });
    const validity = "/_matrix/client/v1/register/m.login.registration_token/validity";
    expect((await t.request("GET", `${validity}?token=once-only`)).body).toEqual({ valid: true });
    const auth = { type: "m.login.registration_token", token: "once-only" };
    expect((await t.request("POST", REGISTER, { body: { username: "tok2", auth } })).status).toBe(200);
    expect((await t.request("GET", `${validity}?token=once-only`)).body).toEqual({ valid: false });
    const again = await t.request("POST", REGISTER, { body: { username: "tok3", auth } });
    expect(again.status).toBe(401);
    expect(again.body.errcode).toBe("M_FORBIDDEN");
  });

  it("refuses all registration when closed", async () => {
    const closed = await startTestServer(backend, { registration: "closed" });
    try {
      const res = await closed.request("POST", REGISTER, { body: { username: "nobody", password: "pw" } });
      expect(res.status).toBe(403);
      expect(res.body.errcode).toBe("M_FORBIDDEN");
    } finally {
      await closed.close();
    }
  }, 120_000);
});
