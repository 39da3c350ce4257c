// Signing keys and verify keys: https://spec.matrix.org/v1.19/appendices/#signing-details
// (key identifier = algorithm ":" version), https://spec.matrix.org/v1.19/appendices/#cryptographic-key-representation
// and the key IDs of https://spec.matrix.org/v1.19/server-server-api/#publishing-keys
// (`version` matches `[a-zA-Z0-9_]`). The key file format is the common one
// Synapse writes to `signing.key`: one `ed25519 <version> <unpadded base64 seed>` per line.

import { decodeBase64, encodeBase64 } from "@weft/canonical-json";
import { type Ed25519Backend, type RawSigner, type RawVerifier, defaultBackend } from "./ed25519/backend.js";
import { isStrictPublicKey, isStrictSignature } from "./ed25519/strict.js";
import { SigningError } from "./errors.js";

/** The only signing algorithm Matrix defines. */
export const ED25519 = "ed25519";

const KEY_VERSION = /^[a-zA-Z0-9_]+$/;

function checkVersion(version: unknown): string {
  if (typeof version !== "string" || !KEY_VERSION.test(version)) {
    throw new SigningError("INVALID_KEY_VERSION", `expected a key version matching [a-zA-Z0-9_]+, got ${JSON.stringify(version)}`, {
      errcode: "M_INVALID_PARAM",
    });
  }
  return version;
}

/** Options accepted where keys are made. */
export interface KeyOptions {
  /** Ed25519 implementation (default: node:crypto where available, else noble). */
  backend?: Ed25519Backend;
}

/**
 * A server's Ed25519 signing key: its `keyId` (`ed25519:<version>`), public key,
 * and a prepared signer (a cached node KeyObject on Node). Make one with
 * {@link generateSigningKey}, {@link signingKeyFromSeed} or {@link parseSigningKeyFile}.
 *
 * @example
 * ```ts
 * const key = generateSigningKey("a_1");
 * key.keyId;            // "ed25519:a_1"
 * key.publicKeyBase64;  // unpadded base64, as published in verify_keys
 * const sig = key.sign(new TextEncoder().encode("hello"));
 * ```
 */
export class SigningKey {
  /** Always `"ed25519"`. */
  readonly algorithm = ED25519;
  /** The key version, e.g. `"1"` or `"a_AbCd"`. */
  readonly version: string;
  /** `ed25519:<version>`: the signing key identifier. */
  readonly keyId: string;
  /** The 32-byte public key. */
  readonly publicKey: Uint8Array;
  /** The public key as unpadded base64 (the `key` of a `verify_keys` entry). */
  readonly publicKeyBase64: string;
  readonly #seed: Uint8Array;
  readonly #signer: RawSigner;
  readonly #backend: Ed25519Backend;

  /** @internal use {@link signingKeyFromSeed}. */
  constructor(seed: Uint8Array, version: string, backend: Ed25519Backend) {
    this.version = checkVersion(version);
    this.keyId = `${ED25519}:${version}`;
    this.#seed = Uint8Array.from(seed);
    this.#backend = backend;
    this.publicKey = backend.publicKeyFromSeed(this.#seed);
    this.publicKeyBase64 = encodeBase64(this.publicKey);
    this.#signer = backend.createSigner(this.#seed);
  }

  /**
   * Signs bytes.
   * @param message - the bytes to sign (canonical JSON, for Matrix).
   * @returns the 64-byte signature.
   */
  sign(message: Uint8Array): Uint8Array {
    return this.#signer(message);
  }

  /**
   * Signs bytes and returns the signature as unpadded base64.
   * @param message - the bytes to sign.
   * @returns the signature in unpadded base64.
   */
  signBase64(message: Uint8Array): string {
    return encodeBase64(this.#signer(message));
  }

  /** A copy of the 32-byte seed (the secret). Handle with care. */
  exportSeed(): Uint8Array {
    return Uint8Array.from(this.#seed);
  }

  /** The matching {@link VerifyKey}. */
  toVerifyKey(): VerifyKey {
    return new VerifyKey(this.publicKey, { backend: this.#backend, keyId: this.keyId });
  }
}

/**
 * A public Ed25519 key prepared for repeated strict verification: it keeps the
 * backend's prepared verifier (a node KeyObject), so hold on to it (a Keyring
 * does) rather than passing raw bytes every time.
 *
 * @example
 * ```ts
 * const vk = VerifyKey.fromBase64("l8Hft5qXKn1vfHrg3p4+W8gELQVo8N13JkluMfmn2sQ");
 * vk.verify(message, signature); // boolean, strict like libsodium
 * ```
 */
export class VerifyKey {
  /** The 32-byte public key. */
  readonly publicKey: Uint8Array;
  /** Unpadded base64 of the public key. */
  readonly publicKeyBase64: string;
  /** The key ID this key was published under, when known. */
  readonly keyId: string | undefined;
  /** Whether the key passes libsodium's checks (canonical, not of small order); if not, nothing verifies. */
  readonly isStrictlyValid: boolean;
  readonly #backend: Ed25519Backend;
  #verifier: RawVerifier | undefined;

  /**
   * @param publicKey - 32 bytes.
   * @param options - backend and key ID.
   * @throws {SigningError} `INVALID_PUBLIC_KEY` when `publicKey` is not 32 bytes.
   */
  constructor(publicKey: Uint8Array, options: KeyOptions & { keyId?: string } = {}) {
    if (!(publicKey instanceof Uint8Array) || publicKey.length !== 32) {
      throw new SigningError("INVALID_PUBLIC_KEY", `expected a 32-byte public key, got ${publicKey instanceof Uint8Array ? `${publicKey.length} bytes` : typeof publicKey}`);
    }
    this.publicKey = Uint8Array.from(publicKey);
    this.publicKeyBase64 = encodeBase64(this.publicKey);
    this.keyId = options.keyId;
    this.isStrictlyValid = isStrictPublicKey(this.publicKey);
    this.#backend = options.backend ?? defaultBackend();
  }

  /**
   * A verify key from unpadded (or padded, or URL-safe) base64.
   * @param base64 - the key as published in `verify_keys`.
   * @param options - backend and key ID.
   * @returns the key.
   * @throws {SigningError} `INVALID_PUBLIC_KEY` for bad base64 or a length other than 32 bytes.
   */
  static fromBase64(base64: string, options: KeyOptions & { keyId?: string } = {}): VerifyKey {
    let bytes: Uint8Array;
    try {
      bytes = decodeBase64(base64);
    } catch (cause) {
      throw new SigningError("INVALID_PUBLIC_KEY", `expected an unpadded base64 public key, got ${JSON.stringify(base64)}`, { cause });
    }
    return new VerifyKey(bytes, options);
  }

  /**
   * Verifies a signature strictly (libsodium rules). Never throws.
   * @param message - the signed bytes.
   * @param signature - the 64-byte signature.
   * @returns whether it is valid.
   */
  verify(message: Uint8Array, signature: Uint8Array): boolean {
    if (!this.isStrictlyValid || !(signature instanceof Uint8Array) || !isStrictSignature(signature)) return false;
    this.#verifier ??= this.#backend.createVerifier(this.publicKey);
    return this.#verifier(message, signature);
  }
}

/** What key lookups and verification functions accept as a public key. */
export type PublicKeyInput = VerifyKey | Uint8Array | string;

/**
 * Normalises a public key given as a {@link VerifyKey}, bytes or base64.
 * @returns the VerifyKey, or undefined when it is malformed.
 * @internal
 */
export function toVerifyKey(key: PublicKeyInput, backend?: Ed25519Backend): VerifyKey | undefined {
  if (key instanceof VerifyKey) return key;
  try {
    const options = backend === undefined ? {} : { backend };
    return typeof key === "string" ? VerifyKey.fromBase64(key, options) : new VerifyKey(key, options);
  } catch {
    return undefined;
  }
}

/**
 * Derives a signing key from a 32-byte seed (the RFC 8032 private key).
 *
 * @param seed - 32 bytes.
 * @param version - the key version (`[a-zA-Z0-9_]+`); the key ID is `ed25519:<version>`.
 * @param options - backend.
 * @returns the signing key.
 * @throws {SigningError} `INVALID_SEED` (not 32 bytes) or `INVALID_KEY_VERSION`.
 * @example
 * ```ts
 * // The spec's test key (https://spec.matrix.org/v1.19/appendices/#signing-key):
 * const key = signingKeyFromSeed(decodeBase64("YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1"), "1");
 * ```
 * @see https://spec.matrix.org/v1.19/appendices/#signing-details
 */
export function signingKeyFromSeed(seed: Uint8Array, version: string, options: KeyOptions = {}): SigningKey {
  if (!(seed instanceof Uint8Array) || seed.length !== 32) {
    throw new SigningError("INVALID_SEED", `expected a 32-byte seed, got ${seed instanceof Uint8Array ? `${seed.length} bytes` : typeof seed}`);
  }
  return new SigningKey(seed, checkVersion(version), options.backend ?? defaultBackend());
}

/**
 * Generates a new random signing key (randomness from `crypto.getRandomValues`).
 *
 * @param version - the key version (`[a-zA-Z0-9_]+`), e.g. `"a_" + something unique`.
 * @param options - backend.
 * @returns the signing key.
 * @throws {SigningError} `INVALID_KEY_VERSION`.
 * @example
 * ```ts
 * const key = generateSigningKey("a_abcd");
 * writeFileSync("signing.key", formatSigningKeyFile([key]));
 * ```
 */
export function generateSigningKey(version: string, options: KeyOptions = {}): SigningKey {
  checkVersion(version);
  const seed = new Uint8Array(32);
  globalThis.crypto.getRandomValues(seed);
  return signingKeyFromSeed(seed, version, options);
}

/**
 * Parses a signing key file: one key per line, `ed25519 <version> <base64 seed>`
 * (Synapse's `signing.key` format). Blank lines and lines starting with `#` are ignored.
 *
 * @param text - the file contents.
 * @param options - backend.
 * @returns the keys, in file order (at least one).
 * @throws {SigningError} `INVALID_KEY_FILE` (with the line number) for any malformed line or an empty file.
 * @example
 * ```ts
 * const [key] = parseSigningKeyFile("ed25519 a_1 YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1\n");
 * key.keyId; // "ed25519:a_1"
 * ```
 */
export function parseSigningKeyFile(text: string, options: KeyOptions = {}): SigningKey[] {
  if (typeof text !== "string") {
    throw new SigningError("INVALID_KEY_FILE", `expected the key file text as a string, got ${typeof text}`);
  }
  const keys: SigningKey[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === "" || line.startsWith("#")) continue;
    const parts = line.split(/\s+/);
    const where = `line ${i + 1}`;
    if (parts.length !== 3) {
      throw new SigningError("INVALID_KEY_FILE", `expected "ed25519 <version> <base64 seed>" on ${where}, got ${parts.length} fields`);
    }
    const [algorithm, version, seedText] = parts as [string, string, string];
    if (algorithm !== ED25519) {
      throw new SigningError("INVALID_KEY_FILE", `expected algorithm "ed25519" on ${where}, got ${JSON.stringify(algorithm)}`);
    }
    if (!KEY_VERSION.test(version)) {
      throw new SigningError("INVALID_KEY_FILE", `expected a key version matching [a-zA-Z0-9_]+ on ${where}, got ${JSON.stringify(version)}`);
    }
    let seed: Uint8Array;
    try {
      seed = decodeBase64(seedText);
    } catch (cause) {
      throw new SigningError("INVALID_KEY_FILE", `expected a base64 seed on ${where}, got invalid base64`, { cause });
    }
    if (seed.length !== 32) {
      throw new SigningError("INVALID_KEY_FILE", `expected a 32-byte seed on ${where}, got ${seed.length} bytes`);
    }
    keys.push(signingKeyFromSeed(seed, version, options));
  }
  if (keys.length === 0) throw new SigningError("INVALID_KEY_FILE", "expected at least one key line, got none");
  return keys;
}

/**
 * Formats keys as a signing key file (`ed25519 <version> <unpadded base64 seed>` per line).
 *
 * @param keys - one key or several.
 * @returns the file contents, ending with a newline.
 * @example
 * ```ts
 * formatSigningKeyFile(generateSigningKey("a_1")); // "ed25519 a_1 …\n"
 * ```
 */
export function formatSigningKeyFile(keys: SigningKey | readonly SigningKey[]): string {
  const list = keys instanceof SigningKey ? [keys] : keys;
  return list.map((key) => `${ED25519} ${key.version} ${encodeBase64(key.exportSeed())}\n`).join("");
}
