// The content repository's endpoints:
// https://spec.matrix.org/v1.19/client-server-api/#content-repository
// - uploads: POST /_matrix/media/v3/upload, POST /_matrix/media/v1/create,
//   PUT /_matrix/media/v3/upload/{serverName}/{mediaId}
// - authenticated (since v1.11): GET /_matrix/client/v1/media/{download,thumbnail,config,preview_url}
// - deprecated and frozen: GET /_matrix/media/v3/{download,thumbnail} (media
//   uploaded before media.legacy_freeze_ts only), /config and /preview_url
//   (these two always required a token).

import type { Readable } from "node:stream";
import { z } from "zod";
import { isMatrixError } from "@weft/common";
import { statusForError } from "../../http/http-error.js";
import { defineRoute, respond, type AnyRoute, type RouteContext, type RouteResponse } from "../../http/route.js";
import type { Services } from "../../services/index.js";
import { contentDisposition, MEDIA_SECURITY_HEADERS, parseRange, type MediaFile, type MediaService, type UploadMetadata } from "../../services/media-service.js";

const MediaParams = z.object({ serverName: z.string(), mediaId: z.string() });
const MediaFileParams = MediaParams.extend({ fileName: z.string() });

/** Query integers arrive as strings; anything but digits is M_INVALID_PARAM. */
const QueryInt = z.string().regex(/^\d{1,15}$/, "expected a non-negative integer").transform(Number);
const QueryBool = z.enum(["true", "false"]).transform((value) => value === "true");

const DownloadQuery = z.object({ timeout_ms: QueryInt.optional(), allow_remote: z.string().optional(), allow_redirect: z.string().optional() });
const ThumbnailQuery = DownloadQuery.extend({
  width: QueryInt.refine((n) => n > 0, "expected a positive width"),
  height: QueryInt.refine((n) => n > 0, "expected a positive height"),
  method: z.enum(["crop", "scale"]).default("scale"),
  animated: QueryBool.optional(),
});
const UploadQuery = z.object({ filename: z.string().max(255).optional() });

/** Every media route. */
export function mediaRoutes(services: Services): AnyRoute[] {
  const media = services.media;
  const downloadRoutes = (prefix: string, legacy: boolean): AnyRoute[] => [
    defineRoute({
      method: "GET",
      path: `${prefix}/download/:serverName/:mediaId`,
      auth: legacy ? "none" : "user",
      params: MediaParams,
      query: DownloadQuery,
      handler: async (ctx) => {
        const file = await media.download(ctx.params.serverName, ctx.params.mediaId, { timeoutMs: ctx.query.timeout_ms, signal: ctx.signal, legacy });
        return serveFile(media, file, file.fileName, ctx);
      },
    }),
    defineRoute({
      method: "GET",
      path: `${prefix}/download/:serverName/:mediaId/:fileName`,
      auth: legacy ? "none" : "user",
      params: MediaFileParams,
      query: DownloadQuery,
      handler: async (ctx) => {
        const file = await media.download(ctx.params.serverName, ctx.params.mediaId, { timeoutMs: ctx.query.timeout_ms, signal: ctx.signal, legacy });
        return serveFile(media, file, ctx.params.fileName, ctx);
      },
    }),
    defineRoute({
      method: "GET",
      path: `${prefix}/thumbnail/:serverName/:mediaId`,
      auth: legacy ? "none" : "user",
      params: MediaParams,
      query: ThumbnailQuery,
      handler: async (ctx) => {
        const { width, height, method, animated } = ctx.query;
        const file = await media.thumbnail(ctx.params.serverName, ctx.params.mediaId, { width, height, method, animated }, { timeoutMs: ctx.query.timeout_ms, signal: ctx.signal, legacy });
        return serveFile(media, file, file.fileName, ctx);
      },
    }),
    defineRoute({
      method: "GET",
      path: `${prefix}/config`,
      auth: "user",
      handler: async () => media.config(),
    }),
    defineRoute({
      method: "GET",
      path: `${prefix}/preview_url`,
      auth: "user",
      rateLimited: true,
      query: z.object({ url: z.string().min(1), ts: QueryInt.optional() }),
      handler: async ({ query, signal }) => media.previewUrl(query.url, signal),
    }),
  ];
  return [
    defineRoute({
      method: "POST",
      path: "/_matrix/media/v3/upload",
      auth: "user",
      rateLimited: true,
      body: "stream",
      query: UploadQuery,
      handler: async (ctx) => closeOnError(ctx.stream, () => media.upload(ctx.requester, ctx.stream!, uploadMetadata(ctx))),
    }),
    defineRoute({
      method: "POST",
      path: "/_matrix/media/v1/create",
      auth: "user",
      rateLimited: true,
      handler: async ({ requester }) => media.create(requester),
    }),
    defineRoute({
      method: "PUT",
      path: "/_matrix/media/v3/upload/:serverName/:mediaId",
      auth: "user",
      rateLimited: true,
      body: "stream",
      params: MediaParams,
      query: UploadQuery,
      handler: async (ctx) =>
        closeOnError(ctx.stream, () => media.uploadTo(ctx.requester, ctx.params.serverName, ctx.params.mediaId, ctx.stream!, uploadMetadata(ctx))),
    }),
    ...downloadRoutes("/_matrix/client/v1/media", false),
    ...downloadRoutes("/_matrix/media/v3", true),
  ];
}

function uploadMetadata(ctx: RouteContext<unknown, { filename?: string | undefined }, unknown, "user">): UploadMetadata {
  const type = ctx.headers["content-type"];
  const length = ctx.headers["content-length"];
  return {
    contentType: typeof type === "string" ? type : undefined,
    fileName: ctx.query.filename,
    contentLength: typeof length === "string" && /^\d+$/.test(length) ? Number(length) : undefined,
  };
}

/**
 * Answers an upload's error itself when the body was not read to the end,
 * closing the connection: otherwise Node would read and discard the rest of
 * a body the server has already refused (up to the declared size).
 */
async function closeOnError(stream: Readable | undefined, upload: () => Promise<unknown>): Promise<unknown> {
  try {
    return await upload();
  } catch (error) {
    if (!isMatrixError(error) || !stream || stream.readableEnded) throw error;
    stream.pause();
    return respond({ status: statusForError(error), headers: { Connection: "close" }, body: error.toJSON() });
  }
}

/** Streams a stored file with the spec's headers; honours a single `Range`. */
function serveFile(
  media: MediaService,
  file: MediaFile,
  fileName: string | null,
  ctx: { headers: Readonly<Record<string, string | string[] | undefined>> },
): RouteResponse {
  const headers: Record<string, string> = {
    ...MEDIA_SECURITY_HEADERS,
    "Content-Type": file.contentType,
    "Content-Disposition": contentDisposition(file.contentType, fileName),
    "Cache-Control": "private, max-age=31536000, immutable",
    ETag: `"${file.sha256}"`,
    "Accept-Ranges": "bytes",
  };
  const rangeHeader = ctx.headers.range;
  const range = parseRange(typeof rangeHeader === "string" ? rangeHeader : undefined, file.size);
  if (range === "unsatisfiable") {
    return respond({ status: 416, headers: { ...MEDIA_SECURITY_HEADERS, "Content-Range": `bytes */${file.size}` }, body: { errcode: "M_UNKNOWN", error: "Range not satisfiable" } });
  }
  const stream = media.open(file, range);
  // A client that goes away unpipes the file: close it rather than leave it open.
  stream.once("unpipe", () => {
    if (!stream.readableEnded) stream.destroy();
  });
  if (range) {
    headers["Content-Range"] = `bytes ${range.start}-${range.end}/${file.size}`;
    headers["Content-Length"] = String(range.end - range.start + 1);
    return respond({ status: 206, headers, stream });
  }
  headers["Content-Length"] = String(file.size);
  return respond({ status: 200, headers, stream });
}
