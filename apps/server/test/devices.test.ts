// Device management over HTTP on every backend.
// https://spec.matrix.org/v1.19/client-server-api/#device-management

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { login, registerUser, type TestUser } from "./support/accounts-helpers.js";
import { startTestServer, testBackends, type TestServer } from "./support/test-server.js";

const WHOAMI = "/_matrix/client/v3/account/whoami";

describe.each(testBackends())("devices on $name", { timeout: 30_000 }, (backend) => {
  let t: TestServer;
  let alice: TestUser;
  let bob: TestUser;
  beforeAll(async () => {
    t = await startTestServer(backend);
    alice = await registerUser(t, "alice", { body: { initial_device_display_name: "Laptop" } });
    bob = await registerUser(t, "bob");
  }, 120_000);
  afterAll(async () => t?.close(), 60_000);

  it("lists and gets the user's own devices", async () => {
    const list = await t.request("GET", "/_matrix/client/v3/devices", { token: alice.accessToken });
    expect(list.status).toBe(200);
    expect(list.body.devices).toEqual([expect.objectContaining({ device_id: alice.deviceId, display_name: "Laptop", last_seen_ip: expect.any(String), last_seen_ts: expect.any(Number) })]);
    const one = await t.request("GET", `/_matrix/client/v3/devices/${alice.deviceId}`, { token: alice.accessToken });
    expect(one.body).toMatchObject({ device_id: alice.deviceId, display_name: "Laptop" });
  });

  it("does not show or change another user's device", async () => {
    expect((await t.request("GET", `/_matrix/client/v3/devices/${alice.deviceId}`, { token: bob.accessToken })).body.errcode).toBe("M_NOT_FOUND");
    const put = await t.request("PUT", `/_matrix/client/v3/devices/${alice.deviceId}`, { token: bob.accessToken, body: { display_name: "x" } });
    expect(put.status).toBe(404);
  });

  it("renames a device and validates the body", async () => {
    const path = `/_matrix/client/v3/devices/${alice.deviceId}`;
    expect((await t.request("PUT", path, { token: alice.accessToken, body: { display_name: "Desk" } })).status).toBe(200);
    expect((await t.request("GET", path, { token: alice.accessToken })).body.display_name).toBe("Desk");
    expect((await t.request("PUT", path, { token: alice.accessToken, body: { display_name: 5 } })).body.errcode).toBe("M_BAD_JSON");
    expect((await t.request("PUT", path, { token: alice.accessToken, body: "{" })).body.errcode).toBe("M_NOT_JSON");
    expect((await t.request("PUT", "/_matrix/client/v3/devices/NOPE", { token: alice.accessToken, body: {} })).status).toBe(404);
    expect((await t.request("GET", "/_matrix/client/v3/devices")).body.errcode).toBe("M_MISSING_TOKEN");
  });

  it("deletes a device behind UIA, and its tokens with it", async () => {
    const phone = await login(t, "alice", alice.password, { device_id: "PHONE" });
    const path = "/_matrix/client/v3/devices/PHONE";
    const first = await t.request("DELETE", path, { token: alice.accessToken, body: {} });
    expect(first.status).toBe(401);
    expect(first.body).toEqual({ flows: [{ stages: ["m.login.password"] }], params: {}, session: expect.any(String) });
    const auth = { type: "m.login.password", identifier: { type: "m.id.user", user: alice.userId }, session: first.body.session };
    const wrong = await t.request("DELETE", path, { token: alice.accessToken, body: { auth: { ...auth, password: "wrong" } } });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({ errcode: "M_FORBIDDEN", completed: [] });
    const ok = await t.request("DELETE", path, { token: alice.accessToken, body: { auth: { ...auth, password: alice.password } } });
    expect(ok.status).toBe(200);
    expect((await t.request("GET", WHOAMI, { token: phone.body.access_token })).status).toBe(401);
    expect((await t.request("GET", path, { token: alice.accessToken })).status).toBe(404);
    expect((await t.request("DELETE", path, { token: alice.accessToken, body: {} })).status).toBe(404);
  });

  it("refuses a UIA session started by another user", async () => {
    const started = await t.request("POST", "/_matrix/client/v3/delete_devices", { token: bob.accessToken, body: { devices: [] } });
    const res = await t.request("POST", "/_matrix/client/v3/delete_devices", {
      token: alice.accessToken,
      body: { devices: [], auth: { type: "m.login.password", identifier: { type: "m.id.user", user: "alice" }, password: alice.password, session: started.body.session } },
    });
    expect(res.status).toBe(403);
  });

  it("deletes several devices with delete_devices", async () => {
    const a = await login(t, "alice", alice.password);
    const b = await login(t, "alice", alice.password);
    const first = await t.request("POST", "/_matrix/client/v3/delete_devices", { token: alice.accessToken, body: { devices: [a.body.device_id, b.body.device_id] } });
    expect(first.status).toBe(401);
    const ok = await t.request("POST", "/_matrix/client/v3/delete_devices", {
      token: alice.accessToken,
      body: {
        devices: [a.body.device_id, b.body.device_id, "UNKNOWN"],
        auth: { type: "m.login.password", identifier: { type: "m.id.user", user: "alice" }, password: alice.password, session: first.body.session },
      },
    });
    expect(ok.status).toBe(200);
    const list = await t.request("GET", "/_matrix/client/v3/devices", { token: alice.accessToken });
    expect(list.body.devices.map((d: { device_id: string }) => d.device_id)).toEqual([alice.deviceId]);
    expect((await t.request("POST", "/_matrix/client/v3/delete_devices", { token: alice.accessToken, body: { devices: "x" } })).body.errcode).toBe("M_BAD_JSON");
  });
});
