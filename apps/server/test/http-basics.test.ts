import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, testBackends, type TestServer } from "./support/test-server.js";

describe.each(testBackends())("HTTP basics on $name", (backend) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(backend);
  });
  afterAll(async () => t?.close());

  it("advertises spec versions", async () => {
    const res = await t.request("GET", "/_matrix/client/versions");
    expect(res.status).toBe(200);
    expect(res.body.versions).toContain("v1.11");
  });

  it("answers unknown endpoints with 404 M_UNRECOGNIZED", async () => {
    const res = await t.request("GET", "/_matrix/client/v3/nope");
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ errcode: "M_UNRECOGNIZED", error: expect.any(String) });
  });

  it("answers a known path with the wrong method with 405 M_UNRECOGNIZED", async () => {
    const res = await t.request("DELETE", "/_matrix/client/versions");
    expect(res.status).toBe(405);
    expect(res.body.errcode).toBe("M_UNRECOGNIZED");
  });

  it("serves CORS preflight and headers", async () => {
    const res = await t.request("OPTIONS", "/_matrix/client/v3/sync");
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.headers.get("access-control-allow-headers")).toContain("Authorization");
  });

  it("serves .well-known client discovery", async () => {
    const res = await t.request("GET", "/.well-known/matrix/client");
    expect(res.body["m.homeserver"].base_url).toMatch(/^http:\/\//);
  });
});
