/**
 * `@weft/e2ee-keys`: the key-store logic of Matrix end-to-end encryption —
 * device, one-time, fallback and cross-signing keys, signatures, the
 * device-list stream, to-device inboxes and server-side key backups — over a
 * storage interface ({@link KeyStore}) with an in-memory implementation.
 *
 * Implements https://spec.matrix.org/v1.19/client-server-api/#end-to-end-encryption
 * (server side).
 *
 * @packageDocumentation
 */

export { E2eeKeys, ISSUED_KEY_MEMORY_MS, backupSessionsByRoom } from "./e2ee-keys.js";
export type { KeysUploadRequest, KeysQueryResult, KeysClaimResult, KeyFailure, CrossSigningUpload, ToDeviceBatch } from "./e2ee-keys.js";
export { MemoryKeyStore } from "./memory-store.js";
export { serveDeviceKeysJson, assembleDeviceKeysJson } from "./device-keys-json.js";
export type { StoredSignature } from "./device-keys-json.js";
export type { KeyStore, KeySignature, ToDeviceDelivery, ToDeviceTransaction, DeviceKeysQuery } from "./store.js";
export { E2eeKeysError, isE2eeKeysError, E2EE_KEYS_ERROR_CODES } from "./errors.js";
export type { E2eeKeysErrorCode } from "./errors.js";
export { shouldReplaceBackupKey, validateKeyBackupData } from "./key-backup.js";
export {
  validateDeviceKeys,
  validateOneTimeKey,
  validateCrossSigningKey,
  crossSigningPublicKey,
  hasValidSignature,
  sameKey,
  splitKeyId,
} from "./validate.js";
export { CROSS_SIGNING_KEY_TYPES } from "./types.js";
export type {
  JsonObject,
  Signatures,
  DeviceKeys,
  CrossSigningKey,
  CrossSigningKeyType,
  StoredOneTimeKey,
  StoredFallbackKey,
  ClaimedKey,
  KeyClaim,
  ToDeviceMessage,
  StoredToDeviceMessage,
  BackupVersion,
  KeyBackupData,
  BackupSession,
} from "./types.js";
