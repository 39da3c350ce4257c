// URL previews: https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv1mediapreview_url
// The server fetches the page through OutboundHttp (public addresses only),
// reads its OpenGraph tags (https://ogp.me/) with a small scanner — no
// script runs, no regex backtracks over the page — and replaces `og:image`
// with an mxc:// URI of a copy it stores, adding `matrix:image:size`.

import type { OutboundHttp } from "./outbound-http.js";

/** A preview as the endpoint returns it. */
export type UrlPreview = Record<string, string | number>;

/** How many bytes of a page are read for its tags. */
export const MAX_PREVIEW_HTML_BYTES = 1024 * 1024;

const MAX_VALUE_LENGTH = 1000;
const MAX_KEYS = 64;

const NAMED_ENTITIES: Readonly<Record<string, string>> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: "\u00a0", "#39": "'" };

/** Decodes the HTML character references that appear in attribute values. */
export function decodeHtmlEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,8});/gi, (whole, name: string) => {
    if (name[0] === "#") {
      const code = name[1] === "x" || name[1] === "X" ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff) ? String.fromCodePoint(code) : whole;
    }
    return NAMED_ENTITIES[name.toLowerCase()] ?? whole;
  });
}

/** The attributes of one tag's inside (`name="v" other='w' flag`). */
function parseAttributes(inside: string): Map<string, string> {
  const attributes = new Map<string, string>();
  const pattern = /([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;
  for (const match of inside.matchAll(pattern)) {
    const name = match[1]!.toLowerCase();
    if (!attributes.has(name)) attributes.set(name, decodeHtmlEntities(match[2] ?? match[3] ?? match[4] ?? ""));
  }
  return attributes;
}

/**
 * Reads OpenGraph properties from an HTML page: `<meta property="og:…">`
 * (and `name="og:…"`), with `<title>` and `<meta name="description">` as
 * fallbacks for `og:title` and `og:description`. `og:image` and `og:url` are
 * resolved against `baseUrl`.
 *
 * @example
 * ```ts
 * parseOpenGraph('<meta property="og:title" content="Hi &amp; bye">', "https://example.org/");
 * // { "og:title": "Hi & bye" }
 * ```
 */
export function parseOpenGraph(html: string, baseUrl: string): UrlPreview {
  const og: UrlPreview = {};
  let title: string | undefined;
  let description: string | undefined;
  const lower = html.toLowerCase();
  let i = 0;
  while (i < html.length && Object.keys(og).length < MAX_KEYS) {
    const open = html.indexOf("<", i);
    if (open < 0) break;
    if (lower.startsWith("<!--", open)) {
      const end = lower.indexOf("-->", open + 4);
      i = end < 0 ? html.length : end + 3;
      continue;
    }
    const nameMatch = /^<([a-z][a-z0-9-]*)/.exec(lower.slice(open, open + 16));
    const close = html.indexOf(">", open);
    if (close < 0) break;
    if (!nameMatch) {
      i = open + 1;
      continue;
    }
    const tag = nameMatch[1]!;
    i = close + 1;
    if (tag === "script" || tag === "style" || tag === "noscript" || tag === "template") {
      // Raw text: skip to the closing tag without looking inside.
      const end = lower.indexOf(`</${tag}`, i);
      i = end < 0 ? html.length : end;
      continue;
    }
    if (tag === "title" && title === undefined) {
      const end = lower.indexOf("</title", i);
      title = decodeHtmlEntities(html.slice(i, end < 0 ? html.length : end)).replace(/\s+/g, " ").trim();
      continue;
    }
    if (tag !== "meta") continue;
    const attributes = parseAttributes(html.slice(open + 1 + tag.length, close));
    const key = attributes.get("property") ?? attributes.get("name");
    const content = attributes.get("content");
    if (key === undefined || content === undefined) continue;
    const name = key.toLowerCase();
    if (name === "description") description ??= content;
    else if (name.startsWith("og:") && !(name in og)) og[name] = content.slice(0, MAX_VALUE_LENGTH);
  }
  if (og["og:title"] === undefined && title) og["og:title"] = title.slice(0, MAX_VALUE_LENGTH);
  if (og["og:description"] === undefined && description) og["og:description"] = description.slice(0, MAX_VALUE_LENGTH);
  for (const key of ["og:image", "og:url"]) {
    const value = og[key];
    if (typeof value !== "string") continue;
    try {
      og[key] = new URL(value, baseUrl).toString();
    } catch {
      delete og[key];
    }
  }
  for (const key of ["og:image:width", "og:image:height"]) {
    if (typeof og[key] === "string" && /^\d{1,6}$/.test(og[key])) og[key] = Number(og[key]);
  }
  return og;
}

/** What the previewer needs from the media repository. */
export interface PreviewImageStore {
  /** Stores fetched image bytes as local media; returns its mxc:// URI and dimensions when known. */
  storeImage(bytes: Buffer, contentType: string): Promise<{ contentUri: string; size: number; width?: number; height?: number }>;
}

/** Why a preview failed. */
export class UrlPreviewError extends Error {
  override readonly name = "UrlPreviewError";
  constructor(
    readonly code: "bad_url" | "blocked" | "fetch_failed" | "unsupported",
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Builds previews: fetch, parse, store the image.
 *
 * @example
 * ```ts
 * const previewer = new UrlPreviewer(new OutboundHttp({ allowPrivate: false }), imageStore, 10 * 1024 * 1024);
 * const og = await previewer.preview("https://matrix.org/");
 * ```
 */
export class UrlPreviewer {
  constructor(
    private readonly http: OutboundHttp,
    private readonly images: PreviewImageStore,
    private readonly maxImageBytes: number,
  ) {}

  /**
   * Fetches `url` and returns its preview.
   * @throws {UrlPreviewError} `bad_url`, `blocked` (non-public address), `fetch_failed` or `unsupported` content.
   */
  async preview(url: string, signal?: AbortSignal): Promise<UrlPreview> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch (error) {
      throw new UrlPreviewError("bad_url", `not a URL: ${url}`, { cause: error });
    }
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new UrlPreviewError("bad_url", "only http and https URLs can be previewed");
    const page = await this.#fetch(url, MAX_PREVIEW_HTML_BYTES, "text/html,application/xhtml+xml,image/*;q=0.9", signal, true);
    const type = contentTypeOf(page.headers["content-type"]);
    if (type.startsWith("image/")) {
      // A link straight to an image previews as that image.
      return this.#withImage({ "og:url": page.url }, page.body, type);
    }
    if (type !== "text/html" && type !== "application/xhtml+xml") throw new UrlPreviewError("unsupported", `cannot preview ${type || "untyped"} content`);
    const og = parseOpenGraph(page.body.toString("utf8"), page.url);
    const image = og["og:image"];
    delete og["og:image"];
    if (typeof image === "string") {
      try {
        const fetched = await this.#fetch(image, this.maxImageBytes, "image/*", signal, false);
        const imageType = contentTypeOf(fetched.headers["content-type"]);
        if (fetched.status === 200 && imageType.startsWith("image/")) return await this.#withImage(og, fetched.body, imageType);
      } catch {
        // A page whose image cannot be fetched still has a preview.
      }
    }
    return og;
  }

  async #withImage(og: UrlPreview, bytes: Buffer, type: string): Promise<UrlPreview> {
    const stored = await this.images.storeImage(bytes, type);
    const result: UrlPreview = { ...og, "og:image": stored.contentUri, "og:image:type": type, "matrix:image:size": stored.size };
    if (stored.width !== undefined) result["og:image:width"] = stored.width;
    if (stored.height !== undefined) result["og:image:height"] = stored.height;
    return result;
  }

  async #fetch(url: string, maxBytes: number, accept: string, signal: AbortSignal | undefined, page: boolean) {
    try {
      const response = await this.http.fetch(url, { headers: { accept }, maxBytes, ...(signal ? { signal } : {}) });
      if (page && response.status !== 200) throw new UrlPreviewError("fetch_failed", `${url} answered ${response.status}`);
      return response;
    } catch (error) {
      if (error instanceof UrlPreviewError) throw error;
      const code = (error as { code?: string }).code;
      if (code === "blocked_address") throw new UrlPreviewError("blocked", (error as Error).message, { cause: error });
      if (code === "bad_url") throw new UrlPreviewError("bad_url", (error as Error).message, { cause: error });
      throw new UrlPreviewError("fetch_failed", `cannot fetch ${url}: ${(error as Error).message}`, { cause: error });
    }
  }
}

function contentTypeOf(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return (value ?? "").split(";")[0]!.trim().toLowerCase();
}
