// The storage port of @weft/e2ee-keys: what the key logic needs persisted.
// https://spec.matrix.org/v1.19/client-server-api/#end-to-end-encryption
// A store implements these operations; `MemoryKeyStore` (this package) and
// the PostgreSQL store in @weft/storage-pg both pass `runKeyStoreConformance`.
//
// Stream positions: device-list changes and to-device messages carry a
// position from the store's stream (on PostgreSQL the server's one global
// stream). A reader that saw position N must have seen every write at or
// below N, so positions have to be allocated in commit order.

import type {
  BackupSession,
  BackupVersion,
  ClaimedKey,
  CrossSigningKey,
  CrossSigningKeyType,
  DeviceKeys,
  JsonObject,
  KeyClaim,
  StoredFallbackKey,
  StoredOneTimeKey,
  StoredToDeviceMessage,
  ToDeviceMessage,
} from "./types.js";

/** A signature made by someone on someone's key, stored beside the key. */
export interface KeySignature {
  /** Owner of the signed key. */
  readonly targetUserId: string;
  /** The signed key: a device ID, or a cross-signing key's unpadded-base64 public key. */
  readonly targetKeyId: string;
  readonly signerUserId: string;
  /** `ed25519:<device id or public key>` */
  readonly signerKeyId: string;
  readonly signature: string;
}

/** A to-device message addressed to one device. */
export interface ToDeviceDelivery {
  readonly userId: string;
  readonly deviceId: string;
  readonly message: ToDeviceMessage;
}

/** Identifies a client transaction (https://spec.matrix.org/v1.19/client-server-api/#transaction-identifiers). */
export interface ToDeviceTransaction {
  readonly userId: string;
  readonly deviceId: string;
  readonly txnId: string;
}

/** Which device keys a query wants: every device of a user (`undefined`) or the listed ones. */
export type DeviceKeysQuery = ReadonlyMap<string, readonly string[] | undefined>;

/**
 * Storage for device keys, one-time and fallback keys, cross-signing keys and
 * signatures, the device-list change stream, to-device inboxes and key
 * backups.
 *
 * Contract highlights (checked by the conformance suite):
 * - `claimOneTimeKeys` is atomic per claim: two concurrent claims never get the
 *   same one-time key; keys go out in upload order; the fallback key is handed
 *   out (and marked used) only when no one-time key of the algorithm is left.
 *   Every issued key ID is remembered (`wasIssued`).
 * - `enqueueToDevice` with a transaction already seen stores nothing.
 * - Writes that allocate positions make them visible in position order.
 */
export interface KeyStore {
  /**
   * Runs `fn` atomically over a store bound to one transaction; a throw undoes
   * its writes. Calls made inside on the given store join that transaction.
   */
  transaction<T>(fn: (store: KeyStore) => Promise<T>): Promise<T>;

  // --- Device keys -------------------------------------------------------
  getDeviceKeys(userId: string, deviceId: string): Promise<DeviceKeys | undefined>;
  /** Device keys of the queried users/devices (unknown ones are left out). */
  queryDeviceKeys(query: DeviceKeysQuery): Promise<Array<{ userId: string; deviceId: string; keys: DeviceKeys }>>;
  /**
   * The `device_keys` object of a `/keys/query` answer as JSON text: every
   * queried user → device ID → device keys (`{}` for a user without matching
   * devices). Each device's keys are its stored JSON with every signature
   * stored apart on the device (`addSignatures`) merged into `signatures`, and
   * `unsigned` replaced by the server's: `{ device_display_name }` when the
   * store knows the device's display name (PostgreSQL: the `devices` table),
   * none otherwise. Stores should splice stored JSON text rather than parse
   * and re-serialise it: this is the hot path of `/keys/query`.
   */
  queryDeviceKeysJson(query: DeviceKeysQuery): Promise<string>;
  putDeviceKeys(userId: string, deviceId: string, keys: DeviceKeys): Promise<void>;
  /** Deletes a device's keys, one-time and fallback keys, to-device inbox and signatures on it. */
  deleteDevice(userId: string, deviceId: string): Promise<void>;

  // --- One-time and fallback keys -----------------------------------------
  /** The stored one-time keys among `keyIds` (full IDs `<algorithm>:<id>`). */
  getOneTimeKeys(userId: string, deviceId: string, keyIds: readonly string[]): Promise<Map<string, unknown>>;
  /** The key IDs among `keyIds` issued by a claim at or after `sinceTs`. */
  wasIssued(userId: string, deviceId: string, keyIds: readonly string[], sinceTs: number): Promise<Set<string>>;
  /** Appends one-time keys in the given order (later claims take earlier keys first). IDs already stored are skipped. */
  addOneTimeKeys(userId: string, deviceId: string, keys: readonly StoredOneTimeKey[]): Promise<void>;
  /** Unclaimed one-time keys per algorithm. */
  countOneTimeKeys(userId: string, deviceId: string): Promise<Record<string, number>>;
  /** Claims atomically, per claim: the oldest one-time key, else the fallback key (marked used); records issued IDs at `now`. */
  claimOneTimeKeys(claims: readonly KeyClaim[], now: number): Promise<ClaimedKey[]>;
  /** Forgets issued key IDs recorded before `beforeTs`. */
  pruneIssuedKeys(beforeTs: number): Promise<void>;
  getFallbackKeys(userId: string, deviceId: string): Promise<StoredFallbackKey[]>;
  /** Sets the fallback key of its algorithm (replacing any other) with the given used flag. */
  putFallbackKey(userId: string, deviceId: string, key: StoredFallbackKey): Promise<void>;

  // --- Cross-signing --------------------------------------------------------
  getCrossSigningKeys(userId: string): Promise<Partial<Record<CrossSigningKeyType, CrossSigningKey>>>;
  /** Cross-signing keys of many users at once (users without keys are left out). */
  getCrossSigningKeysOfUsers(userIds: readonly string[]): Promise<Map<string, Partial<Record<CrossSigningKeyType, CrossSigningKey>>>>;
  putCrossSigningKey(userId: string, type: CrossSigningKeyType, key: CrossSigningKey): Promise<void>;
  /** Stores signatures (a repeated signer/target pair replaces the old signature). */
  addSignatures(signatures: readonly KeySignature[]): Promise<void>;
  /** Stored signatures on the given keys. */
  getSignatures(targets: ReadonlyArray<{ userId: string; keyId: string }>): Promise<KeySignature[]>;

  // --- Device-list stream -----------------------------------------------------
  /** Records that these users' device lists changed; returns the position. */
  markDeviceListsChanged(userIds: readonly string[]): Promise<number>;
  /** Among `userIds` (all users when undefined), those with a change in (`after`, `upTo`]. */
  deviceListsChangedBetween(userIds: readonly string[] | undefined, after: number, upTo: number): Promise<string[]>;
  /** The latest allocated position. */
  currentPosition(): Promise<number>;

  // --- To-device ---------------------------------------------------------------
  /**
   * Queues messages at one new position. With `txn`, a transaction already
   * seen stores nothing and returns `undefined`.
   */
  enqueueToDevice(deliveries: readonly ToDeviceDelivery[], txn?: ToDeviceTransaction): Promise<number | undefined>;
  /** Messages for a device in (`after`, `upTo`], oldest first, at most `limit`. */
  toDeviceMessages(userId: string, deviceId: string, after: number, upTo: number, limit: number): Promise<StoredToDeviceMessage[]>;
  /** Deletes a device's messages at or below `upTo` (acknowledged); returns how many. */
  deleteToDeviceMessages(userId: string, deviceId: string, upTo: number): Promise<number>;

  // --- Key backup ---------------------------------------------------------------
  /** Creates a version numbered after every earlier one (deleted ones included). */
  createBackupVersion(userId: string, algorithm: string, authData: JsonObject): Promise<string>;
  /** A version, or the current (newest undeleted) one when `version` is undefined. `lock` holds it until the transaction ends. */
  getBackupVersion(userId: string, version: string | undefined, options?: { lock?: boolean }): Promise<BackupVersion | undefined>;
  updateBackupAuthData(userId: string, version: string, authData: JsonObject): Promise<boolean>;
  /** Deletes a version and its sessions; false when unknown. */
  deleteBackupVersion(userId: string, version: string): Promise<boolean>;
  getBackupSessions(userId: string, version: string, roomId?: string, sessionId?: string): Promise<BackupSession[]>;
  /** Inserts or replaces sessions and changes the version's etag. */
  putBackupSessions(userId: string, version: string, sessions: readonly BackupSession[]): Promise<void>;
  /** Deletes matching sessions and changes the etag; returns how many. */
  deleteBackupSessions(userId: string, version: string, roomId?: string, sessionId?: string): Promise<number>;
}
