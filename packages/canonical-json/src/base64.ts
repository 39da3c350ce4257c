/**
 * Unpadded base64.
 *
 * Implements [Unpadded Base64](https://spec.matrix.org/v1.19/appendices/#unpadded-base64)
 * and [URL-safe unpadded Base64](https://spec.matrix.org/v1.19/appendices/#url-safe-unpadded-base64)
 * (RFC 4648 §4 and §5 without `=` padding). Decoding follows the spec's advice to
 * "accept input with or without padding characters wherever possible", and
 * accepts both alphabets, but rejects anything that is not base64 at all.
 *
 * Portable: no `Buffer` needed. When `Buffer` exists (Node) it is used for large
 * inputs, where it is faster; decoding validates every character itself first,
 * because `Buffer.from(s, "base64")` silently skips junk.
 */

import { CanonicalJsonError } from "./errors.js";

const STANDARD = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const URL_SAFE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** Char code → 6-bit value for both alphabets; 255 marks an invalid character. */
const DECODE = /* @__PURE__ */ (() => {
  const table = new Uint8Array(256).fill(255);
  for (let i = 0; i < 64; i++) {
    table[STANDARD.charCodeAt(i)] = i;
    table[URL_SAFE.charCodeAt(i)] = i;
  }
  return table;
})();

/** Pairs of characters for 12 bits at a time (4096 two-char strings). */
function pairTable(alphabet: string): string[] {
  const t: string[] = new Array<string>(4096);
  for (let i = 0; i < 4096; i++) t[i] = (alphabet[i >> 6] as string) + (alphabet[i & 63] as string);
  return t;
}
const STANDARD_PAIRS = /* @__PURE__ */ pairTable(STANDARD);
const URL_SAFE_PAIRS = /* @__PURE__ */ pairTable(URL_SAFE);

interface BufferLike {
  from(data: ArrayBuffer, byteOffset: number, length: number): { toString(encoding: string): string };
  from(text: string, encoding: "base64"): Uint8Array;
}
/** Every character of (unpadded) base64 in either alphabet; checked before handing text to Buffer. */
const BASE64_CHARS = /^[A-Za-z0-9+/_-]*$/;
/**
 * From this many bytes (encode) or characters (decode) Node's Buffer is used: it is
 * about as fast as the portable loops at 64 and 3× (encode) to 10× (decode) faster at
 * 256 (bench/base64.bench.ts).
 */
const BUFFER_THRESHOLD = 128;

function nodeBuffer(): BufferLike | undefined {
  const b = (globalThis as { Buffer?: BufferLike }).Buffer;
  return typeof b?.from === "function" ? b : undefined;
}

function encode(bytes: Uint8Array, alphabet: string, pairs: string[], bufferEncoding: "base64" | "base64url"): string {
  const n = bytes.length;
  if (n >= BUFFER_THRESHOLD) {
    const B = nodeBuffer();
    if (B !== undefined) {
      const s = B.from(bytes.buffer as ArrayBuffer, bytes.byteOffset, n).toString(bufferEncoding);
      if (bufferEncoding === "base64url") return s; // Node omits padding for base64url
      const pad = n % 3 === 0 ? 0 : 3 - (n % 3);
      return pad === 0 ? s : s.slice(0, s.length - pad);
    }
  }
  return encodePortable(bytes, alphabet, pairs);
}

function encodePortable(bytes: Uint8Array, alphabet: string, pairs: string[]): string {
  const n = bytes.length;
  let out = "";
  const full = n - (n % 3);
  let i = 0;
  for (; i < full; i += 3) {
    const v = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number);
    out += (pairs[v >> 12] as string) + (pairs[v & 4095] as string);
  }
  const rest = n - full;
  if (rest === 1) {
    const v = bytes[i] as number;
    out += (alphabet[v >> 2] as string) + (alphabet[(v & 3) << 4] as string);
  } else if (rest === 2) {
    const v = ((bytes[i] as number) << 8) | (bytes[i + 1] as number);
    out += (alphabet[v >> 10] as string) + (alphabet[(v >> 4) & 63] as string) + (alphabet[(v & 15) << 2] as string);
  }
  return out;
}

/**
 * Encodes bytes as unpadded standard base64 (RFC 4648 §4 alphabet, no `=`).
 *
 * @param bytes - the data.
 * @returns the unpadded base64 text.
 * @example
 * ```ts
 * encodeBase64(new TextEncoder().encode("foob")); // "Zm9vYg"
 * ```
 * @see https://spec.matrix.org/v1.19/appendices/#unpadded-base64
 */
export function encodeBase64(bytes: Uint8Array): string {
  return encode(bytes, STANDARD, STANDARD_PAIRS, "base64");
}

/**
 * Encodes bytes as unpadded URL-safe base64 (RFC 4648 §5: `-` and `_` instead of `+` and `/`, no `=`).
 *
 * @param bytes - the data.
 * @returns the unpadded URL-safe base64 text.
 * @example
 * ```ts
 * encodeBase64Url(new Uint8Array([0xfb, 0xff])); // "-_8"
 * ```
 * @see https://spec.matrix.org/v1.19/appendices/#url-safe-unpadded-base64
 */
export function encodeBase64Url(bytes: Uint8Array): string {
  return encode(bytes, URL_SAFE, URL_SAFE_PAIRS, "base64url");
}

/**
 * The portable encoder without the Buffer fast path (for benchmarks and tests).
 * @internal
 */
export function encodeBase64Portable(bytes: Uint8Array, urlSafe = false): string {
  return urlSafe ? encodePortable(bytes, URL_SAFE, URL_SAFE_PAIRS) : encodePortable(bytes, STANDARD, STANDARD_PAIRS);
}

/**
 * The portable decoder without the Buffer fast path (for tests); `text` must be
 * unpadded with a valid length.
 * @internal
 */
export function decodeBase64Portable(text: string): Uint8Array {
  return decodePortable(text, text.length);
}

function invalid(message: string, offset?: number): never {
  throw new CanonicalJsonError("INVALID_BASE64", message, offset === undefined ? {} : { offset });
}

/**
 * Decodes base64 text, leniently as the spec asks but never silently: accepts
 * the standard and URL-safe alphabets (even mixed), with or without `=` padding,
 * and ignores non-zero bits in the last character. Rejects any other character
 * (including whitespace), lengths no base64 text can have (`length % 4 === 1`),
 * and padding that is present but wrong (`Zg=`, `Zm9v=`, `=` in the middle).
 *
 * @param text - base64 text.
 * @returns the decoded bytes.
 * @throws {@link CanonicalJsonError} `INVALID_BASE64` with the `offset` of the bad character where there is one.
 * @example
 * ```ts
 * decodeBase64("Zm9vYg");   // bytes of "foob"
 * decodeBase64("Zm9vYg=="); // the same
 * decodeBase64("Zm9v_-8");  // URL-safe alphabet works too
 * ```
 * @see https://spec.matrix.org/v1.19/appendices/#unpadded-base64
 */
export function decodeBase64(text: string): Uint8Array {
  let len = text.length;
  // Padding: only as a suffix, and only if it makes the length a multiple of 4.
  if (len > 0 && text.charCodeAt(len - 1) === 61 /* = */) {
    let unpadded = len - 1;
    if (unpadded > 0 && text.charCodeAt(unpadded - 1) === 61) unpadded--;
    const pad = len - unpadded;
    if (len % 4 !== 0 || unpadded % 4 === 1 || (unpadded % 4) + pad !== 4) {
      invalid(`expected padding that completes a group of 4 characters, got ${JSON.stringify(text.slice(unpadded))} after ${unpadded} characters`, unpadded);
    }
    len = unpadded;
  }
  if (len % 4 === 1) {
    invalid(`expected a base64 length that is not 1 more than a multiple of 4, got ${len} characters`);
  }
  if (len >= BUFFER_THRESHOLD) {
    const B = nodeBuffer();
    // Buffer decodes both alphabets and tolerates missing padding, but skips junk
    // silently: so only text we have fully validated goes to it. Copied out of
    // Buffer's shared pool so callers own their bytes.
    if (B !== undefined && BASE64_CHARS.test(len === text.length ? text : text.slice(0, len))) {
      return new Uint8Array(B.from(text, "base64"));
    }
  }
  return decodePortable(text, len);
}

function decodePortable(text: string, len: number): Uint8Array {
  const out = new Uint8Array(((len * 3) >> 2));
  const full = len - (len % 4);
  let o = 0;
  let i = 0;
  for (; i < full; i += 4) {
    const a = DECODE[text.charCodeAt(i)] ?? 255;
    const b = DECODE[text.charCodeAt(i + 1)] ?? 255;
    const c = DECODE[text.charCodeAt(i + 2)] ?? 255;
    const d = DECODE[text.charCodeAt(i + 3)] ?? 255;
    if ((a | b | c | d) > 63) badChar(text, i);
    const v = (a << 18) | (b << 12) | (c << 6) | d;
    out[o++] = v >> 16;
    out[o++] = (v >> 8) & 255;
    out[o++] = v & 255;
  }
  const rest = len - full;
  if (rest >= 2) {
    const a = DECODE[text.charCodeAt(i)] ?? 255;
    const b = DECODE[text.charCodeAt(i + 1)] ?? 255;
    const c = rest === 3 ? (DECODE[text.charCodeAt(i + 2)] ?? 255) : 0;
    if ((a | b | c) > 63) badChar(text, i);
    out[o++] = (a << 2) | (b >> 4);
    if (rest === 3) out[o++] = ((b & 15) << 4) | (c >> 2);
  }
  return out;
}

function badChar(text: string, from: number): never {
  for (let j = from; j < text.length; j++) {
    const code = text.charCodeAt(j);
    if ((DECODE[code] ?? 255) === 255) {
      invalid(`expected a base64 character (A-Z a-z 0-9 + / - _), got ${JSON.stringify(text[j])}`, j);
    }
  }
  invalid("expected base64 text, got an invalid character");
}
