// The content repository: https://spec.matrix.org/v1.19/client-server-api/#content-repository
// Uploads (POST /media/v3/upload, POST /media/v1/create + PUT
// /media/v3/upload/{serverName}/{mediaId}), downloads and thumbnails (the
// authenticated /client/v1/media/* endpoints and the frozen legacy ones),
// /config and /preview_url.
//
// Bytes stream from the request into a temp file while hashing, then are
// renamed into the content-addressed store (MediaFileStore) inside the
// transaction that records the row: the rename happens before the commit, so
// a committed row always has its file, and a crash in between leaves only an
// unreferenced file, never a served half file.
//
// Remote media (serverName other than ours) answers M_NOT_FOUND until
// federation; the storage is keyed by origin already.

import { randomBytes } from "node:crypto";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { isServerName, MatrixError } from "@weft/common";
import { MediaStore, type MediaRow } from "@weft/storage-pg";
import { HttpMatrixError } from "../http/http-error.js";
import type { Requester } from "../http/route.js";
import type { ServiceContext } from "./index.js";
import { MediaFileStore, MediaTooLargeError, type StagedFile } from "./media-store.js";
import { OutboundHttp } from "./outbound-http.js";
import { canThumbnail, generateThumbnail, loadSharp, thumbnailBox, THUMBNAILABLE_TYPES, ThumbnailError, type ThumbnailMethod } from "./thumbnailer.js";
import { UrlPreviewer, UrlPreviewError, type UrlPreview } from "./url-preview.js";

/**
 * Content types served with `Content-Disposition: inline`, per
 * https://spec.matrix.org/v1.19/client-server-api/#serving-inline-content.
 * Everything else is an attachment.
 */
export const INLINE_CONTENT_TYPES: ReadonlySet<string> = new Set([
  "text/css",
  "text/plain",
  "text/csv",
  "application/json",
  "application/ld+json",
  "image/jpeg",
  "image/gif",
  "image/png",
  "image/apng",
  "image/webp",
  "image/avif",
  "video/mp4",
  "video/webm",
  "video/ogg",
  "video/quicktime",
  "audio/mp4",
  "audio/webm",
  "audio/aac",
  "audio/mpeg",
  "audio/ogg",
  "audio/wave",
  "audio/wav",
  "audio/x-wav",
  "audio/x-pn-wav",
  "audio/flac",
  "audio/x-flac",
]);

/** Headers every media response carries (https://spec.matrix.org/v1.19/client-server-api/#content-repository). */
export const MEDIA_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "Content-Security-Policy": "sandbox; default-src 'none'; script-src 'none'; plugin-types application/pdf; style-src 'unsafe-inline'; object-src 'self';",
  "Cross-Origin-Resource-Policy": "cross-origin",
  "X-Content-Type-Options": "nosniff",
};

/** Media IDs are `[A-Za-z0-9_-]+` (https://spec.matrix.org/v1.19/client-server-api/#security-considerations-5). */
export const MEDIA_ID_PATTERN = /^[A-Za-z0-9_-]{1,255}$/;

/** The default and largest `timeout_ms` for media that is not uploaded yet. */
export const DEFAULT_MEDIA_WAIT_MS = 20_000;
export const MAX_MEDIA_WAIT_MS = 60_000;

/** Media larger than this is not thumbnailed (`413 M_TOO_LARGE`). */
export const MAX_THUMBNAIL_SOURCE_BYTES = 50 * 1024 * 1024;

/** How long a URL preview is cached. */
export const URL_PREVIEW_CACHE_MS = 60 * 60 * 1000;

const TOKEN = "[A-Za-z0-9!#$&^_.+-]+";
const CONTENT_TYPE_PATTERN = new RegExp(`^${TOKEN}/${TOKEN}(\\s*;\\s*${TOKEN}=(${TOKEN}|"[^"\\\\\\r\\n]*"))*$`);

/**
 * The content type to store for an upload's `Content-Type` header: as sent
 * when it is a well-formed media type, else `application/octet-stream` (the
 * spec's default when the header is missing).
 *
 * @example
 * ```ts
 * sanitizeContentType("image/png"); // "image/png"
 * sanitizeContentType("text/html\r\nX-Evil: 1"); // "application/octet-stream"
 * ```
 */
export function sanitizeContentType(value: string | undefined): string {
  const trimmed = value?.trim();
  if (!trimmed || trimmed.length > 255 || !CONTENT_TYPE_PATTERN.test(trimmed)) return "application/octet-stream";
  return trimmed;
}

/** The media type without parameters, lower-cased. */
export function contentTypeEssence(contentType: string): string {
  return contentType.split(";")[0]!.trim().toLowerCase();
}

/**
 * A `Content-Disposition` value (RFC 6266): `inline` for the spec's safe
 * types, else `attachment`; the file name quoted when it is plain ASCII,
 * otherwise with an ASCII fallback plus the RFC 5987 `filename*` form.
 *
 * @example
 * ```ts
 * contentDisposition("image/png", "cat.png"); // 'inline; filename="cat.png"'
 * contentDisposition("text/html", "x.html"); // 'attachment; filename="x.html"'
 * contentDisposition("text/plain", "été.txt"); // `inline; filename="_t_.txt"; filename*=utf-8''%C3%A9t%C3%A9.txt`
 * ```
 */
export function contentDisposition(contentType: string, fileName: string | null | undefined): string {
  const kind = INLINE_CONTENT_TYPES.has(contentTypeEssence(contentType)) ? "inline" : "attachment";
  // eslint-disable-next-line no-control-regex
  const name = fileName?.replace(/[\u0000-\u001f\u007f]/g, "");
  if (!name) return kind;
  if (/^[\x20-\x7e]*$/.test(name) && !/["\\]/.test(name)) return `${kind}; filename="${name}"`;
  const fallback = name.replace(/[^\x20-\x7e]|["\\]/g, "_");
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${fallback}"; filename*=utf-8''${encoded}`;
}

/**
 * Reads a single-range `Range: bytes=…` header against a file of `size` bytes.
 * @returns the inclusive range, `"unsatisfiable"`, or undefined to send the whole file (absent, multi-range or malformed headers).
 */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | "unsatisfiable" | undefined {
  if (!header) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === "" && match[2] === "")) return undefined;
  let start: number;
  let end: number;
  if (match[1] === "") {
    const suffix = Number(match[2]);
    if (suffix === 0) return "unsatisfiable";
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === "" ? size - 1 : Math.min(Number(match[2]), size - 1);
  }
  if (start >= size || start > end) return "unsatisfiable";
  return { start, end };
}

/** A stored file ready to be streamed. */
export interface MediaFile {
  readonly sha256: string;
  readonly size: number;
  readonly contentType: string;
  /** The file name for `Content-Disposition`. */
  readonly fileName: string | null;
}

/** Options for downloads and thumbnails. */
export interface MediaFetchOptions {
  /** `timeout_ms`: how long to wait for an asynchronous upload. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /** Through the deprecated unauthenticated endpoints: frozen (only media uploaded before `media.legacy_freeze_ts`). */
  readonly legacy?: boolean;
}

/** Upload metadata from the request. */
export interface UploadMetadata {
  readonly contentType: string | undefined;
  readonly fileName: string | undefined;
  /** The declared `Content-Length`, when sent. */
  readonly contentLength: number | undefined;
}

/** A thumbnail request. */
export interface ThumbnailParams {
  readonly width: number;
  readonly height: number;
  readonly method: ThumbnailMethod;
  readonly animated: boolean | undefined;
}

/**
 * The content repository.
 *
 * @example
 * ```ts
 * const media = new MediaService(ctx);
 * await media.init();
 * const { content_uri } = await media.upload(requester, req, { contentType: "image/png", fileName: "cat.png", contentLength: 1234 });
 * ```
 */
export class MediaService {
  readonly files: MediaFileStore;
  readonly #previewer: UrlPreviewer;
  readonly #generating = new Map<string, Promise<MediaFile>>();

  constructor(
    private readonly ctx: ServiceContext,
    options: { http?: OutboundHttp } = {},
  ) {
    this.files = new MediaFileStore(join(ctx.config.data_dir, "media"));
    const http = options.http ?? new OutboundHttp({ allowPrivate: ctx.config.push_allow_private, userAgent: "Weft URL preview" });
    this.#previewer = new UrlPreviewer(http, { storeImage: (bytes, type) => this.#storePreviewImage(bytes, type) }, ctx.config.media.max_upload_bytes);
  }

  /** Creates the media directories and sweeps temp files left by a crash. */
  async init(): Promise<void> {
    await this.files.init({ now: Date.now() });
  }

  /** `GET /media/config`. */
  config(): { "m.upload.size": number } {
    return { "m.upload.size": this.ctx.config.media.max_upload_bytes };
  }

  /**
   * `POST /_matrix/media/v3/upload`: streams the body into the store.
   * @throws {MatrixError} 413 `M_TOO_LARGE` over the limit, 403 `M_FORBIDDEN` over the quota.
   */
  async upload(requester: Requester, source: Readable, metadata: UploadMetadata): Promise<{ content_uri: string }> {
    const mediaId = newMediaId();
    this.#checkLength(metadata.contentLength);
    await this.#checkQuota(requester.userId, metadata.contentLength ?? 0);
    const staged = await this.#stage(source, metadata.contentLength);
    await this.#commit(staged, requester.userId, async (store, content) => {
      await store.insertUploaded({ origin: this.ctx.config.server_name, mediaId, userId: requester.userId, ...content });
    }, metadata);
    return { content_uri: `mxc://${this.ctx.config.server_name}/${mediaId}` };
  }

  /**
   * `POST /_matrix/media/v1/create`: reserves a media ID for a later upload.
   * @throws {MatrixError} 429 `M_LIMIT_EXCEEDED` when the user has too many pending uploads.
   */
  async create(requester: Requester): Promise<{ content_uri: string; unused_expires_at: number }> {
    const now = this.ctx.now();
    const unusedExpiresAt = now + this.ctx.config.media.unused_expires_ms;
    const mediaId = newMediaId();
    // Created IDs whose upload never came are dropped here, lazily (an index covers pending rows only).
    await new MediaStore(this.ctx.db).deleteExpiredPending(now);
    await this.ctx.db.transaction(async (tx) => {
      const store = new MediaStore(tx);
      await store.lockUser(requester.userId);
      if ((await store.countPending(requester.userId, now)) >= this.ctx.config.media.max_pending_uploads) {
        throw new MatrixError("M_LIMIT_EXCEEDED", "Too many pending uploads", { extra: { retry_after_ms: 60_000 } });
      }
      await store.insertPending({ origin: this.ctx.config.server_name, mediaId, userId: requester.userId, now, unusedExpiresAt });
    });
    return { content_uri: `mxc://${this.ctx.config.server_name}/${mediaId}`, unused_expires_at: unusedExpiresAt };
  }

  /**
   * `PUT /_matrix/media/v3/upload/{serverName}/{mediaId}`: the content of a created media ID.
   * @throws {MatrixError} `M_NOT_FOUND` (unknown or expired), `M_FORBIDDEN` (someone else's),
   *   `M_CANNOT_OVERWRITE_MEDIA` (already uploaded), `M_TOO_LARGE`.
   */
  async uploadTo(requester: Requester, serverName: string, mediaId: string, source: Readable, metadata: UploadMetadata): Promise<Record<string, never>> {
    const check = (row: MediaRow | undefined): void => {
      if (!row || row.user_id === null) throw new MatrixError("M_NOT_FOUND", "Unknown media ID");
      if (row.uploaded_ts !== null) throw new MatrixError("M_CANNOT_OVERWRITE_MEDIA", "Media already uploaded");
      if (row.user_id !== requester.userId) throw new MatrixError("M_FORBIDDEN", "This media ID was created by another user");
      if (row.unused_expires_at !== null && row.unused_expires_at <= this.ctx.now()) throw new MatrixError("M_NOT_FOUND", "This media ID has expired");
    };
    if (serverName !== this.ctx.config.server_name || !MEDIA_ID_PATTERN.test(mediaId)) throw new MatrixError("M_NOT_FOUND", "Unknown media ID");
    this.#checkLength(metadata.contentLength);
    check(await new MediaStore(this.ctx.db).get(serverName, mediaId));
    await this.#checkQuota(requester.userId, metadata.contentLength ?? 0);
    const staged = await this.#stage(source, metadata.contentLength);
    await this.#commit(staged, requester.userId, async (store, content) => {
      check(await store.get(serverName, mediaId));
      if (!(await store.completePending(serverName, mediaId, content))) throw new MatrixError("M_CANNOT_OVERWRITE_MEDIA", "Media already uploaded");
    }, metadata);
    this.ctx.notifier.notify([mediaKey(serverName, mediaId)]);
    return {};
  }

  /**
   * The stored file behind an mxc:// URI, waiting up to `timeoutMs` for an asynchronous upload.
   * @throws {MatrixError} `M_NOT_FOUND` (unknown, expired, remote, or frozen for legacy access),
   *   504 `M_NOT_YET_UPLOADED` when the wait ends first.
   */
  async download(serverName: string, mediaId: string, options: MediaFetchOptions = {}): Promise<MediaFile> {
    const row = await this.#uploaded(serverName, mediaId, options);
    const contentType = sanitizeContentType(row.content_type ?? undefined);
    return { sha256: row.sha256!, size: row.size!, contentType, fileName: row.upload_name };
  }

  /**
   * A thumbnail of the media, generated once per box and cached.
   * @throws {MatrixError} as {@link download}; 400 `M_UNKNOWN` for content that cannot be thumbnailed,
   *   413 `M_TOO_LARGE` for content too large to thumbnail.
   */
  async thumbnail(serverName: string, mediaId: string, params: ThumbnailParams, options: MediaFetchOptions = {}): Promise<MediaFile> {
    const row = await this.#uploaded(serverName, mediaId, options);
    const contentType = sanitizeContentType(row.content_type ?? undefined);
    if (!canThumbnail(contentType)) throw new HttpMatrixError(400, "M_UNKNOWN", "Cannot generate thumbnails for the requested content");
    if (row.size! > MAX_THUMBNAIL_SOURCE_BYTES) throw new HttpMatrixError(413, "M_TOO_LARGE", "Content is too large to thumbnail");
    const box = thumbnailBox(params);
    // `animated` only changes the result for formats that can animate.
    const animated = params.animated === true && THUMBNAILABLE_TYPES[contentTypeEssence(contentType)]!.animatable;
    const key = { width: box.width, height: box.height, method: box.method, animated };
    const store = new MediaStore(this.ctx.db);
    const cached = await store.getThumbnail(serverName, mediaId, key);
    if (cached) return { sha256: cached.sha256, size: cached.size, contentType: cached.content_type, fileName: thumbnailName(cached.content_type) };
    const inflightKey = `${serverName}/${mediaId}/${box.width}x${box.height}/${box.method}/${animated}`;
    let pending = this.#generating.get(inflightKey);
    if (!pending) {
      pending = (async (): Promise<MediaFile> => {
        let thumbnail;
        try {
          thumbnail = await generateThumbnail(this.files.pathOf(row.sha256!), contentType, box, animated);
        } catch (error) {
          if (error instanceof ThumbnailError && error.code === "too_large") throw new HttpMatrixError(413, "M_TOO_LARGE", error.message, { cause: error });
          throw new HttpMatrixError(400, "M_UNKNOWN", "Cannot generate thumbnails for the requested content", { cause: error });
        }
        const staged = await this.files.stageBuffer(thumbnail.bytes);
        await this.files.commit(staged);
        await store.insertThumbnail({
          origin: serverName,
          media_id: mediaId,
          ...key,
          content_type: thumbnail.contentType,
          actual_width: thumbnail.width,
          actual_height: thumbnail.height,
          size: staged.size,
          sha256: staged.sha256,
          created_ts: this.ctx.now(),
        });
        return { sha256: staged.sha256, size: staged.size, contentType: thumbnail.contentType, fileName: thumbnailName(thumbnail.contentType) };
      })().finally(() => this.#generating.delete(inflightKey));
      this.#generating.set(inflightKey, pending);
    }
    return pending;
  }

  /**
   * `GET /media/preview_url`: the OpenGraph data of a public page, cached for an hour.
   * @throws {MatrixError} 403 `M_FORBIDDEN` for non-public addresses, 400 for bad URLs, 502 when the fetch fails.
   */
  async previewUrl(url: string, signal?: AbortSignal): Promise<UrlPreview> {
    if (!this.ctx.config.media.url_previews) throw new MatrixError("M_UNKNOWN", "URL previews are disabled on this server");
    const store = new MediaStore(this.ctx.db);
    const now = this.ctx.now();
    const cached = await store.getUrlPreview(url, now);
    if (cached) return cached as UrlPreview;
    try {
      const og = await this.#previewer.preview(url, signal);
      await store.insertUrlPreview(url, og, now, now + URL_PREVIEW_CACHE_MS);
      return og;
    } catch (error) {
      if (!(error instanceof UrlPreviewError)) throw error;
      if (error.code === "blocked") throw new MatrixError("M_FORBIDDEN", "That URL's address is not public", { cause: error });
      if (error.code === "bad_url") throw new MatrixError("M_INVALID_PARAM", error.message, { cause: error });
      if (error.code === "unsupported") throw new HttpMatrixError(502, "M_UNKNOWN", error.message, { cause: error });
      throw new HttpMatrixError(502, "M_UNKNOWN", "Failed to fetch the URL", { cause: error });
    }
  }

  /** Opens a stored file, optionally a byte range. */
  open(file: MediaFile, range?: { start: number; end: number }): Readable {
    return this.files.read(file.sha256, range);
  }

  async #uploaded(serverName: string, mediaId: string, options: MediaFetchOptions): Promise<MediaRow> {
    // Remote media comes with federation; sanitised IDs never reach the disk (they are looked up, not joined into paths).
    if (serverName !== this.ctx.config.server_name || !isServerName(serverName) || !MEDIA_ID_PATTERN.test(mediaId)) {
      throw new MatrixError("M_NOT_FOUND", "Media not found");
    }
    const store = new MediaStore(this.ctx.db);
    const timeoutMs = Math.min(Math.max(0, options.timeoutMs ?? DEFAULT_MEDIA_WAIT_MS), MAX_MEDIA_WAIT_MS);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const row = await store.get(serverName, mediaId);
      if (!row) throw new MatrixError("M_NOT_FOUND", "Media not found");
      if (row.uploaded_ts !== null) {
        if (options.legacy) {
          const freeze = this.ctx.config.media.legacy_freeze_ts;
          if (freeze === undefined || row.uploaded_ts >= freeze) throw new MatrixError("M_NOT_FOUND", "Media not found (use the authenticated endpoint)");
        }
        return row;
      }
      if (row.unused_expires_at !== null && row.unused_expires_at <= this.ctx.now()) throw new MatrixError("M_NOT_FOUND", "Media not found");
      const remaining = deadline - Date.now();
      if (remaining <= 0 || options.signal?.aborted) throw new MatrixError("M_NOT_YET_UPLOADED", "Content has not yet been uploaded");
      await this.ctx.notifier.wait([mediaKey(serverName, mediaId)], Math.min(remaining, 5_000), options.signal);
    }
  }

  async #checkQuota(userId: string, incoming: number): Promise<void> {
    const quota = this.ctx.config.media.user_quota_bytes;
    if (quota === undefined) return;
    const used = await new MediaStore(this.ctx.db).usedBytes(userId);
    if (used + incoming > quota || used >= quota) throw new MatrixError("M_FORBIDDEN", "Media quota exceeded");
  }

  /** A declared `Content-Length` over the limit is refused before any byte is read. */
  #checkLength(contentLength: number | undefined): void {
    const limit = this.ctx.config.media.max_upload_bytes;
    if (contentLength !== undefined && contentLength > limit) throw new MatrixError("M_TOO_LARGE", `Uploads are limited to ${limit} bytes`);
  }

  async #stage(source: Readable, contentLength: number | undefined): Promise<StagedFile> {
    this.#checkLength(contentLength);
    const limit = this.ctx.config.media.max_upload_bytes;
    try {
      return await this.files.stage(source, limit);
    } catch (error) {
      if (error instanceof MediaTooLargeError) throw new MatrixError("M_TOO_LARGE", `Uploads are limited to ${limit} bytes`, { cause: error });
      throw error;
    }
  }

  /** Records the row and renames the file into place in one transaction (quota re-checked under a per-user lock). */
  async #commit(
    staged: StagedFile,
    userId: string | null,
    record: (store: MediaStore, content: { contentType: string; uploadName: string | null; size: number; sha256: string; now: number }) => Promise<void>,
    metadata: Pick<UploadMetadata, "contentType" | "fileName">,
  ): Promise<void> {
    try {
      await this.ctx.db.transaction(async (tx) => {
        const store = new MediaStore(tx);
        const quota = this.ctx.config.media.user_quota_bytes;
        if (userId !== null && quota !== undefined) {
          await store.lockUser(userId);
          if ((await store.usedBytes(userId)) + staged.size > quota) throw new MatrixError("M_FORBIDDEN", "Media quota exceeded");
        }
        await record(store, {
          contentType: sanitizeContentType(metadata.contentType),
          uploadName: metadata.fileName ?? null,
          size: staged.size,
          sha256: staged.sha256,
          now: this.ctx.now(),
        });
        await this.files.commit(staged);
      });
    } finally {
      await this.files.discard(staged); // a no-op once renamed
    }
  }

  async #storePreviewImage(bytes: Buffer, contentType: string): Promise<{ contentUri: string; size: number; width?: number; height?: number }> {
    const mediaId = newMediaId();
    const staged = await this.files.stageBuffer(bytes);
    await this.#commit(staged, null, async (store, content) => {
      await store.insertUploaded({ origin: this.ctx.config.server_name, mediaId, userId: null, ...content });
    }, { contentType, fileName: undefined });
    const result: { contentUri: string; size: number; width?: number; height?: number } = { contentUri: `mxc://${this.ctx.config.server_name}/${mediaId}`, size: bytes.length };
    try {
      const sharp = await loadSharp();
      const metadata = await sharp(bytes, { limitInputPixels: 64_000_000 }).metadata();
      if (metadata.width) result.width = metadata.width;
      if (metadata.height) result.height = metadata.pageHeight ?? metadata.height;
    } catch {
      // Not decodable: the preview simply has no dimensions.
    }
    return result;
  }
}

/** A new media ID: 24 URL-safe characters, 144 random bits. */
function newMediaId(): string {
  return randomBytes(18).toString("base64url");
}

/** The notifier key woken when an asynchronous upload completes. */
function mediaKey(serverName: string, mediaId: string): string {
  return `mxc://${serverName}/${mediaId}`;
}

function thumbnailName(contentType: string): string {
  return `thumbnail.${contentType === "image/jpeg" ? "jpg" : contentType.slice("image/".length)}`;
}
