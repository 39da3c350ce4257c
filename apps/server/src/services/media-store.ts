// Media bytes on disk for the content repository:
// https://spec.matrix.org/v1.19/client-server-api/#content-repository
//
// Files live under `<data_dir>/media/content/ab/cd/<sha256>`, named by their
// SHA-256, so identical uploads share one file and a name never points at
// different bytes. A write streams into `<data_dir>/media/tmp/` while hashing
// and is renamed into place only once complete: a crash or an aborted client
// never leaves a partial file where it could be served. Temp files left by a
// crash are swept at start-up.

import { createHash, randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, open, readdir, rename, rm, stat, unlink } from "node:fs/promises";
import { dirname, join } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";

/** A file written to the temp area, not yet visible. */
export interface StagedFile {
  readonly tempPath: string;
  readonly sha256: string;
  readonly size: number;
}

/** Thrown by {@link MediaFileStore.stage} when the stream exceeds its limit. */
export class MediaTooLargeError extends Error {
  override readonly name = "MediaTooLargeError";
  readonly code = "too_large";
  constructor(readonly limit: number) {
    super(`expected at most ${limit} bytes, got more`);
  }
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * Content-addressed media files in a directory.
 *
 * @example
 * ```ts
 * const files = new MediaFileStore("/var/lib/weft/media");
 * await files.init();
 * const staged = await files.stage(request, 50 * 1024 * 1024);
 * await files.commit(staged); // now at files.pathOf(staged.sha256)
 * ```
 */
export class MediaFileStore {
  readonly #root: string;
  readonly #tmp: string;

  constructor(root: string) {
    this.#root = join(root, "content");
    this.#tmp = join(root, "tmp");
  }

  /**
   * Creates the directories and removes temp files older than `staleMs`
   * (left by a crash; another process sharing the directory may still be
   * writing younger ones).
   */
  async init(options: { now?: number; staleMs?: number } = {}): Promise<void> {
    await mkdir(this.#root, { recursive: true });
    await mkdir(this.#tmp, { recursive: true });
    const now = options.now ?? Date.now();
    const staleMs = options.staleMs ?? 60 * 60 * 1000;
    for (const name of await readdir(this.#tmp)) {
      const path = join(this.#tmp, name);
      const info = await stat(path).catch(() => undefined);
      if (info && now - info.mtimeMs > staleMs) await rm(path, { force: true });
    }
  }

  /** Where the bytes with this hash live. */
  pathOf(sha256: string): string {
    if (!SHA256_HEX.test(sha256)) throw new Error(`expected a lower-case hex SHA-256, got ${JSON.stringify(sha256)}`);
    return join(this.#root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  /**
   * Streams `source` into a temp file while hashing it.
   * @throws {MediaTooLargeError} when more than `limit` bytes arrive (the temp file is removed).
   * @throws the stream's own error when the source fails or is aborted (the temp file is removed).
   */
  async stage(source: Readable | AsyncIterable<Uint8Array>, limit: number): Promise<StagedFile> {
    const tempPath = join(this.#tmp, `${Date.now()}-${randomBytes(8).toString("hex")}`);
    const hash = createHash("sha256");
    let size = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        size += chunk.length;
        if (size > limit) {
          callback(new MediaTooLargeError(limit));
          return;
        }
        hash.update(chunk);
        callback(null, chunk);
      },
    });
    // The source is piped rather than put in the pipeline: a failure on our
    // side (too large) must not destroy the request, so the server can still
    // answer 413 on its socket. A failing or truncated source fails the write.
    const readable = source instanceof Readable ? source : Readable.from(source);
    const onError = (error: Error): void => {
      meter.destroy(error);
    };
    const onClose = (): void => {
      if (!readable.readableEnded) meter.destroy(new Error("the upload stopped before its end"));
    };
    readable.on("error", onError);
    readable.on("close", onClose);
    readable.pipe(meter);
    const out = createWriteStream(tempPath, { flags: "wx" });
    try {
      await pipeline(meter, out);
    } catch (error) {
      readable.unpipe(meter);
      // The pipeline can fail before the file's asynchronous open completes; the
      // open then still creates it. Unlink only once the stream has closed.
      if (!out.closed) await new Promise<void>((resolve) => out.once("close", () => resolve()));
      await unlink(tempPath).catch(() => undefined);
      throw error;
    } finally {
      readable.off("error", onError);
      readable.off("close", onClose);
    }
    return { tempPath, sha256: hash.digest("hex"), size };
  }

  /** Writes a buffer (thumbnails, previews) to the temp area. */
  async stageBuffer(bytes: Uint8Array): Promise<StagedFile> {
    return this.stage(Readable.from([bytes]), bytes.length);
  }

  /**
   * Makes a staged file visible under its hash (atomic rename). When the same
   * bytes are already stored the staged copy is dropped.
   * @returns the file's final path.
   */
  async commit(staged: StagedFile): Promise<string> {
    const path = this.pathOf(staged.sha256);
    const exists = await stat(path).then(
      (info) => info.size === staged.size,
      () => false,
    );
    if (exists) {
      await unlink(staged.tempPath).catch(() => undefined);
      return path;
    }
    await mkdir(dirname(path), { recursive: true });
    // Flush the bytes before the rename makes them visible, so a power loss
    // cannot leave a visible name over missing data.
    const handle = await open(staged.tempPath, "r");
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(staged.tempPath, path);
    return path;
  }

  /** Drops a staged file that will not be committed. */
  async discard(staged: StagedFile): Promise<void> {
    await unlink(staged.tempPath).catch(() => undefined);
  }

  /** Deletes stored bytes (when nothing refers to them any more). */
  async delete(sha256: string): Promise<void> {
    await unlink(this.pathOf(sha256)).catch(() => undefined);
  }

  /** Opens stored bytes for reading, optionally a byte range (inclusive `end`). */
  read(sha256: string, range?: { start: number; end: number }): Readable {
    return createReadStream(this.pathOf(sha256), { ...range, highWaterMark: 1024 * 1024 });
  }

  /** The names in the temp area (tests check nothing is left behind). */
  async listTemp(): Promise<string[]> {
    return readdir(this.#tmp);
  }
}
