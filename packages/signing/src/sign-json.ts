// Signing JSON: https://spec.matrix.org/v1.19/appendices/#signing-details and
// checking for a signature: https://spec.matrix.org/v1.19/appendices/#checking-for-a-signature
// (the numbered steps below follow the spec's).

import { decodeBase64 } from "@weft/canonical-json";
import { SigningError } from "./errors.js";
import { canonicalBytes, isJsonObject, withoutKeys } from "./internal.js";
import { ED25519, type PublicKeyInput, type SigningKey, toVerifyKey } from "./keys.js";

/** Options for signing and checking JSON. */
export interface SignJsonOptions {
  /**
   * Encode numbers as room versions 1–5 did (floats, big integers); see
   * `@weft/canonical-json`. Default false (strict canonical JSON).
   */
  legacyNumbers?: boolean;
}

/** Why a signature check failed (stable codes). */
export const JSON_SIGNATURE_FAILURES = {
  /** The object is not a JSON object, or has no canonical JSON form. */
  malformed_json: "the object is not signable JSON",
  /** No `signatures[serverName][keyId]` string. */
  missing_signature: "no signature from that entity with that key",
  /** The key ID's algorithm is not `ed25519`. */
  unsupported_algorithm: "the key ID's algorithm is not ed25519",
  /** The signature is not base64 of 64 bytes. */
  malformed_signature: "the signature is not base64 of 64 bytes",
  /** The public key is not 32 bytes (or not base64). */
  malformed_key: "the public key is malformed",
  /** The signature does not verify (including libsodium's strictness rules). */
  bad_signature: "the signature does not verify",
} as const;

/** A stable reason code from {@link JSON_SIGNATURE_FAILURES}. */
export type JsonSignatureFailure = keyof typeof JSON_SIGNATURE_FAILURES;

/** The result of {@link verifyJsonSignature}. */
export type JsonSignatureResult = { ok: true } | { ok: false; reason: JsonSignatureFailure; message: string };

function fail(reason: JsonSignatureFailure, detail?: string): JsonSignatureResult {
  return { ok: false, reason, message: detail ?? JSON_SIGNATURE_FAILURES[reason] };
}

/**
 * The bytes a signature covers: canonical JSON of the object without
 * `signatures` and `unsigned`.
 *
 * @param obj - a JSON object.
 * @param options - legacy number mode.
 * @returns the canonical JSON bytes.
 * @throws {SigningError} `INVALID_JSON` for a non-object or a value with no canonical JSON form.
 * @example
 * ```ts
 * new TextDecoder().decode(signedBytes({ b: 1, a: 2, unsigned: {} })); // '{"a":2,"b":1}'
 * ```
 * @see https://spec.matrix.org/v1.19/appendices/#signing-details
 */
export function signedBytes(obj: Readonly<Record<string, unknown>>, options: SignJsonOptions = {}): Uint8Array {
  if (!isJsonObject(obj)) {
    throw new SigningError("INVALID_JSON", `expected a JSON object to sign, got ${obj === null ? "null" : Array.isArray(obj) ? "an array" : typeof obj}`, {
      errcode: "M_BAD_JSON",
    });
  }
  try {
    return canonicalBytes(withoutKeys(obj, "signatures", "unsigned"), options.legacyNumbers === true);
  } catch (cause) {
    throw new SigningError("INVALID_JSON", `expected a value with a canonical JSON form, got one that fails: ${(cause as Error).message}`, {
      cause,
      errcode: "M_BAD_JSON",
    });
  }
}

/** Adds one signature to a copy of `obj` (existing signatures and `unsigned` kept). */
export function attachSignature<T extends Readonly<Record<string, unknown>>>(
  obj: T,
  serverName: string,
  keyId: string,
  signature: string,
): T & { signatures: Record<string, Record<string, string>> } {
  const existing = isJsonObject(obj["signatures"]) ? (obj["signatures"] as Record<string, Record<string, string>>) : {};
  const mine = isJsonObject(existing[serverName]) ? existing[serverName] : {};
  return { ...obj, signatures: { ...existing, [serverName]: { ...mine, [keyId]: signature } } };
}

/**
 * Signs a JSON object: returns a NEW object with `signatures[serverName][keyId]`
 * added. Existing signatures and `unsigned` are kept; the signature covers the
 * canonical JSON of the object without `signatures` and `unsigned`.
 *
 * @param obj - the JSON object to sign (not modified).
 * @param serverName - the signing entity (a server name for servers).
 * @param key - the signing key.
 * @param options - legacy number mode.
 * @returns the signed copy.
 * @throws {SigningError} `INVALID_JSON` for a non-object or a value with no canonical JSON form.
 * @example
 * ```ts
 * const signed = signJson({ one: 1, two: "Two" }, "domain", key);
 * signed.signatures.domain["ed25519:1"]; // "KqmLSbO39/Bzb0QIYE82zqLwsA+PDzYIpIRA2sRQ4sL53+sN6/fpNSoqE7BP7vBZhG6kYdD13EIMJpvhJI+6Bw"
 * ```
 * @see https://spec.matrix.org/v1.19/appendices/#signing-details
 */
export function signJson<T extends object>(
  obj: T,
  serverName: string,
  key: SigningKey,
  options: SignJsonOptions = {},
): T & { signatures: Record<string, Record<string, string>> } {
  const bytes = signedBytes(obj as Readonly<Record<string, unknown>>, options);
  return attachSignature(obj as T & Readonly<Record<string, unknown>>, serverName, key.keyId, key.signBase64(bytes));
}

/** The signature string of `obj` by `serverName` with `keyId`, if present. */
export function signatureOf(obj: Readonly<Record<string, unknown>>, serverName: string, keyId: string): string | undefined {
  const signatures = obj["signatures"];
  if (!isJsonObject(signatures)) return undefined;
  const byServer = Object.prototype.hasOwnProperty.call(signatures, serverName) ? signatures[serverName] : undefined;
  if (!isJsonObject(byServer)) return undefined;
  const sig = Object.prototype.hasOwnProperty.call(byServer, keyId) ? byServer[keyId] : undefined;
  return typeof sig === "string" ? sig : undefined;
}

/** Decodes a base64 signature; undefined unless it is 64 bytes of valid base64. */
export function decodeSignature(sig: string): Uint8Array | undefined {
  try {
    const bytes = decodeBase64(sig);
    return bytes.length === 64 ? bytes : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Checks that `obj` carries a valid signature by `serverName` with `keyId`,
 * following the spec's steps. Never throws: every failure is a result with a
 * stable `reason`.
 *
 * @param obj - the signed JSON object (anything, in fact).
 * @param serverName - the entity whose signature is required.
 * @param keyId - e.g. `ed25519:1`.
 * @param publicKey - the verification key (VerifyKey, 32 bytes, or base64).
 * @param options - legacy number mode.
 * @returns `{ ok: true }` or `{ ok: false, reason, message }`.
 * @example
 * ```ts
 * verifyJsonSignature(signed, "domain", "ed25519:1", key.publicKey); // { ok: true }
 * verifyJsonSignature({ ...signed, one: 2 }, "domain", "ed25519:1", key.publicKey).ok; // false (bad_signature)
 * ```
 * @see https://spec.matrix.org/v1.19/appendices/#checking-for-a-signature
 */
export function verifyJsonSignature(
  obj: unknown,
  serverName: string,
  keyId: string,
  publicKey: PublicKeyInput,
  options: SignJsonOptions = {},
): JsonSignatureResult {
  if (!isJsonObject(obj)) return fail("malformed_json", "expected a JSON object");
  // 1. The signatures entry for the entity.
  const sig = typeof serverName === "string" && typeof keyId === "string" ? signatureOf(obj, serverName, keyId) : undefined;
  if (sig === undefined) return fail("missing_signature", `no signature by ${String(serverName)} with ${String(keyId)}`);
  // 2. Only algorithms we understand.
  if (!keyId.startsWith(`${ED25519}:`)) return fail("unsupported_algorithm", `key ID ${keyId} is not ed25519`);
  // 3. The verification key (supplied by the caller).
  const verifyKey = toVerifyKey(publicKey);
  if (verifyKey === undefined) return fail("malformed_key");
  // 4. Decode the signature.
  const signature = decodeSignature(sig);
  if (signature === undefined) return fail("malformed_signature");
  // 5–6. Remove signatures and unsigned; canonical JSON.
  let bytes: Uint8Array;
  try {
    bytes = canonicalBytes(withoutKeys(obj, "signatures", "unsigned"), options.legacyNumbers === true);
  } catch (err) {
    return fail("malformed_json", `no canonical JSON form: ${(err as Error).message}`);
  }
  // 7. Check the signature.
  return verifyKey.verify(bytes, signature) ? { ok: true } : fail("bad_signature");
}
