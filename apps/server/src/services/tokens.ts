// Access and refresh token material:
// https://spec.matrix.org/v1.19/client-server-api/#using-access-tokens
// Tokens are 32 random bytes (base64url) with a prefix that makes leaked
// tokens recognisable to secret scanners; the database keeps SHA-256 digests
// only, looked up by equality on the digest (no secret is compared in JS).

import { createHash, randomBytes, randomInt } from "node:crypto";

/** Prefix of access tokens. */
export const ACCESS_TOKEN_PREFIX = "weft_at_";
/** Prefix of refresh tokens. */
export const REFRESH_TOKEN_PREFIX = "weft_rt_";

/**
 * A new random token.
 * @example
 * ```ts
 * generateToken(ACCESS_TOKEN_PREFIX); // "weft_at_3q2+…"
 * ```
 */
export function generateToken(prefix: string): string {
  return prefix + randomBytes(32).toString("base64url");
}

/** The stored digest of a token (SHA-256, hex). */
export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

const DEVICE_ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/** A random device ID: 10 uppercase letters. */
export function generateDeviceId(): string {
  let id = "";
  for (let i = 0; i < 10; i++) id += DEVICE_ID_ALPHABET[randomInt(DEVICE_ID_ALPHABET.length)];
  return id;
}

/** A random opaque identifier (UIA session IDs, generated passwords). */
export function generateOpaqueId(bytes = 18): string {
  return randomBytes(bytes).toString("base64url");
}
