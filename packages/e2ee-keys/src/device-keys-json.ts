// Device keys as served by `POST /keys/query`, built as JSON text:
// https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3keysquery
// A 1,000-device answer is about half a megabyte of stored key JSON. Parsing
// it and serialising it again costs more than the database read, so stores
// splice the stored text: only a device with signatures stored apart (made
// by the owner's self-signing key) or with a stored `unsigned` is parsed.
// `unsigned` is the server's: `device_display_name` when known, nothing else.

import type { KeySignature } from "./store.js";
import { isJsonObject } from "./validate.js";

/** A signature stored apart from the key it signs, as {@link serveDeviceKeysJson} merges it. */
export type StoredSignature = Pick<KeySignature, "signerUserId" | "signerKeyId" | "signature">;

/**
 * One device's keys as served, from the stored JSON text: `signatures`
 * stored apart are merged in (a repeated signer key replaces the stored one),
 * a stored `unsigned` is dropped, and `unsigned.device_display_name` is added
 * when `displayName` is given. The common case (no extra signatures, no
 * stored `unsigned`) is spliced without parsing: the stored text is kept byte
 * for byte.
 *
 * @param stored - the device keys as stored (single-line JSON text of an object, as `JSON.stringify` writes it).
 * @param extraSignatures - signatures on the device stored apart (`addSignatures`).
 * @param displayName - the device's display name, when the server knows it.
 * @returns JSON text of the served device keys.
 * @example
 * ```ts
 * serveDeviceKeysJson('{"user_id":"@a:x","device_id":"D"}', [], "phone");
 * // '{"unsigned":{"device_display_name":"phone"},"user_id":"@a:x","device_id":"D"}'
 * ```
 */
export function serveDeviceKeysJson(stored: string, extraSignatures: readonly StoredSignature[] = [], displayName?: string): string {
  if (extraSignatures.length === 0 && stored.startsWith('{"') && !stored.includes('"unsigned"')) {
    return displayName === undefined ? stored : `{"unsigned":{"device_display_name":${JSON.stringify(displayName)}},${stored.slice(1)}`;
  }
  const { unsigned: _unsigned, ...keys } = JSON.parse(stored) as Record<string, unknown>;
  if (extraSignatures.length > 0) {
    const sigs: Record<string, Record<string, unknown>> = {};
    for (const [u, byKey] of Object.entries(isJsonObject(keys.signatures) ? keys.signatures : {})) sigs[u] = isJsonObject(byKey) ? { ...byKey } : {};
    for (const s of extraSignatures) (sigs[s.signerUserId] ??= {})[s.signerKeyId] = s.signature;
    keys.signatures = sigs;
  }
  if (displayName !== undefined) keys.unsigned = { device_display_name: displayName };
  return JSON.stringify(keys);
}

/**
 * The `device_keys` object of a `/keys/query` answer as JSON text: every
 * queried user, each with the given devices' served keys (`{}` when none).
 *
 * @param users - the queried user IDs, in answer order.
 * @param devices - user ID → JSON-encoded device ID → served device keys JSON (from {@link serveDeviceKeysJson}).
 * @example
 * ```ts
 * assembleDeviceKeysJson(["@a:x", "@b:x"], new Map([["@a:x", [['"D"', "{}"]]]])); // '{"@a:x":{"D":{}},"@b:x":{}}'
 * ```
 */
export function assembleDeviceKeysJson(users: Iterable<string>, devices: ReadonlyMap<string, ReadonlyArray<readonly [deviceIdJson: string, keysJson: string]>>): string {
  const parts: string[] = [];
  for (const userId of users) {
    const entries = devices.get(userId) ?? [];
    parts.push(`${JSON.stringify(userId)}:{${entries.map(([d, k]) => `${d}:${k}`).join(",")}}`);
  }
  return `{${parts.join(",")}}`;
}
