// Account data, tags, filters, capabilities and push rules over HTTP on every backend.
// https://spec.matrix.org/v1.19/client-server-api/#client-config
// https://spec.matrix.org/v1.19/client-server-api/#room-tagging
// https://spec.matrix.org/v1.19/client-server-api/#filtering
// https://spec.matrix.org/v1.19/client-server-api/#capabilities-negotiation

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AccountDataStore } from "@weft/storage-pg";
import { serverDefaultRuleset } from "@weft/push-rules";
import { registerUser, type TestUser } from "./support/accounts-helpers.js";
import { startTestServer, testBackends, type TestServer } from "./support/test-server.js";

const ROOM = "!636q39766251:example.com";

describe.each(testBackends())("account data, filters, capabilities on $name", { timeout: 30_000 }, (backend) => {
  let t: TestServer;
  let alice: TestUser;
  let bob: TestUser;
  beforeAll(async () => {
    t = await startTestServer(backend);
    alice = await registerUser(t, "alice");
    bob = await registerUser(t, "bob");
  }, 120_000);
  afterAll(async () => t?.close(), 60_000);

  const global = (userId: string, type: string): string => `/_matrix/client/v3/user/${encodeURIComponent(userId)}/account_data/${type}`;
  const room = (userId: string, type: string): string => `/_matrix/client/v3/user/${encodeURIComponent(userId)}/rooms/${encodeURIComponent(ROOM)}/account_data/${type}`;

  it("stores global and room account data with stream positions, waking the user", async () => {
    const woke = t.server.services.notifier.wait([alice.userId], 5000);
    expect((await t.request("PUT", global(alice.userId, "org.example.custom.config"), { token: alice.accessToken, body: { custom_account_data_key: "custom_config_value" } })).status).toBe(200);
    expect(await woke).toBe(true);
    expect((await t.request("GET", global(alice.userId, "org.example.custom.config"), { token: alice.accessToken })).body).toEqual({ custom_account_data_key: "custom_config_value" });
    expect((await t.request("PUT", room(alice.userId, "org.example.custom.room.config"), { token: alice.accessToken, body: { a: 1 } })).status).toBe(200);
    expect((await t.request("GET", room(alice.userId, "org.example.custom.room.config"), { token: alice.accessToken })).body).toEqual({ a: 1 });
    const rows = await new AccountDataStore(t.server.db).changedSince(alice.userId, 0, Number.MAX_SAFE_INTEGER);
    expect(rows.map((r) => [r.room_id, r.type])).toEqual([["", "org.example.custom.config"], [ROOM, "org.example.custom.room.config"]]);
    expect(rows[1]!.stream_position).toBeGreaterThan(rows[0]!.stream_position);
  });

  it("answers errors per the spec", async () => {
    expect((await t.request("GET", global(alice.userId, "m.unset"), { token: alice.accessToken })).body.errcode).toBe("M_NOT_FOUND");
    expect((await t.request("GET", global(alice.userId, "org.example.custom.config"), { token: bob.accessToken })).status).toBe(403);
    expect((await t.request("PUT", global(alice.userId, "x.y"), { token: bob.accessToken, body: {} })).status).toBe(403);
    for (const type of ["m.fully_read", "m.push_rules"]) {
      const res = await t.request("PUT", global(alice.userId, type), { token: alice.accessToken, body: {} });
      expect(res.status).toBe(405);
      expect(res.body.errcode).toBe("M_BAD_JSON");
      expect((await t.request("PUT", room(alice.userId, type), { token: alice.accessToken, body: {} })).status).toBe(405);
    }
    expect((await t.request("PUT", global(alice.userId, "x.y"), { token: alice.accessToken, body: "[1" })).body.errcode).toBe("M_NOT_JSON");
    expect((await t.request("PUT", global(alice.userId, "x.y"), { token: alice.accessToken, body: [1, 2] })).body.errcode).toBe("M_BAD_JSON");
    const badRoom = `/_matrix/client/v3/user/${encodeURIComponent(alice.userId)}/rooms/not-a-room/account_data/x.y`;
    expect((await t.request("PUT", badRoom, { token: alice.accessToken, body: {} })).body.errcode).toBe("M_INVALID_PARAM");
    expect((await t.request("GET", global(alice.userId, "x.y"))).body.errcode).toBe("M_MISSING_TOKEN");
  });

  it("adds, lists and removes room tags", async () => {
    const tags = `/_matrix/client/v3/user/${encodeURIComponent(alice.userId)}/rooms/${encodeURIComponent(ROOM)}/tags`;
    expect((await t.request("GET", tags, { token: alice.accessToken })).body).toEqual({ tags: {} });
    expect((await t.request("PUT", `${tags}/m.favourite`, { token: alice.accessToken, body: { order: 0.25 } })).status).toBe(200);
    expect((await t.request("PUT", `${tags}/u.work`, { token: alice.accessToken, body: {} })).status).toBe(200);
    expect((await t.request("GET", tags, { token: alice.accessToken })).body).toEqual({ tags: { "m.favourite": { order: 0.25 }, "u.work": {} } });
    expect((await t.request("GET", room(alice.userId, "m.tag"), { token: alice.accessToken })).body).toEqual({ tags: { "m.favourite": { order: 0.25 }, "u.work": {} } });
    expect((await t.request("DELETE", `${tags}/u.work`, { token: alice.accessToken })).status).toBe(200);
    expect((await t.request("GET", tags, { token: alice.accessToken })).body).toEqual({ tags: { "m.favourite": { order: 0.25 } } });
    expect((await t.request("PUT", `${tags}/m.lowpriority`, { token: alice.accessToken, body: { order: "high" } })).body.errcode).toBe("M_BAD_JSON");
    expect((await t.request("PUT", `${tags}/m.lowpriority`, { token: bob.accessToken, body: {} })).status).toBe(403);
  });

  it("uploads and downloads filters as sent", async () => {
    const path = `/_matrix/client/v3/user/${encodeURIComponent(alice.userId)}/filter`;
    // The example of filter.yaml.
    const filter = {
      room: {
        state: { types: ["m.room.*"], not_rooms: ["!726s6s6q:example.com"] },
        timeline: { limit: 10, types: ["m.room.message"], not_rooms: ["!726s6s6q:example.com"], not_senders: ["@spam:example.com"] },
        ephemeral: { types: ["m.receipt", "m.typing"], not_rooms: ["!726s6s6q:example.com"], not_senders: ["@spam:example.com"] },
      },
      presence: { types: ["m.presence"], not_senders: ["@alice:example.com"] },
      event_format: "client",
      event_fields: ["type", "content", "sender"],
      "org.example.unknown": true,
    };
    const created = await t.request("POST", path, { token: alice.accessToken, body: filter });
    expect(created.status).toBe(200);
    expect(created.body.filter_id).toMatch(/^[^{]+$/);
    expect((await t.request("GET", `${path}/${created.body.filter_id}`, { token: alice.accessToken })).body).toEqual(filter);
    const parsed = await t.server.services.filters.getFilter(alice.userId, created.body.filter_id);
    expect(parsed.room?.timeline?.limit).toBe(10);
    expect((await t.server.services.filters.getFilter(alice.userId, '{"room":{"timeline":{"limit":3}}}')).room?.timeline?.limit).toBe(3);
    await expect(t.server.services.filters.getFilter(alice.userId, "{nope")).rejects.toMatchObject({ errcode: "M_NOT_JSON" });
    expect((await t.request("GET", `${path}/999999`, { token: alice.accessToken })).body.errcode).toBe("M_NOT_FOUND");
    expect((await t.request("GET", `${path}/${created.body.filter_id}`, { token: bob.accessToken })).status).toBe(403);
    expect((await t.request("POST", path, { token: bob.accessToken, body: {} })).status).toBe(403);
    expect((await t.request("POST", path, { token: alice.accessToken, body: { room: { timeline: { limit: "ten" } } } })).body.errcode).toBe("M_BAD_JSON");
    expect((await t.request("POST", path, { token: alice.accessToken, body: { event_format: "xml" } })).body.errcode).toBe("M_BAD_JSON");
  });

  it("advertises capabilities", async () => {
    const res = await t.request("GET", "/_matrix/client/v3/capabilities", { token: alice.accessToken });
    expect(res.body.capabilities).toMatchObject({
      "m.change_password": { enabled: true },
      "m.set_displayname": { enabled: true },
      "m.set_avatar_url": { enabled: true },
      "m.3pid_changes": { enabled: false },
      "m.get_login_token": { enabled: false },
    });
    const versions = res.body.capabilities["m.room_versions"];
    expect(versions.default).toBe("12");
    for (let v = 1; v <= 12; v++) expect(versions.available[String(v)]).toBe("stable");
    expect((await t.request("GET", "/_matrix/client/v3/capabilities")).status).toBe(401);
  });

  it("serves the server-default push rules until edited", async () => {
    const res = await t.request("GET", "/_matrix/client/v3/pushrules/", { token: alice.accessToken });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ global: JSON.parse(JSON.stringify(serverDefaultRuleset(alice.userId))) });
    expect((await t.request("GET", "/_matrix/client/v3/pushrules/global/", { token: alice.accessToken })).body).toEqual(res.body.global);
    expect((await t.request("GET", "/_matrix/client/v3/pushrules/")).body.errcode).toBe("M_MISSING_TOKEN");
  });
});
