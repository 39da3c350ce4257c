// Thumbnails: https://spec.matrix.org/v1.19/client-server-api/#thumbnails
// and the `animated` parameter of GET /_matrix/client/v1/media/thumbnail.
//
// Decoding and resizing are sharp's (libvips) job, never hand-written. The
// rules this file adds on top:
// - Requests are served from the spec's recommended sizes (32x32 crop, 96x96
//   crop, 320x240 / 640x480 / 800x600 scale): the smallest preset of the
//   method at least as large as asked; larger requests get their own size,
//   capped at MAX_THUMBNAIL_DIMENSION.
// - "scale" keeps the aspect ratio and returns the smallest size covering
//   the box: the spec says servers MUST NOT return a thumbnail smaller than
//   requested (unless the original is smaller) and MUST NOT upscale; fitting
//   inside the box would break the first rule for most aspect ratios.
// - "crop" returns exactly the box (centre crop) when the original is large
//   enough; otherwise the largest centred region of the box's aspect ratio,
//   unscaled.
// - Everything is re-encoded, even when no resizing is needed, so metadata is
//   stripped and an animation is only returned when asked for: animated GIF
//   and WebP sources give animated WebP when `animated=true`, the first frame
//   otherwise. Static output is JPEG for JPEG sources and PNG for the rest.

import type { Metadata, Sharp } from "sharp";

type SharpFactory = (typeof import("sharp"))["default"];
let sharpModule: Promise<SharpFactory> | undefined;

/**
 * sharp (libvips), loaded on first use: a server that never thumbnails never
 * maps libvips nor starts its threads (idle RSS, issue 6).
 * @example
 * ```ts
 * const sharp = await loadSharp();
 * const { width } = await sharp(bytes).metadata();
 * ```
 */
export async function loadSharp(): Promise<SharpFactory> {
  sharpModule ??= import("sharp").then((m) => m.default);
  return sharpModule;
}

/** The thumbnail methods of the spec. */
export type ThumbnailMethod = "crop" | "scale";

/** A box to thumbnail into. */
export interface ThumbnailBox {
  readonly width: number;
  readonly height: number;
  readonly method: ThumbnailMethod;
}

/** A generated thumbnail. */
export interface Thumbnail {
  readonly bytes: Buffer;
  readonly contentType: "image/jpeg" | "image/png" | "image/webp";
  readonly width: number;
  readonly height: number;
  readonly animated: boolean;
}

/** The sizes the spec recommends servers produce. */
export const THUMBNAIL_PRESETS: readonly ThumbnailBox[] = [
  { width: 32, height: 32, method: "crop" },
  { width: 96, height: 96, method: "crop" },
  { width: 320, height: 240, method: "scale" },
  { width: 640, height: 480, method: "scale" },
  { width: 800, height: 600, method: "scale" },
];

/** The largest width or height generated on demand. */
export const MAX_THUMBNAIL_DIMENSION = 1600;

/** Source images above this many pixels are not thumbnailed (`M_TOO_LARGE`). */
export const MAX_THUMBNAIL_SOURCE_PIXELS = 64_000_000;

/** Content types the thumbnailer decodes, with whether they may be animated. SVG is left out on purpose (scripts, external references). */
export const THUMBNAILABLE_TYPES: Readonly<Record<string, { animatable: boolean }>> = {
  "image/jpeg": { animatable: false },
  "image/png": { animatable: false },
  "image/apng": { animatable: false },
  "image/gif": { animatable: true },
  "image/webp": { animatable: true },
  "image/avif": { animatable: false },
};

/** Why a thumbnail could not be made. */
export class ThumbnailError extends Error {
  override readonly name = "ThumbnailError";
  constructor(
    readonly code: "unsupported" | "too_large",
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Whether media of this content type can be thumbnailed. */
export function canThumbnail(contentType: string | null | undefined): boolean {
  return contentType !== null && contentType !== undefined && essenceOf(contentType) in THUMBNAILABLE_TYPES;
}

function essenceOf(contentType: string): string {
  return contentType.split(";")[0]!.trim().toLowerCase();
}

/**
 * The box a request is served from: the smallest preset of the same method
 * covering the request, else the request itself (capped).
 *
 * @example
 * ```ts
 * thumbnailBox({ width: 64, height: 64, method: "crop" }); // { width: 96, height: 96, method: "crop" }
 * ```
 */
export function thumbnailBox(request: ThumbnailBox): ThumbnailBox {
  const preset = THUMBNAIL_PRESETS.find((p) => p.method === request.method && p.width >= request.width && p.height >= request.height);
  if (preset) return preset;
  return {
    width: Math.min(Math.max(1, Math.round(request.width)), MAX_THUMBNAIL_DIMENSION),
    height: Math.min(Math.max(1, Math.round(request.height)), MAX_THUMBNAIL_DIMENSION),
    method: request.method,
  };
}

/**
 * The output size for an original of `width`×`height` (see the rules above).
 * Never larger than the original; `extract` is the centred region to crop
 * first, when cropping without scaling.
 */
export function thumbnailGeometry(
  width: number,
  height: number,
  box: ThumbnailBox,
): { width: number; height: number; extract?: { left: number; top: number; width: number; height: number } } {
  if (box.method === "scale") {
    const factor = Math.max(box.width / width, box.height / height);
    if (factor >= 1) return { width, height };
    return { width: Math.min(width, Math.max(box.width, Math.ceil(width * factor))), height: Math.min(height, Math.max(box.height, Math.ceil(height * factor))) };
  }
  if (width >= box.width && height >= box.height) return { width: box.width, height: box.height };
  if (width <= box.width && height <= box.height) return { width, height };
  // One side is shorter than the box: the largest centred region of the box's aspect, unscaled.
  const regionWidth = Math.min(width, Math.round((height * box.width) / box.height));
  const regionHeight = Math.min(height, Math.round((width * box.height) / box.width));
  return {
    width: regionWidth,
    height: regionHeight,
    extract: { left: Math.floor((width - regionWidth) / 2), top: Math.floor((height - regionHeight) / 2), width: regionWidth, height: regionHeight },
  };
}

/**
 * Makes a thumbnail of an image file (or buffer).
 *
 * @param input - a file path or the image bytes.
 * @param contentType - the media's content type (decides the output format).
 * @param box - from {@link thumbnailBox}.
 * @param animated - whether an animated thumbnail is wanted (honoured for GIF and WebP).
 * @throws {ThumbnailError} `unsupported` for types or bytes it cannot decode, `too_large` above {@link MAX_THUMBNAIL_SOURCE_PIXELS}.
 *
 * @example
 * ```ts
 * const thumb = await generateThumbnail("/data/media/content/ab/cd/abcd…", "image/png", thumbnailBox({ width: 96, height: 96, method: "crop" }), false);
 * ```
 */
export async function generateThumbnail(input: string | Buffer, contentType: string, box: ThumbnailBox, animated: boolean): Promise<Thumbnail> {
  const essence = essenceOf(contentType);
  const kind = THUMBNAILABLE_TYPES[essence];
  if (!kind) throw new ThumbnailError("unsupported", `Cannot generate thumbnails for ${essence}`);
  const options = { limitInputPixels: MAX_THUMBNAIL_SOURCE_PIXELS, failOn: "error" as const };
  const sharp = await loadSharp();
  let metadata: Metadata;
  try {
    metadata = await sharp(input, options).metadata();
  } catch (error) {
    throw new ThumbnailError("unsupported", "Cannot generate thumbnails for the requested content", { cause: error });
  }
  // EXIF orientations 5–8 swap width and height once applied.
  const swapped = (metadata.orientation ?? 1) >= 5;
  const frameWidth = swapped ? metadata.height : metadata.width;
  const frameHeight = swapped ? metadata.width : (metadata.pageHeight ?? metadata.height);
  if (!frameWidth || !frameHeight) throw new ThumbnailError("unsupported", "Cannot read the image's dimensions");
  const pages = metadata.pages ?? 1;
  if (frameWidth * frameHeight * pages > MAX_THUMBNAIL_SOURCE_PIXELS) throw new ThumbnailError("too_large", "Content is too large to thumbnail");
  const animate = animated && kind.animatable && pages > 1;

  const geometry = thumbnailGeometry(frameWidth, frameHeight, box);
  try {
    let source: string | Buffer = input;
    if ((metadata.orientation ?? 1) > 1 && !animate) {
      // Apply the EXIF orientation first so the crop and resize below see upright pixels.
      source = await sharp(input, options).rotate().toBuffer();
    }
    let image = sharp(source, { ...options, animated: animate });
    if (geometry.extract) image = image.extract(geometry.extract);
    if (geometry.width !== frameWidth || geometry.height !== frameHeight) {
      if (!geometry.extract) image = image.resize(geometry.width, geometry.height, { fit: "cover", position: "centre" });
    }
    let output: { contentType: Thumbnail["contentType"]; image: Sharp };
    if (animate) output = { contentType: "image/webp", image: image.webp({ quality: 80, effort: 2 }) };
    else if (essence === "image/jpeg") output = { contentType: "image/jpeg", image: image.jpeg({ quality: 80, mozjpeg: false }) };
    else output = { contentType: "image/png", image: image.png({ compressionLevel: 6 }) };
    const { data, info } = await output.image.toBuffer({ resolveWithObject: true });
    const outHeight = animate && info.pageHeight ? info.pageHeight : info.height;
    return { bytes: data, contentType: output.contentType, width: info.width, height: outHeight, animated: animate };
  } catch (error) {
    if (/pixel limit/i.test((error as Error).message)) throw new ThumbnailError("too_large", "Content is too large to thumbnail", { cause: error });
    throw new ThumbnailError("unsupported", "Cannot generate thumbnails for the requested content", { cause: error });
  }
}
