// Login, access tokens, refresh tokens, soft logout, logout and rate limits,
// over HTTP on every backend.
// https://spec.matrix.org/v1.19/client-server-api/#legacy-login
// https://spec.matrix.org/v1.19/client-server-api/#refreshing-access-tokens

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig, type WeftServer } from "../src/index.js";
import { createUserFromCli } from "../src/user-cli.js";
import { ACCESS_TOKEN_LIFETIME_MS, TOKEN_CACHE_TTL_MS } from "../src/services/auth-service.js";
import { login, registerUser, type TestUser } from "./support/accounts-helpers.js";
import { startSecondProcess, startTestServer, testBackends, type TestServer } from "./support/test-server.js";

const WHOAMI = "/_matrix/client/v3/account/whoami";

describe.each(testBackends())("login and tokens on $name", { timeout: 30_000 }, (backend) => {
  let t: TestServer;
  let clock = Date.now();
  let alice: TestUser;
  beforeAll(async () => {
    t = await startTestServer(backend, {}, { now: () => clock });
    alice = await registerUser(t, "alice", { password: "wonderland" });
  }, 120_000);
  afterAll(async () => t?.close(), 60_000);

  it("offers password login", async () => {
    expect((await t.request("GET", "/_matrix/client/v3/login")).body).toEqual({ flows: [{ type: "m.login.password" }] });
  });

  it("logs in with a localpart, a full user ID, any case, or the deprecated user field", async () => {
    for (const user of ["alice", "@alice:localhost", "ALICE", "@Alice:localhost"]) {
      const res = await login(t, user, "wonderland");
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ user_id: "@alice:localhost", access_token: expect.stringMatching(/^weft_at_/), device_id: expect.any(String) });
      expect(res.body.refresh_token).toBeUndefined();
    }
    const legacy = await t.request("POST", "/_matrix/client/v3/login", { body: { type: "m.login.password", user: "alice", password: "wonderland" } });
    expect(legacy.status).toBe(200);
  });

  it("answers a wrong password, an unknown user and a remote user with 403 M_FORBIDDEN", async () => {
    for (const [user, password] of [["alice", "nope"], ["nobody", "wonderland"], ["@alice:elsewhere.example", "wonderland"]] as const) {
      const res = await login(t, user, password);
      expect(res.status).toBe(403);
      expect(res.body.errcode).toBe("M_FORBIDDEN");
    }
    const thirdParty = await t.request("POST", "/_matrix/client/v3/login", {
      body: { type: "m.login.password", identifier: { type: "m.id.thirdparty", medium: "email", address: "a@example.com" }, password: "x" },
    });
    expect(thirdParty.status).toBe(403);
  });

  it("rejects unknown login types and malformed bodies", async () => {
    const unknown = await t.request("POST", "/_matrix/client/v3/login", { body: { type: "m.login.token", token: "x" } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errcode).toBe("M_UNKNOWN");
    expect((await t.request("POST", "/_matrix/client/v3/login", { body: "not json" })).body.errcode).toBe("M_NOT_JSON");
    expect((await t.request("POST", "/_matrix/client/v3/login", { body: { type: 7 } })).body.errcode).toBe("M_BAD_JSON");
    expect((await t.request("POST", "/_matrix/client/v3/login", { body: { password: "x" } })).body.errcode).toBe("M_MISSING_PARAM");
  });

  it("reuses a device on login with its ID and revokes its old tokens", async () => {
    const first = await login(t, "alice", "wonderland", { device_id: "PHONE", initial_device_display_name: "Phone" });
    const second = await login(t, "alice", "wonderland", { device_id: "PHONE" });
    expect(second.body.device_id).toBe("PHONE");
    expect((await t.request("GET", WHOAMI, { token: first.body.access_token })).status).toBe(401);
    expect((await t.request("GET", WHOAMI, { token: second.body.access_token })).body.device_id).toBe("PHONE");
  });

  it("answers missing and unknown tokens with 401", async () => {
    const missing = await t.request("GET", WHOAMI);
    expect(missing.status).toBe(401);
    expect(missing.body.errcode).toBe("M_MISSING_TOKEN");
    const unknown = await t.request("GET", WHOAMI, { token: "weft_at_nope" });
    expect(unknown.status).toBe(401);
    expect(unknown.body).toMatchObject({ errcode: "M_UNKNOWN_TOKEN", soft_logout: false });
  });

  it("expires refreshable tokens with soft_logout and rotates refresh tokens", async () => {
    const res = await login(t, "alice", "wonderland", { refresh_token: true });
    expect(res.body).toMatchObject({ refresh_token: expect.stringMatching(/^weft_rt_/), expires_in_ms: ACCESS_TOKEN_LIFETIME_MS });
    const { access_token: a1, refresh_token: r1, device_id } = res.body;
    expect((await t.request("GET", WHOAMI, { token: a1 })).status).toBe(200);
    clock += ACCESS_TOKEN_LIFETIME_MS + 1;
    const expired = await t.request("GET", WHOAMI, { token: a1 });
    expect(expired.status).toBe(401);
    expect(expired.body).toMatchObject({ errcode: "M_UNKNOWN_TOKEN", soft_logout: true });

    const refreshed = await t.request("POST", "/_matrix/client/v3/refresh", { body: { refresh_token: r1 } });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body).toEqual({ access_token: expect.any(String), refresh_token: expect.any(String), expires_in_ms: ACCESS_TOKEN_LIFETIME_MS });
    // The old refresh token stays valid until the new tokens are used (the client may have missed the response).
    const retried = await t.request("POST", "/_matrix/client/v3/refresh", { body: { refresh_token: r1 } });
    expect(retried.status).toBe(200);
    const { access_token: a3, refresh_token: r3 } = retried.body;
    expect((await t.request("POST", "/_matrix/client/v3/refresh", { body: { refresh_token: refreshed.body.refresh_token } })).status).toBe(401);
    const whoami = await t.request("GET", WHOAMI, { token: a3 });
    expect(whoami.body).toMatchObject({ user_id: "@alice:localhost", device_id });
    const reused = await t.request("POST", "/_matrix/client/v3/refresh", { body: { refresh_token: r1 } });
    expect(reused.status).toBe(401);
    expect(reused.body).toMatchObject({ errcode: "M_UNKNOWN_TOKEN", soft_logout: true });
    expect((await t.request("POST", "/_matrix/client/v3/refresh", { body: { refresh_token: r3 } })).status).toBe(200);
    expect((await t.request("POST", "/_matrix/client/v3/refresh", { body: {} })).body.errcode).toBe("M_MISSING_PARAM");
  });

  it("logs out one device, then all", async () => {
    const one = await login(t, "alice", "wonderland");
    const two = await login(t, "alice", "wonderland");
    expect((await t.request("POST", "/_matrix/client/v3/logout", { token: one.body.access_token })).status).toBe(200);
    expect((await t.request("GET", WHOAMI, { token: one.body.access_token })).body.errcode).toBe("M_UNKNOWN_TOKEN");
    expect((await t.request("GET", WHOAMI, { token: two.body.access_token })).status).toBe(200);
    const devices = await t.request("GET", "/_matrix/client/v3/devices", { token: two.body.access_token });
    if (devices.status === 200) expect(devices.body.devices.map((d: { device_id: string }) => d.device_id)).not.toContain(one.body.device_id);
    expect((await t.request("POST", "/_matrix/client/v3/logout/all", { token: two.body.access_token })).status).toBe(200);
    expect((await t.request("GET", WHOAMI, { token: two.body.access_token })).status).toBe(401);
    expect((await t.request("GET", WHOAMI, { token: alice.accessToken })).status).toBe(401);
    expect((await t.request("POST", "/_matrix/client/v3/logout")).body.errcode).toBe("M_MISSING_TOKEN");
  });

  it("creates users from the command line", async () => {
    const lines: string[] = [];
    const io = { db: t.server.db, out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) };
    expect(await createUserFromCli(t.server.config, { localpart: "admin", admin: true }, io)).toBe(0);
    expect(lines[0]).toBe("@admin:localhost");
    const password = lines[1]!.replace("password: ", "");
    expect((await login(t, "admin", password)).status).toBe(200);
    expect(await createUserFromCli(t.server.config, { localpart: "admin", password: "x", admin: false }, io)).toBe(1);
    expect(lines.at(-1)).toMatch(/^M_USER_IN_USE/);
    expect(await createUserFromCli(loadConfig({ env: {}, overrides: {} }), { localpart: "Bad Name", password: "x", admin: false }, io)).toBe(1);
  });
});

// Two server processes on one PostgreSQL: a token one process has cached stops
// working there as soon as the other revokes it (the revocation is relayed),
// not only when the cache entry ages out.
describe.each(testBackends().filter((b) => b.name === "postgres"))("token revocation across processes on $name", { timeout: 30_000 }, (backend) => {
  let t: TestServer;
  let second: WeftServer;
  beforeAll(async () => {
    t = await startTestServer(backend);
    second = await startSecondProcess(t);
  }, 120_000);
  afterAll(async () => {
    await second?.close(1000);
    await t?.close();
  }, 60_000);

  const whoamiOn = (url: string, token: string) => fetch(url + WHOAMI, { headers: { authorization: `Bearer ${token}` } });
  /** Has the second process resolve `token` twice (a token's first use is never cached: it revokes what it replaced). */
  async function cachedBySecond(token: string): Promise<void> {
    for (let i = 0; i < 2; i++) expect((await whoamiOn(second.url, token)).status).toBe(200);
  }

  /** Milliseconds until `token` is refused by the second process (gives up after the cache TTL). */
  async function refusedAfter(token: string, started: number): Promise<number> {
    for (;;) {
      const res = await whoamiOn(second.url, token);
      if (res.status === 401) return performance.now() - started;
      if (performance.now() - started > TOKEN_CACHE_TTL_MS + 1000) return Infinity;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  it("forgets a token at once everywhere after logout, device deletion or deactivation elsewhere", async () => {
    const bob = await registerUser(t, "bob", { password: "builder-password" });
    await cachedBySecond(bob.accessToken);
    let started = performance.now();
    expect((await t.request("POST", "/_matrix/client/v3/logout", { token: bob.accessToken, body: {} })).status).toBe(200);
    expect(await refusedAfter(bob.accessToken, started)).toBeLessThan(TOKEN_CACHE_TTL_MS / 2);
    // Logout-all revokes every device of the user.
    const again = await login(t, "bob", "builder-password");
    await cachedBySecond(again.body.access_token);
    started = performance.now();
    expect((await t.request("POST", "/_matrix/client/v3/logout/all", { token: again.body.access_token, body: {} })).status).toBe(200);
    expect(await refusedAfter(again.body.access_token, started)).toBeLessThan(TOKEN_CACHE_TTL_MS / 2);
  });
});

describe.each(testBackends())("rate limits on $name", { timeout: 30_000 }, (backend) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(backend, { rate_limits: "on" });
  }, 120_000);
  afterAll(async () => t?.close(), 60_000);

  it("answers 429 M_LIMIT_EXCEEDED with retry_after_ms once the burst is spent", async () => {
    let limited: { status: number; body: any } | undefined;
    for (let i = 0; i < 80 && !limited; i++) {
      const res = await t.request("POST", "/_matrix/client/v3/register?kind=guest", { body: {} });
      if (res.status === 429) limited = res;
    }
    expect(limited?.body).toEqual({ errcode: "M_LIMIT_EXCEEDED", error: expect.any(String), retry_after_ms: expect.any(Number) });
  });
});
