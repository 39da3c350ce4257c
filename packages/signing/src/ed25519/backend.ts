// Ed25519 (RFC 8032, https://datatracker.ietf.org/doc/html/rfc8032) and SHA-256
// implementations behind one interface, for
// https://spec.matrix.org/v1.19/appendices/#signing-details (signatures) and
// https://spec.matrix.org/v1.19/server-server-api/#calculating-the-content-hash-for-an-event (hashes).
//
// Decision: node:crypto (OpenSSL) is the default where it exists — it verifies
// 10–15× faster than pure JS. It is reached through `process.getBuiltinModule`
// rather than a static import so this module also loads in browsers, where
// the portable @noble/ed25519 backend takes over. Both backends do the same
// cofactorless check as libsodium (R == [S]B − [k]A, compared as bytes); the
// strict input checks of ./strict.ts run before either of them.

import type * as NodeCrypto from "node:crypto";
import * as ed from "@noble/ed25519";
import { sha256 as nobleSha256, sha512 as nobleSha512 } from "@noble/hashes/sha2.js";
import { SigningError } from "../errors.js";

/** A prepared verifier for one public key: raw cofactorless Ed25519 verification, no strict checks. */
export type RawVerifier = (message: Uint8Array, signature: Uint8Array) => boolean;
/** A prepared signer for one seed. */
export type RawSigner = (message: Uint8Array) => Uint8Array;

/**
 * An Ed25519 + SHA-256 implementation. Weft ships {@link nodeBackend} and
 * {@link nobleBackend}; {@link defaultBackend} picks one. Implementations need
 * not make the strict (libsodium) input checks — `ed25519Verify` and
 * `VerifyKey` make them before calling `createVerifier`'s result.
 *
 * @example
 * ```ts
 * const backend = nobleBackend();
 * const sign = backend.createSigner(seed);
 * const ok = backend.createVerifier(backend.publicKeyFromSeed(seed))(msg, sign(msg));
 * ```
 */
export interface Ed25519Backend {
  /** `"node"` or `"noble"` (or your own). */
  readonly name: string;
  /** The 32-byte public key of a 32-byte seed (RFC 8032 §5.1.5). */
  publicKeyFromSeed(seed: Uint8Array): Uint8Array;
  /** A signer holding whatever the implementation precomputes for `seed`. */
  createSigner(seed: Uint8Array): RawSigner;
  /** A verifier holding whatever the implementation precomputes for `publicKey` (always false for a key that does not decode). */
  createVerifier(publicKey: Uint8Array): RawVerifier;
  /** SHA-256 of `data`. */
  sha256(data: Uint8Array): Uint8Array;
}

type NodeCryptoModule = typeof NodeCrypto;

/** node:crypto without a static import (undefined outside Node). */
function loadNodeCrypto(): NodeCryptoModule | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  try {
    return proc?.getBuiltinModule?.("node:crypto") as NodeCryptoModule | undefined;
  } catch {
    return undefined;
  }
}

/** PKCS#8 DER prefix of an Ed25519 private key (RFC 8410), followed by the 32-byte seed. */
const PKCS8_ED25519_PREFIX = Uint8Array.from([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
]);

function toBase64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64url");
}

/** A plain Uint8Array view of a Buffer (same memory), so results compare equal to other Uint8Arrays. */
function asUint8Array(buf: Uint8Array): Uint8Array {
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

function checkSeed(seed: Uint8Array): void {
  if (!(seed instanceof Uint8Array) || seed.length !== 32) {
    throw new SigningError("INVALID_SEED", `expected a 32-byte seed, got ${seed instanceof Uint8Array ? `${seed.length} bytes` : typeof seed}`);
  }
}

let cachedNode: Ed25519Backend | null | undefined;
let cachedNoble: Ed25519Backend | undefined;

/**
 * The node:crypto (OpenSSL) backend, or `undefined` where node:crypto is not available.
 *
 * @returns the backend (one shared stateless instance).
 * @example
 * ```ts
 * const backend = nodeBackend() ?? nobleBackend();
 * ```
 */
export function nodeBackend(): Ed25519Backend | undefined {
  if (cachedNode !== undefined) return cachedNode ?? undefined;
  const crypto = loadNodeCrypto();
  if (crypto === undefined || typeof crypto.sign !== "function") {
    cachedNode = null;
    return undefined;
  }
  const privateKeyOf = (seed: Uint8Array): NodeCrypto.KeyObject => {
    const der = new Uint8Array(48);
    der.set(PKCS8_ED25519_PREFIX);
    der.set(seed, 16);
    return crypto.createPrivateKey({ key: Buffer.from(der.buffer), format: "der", type: "pkcs8" });
  };
  cachedNode = Object.freeze({
    name: "node",
    publicKeyFromSeed(seed: Uint8Array): Uint8Array {
      checkSeed(seed);
      const jwk = crypto.createPublicKey(privateKeyOf(seed)).export({ format: "jwk" });
      return new Uint8Array(Buffer.from(jwk.x!, "base64url"));
    },
    createSigner(seed: Uint8Array): RawSigner {
      checkSeed(seed);
      const key = privateKeyOf(seed);
      return (message) => asUint8Array(crypto.sign(null, message, key));
    },
    createVerifier(publicKey: Uint8Array): RawVerifier {
      let key: NodeCrypto.KeyObject;
      try {
        if (publicKey.length !== 32) throw new RangeError("bad length");
        key = crypto.createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: toBase64Url(publicKey) }, format: "jwk" });
      } catch {
        return () => false;
      }
      return (message, signature) => {
        if (signature.length !== 64) return false;
        try {
          return crypto.verify(null, message, key, signature);
        } catch {
          return false;
        }
      };
    },
    sha256(data: Uint8Array): Uint8Array {
      return asUint8Array(crypto.createHash("sha256").update(data).digest());
    },
  });
  return cachedNode;
}

const ED_L = 2n ** 252n + 27742317777372353535851937790883648493n;

function numberLE(bytes: Uint8Array): bigint {
  let hex = "";
  for (let i = bytes.length - 1; i >= 0; i--) hex += bytes[i]!.toString(16).padStart(2, "0");
  return hex === "" ? 0n : BigInt(`0x${hex}`);
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/**
 * The portable pure-JS backend (@noble/ed25519 with @noble/hashes). Verification
 * is cofactorless like libsodium's (noble's own `verify` is cofactored, ZIP-215
 * style, so it is not used).
 *
 * @returns the backend (one shared stateless instance).
 * @example
 * ```ts
 * const key = signingKeyFromSeed(seed, "1", { backend: nobleBackend() });
 * ```
 */
export function nobleBackend(): Ed25519Backend {
  if (cachedNoble !== undefined) return cachedNoble;
  // noble's synchronous API needs a SHA-512; set it once, only if nobody has.
  if (ed.hashes.sha512 === undefined) ed.hashes.sha512 = nobleSha512;
  cachedNoble = Object.freeze({
    name: "noble",
    publicKeyFromSeed(seed: Uint8Array): Uint8Array {
      checkSeed(seed);
      return ed.getPublicKey(seed);
    },
    createSigner(seed: Uint8Array): RawSigner {
      checkSeed(seed);
      const copy = Uint8Array.from(seed);
      return (message) => ed.sign(message, copy);
    },
    createVerifier(publicKey: Uint8Array): RawVerifier {
      let negA: ed.Point;
      const pk = Uint8Array.from(publicKey);
      try {
        if (pk.length !== 32) throw new RangeError("bad length");
        negA = ed.Point.fromBytes(pk, false).negate();
      } catch {
        return () => false;
      }
      return (message, signature) => {
        if (signature.length !== 64) return false;
        try {
          const r = signature.subarray(0, 32);
          const s = numberLE(signature.subarray(32, 64));
          if (s >= ED_L) return false;
          const h = new Uint8Array(64 + message.length);
          h.set(r, 0);
          h.set(pk, 32);
          h.set(message, 64);
          const k = numberLE(nobleSha512(h)) % ED_L;
          // Cofactorless, as libsodium: R' = [S]B − [k]A, compared byte for byte with R.
          const rCheck = ed.Point.BASE.multiply(s, false).add(negA.multiply(k, false));
          return equalBytes(rCheck.toBytes(), r);
        } catch {
          return false;
        }
      };
    },
    sha256(data: Uint8Array): Uint8Array {
      return nobleSha256(data);
    },
  });
  return cachedNoble;
}

/**
 * The backend used when none is passed: node:crypto where available, otherwise noble.
 *
 * @returns the selected backend.
 * @example
 * ```ts
 * defaultBackend().name; // "node" on Node.js
 * ```
 */
export function defaultBackend(): Ed25519Backend {
  return nodeBackend() ?? nobleBackend();
}
