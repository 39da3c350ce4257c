// Strict Ed25519 verification for https://spec.matrix.org/v1.19/appendices/#checking-for-a-signature
// (step 7): libsodium's checks (./strict.ts) and then the backend's
// cofactorless equation, with prepared per-key verifiers (node KeyObjects) reused.

import { type Ed25519Backend, type RawVerifier, defaultBackend } from "./backend.js";
import { isStrictPublicKey, isStrictSignature } from "./strict.js";

/**
 * A bounded map from public key to prepared verifier. Least recently inserted
 * entries go first; emptying it never changes a result, only speed.
 *
 * @example
 * ```ts
 * const cache = new VerifierCache(100);
 * ed25519Verify(publicKey, message, signature, { cache });
 * ```
 */
export class VerifierCache {
  readonly #max: number;
  readonly #map = new Map<string, RawVerifier>();

  /** @param max - how many public keys to keep prepared (default 1024). */
  constructor(max = 1024) {
    this.#max = Math.max(1, max);
  }

  /** The verifier for `publicKey` on `backend`, prepared once and kept. */
  get(publicKey: Uint8Array, backend: Ed25519Backend): RawVerifier {
    let id = backend.name + ":";
    for (let i = 0; i < publicKey.length; i++) id += String.fromCharCode(publicKey[i]!);
    let verifier = this.#map.get(id);
    if (verifier === undefined) {
      verifier = backend.createVerifier(publicKey);
      if (this.#map.size >= this.#max) {
        const oldest = this.#map.keys().next();
        if (oldest.done !== true) this.#map.delete(oldest.value);
      }
      this.#map.set(id, verifier);
    }
    return verifier;
  }

  /** Drops every prepared verifier. */
  clear(): void {
    this.#map.clear();
  }

  /** How many keys are prepared. */
  get size(): number {
    return this.#map.size;
  }
}

// Decision: one bounded, process-wide cache for `ed25519Verify` on raw bytes,
// because preparing a node KeyObject costs ~10 µs against ~50 µs for a verify.
// It holds only public data and never changes a result. Callers wanting their
// own lifetime use `VerifyKey` (which holds its verifier) or pass a cache.
const SHARED_CACHE = new VerifierCache(1024);

/** Options of {@link ed25519Verify}. */
export interface Ed25519VerifyOptions {
  /** The implementation to use (default: node:crypto where available, else noble). */
  backend?: Ed25519Backend;
  /** Where prepared verifiers are kept (default: a shared bounded cache). */
  cache?: VerifierCache;
}

/**
 * Verifies an Ed25519 signature strictly, as libsodium does: rejects S ≥ L,
 * non-canonical or small-order public keys, non-canonical or small-order R,
 * and wrong lengths. Never throws.
 *
 * @param publicKey - 32-byte public key.
 * @param message - the signed bytes.
 * @param signature - 64-byte signature.
 * @param options - backend and verifier cache.
 * @returns whether the signature is valid.
 * @example
 * ```ts
 * const key = generateSigningKey("1");
 * ed25519Verify(key.publicKey, msg, key.sign(msg)); // true
 * ```
 * @see https://spec.matrix.org/v1.19/appendices/#signing-details
 */
export function ed25519Verify(
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
  options: Ed25519VerifyOptions = {},
): boolean {
  if (!(publicKey instanceof Uint8Array) || !(message instanceof Uint8Array) || !(signature instanceof Uint8Array)) {
    return false;
  }
  if (!isStrictPublicKey(publicKey) || !isStrictSignature(signature)) return false;
  const backend = options.backend ?? defaultBackend();
  return (options.cache ?? SHARED_CACHE).get(publicKey, backend)(message, signature);
}
