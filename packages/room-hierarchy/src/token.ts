// Pagination tokens for https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv1roomsroomidhierarchy
// (`from` / `next_batch`: "If specified, `max_depth` and `suggested_only` cannot be changed from the first request").
//
// Decision: tokens are stateless and never expire. A token holds only the
// position of the last room it returned — how many rooms came before it and
// that room's ID — and an HMAC-SHA256 tag binding it to the root room, the
// requester, `suggested_only` and `max_depth`. The next page re-walks the
// space deterministically up to that position (reading room states but not
// building summaries), so nothing is stored server-side, any process holding
// the key can continue a walk, and the token's size does not grow with the
// space: a few hundred bytes at most.

import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { MatrixError } from "@weft/common";

const TOKEN_VERSION = 1;
const TAG_BYTES = 16;
const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

/** What a token binds: a walk of one root, for one user, with fixed options. */
export interface TokenBinding {
  readonly roomId: string;
  readonly requester: string;
  readonly suggestedOnly: boolean;
  readonly maxDepth: number;
}

/** Where the previous page ended: after `emitted` rooms, the last being `lastRoomId`. */
export interface TokenPosition {
  readonly emitted: number;
  readonly lastRoomId: string;
}

function keyBytes(key: Uint8Array | string): Uint8Array {
  const bytes = typeof key === "string" ? encoder.encode(key) : key;
  if (bytes.length === 0) throw new TypeError("expected a non-empty tokenKey, got an empty one");
  return bytes;
}

function tag(key: Uint8Array, binding: TokenBinding, body: Uint8Array): Uint8Array {
  const context = encoder.encode(
    JSON.stringify(["weft.room-hierarchy.token", binding.roomId, binding.requester, binding.suggestedOnly, binding.maxDepth]),
  );
  const mac = hmac.create(sha256, key);
  mac.update(context);
  mac.update(new Uint8Array([0]));
  mac.update(body);
  return mac.digest().subarray(0, TAG_BYTES);
}

/**
 * Encodes and signs a pagination token.
 *
 * @example
 * ```ts
 * const token = encodeHierarchyToken(key, binding, { emitted: 50, lastRoomId: "!r:example.org" });
 * ```
 */
export function encodeHierarchyToken(key: Uint8Array | string, binding: TokenBinding, position: TokenPosition): string {
  const id = encoder.encode(position.lastRoomId);
  const count: number[] = [];
  let n = position.emitted;
  do {
    count.push((n % 128) + (n >= 128 ? 128 : 0));
    n = Math.floor(n / 128);
  } while (n > 0);
  const body = new Uint8Array(1 + count.length + id.length);
  body[0] = TOKEN_VERSION;
  body.set(count, 1);
  body.set(id, 1 + count.length);
  const out = new Uint8Array(body.length + TAG_BYTES);
  out.set(body);
  out.set(tag(keyBytes(key), binding, body), body.length);
  return encodeBase64Url(out);
}

function invalid(reason: string): MatrixError {
  return new MatrixError(
    "M_INVALID_PARAM",
    `expected a from token of this room, user, suggested_only and max_depth, got ${reason}`,
  );
}

/**
 * Verifies and decodes a pagination token.
 *
 * @throws MatrixError `M_INVALID_PARAM` when the token is malformed, tampered
 * with, or was issued for another room, user, `suggested_only` or `max_depth`.
 */
export function decodeHierarchyToken(key: Uint8Array | string, binding: TokenBinding, token: string): TokenPosition {
  const raw = decodeBase64Url(token);
  if (raw === undefined || raw.length < 2 + TAG_BYTES || raw[0] !== TOKEN_VERSION) throw invalid("a malformed token");
  const body = raw.subarray(0, raw.length - TAG_BYTES);
  const expected = tag(keyBytes(key), binding, body);
  const actual = raw.subarray(raw.length - TAG_BYTES);
  let diff = 0;
  for (let i = 0; i < TAG_BYTES; i++) diff |= expected[i]! ^ actual[i]!;
  if (diff !== 0) throw invalid("a token that does not match (another room or user, changed options, or altered)");
  let emitted = 0;
  let scale = 1;
  let i = 1;
  for (;;) {
    const b = body[i++];
    if (b === undefined || i > 8) throw invalid("a malformed token");
    emitted += (b & 127) * scale;
    scale *= 128;
    if (b < 128) break;
  }
  let lastRoomId: string;
  try {
    lastRoomId = decoder.decode(body.subarray(i));
  } catch {
    throw invalid("a malformed token");
  }
  if (emitted < 1 || lastRoomId === "") throw invalid("a malformed token");
  return { emitted, lastRoomId };
}

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const LOOKUP = new Map([...ALPHABET].map((c, i) => [c, i]));

function encodeBase64Url(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    const chars = i + 2 < bytes.length ? 4 : i + 1 < bytes.length ? 3 : 2;
    for (let j = 0; j < chars; j++) out += ALPHABET[(n >> (18 - 6 * j)) & 63];
  }
  return out;
}

function decodeBase64Url(text: string): Uint8Array | undefined {
  if (text.length % 4 === 1 || text.length > 4096) return undefined;
  const out = new Uint8Array(Math.floor((text.length * 3) / 4));
  let bits = 0;
  let acc = 0;
  let o = 0;
  for (const c of text) {
    const v = LOOKUP.get(c);
    if (v === undefined) return undefined;
    acc = ((acc << 6) | v) & 0xffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 255;
    }
  }
  // Canonical encoding only: leftover bits must be zero.
  if ((acc & ((1 << bits) - 1)) !== 0) return undefined;
  return out.subarray(0, o);
}
