// Unit and property tests for the media building blocks: the outbound-HTTP
// policy (SSRF), the OpenGraph scanner and previewer, header helpers
// (https://spec.matrix.org/v1.19/client-server-api/#serving-inline-content),
// thumbnail geometry (https://spec.matrix.org/v1.19/client-server-api/#thumbnails)
// and the content-addressed file store.

import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MediaFileStore, MediaTooLargeError } from "../src/services/media-store.js";
import { contentDisposition, INLINE_CONTENT_TYPES, parseRange, sanitizeContentType } from "../src/services/media-service.js";
import { isPublicAddress, OutboundHttp } from "../src/services/outbound-http.js";
import { thumbnailBox, thumbnailGeometry, THUMBNAIL_PRESETS } from "../src/services/thumbnailer.js";
import { decodeHtmlEntities, parseOpenGraph, UrlPreviewer } from "../src/services/url-preview.js";
import { testImage } from "./support/media-http.js";

describe("isPublicAddress", () => {
  it.each([
    ["127.0.0.1", false, "loopback"],
    ["10.1.2.3", false, "private"],
    ["172.16.0.1", false, "private"],
    ["172.32.0.1", true, "just outside 172.16/12"],
    ["192.168.1.1", false, "private"],
    ["169.254.169.254", false, "link-local (cloud metadata)"],
    ["100.64.0.1", false, "shared address space"],
    ["0.0.0.0", false, "this network"],
    ["224.0.0.1", false, "multicast"],
    ["255.255.255.255", false, "broadcast"],
    ["198.51.100.7", false, "documentation"],
    ["8.8.8.8", true, "public"],
    ["93.184.216.34", true, "public"],
    ["::1", false, "IPv6 loopback"],
    ["::", false, "unspecified"],
    ["fe80::1", false, "IPv6 link-local"],
    ["fd00::1", false, "unique local"],
    ["ff02::1", false, "IPv6 multicast"],
    ["2001:db8::1", false, "documentation"],
    ["::ffff:127.0.0.1", false, "IPv4-mapped loopback"],
    ["::ffff:7f00:1", false, "IPv4-mapped loopback, hex form"],
    ["::ffff:8.8.8.8", true, "IPv4-mapped public"],
    ["64:ff9b::a00:1", false, "NAT64 of 10.0.0.1"],
    ["2002:c0a8:101::1", false, "6to4 of 192.168.1.1"],
    ["2001:0:4136:e378::1", false, "Teredo"],
    ["2606:4700:4700::1111", true, "public IPv6"],
    ["not-an-ip", false, "garbage"],
  ])("%s → %s (%s)", (address, expected) => {
    expect(isPublicAddress(address)).toBe(expected);
  });
});

describe("OutboundHttp", () => {
  let server: Server;
  let base: string;
  let port: number;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === "/redirect-private") {
        res.writeHead(302, { location: "http://10.0.0.1/" }).end();
      } else if (req.url === "/redirect-home") {
        res.writeHead(301, { location: "/page" }).end();
      } else if (req.url === "/loop") {
        res.writeHead(302, { location: "/loop" }).end();
      } else if (req.url === "/big") {
        res.writeHead(200, { "content-type": "text/plain" });
        res.end(Buffer.alloc(64 * 1024, 1));
      } else if (req.url === "/slow") {
        setTimeout(() => res.end("late"), 2000).unref();
      } else if (req.url === "/image.png") {
        void testImage("png", 64, 48).then((png) => res.writeHead(200, { "content-type": "image/png" }).end(png));
      } else {
        res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
        res.end(`<html><head><title>Fallback title</title>
          <meta property="og:title" content="Weft &amp; friends">
          <meta name="description" content="A description">
          <meta property="og:image" content="/image.png">
          <script>var s = '<meta property="og:title" content="from a script">';</script>
          </head><body>hello</body></html>`);
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
    base = `http://127.0.0.1:${port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("refuses loopback, private and link-local targets by default", async () => {
    const http = new OutboundHttp({ allowPrivate: false });
    for (const url of [`${base}/`, "http://[::1]/", "http://169.254.169.254/", "http://10.0.0.1/"]) {
      await expect(http.fetch(url)).rejects.toMatchObject({ name: "OutboundHttpError", code: "blocked_address" });
    }
  });

  it("checks every address a name resolves to and connects to the checked one", async () => {
    const mixed = new OutboundHttp({ allowPrivate: false, resolve: async () => [{ address: "8.8.8.8", family: 4 }, { address: "127.0.0.1", family: 4 }] });
    await expect(mixed.fetch("http://rebind.example/")).rejects.toMatchObject({ code: "blocked_address" });
    // A name pinned to the local test server (allowed here) is reached at that address, whatever the name.
    const pinned = new OutboundHttp({ allowPrivate: true, resolve: async () => [{ address: "127.0.0.1", family: 4 }] });
    const res = await pinned.fetch(`http://some-name.invalid:${port}/page`);
    expect(res.status).toBe(200);
    expect(res.body.toString()).toContain("og:title");
  });

  it("checks each redirect hop again, and limits redirects, size and time", async () => {
    // The test server's address is allowed explicitly; the redirect target is not.
    const http = new OutboundHttp({ allowPrivate: false, allowAddresses: ["127.0.0.1"] });
    expect((await http.fetch(`${base}/redirect-home`)).url).toBe(`${base}/page`);
    await expect(http.fetch(`${base}/redirect-private`)).rejects.toMatchObject({ code: "blocked_address" });
    const local = new OutboundHttp({ allowPrivate: true, maxRedirects: 3, maxBytes: 1024, timeoutMs: 300 });
    await expect(local.fetch(`${base}/loop`)).rejects.toMatchObject({ code: "too_many_redirects" });
    await expect(local.fetch(`${base}/big`)).rejects.toMatchObject({ code: "too_large" });
    await expect(local.fetch(`${base}/slow`)).rejects.toMatchObject({ code: "timeout" });
  });

  it("refuses other schemes and URLs with credentials", async () => {
    const http = new OutboundHttp({ allowPrivate: true });
    await expect(http.fetch("file:///etc/passwd")).rejects.toMatchObject({ code: "bad_url" });
    await expect(http.fetch(`http://user:pw@127.0.0.1:${port}/`)).rejects.toMatchObject({ code: "bad_url" });
  });

  it("previews a page: OpenGraph tags, fallbacks, and the image stored as media", async () => {
    const stored: { bytes: Buffer; type: string }[] = [];
    const previewer = new UrlPreviewer(
      new OutboundHttp({ allowPrivate: true }),
      {
        storeImage: async (bytes, type) => {
          stored.push({ bytes, type });
          return { contentUri: "mxc://localhost/previewImage", size: bytes.length, width: 64, height: 48 };
        },
      },
      1024 * 1024,
    );
    const og = await previewer.preview(`${base}/page`);
    expect(og).toEqual({
      "og:title": "Weft & friends",
      "og:description": "A description",
      "og:image": "mxc://localhost/previewImage",
      "og:image:type": "image/png",
      "og:image:width": 64,
      "og:image:height": 48,
      "matrix:image:size": stored[0]!.bytes.length,
    });
    expect(stored[0]!.type).toBe("image/png");
    const direct = await previewer.preview(`${base}/image.png`);
    expect(direct["og:image"]).toBe("mxc://localhost/previewImage");
    await expect(new UrlPreviewer(new OutboundHttp({ allowPrivate: false }), { storeImage: async () => ({ contentUri: "", size: 0 }) }, 1).preview(`${base}/page`)).rejects.toMatchObject({
      code: "blocked",
    });
  });
});

describe("parseOpenGraph", () => {
  it("reads the ogp.me example and resolves relative URLs", () => {
    const html = `<html prefix="og: https://ogp.me/ns#"><head>
      <title>The Rock (1996)</title>
      <meta property="og:title" content="The Rock" />
      <meta property="og:type" content="video.movie" />
      <meta property='og:url' content='https://www.imdb.com/title/tt0117500/' />
      <meta property=og:image content=/images/rock.jpg>
      <!-- <meta property="og:description" content="commented out"> -->
      </head></html>`;
    expect(parseOpenGraph(html, "https://www.imdb.com/title/tt0117500/")).toEqual({
      "og:title": "The Rock",
      "og:type": "video.movie",
      "og:url": "https://www.imdb.com/title/tt0117500/",
      "og:image": "https://www.imdb.com/images/rock.jpg",
    });
  });

  it("decodes character references", () => {
    expect(decodeHtmlEntities("&lt;b&gt; &#233;&#xE9; &amp;amp; &bogus;")).toBe("<b> éé &amp; &bogus;");
  });

  it("never throws and only returns og: keys with string or number values, on any input", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom("<", ">", "meta", " ", "property=", '"og:x"', "content=", "'v'", "!--", "-->", "script", "/", "a", "&amp;") }), (html) => {
        const og = parseOpenGraph(html, "https://example.org/");
        for (const [key, value] of Object.entries(og)) {
          expect(key.startsWith("og:")).toBe(true);
          expect(["string", "number"]).toContain(typeof value);
        }
      }),
    );
  });

  it("scans a large page in linear time", () => {
    const html = "<".repeat(200_000) + "<meta " + "a=".repeat(100_000);
    const started = performance.now();
    parseOpenGraph(html, "https://example.org/");
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe("header helpers", () => {
  it("uses inline only for the spec's safe types", () => {
    expect(contentDisposition("image/png", null)).toBe("inline");
    expect(contentDisposition("IMAGE/PNG; foo=bar", "a.png")).toBe('inline; filename="a.png"');
    for (const type of ["text/html", "image/svg+xml", "application/javascript", "application/pdf", "application/octet-stream"]) {
      expect(contentDisposition(type, "x")).toBe('attachment; filename="x"');
    }
    expect(INLINE_CONTENT_TYPES.size).toBe(26);
  });

  it("encodes any file name so the header stays one well-formed line (RFC 6266 / 5987)", () => {
    fc.assert(
      fc.property(fc.string(), fc.constantFrom("image/png", "text/html"), (name, type) => {
        const header = contentDisposition(type, name);
        expect(header).toMatch(/^(inline|attachment)(; filename="[\x20-\x7e]*"(; filename\*=utf-8''[A-Za-z0-9%!#$&+.^_`|~-]*)?)?$/);
        const star = /filename\*=utf-8''(.*)$/.exec(header);
        // eslint-disable-next-line no-control-regex
        if (star) expect(decodeURIComponent(star[1]!)).toBe(name.replace(/[\u0000-\u001f\u007f]/g, ""));
      }),
    );
  });

  it("keeps well-formed content types and replaces anything else", () => {
    expect(sanitizeContentType("image/png")).toBe("image/png");
    expect(sanitizeContentType('text/plain; charset="utf-8"')).toBe('text/plain; charset="utf-8"');
    expect(sanitizeContentType(undefined)).toBe("application/octet-stream");
    expect(sanitizeContentType("text/html\r\nSet-Cookie: a=b")).toBe("application/octet-stream");
    expect(sanitizeContentType("nonsense")).toBe("application/octet-stream");
  });

  it("parses single byte ranges", () => {
    expect(parseRange("bytes=0-0", 10)).toEqual({ start: 0, end: 0 });
    expect(parseRange("bytes=5-", 10)).toEqual({ start: 5, end: 9 });
    expect(parseRange("bytes=-4", 10)).toEqual({ start: 6, end: 9 });
    expect(parseRange("bytes=3-100", 10)).toEqual({ start: 3, end: 9 });
    expect(parseRange("bytes=10-", 10)).toBe("unsatisfiable");
    expect(parseRange("bytes=0-1,3-4", 10)).toBeUndefined();
    expect(parseRange("items=0-1", 10)).toBeUndefined();
    fc.assert(
      fc.property(fc.nat(1000), fc.nat(1000), fc.integer({ min: 1, max: 1000 }), (a, b, size) => {
        const range = parseRange(`bytes=${a}-${b}`, size);
        if (range && range !== "unsatisfiable") expect(0 <= range.start && range.start <= range.end && range.end < size).toBe(true);
      }),
    );
  });
});

describe("thumbnail geometry", () => {
  const dimension = fc.integer({ min: 1, max: 4000 });
  const request = fc.record({ width: fc.integer({ min: 1, max: 2000 }), height: fc.integer({ min: 1, max: 2000 }), method: fc.constantFrom("crop" as const, "scale" as const) });

  it("serves requests from the smallest covering preset", () => {
    expect(thumbnailBox({ width: 20, height: 20, method: "crop" })).toEqual(THUMBNAIL_PRESETS[0]);
    expect(thumbnailBox({ width: 33, height: 10, method: "crop" })).toEqual(THUMBNAIL_PRESETS[1]);
    expect(thumbnailBox({ width: 96, height: 96, method: "scale" })).toEqual(THUMBNAIL_PRESETS[2]);
    expect(thumbnailBox({ width: 801, height: 10, method: "scale" })).toEqual({ width: 801, height: 10, method: "scale" });
  });

  it("never upscales, never returns less than asked unless the original is smaller, and keeps the aspect ratio when scaling", () => {
    fc.assert(
      fc.property(dimension, dimension, request, (width, height, asked) => {
        const box = thumbnailBox(asked);
        expect(box.width).toBeGreaterThanOrEqual(Math.min(asked.width, 1600));
        expect(box.height).toBeGreaterThanOrEqual(Math.min(asked.height, 1600));
        const out = thumbnailGeometry(width, height, box);
        expect(out.width).toBeLessThanOrEqual(width);
        expect(out.height).toBeLessThanOrEqual(height);
        expect(out.width >= box.width || out.width === width || out.extract !== undefined).toBe(true);
        if (box.method === "scale") {
          expect(out.width >= box.width || out.width === width).toBe(true);
          expect(out.height >= box.height || out.height === height).toBe(true);
          expect(Math.abs(out.width / out.height - width / height)).toBeLessThanOrEqual((width / height) * (2 / Math.min(out.width, out.height)) + 1e-9);
        } else if (width >= box.width && height >= box.height) {
          expect([out.width, out.height]).toEqual([box.width, box.height]);
        }
      }),
    );
  });
});

describe("MediaFileStore", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "weft-media-"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("stores content under its SHA-256 and deduplicates", async () => {
    const files = new MediaFileStore(dir);
    await files.init();
    const bytes = Buffer.from("content-addressed");
    const staged = await files.stage(Readable.from([bytes.subarray(0, 5), bytes.subarray(5)]), 100);
    expect(staged.sha256).toBe(createHash("sha256").update(bytes).digest("hex"));
    const path = await files.commit(staged);
    expect(await readFile(path)).toEqual(bytes);
    await files.commit(await files.stageBuffer(bytes));
    expect(await files.listTemp()).toEqual([]);
  });

  it("removes the temp file when the source is too large or fails", async () => {
    const files = new MediaFileStore(dir);
    await expect(files.stage(Readable.from([Buffer.alloc(60), Buffer.alloc(60)]), 100)).rejects.toBeInstanceOf(MediaTooLargeError);
    const failing = new Readable({
      read() {
        this.push(Buffer.alloc(10));
        this.destroy(new Error("connection reset"));
      },
    });
    await expect(files.stage(failing, 100)).rejects.toThrow("connection reset");
    expect(await files.listTemp()).toEqual([]);
    expect(() => files.pathOf("../../etc/passwd")).toThrow();
  });
});
