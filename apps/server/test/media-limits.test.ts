// Content repository limits and failure paths over HTTP:
// https://spec.matrix.org/v1.19/client-server-api/#content-repo-security-considerations
// 413 M_TOO_LARGE (declared and streamed), the per-user quota, the pending
// upload limit and expiry of created IDs, the legacy freeze date, and crash
// safety: an upload interrupted halfway leaves no row, no served file and no
// temp file. With `push_allow_private` on, this server also previews a page
// served locally, end to end (fetch, OpenGraph, image stored as media, cache).

import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, testBackends, type TestServer } from "./support/test-server.js";
import { eventually, generatedChunks, rawRequest, registerMediaUser, testImage, type MediaTestUser } from "./support/media-http.js";

const MAX_UPLOAD = 256 * 1024;
const QUOTA = 600 * 1024;
const FREEZE_TS = Date.UTC(2030, 0, 1);
const HOUR = 3600 * 1000;

describe.each(testBackends())("media limits on $name", (backend) => {
  let t: TestServer;
  let alice: MediaTestUser;
  let bob: MediaTestUser;
  // A clock the test moves: starts before the legacy freeze date.
  let clock = FREEZE_TS - 10 * HOUR;
  beforeAll(async () => {
    t = await startTestServer(
      backend,
      { media: { max_upload_bytes: MAX_UPLOAD, user_quota_bytes: QUOTA, legacy_freeze_ts: FREEZE_TS, max_pending_uploads: 2, unused_expires_ms: HOUR }, push_allow_private: true },
      { now: () => clock },
    );
    alice = await registerMediaUser(t, "alice");
    bob = await registerMediaUser(t, "bob");
  }, 60_000);
  afterAll(async () => t?.close());

  const upload = (user: MediaTestUser, bytes: number): Promise<Response> =>
    fetch(`${t.url}/_matrix/media/v3/upload`, { method: "POST", headers: { authorization: `Bearer ${user.token}`, "content-type": "application/octet-stream" }, body: Buffer.alloc(bytes, 7) });
  const mediaRows = async (): Promise<number> => (await t.server.db.query<{ n: number }>("SELECT count(*)::int AS n FROM media")).rows[0]!.n;

  it("refuses a declared Content-Length over the limit with 413 before reading the body", async () => {
    const res = await rawRequest(`${t.url}/_matrix/media/v3/upload`, {
      method: "POST",
      headers: { authorization: `Bearer ${alice.token}`, "content-length": String(MAX_UPLOAD + 1) },
      chunks: [], // nothing sent: the answer must not wait for the body
    });
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body.toString()).errcode).toBe("M_TOO_LARGE");
  });

  it("refuses a streamed body that grows over the limit with 413, storing nothing", async () => {
    const rowsBefore = await mediaRows();
    const res = await rawRequest(`${t.url}/_matrix/media/v3/upload`, {
      method: "POST",
      headers: { authorization: `Bearer ${alice.token}`, "transfer-encoding": "chunked" },
      chunks: generatedChunks(4, 100 * 1024),
    }).catch((error: Error) => ({ status: -1, error }));
    // The server answers 413 and closes; a client still sending may see the reset instead.
    if (res.status !== -1) expect(res.status).toBe(413);
    expect(await mediaRows()).toBe(rowsBefore);
    await eventually(async () => (await t.server.services.media.files.listTemp()).length === 0);
  });

  it("accepts uploads up to the limit and enforces the per-user quota with 403 M_FORBIDDEN", async () => {
    expect((await upload(bob, MAX_UPLOAD)).status).toBe(200);
    expect((await upload(bob, MAX_UPLOAD)).status).toBe(200);
    const over = await upload(bob, MAX_UPLOAD); // 768 KiB > 600 KiB
    expect(over.status).toBe(403);
    expect(((await over.json()) as { errcode: string }).errcode).toBe("M_FORBIDDEN");
    expect((await upload(alice, 1024)).status).toBe(200); // quotas are per user
  });

  it("limits pending asynchronous uploads with 429 M_LIMIT_EXCEEDED, and expires unused IDs", async () => {
    const create = (): Promise<{ status: number; body: any }> => t.request("POST", "/_matrix/media/v1/create", { token: alice.token });
    const first = await create();
    const second = await create();
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(first.body.unused_expires_at).toBe(clock + HOUR);
    const third = await create();
    expect(third.status).toBe(429);
    expect(third.body.errcode).toBe("M_LIMIT_EXCEEDED");

    clock += HOUR + 1; // both expire
    const path = (first.body.content_uri as string).slice("mxc://".length);
    const put = await fetch(`${t.url}/_matrix/media/v3/upload/${path}`, { method: "PUT", headers: { authorization: `Bearer ${alice.token}` }, body: "late" });
    expect(put.status).toBe(404);
    expect(((await put.json()) as { errcode: string }).errcode).toBe("M_NOT_FOUND");
    const download = await t.request("GET", `/_matrix/client/v1/media/download/${path}?timeout_ms=0`, { token: alice.token });
    expect(download.status).toBe(404);
    expect((await create()).status).toBe(200); // expired IDs no longer count
  });

  it("serves media through the legacy endpoints only when uploaded before the freeze date", async () => {
    const before = (await (await upload(alice, 16)).json()) as { content_uri: string };
    clock = FREEZE_TS + HOUR;
    const after = (await (await upload(alice, 16)).json()) as { content_uri: string };
    const legacy = (mxc: string, suffix = ""): Promise<Response> => fetch(`${t.url}/_matrix/media/v3/download/${mxc.slice(6)}${suffix}`);
    const old = await legacy(before.content_uri);
    expect(old.status).toBe(200);
    expect(old.headers.get("content-security-policy")).toContain("sandbox");
    expect((await legacy(before.content_uri, "/named.bin")).headers.get("content-disposition")).toBe('attachment; filename="named.bin"');
    const frozen = await legacy(after.content_uri);
    expect(frozen.status).toBe(404);
    expect(((await frozen.json()) as { errcode: string }).errcode).toBe("M_NOT_FOUND");
    const thumb = await fetch(`${t.url}/_matrix/media/v3/thumbnail/${after.content_uri.slice(6)}?width=32&height=32`);
    expect(thumb.status).toBe(404);
    // Both stay available through the authenticated endpoints.
    expect((await t.request("GET", `/_matrix/client/v1/media/download/${after.content_uri.slice(6)}`, { token: bob.token })).status).toBe(200);
  });

  it("leaves no row, no served file and no temp file when a client aborts mid-upload", async () => {
    const rowsBefore = await mediaRows();
    await new Promise<void>((resolve) => {
      const req = request(`${t.url}/_matrix/media/v3/upload`, {
        method: "POST",
        headers: { authorization: `Bearer ${alice.token}`, "content-length": String(200 * 1024) },
        agent: false,
      });
      req.on("error", () => resolve());
      req.write(Buffer.alloc(64 * 1024, 1), () => {
        // Wait until the server has started writing the temp file, then cut the connection.
        void eventually(async () => (await t.server.services.media.files.listTemp()).length > 0).then(() => {
          req.destroy();
          resolve();
        });
      });
    });
    await eventually(async () => (await t.server.services.media.files.listTemp()).length === 0);
    expect(await mediaRows()).toBe(rowsBefore);
  });

  it("previews a page: OpenGraph data, its image stored as media, and a cached answer", async () => {
    const png = await testImage("png", 40, 30);
    let title = "First title";
    const site = createServer((req, res) => {
      if (req.url === "/logo.png") res.writeHead(200, { "content-type": "image/png" }).end(png);
      else res.writeHead(200, { "content-type": "text/html" }).end(`<head><meta property="og:title" content="${title}"><meta property="og:image" content="/logo.png"></head>`);
    });
    await new Promise<void>((resolve) => site.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(site.address() as AddressInfo).port}/article`;
      const preview = (): Promise<{ status: number; body: any }> => t.request("GET", `/_matrix/client/v1/media/preview_url?url=${encodeURIComponent(url)}&ts=0`, { token: alice.token });
      const first = await preview();
      expect(first.status, JSON.stringify(first.body)).toBe(200);
      expect(first.body).toMatchObject({ "og:title": "First title", "og:image:type": "image/png", "og:image:width": 40, "og:image:height": 30, "matrix:image:size": png.length });
      const image = await fetch(`${t.url}/_matrix/client/v1/media/download/${(first.body["og:image"] as string).slice(6)}`, { headers: { authorization: `Bearer ${bob.token}` } });
      expect(Buffer.from(await image.arrayBuffer())).toEqual(png);
      title = "Changed";
      expect((await preview()).body["og:title"]).toBe("First title"); // cached
      clock += 2 * HOUR; // the cache expires
      expect((await preview()).body["og:title"]).toBe("Changed");
    } finally {
      await new Promise<void>((resolve) => site.close(() => resolve()));
    }
  });
});
