// Publishing and checking server keys: https://spec.matrix.org/v1.19/server-server-api/#retrieving-server-keys
// (GET /_matrix/key/v2/server, https://spec.matrix.org/v1.19/server-server-api/#get_matrixkeyv2server).
// A response is self-signed by the server with (at least) one of its own
// `verify_keys`; `old_verify_keys` carry `expired_ts` and only verify events.
// "Servers MUST use the lesser of valid_until_ts and 7 days into the future
// when determining if a key is valid" (https://spec.matrix.org/v1.19/rooms/v5/#signing-key-validity-period).

import { SigningError } from "./errors.js";
import { isJsonObject } from "./internal.js";
import { ED25519, type KeyOptions, type PublicKeyInput, type SigningKey, VerifyKey, toVerifyKey } from "./keys.js";
import { signJson, verifyJsonSignature } from "./sign-json.js";

/** Seven days in milliseconds: the longest a fetched key is trusted. */
export const MAX_KEY_VALIDITY_MS = 7 * 24 * 60 * 60 * 1000;

/** The JSON of `GET /_matrix/key/v2/server`. */
export interface ServerKeysResponse {
  server_name: string;
  verify_keys: Record<string, { key: string }>;
  old_verify_keys?: Record<string, { key: string; expired_ts: number }>;
  valid_until_ts: number;
  signatures: Record<string, Record<string, string>>;
}

/** A key the server used to use. */
export interface OldVerifyKeyInput {
  /** `ed25519:<version>`. */
  keyId: string;
  /** The public key (VerifyKey, bytes or unpadded base64). */
  publicKey: PublicKeyInput;
  /** When the server stopped using it (ms since the epoch). */
  expiredTs: number;
}

/** Options of {@link buildServerKeysResponse}. */
export interface BuildServerKeysOptions {
  serverName: string;
  /** The current signing keys: published in `verify_keys`, and each signs the response. */
  keys: SigningKey | readonly SigningKey[];
  /** Keys no longer in use. */
  oldVerifyKeys?: readonly OldVerifyKeyInput[];
  /** Until when the keys may be cached (ms since the epoch). */
  validUntilTs: number;
}

/**
 * Builds the signed body of `GET /_matrix/key/v2/server`.
 *
 * @param options - server name, current keys, old keys and `valid_until_ts`.
 * @returns the signed response.
 * @throws {SigningError} `INVALID_PUBLIC_KEY` for a malformed old key, `INVALID_JSON` for a bad timestamp.
 * @example
 * ```ts
 * const body = buildServerKeysResponse({ serverName: "example.org", keys: [key], validUntilTs: now + 86_400_000 });
 * ```
 * @see https://spec.matrix.org/v1.19/server-server-api/#get_matrixkeyv2server
 */
export function buildServerKeysResponse(options: BuildServerKeysOptions): ServerKeysResponse {
  const keys = Array.isArray(options.keys) ? (options.keys as readonly SigningKey[]) : [options.keys as SigningKey];
  if (!Number.isSafeInteger(options.validUntilTs)) {
    throw new SigningError("INVALID_JSON", `expected validUntilTs to be an integer timestamp, got ${String(options.validUntilTs)}`);
  }
  const verifyKeys: Record<string, { key: string }> = {};
  for (const key of keys) verifyKeys[key.keyId] = { key: key.publicKeyBase64 };
  const body: Omit<ServerKeysResponse, "signatures"> = {
    server_name: options.serverName,
    verify_keys: verifyKeys,
    valid_until_ts: options.validUntilTs,
  };
  if (options.oldVerifyKeys !== undefined && options.oldVerifyKeys.length > 0) {
    const old: Record<string, { key: string; expired_ts: number }> = {};
    for (const entry of options.oldVerifyKeys) {
      const vk = toVerifyKey(entry.publicKey);
      if (vk === undefined) throw new SigningError("INVALID_PUBLIC_KEY", `expected a 32-byte public key for old key ${entry.keyId}`);
      old[entry.keyId] = { key: vk.publicKeyBase64, expired_ts: entry.expiredTs };
    }
    body.old_verify_keys = old;
  }
  let signed: Record<string, unknown> = body as unknown as Record<string, unknown>;
  for (const key of keys) signed = signJson(signed, options.serverName, key);
  return signed as unknown as ServerKeysResponse;
}

/** A key from a verified response. */
export interface VerifiedKey {
  key: VerifyKey;
  /** For a current key: min(`valid_until_ts`, now + 7 days); for an old key: `expired_ts`. */
  validUntilTs: number;
  /** True for an `old_verify_keys` entry (valid for events only, never for requests). */
  old: boolean;
}

/** What a verified `/_matrix/key/v2/server` response says. */
export interface VerifiedServerKeys {
  serverName: string;
  /** `valid_until_ts` as published. */
  validUntilTs: number;
  /** Every ed25519 key, current and old, by key ID. */
  keys: Map<string, VerifiedKey>;
}

/** Why a key response was refused (stable codes). */
export const SERVER_KEYS_FAILURES = {
  /** Not an object, or a field of the wrong type. */
  malformed_response: "the key response is malformed",
  /** `server_name` is not the server asked. */
  wrong_server_name: "the key response is for another server",
  /** No ed25519 key in `verify_keys`. */
  no_verify_keys: "the key response has no usable verify key",
  /** Not signed by any of its own `verify_keys`. */
  missing_signature: "the key response is not signed by its own keys",
  /** A self-signature does not verify. */
  bad_signature: "a self-signature does not verify",
} as const;

/** A stable reason code from {@link SERVER_KEYS_FAILURES}. */
export type ServerKeysFailure = keyof typeof SERVER_KEYS_FAILURES;

/** The result of {@link verifyServerKeysResponse}. */
export type ServerKeysVerification =
  | { ok: true; keys: VerifiedServerKeys }
  | { ok: false; reason: ServerKeysFailure; message: string };

const isTimestamp = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

/**
 * Checks a `GET /_matrix/key/v2/server` response: shape, `server_name`, and a
 * valid self-signature by one of its own `verify_keys` (every such signature
 * present must verify). Keys that are not 32-byte ed25519 keys are skipped.
 * An expired `valid_until_ts` is not an error: the keys still verify events
 * sent before it. Never throws.
 *
 * @param json - the parsed response.
 * @param expectedServerName - the server whose keys were asked for.
 * @param nowTs - the current time, to cap validity at 7 days from now.
 * @param options - backend.
 * @returns the keys, or a failure with a stable reason.
 * @example
 * ```ts
 * const result = verifyServerKeysResponse(await res.json(), "example.org", Date.now());
 * if (result.ok) for (const [keyId, k] of result.keys.keys) console.log(keyId, k.validUntilTs);
 * ```
 * @see https://spec.matrix.org/v1.19/server-server-api/#get_matrixkeyv2server
 */
export function verifyServerKeysResponse(
  json: unknown,
  expectedServerName: string,
  nowTs: number,
  options: KeyOptions = {},
): ServerKeysVerification {
  const fail = (reason: ServerKeysFailure, message?: string): ServerKeysVerification => ({
    ok: false,
    reason,
    message: message ?? SERVER_KEYS_FAILURES[reason],
  });
  if (!isJsonObject(json)) return fail("malformed_response", "expected a JSON object");
  if (json["server_name"] !== expectedServerName) {
    return fail("wrong_server_name", `expected server_name ${expectedServerName}, got ${JSON.stringify(json["server_name"])}`);
  }
  const validUntil = json["valid_until_ts"];
  if (!isTimestamp(validUntil)) return fail("malformed_response", "expected an integer valid_until_ts");
  const verifyKeys = json["verify_keys"];
  if (!isJsonObject(verifyKeys)) return fail("malformed_response", "expected a verify_keys object");
  const oldKeys = json["old_verify_keys"] ?? {};
  if (!isJsonObject(oldKeys)) return fail("malformed_response", "expected old_verify_keys to be an object");
  const backend = options.backend;
  const keys = new Map<string, VerifiedKey>();
  const cap = Math.min(validUntil, nowTs + MAX_KEY_VALIDITY_MS);
  for (const keyId of Object.keys(verifyKeys)) {
    const entry = verifyKeys[keyId];
    if (!keyId.startsWith(`${ED25519}:`) || !isJsonObject(entry) || typeof entry["key"] !== "string") continue;
    const key = toVerifyKey(entry["key"], backend);
    if (key === undefined) continue;
    keys.set(keyId, { key: new VerifyKey(key.publicKey, backend === undefined ? { keyId } : { keyId, backend }), validUntilTs: cap, old: false });
  }
  if (keys.size === 0) return fail("no_verify_keys");
  // Self-signature: by one of its own current keys.
  const signatures = json["signatures"];
  const mine = isJsonObject(signatures) ? signatures[expectedServerName] : undefined;
  let verified = 0;
  if (isJsonObject(mine)) {
    for (const keyId of Object.keys(mine)) {
      const current = keys.get(keyId);
      if (current === undefined) continue; // e.g. a notary's own key
      const result = verifyJsonSignature(json, expectedServerName, keyId, current.key);
      if (!result.ok) return fail("bad_signature", `${keyId}: ${result.message}`);
      verified++;
    }
  }
  if (verified === 0) return fail("missing_signature");
  for (const keyId of Object.keys(oldKeys)) {
    const entry = oldKeys[keyId];
    if (!keyId.startsWith(`${ED25519}:`) || !isJsonObject(entry) || typeof entry["key"] !== "string") continue;
    if (keys.has(keyId)) continue; // a current key wins
    const expired = entry["expired_ts"];
    if (!isTimestamp(expired)) continue;
    const key = toVerifyKey(entry["key"], backend);
    if (key === undefined) continue;
    keys.set(keyId, { key: new VerifyKey(key.publicKey, backend === undefined ? { keyId } : { keyId, backend }), validUntilTs: expired, old: true });
  }
  return { ok: true, keys: { serverName: expectedServerName, validUntilTs: validUntil, keys } };
}
