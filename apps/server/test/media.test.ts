// The content repository over HTTP: https://spec.matrix.org/v1.19/client-server-api/#content-repository
// Upload → download byte for byte (a 50 MB file streamed with bounded
// memory), headers from the security guidance, Range, thumbnails of PNG,
// JPEG, GIF and WebP, asynchronous uploads, authentication and errors — on
// PGlite and (when WEFT_TEST_DATABASE_URL is set) PostgreSQL.

import { createHash } from "node:crypto";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, testBackends, type TestServer } from "./support/test-server.js";
import { generatedChunks, rawRequest, registerMediaUser as register, testImage, type MediaTestUser as RoomTestUser } from "./support/media-http.js";

// A full GC on demand, so memory samples measure live data rather than garbage.
setFlagsFromString("--expose_gc");
const collectGarbage = runInNewContext("gc") as () => void;

const CSP = "sandbox; default-src 'none'; script-src 'none'; plugin-types application/pdf; style-src 'unsafe-inline'; object-src 'self';";

describe.each(testBackends())("media on $name", (backend) => {
  let t: TestServer;
  let alice: RoomTestUser;
  let bob: RoomTestUser;
  beforeAll(async () => {
    t = await startTestServer(backend);
    alice = await register(t, "alice");
    bob = await register(t, "bob");
  }, 60_000);
  afterAll(async () => t?.close());

  async function upload(user: RoomTestUser, bytes: Uint8Array, contentType?: string, filename?: string): Promise<string> {
    const query = filename === undefined ? "" : `?filename=${encodeURIComponent(filename)}`;
    const headers: Record<string, string> = { authorization: `Bearer ${user.token}` };
    if (contentType) headers["content-type"] = contentType;
    const res = await fetch(`${t.url}/_matrix/media/v3/upload${query}`, { method: "POST", headers, body: bytes });
    const body = (await res.json()) as { content_uri: string };
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body.content_uri).toMatch(/^mxc:\/\/localhost\/[A-Za-z0-9_-]+$/);
    return body.content_uri;
  }

  const pathOf = (mxc: string): string => mxc.slice("mxc://".length);
  const get = (path: string, token?: string, headers: Record<string, string> = {}): Promise<Response> =>
    fetch(`${t.url}${path}`, { headers: { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) } });

  it("uploads and downloads byte-identical content with the spec's headers", async () => {
    const bytes = Buffer.from("hello, media repository\n");
    const mxc = await upload(alice, bytes, "text/plain", "hello.txt");
    const res = await get(`/_matrix/client/v1/media/download/${pathOf(mxc)}`, bob.token);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer())).toEqual(bytes);
    expect(res.headers.get("content-type")).toBe("text/plain");
    expect(res.headers.get("content-disposition")).toBe('inline; filename="hello.txt"');
    expect(res.headers.get("content-security-policy")).toBe(CSP);
    expect(res.headers.get("cross-origin-resource-policy")).toBe("cross-origin");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("content-length")).toBe(String(bytes.length));
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
  });

  it("serves unsafe types as attachments and overrides the file name on request", async () => {
    const html = Buffer.from("<script>alert(1)</script>");
    const mxc = await upload(alice, html, "text/html", "page.html");
    const res = await get(`/_matrix/client/v1/media/download/${pathOf(mxc)}`, alice.token);
    expect(res.headers.get("content-type")).toBe("text/html");
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="page.html"');
    expect(res.headers.get("content-security-policy")).toBe(CSP);
    const renamed = await get(`/_matrix/client/v1/media/download/${pathOf(mxc)}/${encodeURIComponent("résumé \"v2\".html")}`, alice.token);
    expect(renamed.status).toBe(200);
    expect(renamed.headers.get("content-disposition")).toBe(`attachment; filename="r_sum_ _v2_.html"; filename*=utf-8''r%C3%A9sum%C3%A9%20%22v2%22.html`);
  });

  it("defaults to application/octet-stream, without a file name when none was given", async () => {
    const mxc = await upload(alice, Buffer.from([1, 2, 3]));
    const res = await get(`/_matrix/client/v1/media/download/${pathOf(mxc)}`, alice.token);
    expect(res.headers.get("content-type")).toBe("application/octet-stream");
    expect(res.headers.get("content-disposition")).toBe("attachment");
  });

  it("replaces a malformed Content-Type with application/octet-stream", async () => {
    const mxc = await upload(alice, Buffer.from("x"), "not a type");
    const res = await get(`/_matrix/client/v1/media/download/${pathOf(mxc)}`, alice.token);
    expect(res.headers.get("content-type")).toBe("application/octet-stream");
  });

  it("serves byte ranges", async () => {
    const bytes = Buffer.from("0123456789abcdef");
    const mxc = await upload(alice, bytes, "video/mp4");
    const res = await get(`/_matrix/client/v1/media/download/${pathOf(mxc)}`, alice.token, { range: "bytes=4-7" });
    expect(res.status).toBe(206);
    expect(res.headers.get("content-range")).toBe("bytes 4-7/16");
    expect(await res.text()).toBe("4567");
    const suffix = await get(`/_matrix/client/v1/media/download/${pathOf(mxc)}`, alice.token, { range: "bytes=-3" });
    expect(await suffix.text()).toBe("def");
    const outside = await get(`/_matrix/client/v1/media/download/${pathOf(mxc)}`, alice.token, { range: "bytes=99-" });
    expect(outside.status).toBe(416);
  });

  it("streams a 50 MB upload and download with bounded memory", async () => {
    const chunkSize = 1024 * 1024;
    const sent = createHash("sha256");
    collectGarbage();
    const before = process.memoryUsage();
    let peakRss = before.rss;
    let peakBuffers = before.arrayBuffers;
    // Sample live memory, not garbage: collect before each sample (every 10 MB each way).
    const sample = async (): Promise<void> => {
      // ArrayBuffer memory is freed by a background sweeper: give it a moment after the collection.
      collectGarbage();
      await new Promise((resolve) => setTimeout(resolve, 20));
      collectGarbage();
      const now = process.memoryUsage();
      peakRss = Math.max(peakRss, now.rss);
      peakBuffers = Math.max(peakBuffers, now.arrayBuffers);
    };
    let nextDownloadSample = 10 * chunkSize;
    const up = await rawRequest(`${t.url}/_matrix/media/v3/upload?filename=big.bin`, {
      method: "POST",
      headers: { authorization: `Bearer ${alice.token}`, "content-type": "application/octet-stream", "content-length": String(50 * chunkSize) },
      chunks: generatedChunks(50, chunkSize, sent, (n) => (n % 10 === 9 ? sample() : undefined)),
    });
    expect(up.status, up.body.toString()).toBe(200);
    const mxc = JSON.parse(up.body.toString()).content_uri as string;
    const down = await rawRequest(`${t.url}/_matrix/client/v1/media/download/${pathOf(mxc)}`, {
      method: "GET",
      headers: { authorization: `Bearer ${bob.token}` },
      keepBytes: 0,
      onData: (received) => {
        if (received < nextDownloadSample) return undefined;
        nextDownloadSample += 10 * chunkSize;
        return sample();
      },
    });
    expect(down.status).toBe(200);
    expect(down.size).toBe(50 * chunkSize);
    expect(down.sha256).toBe(sent.digest("hex"));
    console.info(`50 MB round trip: peak buffers +${((peakBuffers - before.arrayBuffers) / 2 ** 20).toFixed(1)} MiB, rss +${((peakRss - before.rss) / 2 ** 20).toFixed(1)} MiB`);
    // Buffering the body whole on either side would add 50 MB of buffers.
    expect(peakBuffers - before.arrayBuffers).toBeLessThan(20 * 1024 * 1024);
    expect(peakRss - before.rss).toBeLessThan(40 * 1024 * 1024);
  }, 60_000);

  it("refuses requests without a valid token on the authenticated endpoints", async () => {
    const mxc = await upload(alice, Buffer.from("secret"), "text/plain");
    for (const path of [`/_matrix/client/v1/media/download/${pathOf(mxc)}`, `/_matrix/client/v1/media/thumbnail/${pathOf(mxc)}?width=32&height=32`, "/_matrix/client/v1/media/config"]) {
      const missing = await get(path);
      expect(missing.status).toBe(401);
      expect(((await missing.json()) as { errcode: string }).errcode).toBe("M_MISSING_TOKEN");
      const wrong = await get(path, "not-a-token");
      expect(wrong.status).toBe(401);
      expect(((await wrong.json()) as { errcode: string }).errcode).toBe("M_UNKNOWN_TOKEN");
    }
    const anonymousUpload = await fetch(`${t.url}/_matrix/media/v3/upload`, { method: "POST", body: "x" });
    expect(anonymousUpload.status).toBe(401);
  });

  it("freezes the legacy unauthenticated endpoints for media uploaded now", async () => {
    const mxc = await upload(alice, Buffer.from("new"), "text/plain");
    const res = await get(`/_matrix/media/v3/download/${pathOf(mxc)}`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { errcode: string }).errcode).toBe("M_NOT_FOUND");
  });

  it("answers unknown, malformed and remote media with 404 M_NOT_FOUND", async () => {
    for (const path of ["localhost/doesNotExist", "localhost/bad%2E%2E", "example.org/abcdef"]) {
      const res = await get(`/_matrix/client/v1/media/download/${path}?timeout_ms=0`, alice.token);
      expect(res.status, path).toBe(404);
      expect(((await res.json()) as { errcode: string }).errcode).toBe("M_NOT_FOUND");
    }
  });

  it("reports the upload limit", async () => {
    const res = await t.request("GET", "/_matrix/client/v1/media/config", { token: alice.token });
    expect(res.body).toEqual({ "m.upload.size": 50 * 1024 * 1024 });
  });

  describe("asynchronous upload", () => {
    it("creates an ID, waits for it, accepts the content once and serves it", async () => {
      const before = Date.now();
      const created = await t.request("POST", "/_matrix/media/v1/create", { token: alice.token });
      expect(created.status).toBe(200);
      expect(created.body.content_uri).toMatch(/^mxc:\/\/localhost\//);
      expect(created.body.unused_expires_at).toBeGreaterThanOrEqual(before + 24 * 3600 * 1000 - 1000);
      const path = pathOf(created.body.content_uri);

      const notYet = await get(`/_matrix/client/v1/media/download/${path}?timeout_ms=0`, bob.token);
      expect(notYet.status).toBe(504);
      expect(((await notYet.json()) as { errcode: string }).errcode).toBe("M_NOT_YET_UPLOADED");

      // A download waiting with timeout_ms is answered once the upload lands.
      const waiting = get(`/_matrix/client/v1/media/download/${path}?timeout_ms=10000`, bob.token);
      await new Promise((resolve) => setTimeout(resolve, 100));
      const notOwner = await fetch(`${t.url}/_matrix/media/v3/upload/${path}`, { method: "PUT", headers: { authorization: `Bearer ${bob.token}`, "content-type": "text/plain" }, body: "bob" });
      expect(notOwner.status).toBe(403);
      expect(((await notOwner.json()) as { errcode: string }).errcode).toBe("M_FORBIDDEN");
      const put = await fetch(`${t.url}/_matrix/media/v3/upload/${path}?filename=later.txt`, { method: "PUT", headers: { authorization: `Bearer ${alice.token}`, "content-type": "text/plain" }, body: "later" });
      expect(put.status).toBe(200);
      expect(await put.json()).toEqual({});
      const served = await waiting;
      expect(served.status).toBe(200);
      expect(await served.text()).toBe("later");
      expect(served.headers.get("content-disposition")).toBe('inline; filename="later.txt"');

      const again = await fetch(`${t.url}/_matrix/media/v3/upload/${path}`, { method: "PUT", headers: { authorization: `Bearer ${alice.token}` }, body: "again" });
      expect(again.status).toBe(409);
      expect(((await again.json()) as { errcode: string }).errcode).toBe("M_CANNOT_OVERWRITE_MEDIA");
    });

    it("refuses uploads to IDs that were never created", async () => {
      for (const path of ["localhost/neverCreated", "example.org/abc"]) {
        const res = await fetch(`${t.url}/_matrix/media/v3/upload/${path}`, { method: "PUT", headers: { authorization: `Bearer ${alice.token}` }, body: "x" });
        expect(res.status, path).toBe(404);
        expect(((await res.json()) as { errcode: string }).errcode).toBe("M_NOT_FOUND");
      }
    });
  });

  describe("thumbnails", () => {
    const formats = [
      ["png", "image/png"],
      ["jpeg", "image/jpeg"],
      ["gif", "image/gif"],
      ["webp", "image/webp"],
    ] as const;

    async function thumbnail(mxc: string, query: string, token = bob.token): Promise<{ res: Response; bytes: Buffer }> {
      const res = await get(`/_matrix/client/v1/media/thumbnail/${pathOf(mxc)}?${query}`, token);
      return { res, bytes: Buffer.from(await res.arrayBuffer()) };
    }

    it.each(formats)("thumbnails %s with crop and scale at the requested sizes", async (format, contentType) => {
      const mxc = await upload(alice, await testImage(format, 1000, 500), contentType, `image.${format}`);
      // crop → exactly the preset box covering the request
      for (const [asked, expected] of [
        [[32, 32], [32, 32]],
        [[64, 50], [96, 96]],
        [[200, 100], [200, 100]], // no preset covers it: generated at the requested size
      ] as const) {
        const { res, bytes } = await thumbnail(mxc, `width=${asked[0]}&height=${asked[1]}&method=crop`);
        expect(res.status, `${format} crop ${asked}`).toBe(200);
        const meta = await sharp(bytes).metadata();
        expect([meta.width, meta.height], `${format} crop ${asked}`).toEqual(expected);
        expect(res.headers.get("content-disposition")).toMatch(/^inline; filename="thumbnail\.(png|jpg)"$/);
        expect(res.headers.get("content-security-policy")).toBe(CSP);
      }
      // scale → aspect ratio kept, never smaller than asked: 320x240 box of a 2:1 image is 480x240
      for (const [asked, expected] of [
        [[320, 240], [480, 240]],
        [[600, 100], [960, 480]], // served from the 640x480 preset: the smallest covering both sides
        [[900, 900], [1000, 500]], // larger than the original: the original size, not upscaled
      ] as const) {
        const { res, bytes } = await thumbnail(mxc, `width=${asked[0]}&height=${asked[1]}&method=scale`);
        expect(res.status).toBe(200);
        const meta = await sharp(bytes).metadata();
        expect([meta.width, meta.height], `${format} scale ${asked}`).toEqual(expected);
      }
      const { res } = await thumbnail(mxc, "width=96&height=96&method=crop");
      expect(res.headers.get("content-type")).toBe(format === "jpeg" ? "image/jpeg" : "image/png");
    });

    it("returns an animated WebP only when asked, for animated GIF and WebP", async () => {
      for (const [format, contentType] of [formats[2], formats[3]]) {
        const mxc = await upload(alice, await testImage(format, 200, 200, 3), contentType);
        const animated = await thumbnail(mxc, "width=96&height=96&method=crop&animated=true");
        expect(animated.res.status).toBe(200);
        expect(animated.res.headers.get("content-type")).toBe("image/webp");
        const meta = await sharp(animated.bytes, { animated: true }).metadata();
        expect(meta.pages).toBe(3);
        expect([meta.width, meta.pageHeight]).toEqual([96, 96]);
        for (const query of ["width=96&height=96&method=crop&animated=false", "width=96&height=96&method=crop"]) {
          const still = await thumbnail(mxc, query);
          expect(still.res.headers.get("content-type")).toBe("image/png");
          expect((await sharp(still.bytes).metadata()).pages ?? 1).toBe(1);
        }
      }
      // JPEG cannot animate: animated=true behaves like false.
      const jpeg = await upload(alice, await testImage("jpeg", 200, 200), "image/jpeg");
      expect((await thumbnail(jpeg, "width=32&height=32&method=crop&animated=true")).res.headers.get("content-type")).toBe("image/jpeg");
    });

    it("generates each thumbnail once and caches it", async () => {
      const mxc = await upload(alice, await testImage("png", 500, 500), "image/png");
      const first = await thumbnail(mxc, "width=30&height=30&method=crop");
      const second = await thumbnail(mxc, "width=32&height=32&method=crop");
      expect(second.bytes).toEqual(first.bytes);
      expect(second.res.headers.get("etag")).toBe(first.res.headers.get("etag"));
      const mediaId = mxc.split("/").pop();
      const { rows } = await t.server.db.query<{ n: number }>("SELECT count(*)::int AS n FROM media_thumbnails WHERE media_id = $1", [mediaId]);
      expect(rows[0]!.n).toBe(1);
    });

    it("answers content it cannot thumbnail with 400 M_UNKNOWN", async () => {
      for (const [bytes, type] of [
        [Buffer.from("%PDF-1.4 not an image"), "application/pdf"],
        [Buffer.from("this is not a png"), "image/png"],
        [Buffer.from("<svg xmlns='http://www.w3.org/2000/svg'/>"), "image/svg+xml"],
      ] as const) {
        const mxc = await upload(alice, bytes, type);
        const { res, bytes: body } = await thumbnail(mxc, "width=32&height=32");
        expect(res.status, type).toBe(400);
        expect(JSON.parse(body.toString()).errcode).toBe("M_UNKNOWN");
      }
    });

    it("validates the size parameters", async () => {
      const mxc = await upload(alice, await testImage("png", 100, 100), "image/png");
      for (const query of ["width=abc&height=32", "width=-1&height=32", "width=0&height=32", "width=32&height=32&method=stretch", "height=32"]) {
        const { res, bytes } = await thumbnail(mxc, query);
        expect(res.status, query).toBe(400);
        expect(["M_INVALID_PARAM", "M_MISSING_PARAM"]).toContain(JSON.parse(bytes.toString()).errcode);
      }
    });
  });

  it("refuses to preview URLs on non-public addresses", async () => {
    for (const url of ["http://127.0.0.1:1/", "http://[::1]/", "http://169.254.169.254/latest/meta-data/", "http://localhost/"]) {
      const res = await t.request("GET", `/_matrix/client/v1/media/preview_url?url=${encodeURIComponent(url)}`, { token: alice.token });
      expect(res.status, url).toBe(403);
      expect(res.body.errcode).toBe("M_FORBIDDEN");
    }
    const bad = await t.request("GET", `/_matrix/client/v1/media/preview_url?url=${encodeURIComponent("file:///etc/passwd")}`, { token: alice.token });
    expect(bad.status).toBe(400);
    const missing = await t.request("GET", "/_matrix/client/v1/media/preview_url", { token: alice.token });
    expect(missing.status).toBe(400);
    expect(missing.body.errcode).toBe("M_MISSING_PARAM");
  });
});
