// Strict Ed25519 input checks, the same ones libsodium's
// crypto_sign_verify_detached makes (https://doc.libsodium.org/public-key_cryptography/public-key_signatures),
// so that Weft accepts exactly the signatures the rest of the federation
// (Synapse via PyNaCl/libsodium) accepts. Signing JSON in Matrix is "ed25519 as
// implemented by NACL": https://spec.matrix.org/v1.19/appendices/#signing-details
//
// Decision: verify strictly. RFC 8032 and ZIP-215 leave room for
// implementations to disagree on edge cases (non-canonical S, small-order or
// non-canonical points); a federation where one server accepts a signature
// another rejects can fork room state. libsodium rejects:
//   1. S ≥ L (non-canonical scalar, which would make signatures malleable);
//   2. R of small order;
//   3. A non-canonical (y ≥ p) or of small order;
// and compares the recomputed R byte for byte (so a non-canonical R never
// matches). We check 1–3 plus canonical R up front, for every backend.

/** The group order L = 2^252 + 27742317777372353535851937790883648493, little-endian. */
const L = Uint8Array.from([
  0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
]);

function fill(first: number[], rest: number, last: number): Uint8Array {
  const out = new Uint8Array(32).fill(rest);
  out.set(first);
  out[31] = last;
  return out;
}

/**
 * Encodings of the small-order points (ignoring the sign bit of x, i.e. the top
 * bit of the last byte), as in libsodium's `ge25519_has_small_order`:
 * y = 0 (order 4), y = 1 (order 1), the two y of the order-8 points,
 * y = p − 1 (order 2), and the non-canonical y = p (≡ 0) and y = p + 1 (≡ 1).
 */
export const SMALL_ORDER_ENCODINGS: readonly Uint8Array[] = Object.freeze([
  fill([0x00], 0, 0x00),
  fill([0x01], 0, 0x00),
  Uint8Array.from([
    0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98, 0xf0,
    0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53, 0xfc, 0x05,
  ]),
  Uint8Array.from([
    0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67, 0x0f,
    0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac, 0x03, 0x7a,
  ]),
  fill([0xec], 0xff, 0x7f),
  fill([0xed], 0xff, 0x7f),
  fill([0xee], 0xff, 0x7f),
]);

/**
 * Whether the 32 bytes at `offset` of `bytes` encode a point of small order
 * (order dividing 8), in any of its encodings.
 */
export function hasSmallOrder(bytes: Uint8Array, offset = 0): boolean {
  for (const bad of SMALL_ORDER_ENCODINGS) {
    let diff = ((bytes[offset + 31]! & 0x7f) ^ bad[31]!);
    for (let i = 0; i < 31 && diff === 0; i++) diff |= bytes[offset + i]! ^ bad[i]!;
    if (diff === 0) return true;
  }
  return false;
}

/** Whether the 32 bytes at `offset` encode y < p = 2^255 − 19 (sign bit ignored). */
export function isCanonicalPointEncoding(bytes: Uint8Array, offset = 0): boolean {
  if ((bytes[offset + 31]! & 0x7f) !== 0x7f) return true;
  for (let i = 30; i > 0; i--) if (bytes[offset + i] !== 0xff) return true;
  return bytes[offset]! < 0xed;
}

/** Whether the 32 bytes at `offset` encode a scalar S < L. */
export function isCanonicalScalar(bytes: Uint8Array, offset = 0): boolean {
  for (let i = 31; i >= 0; i--) {
    const b = bytes[offset + i]!;
    const l = L[i]!;
    if (b < l) return true;
    if (b > l) return false;
  }
  return false; // S == L
}

/**
 * Whether a public key passes libsodium's checks: 32 bytes, canonical, not of small order.
 *
 * @param publicKey - the encoded key.
 * @returns false for keys no signature can be valid for.
 * @example
 * ```ts
 * isStrictPublicKey(new Uint8Array(32)); // false: y = 0 is a point of order 4
 * ```
 */
export function isStrictPublicKey(publicKey: Uint8Array): boolean {
  return publicKey.length === 32 && isCanonicalPointEncoding(publicKey) && !hasSmallOrder(publicKey);
}

/**
 * Whether a signature passes libsodium's checks: 64 bytes, R canonical and not of small order, S < L.
 *
 * @param signature - the 64-byte signature.
 * @returns false for signatures that are refused before any curve arithmetic.
 * @example
 * ```ts
 * isStrictSignature(key.sign(message)); // true
 * ```
 */
export function isStrictSignature(signature: Uint8Array): boolean {
  return (
    signature.length === 64 &&
    isCanonicalScalar(signature, 32) &&
    isCanonicalPointEncoding(signature, 0) &&
    !hasSmallOrder(signature, 0)
  );
}
