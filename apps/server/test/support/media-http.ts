// Helpers for media tests: raw HTTP with streamed bodies (uploads that never
// sit whole in memory, uploads aborted halfway) and test images made with sharp.

import { createHash } from "node:crypto";
import { request } from "node:http";
import sharp from "sharp";
import type { TestServer } from "./test-server.js";

/** A streamed response: status, headers, and the body's size and SHA-256 (or the body itself when small). */
export interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly size: number;
  readonly sha256: string;
  readonly body: Buffer;
}

/**
 * Sends a request whose body comes from `chunks` (written as produced) and
 * hashes the response as it streams; the body is kept only up to `keepBytes`.
 */
export function rawRequest(
  url: string,
  options: {
    method: string;
    headers?: Record<string, string>;
    chunks?: Iterable<Uint8Array> | AsyncIterable<Uint8Array>;
    keepBytes?: number;
    /** Called with the bytes received so far after each chunk; the response pauses while a returned promise settles. */
    onData?: (received: number) => void | Promise<void>;
  },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method, headers: options.headers, agent: false }, (res) => {
      const hash = createHash("sha256");
      const kept: Buffer[] = [];
      let size = 0;
      res.on("data", (chunk: Buffer) => {
        hash.update(chunk);
        if (size < (options.keepBytes ?? 1024 * 1024)) kept.push(chunk);
        size += chunk.length;
        const pending = options.onData?.(size);
        if (pending) {
          res.pause();
          void pending.then(() => res.resume(), reject);
        }
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, size, sha256: hash.digest("hex"), body: Buffer.concat(kept) }));
      res.on("error", reject);
    });
    req.on("error", reject);
    void (async () => {
      try {
        for await (const chunk of options.chunks ?? []) {
          if (!req.write(chunk)) await new Promise<void>((done) => req.once("drain", () => done()));
        }
        req.end();
      } catch (error) {
        req.destroy(error as Error);
      }
    })();
  });
}

/** `count` chunks of `size` bytes, each distinct, produced lazily; `hash` holds the running SHA-256. */
export async function* generatedChunks(
  count: number,
  size: number,
  hash?: ReturnType<typeof createHash>,
  onChunk?: (n: number) => void | Promise<void>,
): AsyncGenerator<Buffer> {
  const base = Buffer.alloc(size);
  for (let i = 0; i < size; i++) base[i] = (i * 31 + 7) & 0xff;
  for (let n = 0; n < count; n++) {
    const chunk = Buffer.from(base);
    chunk.writeUInt32BE(n, 0);
    hash?.update(chunk);
    await onChunk?.(n);
    yield chunk;
  }
}

/** A solid-colour test image in `format` (GIF and WebP may be animated with several frames). */
export async function testImage(format: "png" | "jpeg" | "gif" | "webp", width: number, height: number, frames = 1): Promise<Buffer> {
  const colours = [
    { r: 200, g: 30, b: 30 },
    { r: 30, g: 200, b: 30 },
    { r: 30, g: 30, b: 200 },
  ];
  const pngs = await Promise.all(
    Array.from({ length: frames }, (_, i) => sharp({ create: { width, height, channels: 4, background: { ...colours[i % 3]!, alpha: 1 } } }).png().toBuffer()),
  );
  const image = frames > 1 ? sharp(pngs, { join: { animated: true } }) : sharp(pngs[0]);
  if (format === "png") return image.png().toBuffer();
  if (format === "jpeg") return image.jpeg().toBuffer();
  if (format === "gif") return image.gif({ loop: 0, delay: Array(frames).fill(100) }).toBuffer();
  return image.webp({ loop: 0, delay: Array(frames).fill(100) }).toBuffer();
}

/** Polls `check` until it returns true (or throws after `timeoutMs`). */
export async function eventually(check: () => Promise<boolean> | boolean, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A registered user with an access token. */
export interface MediaTestUser {
  readonly userId: string;
  readonly token: string;
}

/** Registers `username` through the dummy UIA flow over HTTP. */
export async function registerMediaUser(t: TestServer, username: string): Promise<MediaTestUser> {
  const body = { username, password: `pw-${username}-long-enough` };
  const first = await t.request("POST", "/_matrix/client/v3/register", { body });
  const res = await t.request("POST", "/_matrix/client/v3/register", { body: { ...body, auth: { type: "m.login.dummy", session: first.body?.session } } });
  if (res.status !== 200) throw new Error(`registration failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { userId: res.body.user_id, token: res.body.access_token };
}
