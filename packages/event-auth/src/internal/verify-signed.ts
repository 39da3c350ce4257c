// Verifying the `signed` block of a third-party invite
// (https://spec.matrix.org/v1.19/client-server-api/#mroommember, auth rule
// "If any signature in signed matches any public key in the
// m.room.third_party_invite event, allow"), using the signing-JSON procedure of
// https://spec.matrix.org/v1.19/appendices/#checking-for-a-signature:
// remove `signatures` and `unsigned`, encode as canonical JSON, check ed25519.
//
// Private stand-in until `@weft/signing` (ed25519Verify / verifyJsonSignature)
// is published in the workspace: a small canonical JSON encoder and Node's
// built-in ed25519. Swap for those when they land; behaviour is the same.

import { createPublicKey, verify } from "node:crypto";

function compareCodePoints(a: string, b: string): number {
  // Canonical JSON orders keys by Unicode code point, which differs from
  // UTF-16 order only for astral characters.
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done) return y.done ? 0 : -1;
    if (y.done) return 1;
    const cx = x.value.codePointAt(0)!;
    const cy = y.value.codePointAt(0)!;
    if (cx !== cy) return cx - cy;
  }
}

/** Canonical JSON (https://spec.matrix.org/v1.19/appendices/#canonical-json). */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === "boolean") return JSON.stringify(value);
  if (typeof value === "number") {
    if (!Number.isInteger(value)) throw new TypeError(`expected an integer, got ${value}`);
    return String(value);
  }
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object") {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort(compareCodePoints);
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(",")}}`;
  }
  throw new TypeError(`expected JSON, got ${typeof value}`);
}

/** Decodes unpadded (or padded) standard or URL-safe base64; `undefined` when malformed. */
export function decodeBase64(s: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(s)) return undefined;
  return new Uint8Array(Buffer.from(s.replace(/-/g, "+").replace(/_/g, "/"), "base64"));
}

/** Strict-length ed25519 verification of `signature` over `message` with a 32-byte public key. */
export function ed25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== 32 || signature.length !== 64) return false;
  try {
    const key = createPublicKey({
      key: { kty: "OKP", crv: "Ed25519", x: Buffer.from(publicKey).toString("base64url") },
      format: "jwk",
    });
    return verify(null, message, key, signature);
  } catch {
    return false;
  }
}

/**
 * Whether any ed25519 signature in `signed.signatures` verifies `signed` with
 * any of `publicKeys` (unpadded base64).
 */
export function anySignatureMatches(signed: Record<string, unknown>, publicKeys: readonly string[]): boolean {
  const signatures = signed.signatures;
  if (typeof signatures !== "object" || signatures === null || publicKeys.length === 0) return false;
  let message: Uint8Array;
  try {
    const { signatures: _s, unsigned: _u, ...rest } = signed;
    message = new TextEncoder().encode(canonicalJson(rest));
  } catch {
    return false;
  }
  const keys = publicKeys.map(decodeBase64).filter((k): k is Uint8Array => k !== undefined && k.length === 32);
  for (const server of Object.values(signatures as Record<string, unknown>)) {
    if (typeof server !== "object" || server === null) continue;
    for (const [keyId, sig] of Object.entries(server as Record<string, unknown>)) {
      if (!keyId.startsWith("ed25519:") || typeof sig !== "string") continue;
      const signature = decodeBase64(sig);
      if (signature === undefined) continue;
      for (const key of keys) if (ed25519Verify(key, message, signature)) return true;
    }
  }
  return false;
}
