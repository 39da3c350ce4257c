// Checks on uploaded key objects:
// - device keys: https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3keysupload
//   ("must be signed by the device's ed25519 key"),
// - signed one-time and fallback keys: https://spec.matrix.org/v1.19/client-server-api/#key-algorithms
//   (`signed_curve25519`: an object `{key, signatures}` signed by the device),
// - cross-signing keys: https://spec.matrix.org/v1.19/client-server-api/#cross-signing
//   (one ed25519 key named by its own public key; the self-signing and
//   user-signing keys are signed by the master key).
// Other servers skip the device self-signature check; the spec says the keys
// are signed, and a key the server hands to other users unchecked is how a
// malicious or buggy upload turns into "unable to decrypt" everywhere.

import { encodeCanonicalJson } from "@weft/canonical-json";
import { verifyJsonSignature } from "@weft/signing";
import { E2eeKeysError } from "./errors.js";
import type { CrossSigningKey, CrossSigningKeyType, DeviceKeys, JsonObject } from "./types.js";

/** Whether `value` is a JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Whether two key objects are the same key: equal canonical JSON once
 * `signatures` and `unsigned` are removed.
 * @example
 * ```ts
 * sameKey({ key: "a", signatures: { x: {} } }, { key: "a" }); // true
 * ```
 */
export function sameKey(a: unknown, b: unknown): boolean {
  const strip = (v: unknown): unknown => {
    if (!isJsonObject(v)) return v;
    const { signatures: _s, unsigned: _u, ...rest } = v;
    return rest;
  };
  try {
    return encodeCanonicalJson(strip(a)) === encodeCanonicalJson(strip(b));
  } catch {
    return false;
  }
}

function badJson(message: string): never {
  throw new E2eeKeysError("BAD_JSON", message);
}

function stringRecord(value: unknown, path: string): Record<string, string> {
  if (!isJsonObject(value)) badJson(`expected ${path} to be an object, got ${JSON.stringify(value)}`);
  for (const [k, v] of Object.entries(value)) if (typeof v !== "string") badJson(`expected ${path}.${k} to be a string, got ${JSON.stringify(v)}`);
  return value as Record<string, string>;
}

/**
 * Validates device keys uploaded by `userId` from `deviceId`: IDs match, the
 * fields have the right types, and the device's self-signature verifies.
 *
 * @returns the same object, typed.
 * @throws {E2eeKeysError} `MISMATCHED_ID` (M_INVALID_PARAM), `BAD_JSON`, `INVALID_SIGNATURE`.
 * @example
 * ```ts
 * const keys = validateDeviceKeys("@alice:example.com", "JLAFKJWSCS", body.device_keys);
 * ```
 * @see https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3keysupload
 */
export function validateDeviceKeys(userId: string, deviceId: string, value: unknown): DeviceKeys {
  if (!isJsonObject(value)) badJson("expected device_keys to be an object");
  if (value.user_id !== userId) throw new E2eeKeysError("MISMATCHED_ID", `expected device_keys.user_id to be ${userId}, got ${JSON.stringify(value.user_id)}`);
  if (value.device_id !== deviceId) throw new E2eeKeysError("MISMATCHED_ID", `expected device_keys.device_id to be ${deviceId}, got ${JSON.stringify(value.device_id)}`);
  if (!Array.isArray(value.algorithms) || !value.algorithms.every((a) => typeof a === "string")) badJson("expected device_keys.algorithms to be an array of strings");
  const keys = stringRecord(value.keys, "device_keys.keys");
  const ed25519 = keys[`ed25519:${deviceId}`];
  if (ed25519 === undefined) badJson(`expected device_keys.keys to contain ed25519:${deviceId}`);
  const result = verifyJsonSignature(value, userId, `ed25519:${deviceId}`, ed25519);
  if (!result.ok) throw new E2eeKeysError("INVALID_SIGNATURE", `device_keys: ${result.message}`);
  return value as DeviceKeys;
}

/** The algorithm and key ID of a full one-time key ID `<algorithm>:<key id>`. */
export function splitKeyId(fullId: string): { algorithm: string; id: string } | undefined {
  const colon = fullId.indexOf(":");
  if (colon < 1 || colon === fullId.length - 1) return undefined;
  return { algorithm: fullId.slice(0, colon), id: fullId.slice(colon + 1) };
}

/**
 * Validates one one-time or fallback key: a well-formed ID, and for signed
 * algorithms (`signed_…`) an object whose `key` is a string, signed by the
 * device's ed25519 key.
 *
 * @param deviceEd25519 - the device's ed25519 public key (unpadded base64), when known.
 * @throws {E2eeKeysError} `BAD_JSON` for malformed keys, `INVALID_SIGNATURE` when the signature is missing or wrong (or no device key is known to check it).
 * @example
 * ```ts
 * validateOneTimeKey("@alice:example.com", "JLAFKJWSCS", "signed_curve25519:AAAAHg", key, edKey);
 * ```
 */
export function validateOneTimeKey(userId: string, deviceId: string, fullId: string, value: unknown, deviceEd25519: string | undefined): { algorithm: string } {
  const parts = splitKeyId(fullId);
  if (!parts) badJson(`expected a key ID <algorithm>:<id>, got ${JSON.stringify(fullId)}`);
  if (typeof value === "string") {
    if (parts.algorithm.startsWith("signed_")) badJson(`expected ${fullId} to be a signed key object`);
    return { algorithm: parts.algorithm };
  }
  if (!isJsonObject(value)) badJson(`expected ${fullId} to be a string or an object`);
  if (typeof value.key !== "string") badJson(`expected ${fullId}.key to be a string`);
  if (parts.algorithm.startsWith("signed_")) {
    if (deviceEd25519 === undefined) throw new E2eeKeysError("INVALID_SIGNATURE", `${fullId}: the device has no keys to check the signature with`);
    const result = verifyJsonSignature(value, userId, `ed25519:${deviceId}`, deviceEd25519);
    if (!result.ok) throw new E2eeKeysError("INVALID_SIGNATURE", `${fullId}: ${result.message}`);
  }
  return { algorithm: parts.algorithm };
}

/**
 * The single public key of a cross-signing key (the `keys` entry `ed25519:<key>`).
 * @throws {E2eeKeysError} `BAD_JSON` unless there is exactly one `ed25519` key named by itself.
 * @example
 * ```ts
 * crossSigningPublicKey({ user_id, usage: ["master"], keys: { "ed25519:abc": "abc" } }); // "abc"
 * ```
 */
export function crossSigningPublicKey(key: CrossSigningKey): string {
  const entries = Object.entries(key.keys);
  if (entries.length !== 1) badJson(`expected exactly one key in a cross-signing key, got ${entries.length}`);
  const [name, value] = entries[0]!;
  if (name !== `ed25519:${value}`) badJson(`expected the cross-signing key to be named ed25519:<public key>, got ${name}`);
  return value;
}

/**
 * Validates the shape of an uploaded cross-signing key of `type` for `userId`.
 * @throws {E2eeKeysError} `MISMATCHED_ID` for another user's key, `BAD_JSON` for the wrong usage or shape.
 * @example
 * ```ts
 * const master = validateCrossSigningKey("@alice:example.com", "master", body.master_key);
 * ```
 */
export function validateCrossSigningKey(userId: string, type: CrossSigningKeyType, value: unknown): CrossSigningKey {
  if (!isJsonObject(value)) badJson(`expected the ${type} key to be an object`);
  if (value.user_id !== userId) throw new E2eeKeysError("MISMATCHED_ID", `expected the ${type} key's user_id to be ${userId}, got ${JSON.stringify(value.user_id)}`);
  if (!Array.isArray(value.usage) || !value.usage.includes(type)) badJson(`expected the ${type} key's usage to include ${type}`);
  stringRecord(value.keys, `${type}.keys`);
  if (value.signatures !== undefined && !isJsonObject(value.signatures)) badJson(`expected the ${type} key's signatures to be an object`);
  crossSigningPublicKey(value as CrossSigningKey);
  return value as CrossSigningKey;
}

/**
 * Whether `signed` carries a valid signature by `signerUserId` with the
 * ed25519 key `publicKey` (key ID `ed25519:<keyName>`).
 * @example
 * ```ts
 * hasValidSignature(selfSigningKey, "@alice:example.com", masterPub, masterPub); // true
 * ```
 */
export function hasValidSignature(signed: unknown, signerUserId: string, keyName: string, publicKey: string): boolean {
  return verifyJsonSignature(signed, signerUserId, `ed25519:${keyName}`, publicKey).ok;
}
