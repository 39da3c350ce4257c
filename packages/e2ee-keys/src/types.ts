// Shapes of the end-to-end encryption key objects:
// https://spec.matrix.org/v1.19/client-server-api/#end-to-end-encryption
// (device keys, one-time and fallback keys, cross-signing keys, key backup).
// Wire names keep the spec's snake_case. Key objects travel as the JSON the
// client signed: callers never re-serialise a parsed copy of them.

/** A JSON object as received (the exact signed JSON). */
export type JsonObject = { [key: string]: unknown };

/** `signatures`: user ID → key ID → base64 signature. */
export type Signatures = Record<string, Record<string, string>>;

/**
 * Device keys (https://spec.matrix.org/v1.19/client-server-api/#_matrixclientv3keysupload_devicekeys):
 * `user_id`, `device_id`, `algorithms`, `keys` (`<algorithm>:<device_id>` → key), `signatures`.
 */
export interface DeviceKeys extends JsonObject {
  user_id: string;
  device_id: string;
  algorithms: string[];
  keys: Record<string, string>;
  signatures?: Signatures;
}

/** A cross-signing key (https://spec.matrix.org/v1.19/client-server-api/#cross-signing). */
export interface CrossSigningKey extends JsonObject {
  user_id: string;
  usage: string[];
  keys: Record<string, string>;
  signatures?: Signatures;
}

/** The three kinds of cross-signing key, by their `usage`. */
export const CROSS_SIGNING_KEY_TYPES = ["master", "self_signing", "user_signing"] as const;

/** `master`, `self_signing` or `user_signing`. */
export type CrossSigningKeyType = (typeof CROSS_SIGNING_KEY_TYPES)[number];

/** A one-time or fallback key as stored: its full ID (`<algorithm>:<key id>`) and its JSON value (a string for unsigned `curve25519`). */
export interface StoredOneTimeKey {
  /** `<algorithm>:<key id>`, e.g. `signed_curve25519:AAAAHg`. */
  readonly keyId: string;
  readonly algorithm: string;
  /** The key as uploaded: a JSON object (signed keys) or a string. */
  readonly key: unknown;
}

/** A fallback key with its "used" flag. */
export interface StoredFallbackKey extends StoredOneTimeKey {
  readonly used: boolean;
}

/** One key claimed from a device. */
export interface ClaimedKey {
  readonly userId: string;
  readonly deviceId: string;
  readonly keyId: string;
  readonly key: unknown;
  /** True when the fallback key was handed out because no one-time key was left. */
  readonly fallback: boolean;
}

/** One claim: a key of `algorithm` from `userId`'s `deviceId`. */
export interface KeyClaim {
  readonly userId: string;
  readonly deviceId: string;
  readonly algorithm: string;
}

/** A message in a device's to-device inbox. */
export interface ToDeviceMessage {
  readonly sender: string;
  readonly type: string;
  readonly content: JsonObject;
}

/** A message with its stream position. */
export interface StoredToDeviceMessage extends ToDeviceMessage {
  readonly position: number;
}

/** A key backup version (https://spec.matrix.org/v1.19/client-server-api/#server-side-key-backups). */
export interface BackupVersion {
  readonly version: string;
  readonly algorithm: string;
  readonly auth_data: JsonObject;
  /** Bumped whenever the version's keys change (opaque to clients). */
  readonly etag: string;
  readonly count: number;
}

/** `KeyBackupData`: one backed-up session key. */
export interface KeyBackupData extends JsonObject {
  first_message_index: number;
  forwarded_count: number;
  is_verified: boolean;
  session_data: JsonObject;
}

/** A backed-up session with its location. */
export interface BackupSession {
  readonly roomId: string;
  readonly sessionId: string;
  readonly data: KeyBackupData;
}
