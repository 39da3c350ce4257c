// Choosing between two backed-up copies of one session key:
// https://spec.matrix.org/v1.19/client-server-api/#server-side-key-backups
// "if the keys have different values for is_verified, then it will keep the
// key that has is_verified set to true; if they have the same values for
// is_verified, then it will keep the key with a lower first_message_index;
// and finally, if is_verified and first_message_index are equal, then it will
// keep the key with a lower forwarded_count." Equal on all three: the
// existing key stays (nothing to gain from a rewrite).

import { E2eeKeysError } from "./errors.js";
import { isJsonObject } from "./validate.js";
import type { KeyBackupData } from "./types.js";

/**
 * Whether an uploaded session key replaces the stored one, by the spec's
 * order: `is_verified`, then lower `first_message_index`, then lower
 * `forwarded_count`.
 *
 * @param existing - the stored key.
 * @param candidate - the uploaded key.
 * @returns true when `candidate` should replace `existing`.
 * @example
 * ```ts
 * shouldReplaceBackupKey(
 *   { is_verified: false, first_message_index: 0, forwarded_count: 0, session_data: {} },
 *   { is_verified: true, first_message_index: 5, forwarded_count: 2, session_data: {} },
 * ); // true — verified wins before the index is looked at
 * ```
 * @see https://spec.matrix.org/v1.19/client-server-api/#server-side-key-backups
 */
export function shouldReplaceBackupKey(existing: KeyBackupData, candidate: KeyBackupData): boolean {
  if (existing.is_verified !== candidate.is_verified) return candidate.is_verified;
  if (existing.first_message_index !== candidate.first_message_index) return candidate.first_message_index < existing.first_message_index;
  return candidate.forwarded_count < existing.forwarded_count;
}

/**
 * Validates one `KeyBackupData` object.
 * @throws {E2eeKeysError} `BAD_JSON` when a field is missing or has the wrong type.
 * @example
 * ```ts
 * validateKeyBackupData({ first_message_index: 0, forwarded_count: 0, is_verified: true, session_data: {} });
 * ```
 */
export function validateKeyBackupData(value: unknown, path = "session"): KeyBackupData {
  if (!isJsonObject(value)) throw new E2eeKeysError("BAD_JSON", `expected ${path} to be an object`);
  const int = (k: string): void => {
    const v = value[k];
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0) throw new E2eeKeysError("BAD_JSON", `expected ${path}.${k} to be a non-negative integer, got ${JSON.stringify(v)}`);
  };
  int("first_message_index");
  int("forwarded_count");
  if (typeof value.is_verified !== "boolean") throw new E2eeKeysError("BAD_JSON", `expected ${path}.is_verified to be a boolean`);
  if (!isJsonObject(value.session_data)) throw new E2eeKeysError("BAD_JSON", `expected ${path}.session_data to be an object`);
  return value as KeyBackupData;
}
