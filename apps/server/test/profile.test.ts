// Profiles and presence over HTTP on every backend.
// https://spec.matrix.org/v1.19/client-server-api/#profiles
// https://spec.matrix.org/v1.19/client-server-api/#presence

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerUser, type TestUser } from "./support/accounts-helpers.js";
import { startTestServer, testBackends, type TestServer } from "./support/test-server.js";

describe.each(testBackends())("profile and presence on $name", { timeout: 30_000 }, (backend) => {
  let t: TestServer;
  let alice: TestUser;
  let bob: TestUser;
  const changed: string[] = [];
  beforeAll(async () => {
    t = await startTestServer(backend);
    t.server.services.hooks.onProfileChanged.push(async (userId) => {
      changed.push(userId);
    });
    alice = await registerUser(t, "alice");
    bob = await registerUser(t, "bob");
  }, 120_000);
  afterAll(async () => t?.close(), 60_000);

  const path = (userId: string, key?: string): string => `/_matrix/client/v3/profile/${encodeURIComponent(userId)}${key ? `/${key}` : ""}`;

  it("sets and reads displayname and avatar_url, and tells the rooms hook", async () => {
    expect((await t.request("PUT", path(alice.userId, "displayname"), { token: alice.accessToken, body: { displayname: "Alice Margatroid" } })).status).toBe(200);
    expect((await t.request("PUT", path(alice.userId, "avatar_url"), { token: alice.accessToken, body: { avatar_url: "mxc://matrix.org/SDGdghriugerRg" } })).status).toBe(200);
    expect((await t.request("GET", path(alice.userId, "displayname"))).body).toEqual({ displayname: "Alice Margatroid" });
    expect((await t.request("GET", path(alice.userId))).body).toEqual({ avatar_url: "mxc://matrix.org/SDGdghriugerRg", displayname: "Alice Margatroid" });
    expect(changed.filter((u) => u === alice.userId)).toHaveLength(2);
  });

  it("stores m.tz and custom fields, and deletes fields", async () => {
    expect((await t.request("PUT", path(alice.userId, "m.tz"), { token: alice.accessToken, body: { "m.tz": "Europe/London" } })).status).toBe(200);
    expect((await t.request("PUT", path(alice.userId, "m.example_field"), { token: alice.accessToken, body: { "m.example_field": { nested: [1] } } })).status).toBe(200);
    expect((await t.request("GET", path(alice.userId, "m.example_field"))).body).toEqual({ "m.example_field": { nested: [1] } });
    expect((await t.request("DELETE", path(alice.userId, "m.example_field"), { token: alice.accessToken })).status).toBe(200);
    expect((await t.request("GET", path(alice.userId, "m.example_field"))).status).toBe(404);
  });

  it("removes displayname when set to null", async () => {
    await t.request("PUT", path(bob.userId, "displayname"), { token: bob.accessToken, body: { displayname: "Bob" } });
    expect((await t.request("PUT", path(bob.userId, "displayname"), { token: bob.accessToken, body: { displayname: null } })).status).toBe(200);
    expect((await t.request("GET", path(bob.userId, "displayname"))).body.errcode).toBe("M_NOT_FOUND");
    expect((await t.request("GET", path(bob.userId))).body).toEqual({});
  });

  it("forbids changing another user's profile", async () => {
    const res = await t.request("PUT", path(alice.userId, "displayname"), { token: bob.accessToken, body: { displayname: "Mallory" } });
    expect(res.status).toBe(403);
    expect(res.body.errcode).toBe("M_FORBIDDEN");
    expect((await t.request("DELETE", path(alice.userId, "displayname"), { token: bob.accessToken })).status).toBe(403);
  });

  it("answers unknown users with 404 M_NOT_FOUND", async () => {
    expect((await t.request("GET", path("@nobody:localhost"))).status).toBe(404);
    expect((await t.request("GET", path("@nobody:localhost", "displayname"))).body.errcode).toBe("M_NOT_FOUND");
  });

  it("validates keys, values and sizes", async () => {
    const put = (key: string, body: unknown) => t.request("PUT", path(alice.userId, key), { token: alice.accessToken, body });
    expect((await put("displayname", { displayname: 5 })).body.errcode).toBe("M_BAD_JSON");
    expect((await put("displayname", { other: "x" })).body.errcode).toBe("M_MISSING_PARAM");
    expect((await put("displayname", { displayname: "x".repeat(300) })).status).toBe(400);
    expect((await put("avatar_url", { avatar_url: "https://example.com/a.png" })).body.errcode).toBe("M_INVALID_PARAM");
    expect((await put("Not.Valid", { "Not.Valid": 1 })).body.errcode).toBe("M_INVALID_PARAM");
    const longKey = `m.${"a".repeat(260)}`;
    expect((await put(longKey, { [longKey]: 1 })).body.errcode).toBe("M_KEY_TOO_LARGE");
    expect((await put("m.big", { "m.big": "x".repeat(70 * 1024) })).body.errcode).toBe("M_PROFILE_TOO_LARGE");
    expect((await put("displayname", "{oops")).body.errcode).toBe("M_NOT_JSON");
    expect((await t.request("PUT", path(alice.userId, "displayname"), { body: { displayname: "x" } })).body.errcode).toBe("M_MISSING_TOKEN");
    expect((await t.request("PUT", path(alice.userId, "displayname"), { token: "weft_at_bad", body: { displayname: "x" } })).body.errcode).toBe("M_UNKNOWN_TOKEN");
  });

  it("sets and reads presence", async () => {
    const status = `/_matrix/client/v3/presence/${encodeURIComponent(alice.userId)}/status`;
    expect((await t.request("GET", status, { token: bob.accessToken })).body).toEqual({ presence: "offline" });
    const woke = t.server.services.notifier.wait([alice.userId], 5000);
    expect((await t.request("PUT", status, { token: alice.accessToken, body: { presence: "online", status_msg: "I am here." } })).status).toBe(200);
    expect(await woke).toBe(true);
    const read = await t.request("GET", status, { token: bob.accessToken });
    expect(read.body).toEqual({ presence: "online", status_msg: "I am here.", last_active_ago: expect.any(Number), currently_active: true });
    expect((await t.request("PUT", status, { token: bob.accessToken, body: { presence: "online" } })).status).toBe(403);
    expect((await t.request("PUT", status, { token: alice.accessToken, body: { presence: "busy" } })).body.errcode).toBe("M_BAD_JSON");
    expect((await t.request("GET", `/_matrix/client/v3/presence/${encodeURIComponent("@nobody:localhost")}/status`, { token: bob.accessToken })).status).toBe(404);
  });

  it("applies /sync's set_presence: offline changes nothing, a new state is stored", async () => {
    const status = `/_matrix/client/v3/presence/${encodeURIComponent(bob.userId)}/status`;
    await t.server.services.presence.setFromSync(bob.userId, "offline");
    expect((await t.request("GET", status, { token: bob.accessToken })).body).toEqual({ presence: "offline" });
    await t.server.services.presence.setFromSync(bob.userId, "unavailable");
    expect((await t.request("GET", status, { token: bob.accessToken })).body).toMatchObject({ presence: "unavailable", currently_active: false });
  });
});
