// The key-store logic of end-to-end encryption, over a KeyStore:
// https://spec.matrix.org/v1.19/client-server-api/#end-to-end-encryption
// - key upload, query and claim: https://spec.matrix.org/v1.19/client-server-api/#key-management-api
// - cross-signing: https://spec.matrix.org/v1.19/client-server-api/#cross-signing
// - device-list tracking: https://spec.matrix.org/v1.19/client-server-api/#tracking-the-device-list-for-a-user
// - to-device messages: https://spec.matrix.org/v1.19/client-server-api/#send-to-device-messaging
// - key backup: https://spec.matrix.org/v1.19/client-server-api/#server-side-key-backups
// Time arrives as an argument; every multi-step write runs in one store transaction.

import { E2eeKeysError } from "./errors.js";
import { shouldReplaceBackupKey, validateKeyBackupData } from "./key-backup.js";
import type { KeySignature, KeyStore, ToDeviceDelivery } from "./store.js";
import { CROSS_SIGNING_KEY_TYPES } from "./types.js";
import type {
  BackupSession,
  BackupVersion,
  CrossSigningKey,
  CrossSigningKeyType,
  DeviceKeys,
  JsonObject,
  KeyBackupData,
  KeyClaim,
  StoredOneTimeKey,
  StoredToDeviceMessage,
} from "./types.js";
import { crossSigningPublicKey, hasValidSignature, isJsonObject, sameKey, splitKeyId, validateCrossSigningKey, validateDeviceKeys, validateOneTimeKey } from "./validate.js";

/** How long an issued one-time key ID is remembered, so a retried upload cannot put a claimed key back. */
export const ISSUED_KEY_MEMORY_MS = 7 * 24 * 60 * 60 * 1000;

/** The body of `POST /keys/upload`. */
export interface KeysUploadRequest {
  device_keys?: unknown;
  one_time_keys?: Record<string, unknown>;
  fallback_keys?: Record<string, unknown>;
}

/** A Matrix error object in a `failures` map. */
export interface KeyFailure {
  errcode: string;
  error: string;
}

/** The body of a `POST /keys/query` response (local users). */
export interface KeysQueryResult {
  device_keys: Record<string, Record<string, DeviceKeys>>;
  master_keys: Record<string, CrossSigningKey>;
  self_signing_keys: Record<string, CrossSigningKey>;
  user_signing_keys: Record<string, CrossSigningKey>;
}

/** The body of a `POST /keys/claim` response (local users). */
export interface KeysClaimResult {
  one_time_keys: Record<string, Record<string, Record<string, unknown>>>;
}

/** The cross-signing keys of `POST /keys/device_signing/upload`. */
export interface CrossSigningUpload {
  master_key?: unknown;
  self_signing_key?: unknown;
  user_signing_key?: unknown;
}

/** The to-device part of a sync response for one device. */
export interface ToDeviceBatch {
  events: Array<{ sender: string; type: string; content: JsonObject }>;
}

/**
 * End-to-end encryption key management over a {@link KeyStore}.
 *
 * @example
 * ```ts
 * const keys = new E2eeKeys(new MemoryKeyStore());
 * const { one_time_key_counts } = await keys.uploadKeys("@alice:example.com", "JLAFKJWSCS", { device_keys, one_time_keys }, Date.now());
 * const claimed = await keys.claimKeys({ "@alice:example.com": { JLAFKJWSCS: "signed_curve25519" } }, Date.now());
 * ```
 */
export class E2eeKeys {
  constructor(readonly store: KeyStore) {}

  // --- /keys/upload -----------------------------------------------------------

  /**
   * Stores device keys, one-time keys and fallback keys of one device.
   * Identical re-uploads are accepted and change nothing (a fallback key's
   * "used" flag survives; a one-time key issued in the last 7 days is
   * ignored, not put back).
   *
   * @returns `one_time_key_counts` after the upload.
   * @throws {E2eeKeysError} `MISMATCHED_ID`, `BAD_JSON`, `INVALID_SIGNATURE`, `KEY_CONFLICT` (changed device keys, a one-time key ID reused with other content), `DEVICE_ID_COLLISION`.
   * @see https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3keysupload
   */
  async uploadKeys(userId: string, deviceId: string, body: KeysUploadRequest, now: number): Promise<{ one_time_key_counts: Record<string, number> }> {
    const deviceKeys = body.device_keys === undefined || body.device_keys === null ? undefined : validateDeviceKeys(userId, deviceId, body.device_keys);
    return this.store.transaction(async (store) => {
      let stored = await store.getDeviceKeys(userId, deviceId);
      if (deviceKeys) {
        if (stored) {
          if (!sameKey(stored, deviceKeys)) throw new E2eeKeysError("KEY_CONFLICT", `the keys of device ${deviceId} are already uploaded and differ; delete the device to change them`);
        } else {
          const crossSigning = await store.getCrossSigningKeys(userId);
          for (const key of Object.values(crossSigning)) {
            if (key && crossSigningPublicKey(key) === deviceId) throw new E2eeKeysError("DEVICE_ID_COLLISION", `device ID ${deviceId} is a cross-signing key of ${userId}`);
          }
          // `unsigned` is the server's to fill in (device display name), never stored.
          const { unsigned: _unsigned, ...toStore } = deviceKeys;
          await store.putDeviceKeys(userId, deviceId, toStore as DeviceKeys);
          await store.markDeviceListsChanged([userId]);
          stored = deviceKeys;
        }
      }
      const ed25519 = stored?.keys[`ed25519:${deviceId}`];
      if (body.one_time_keys !== undefined && body.one_time_keys !== null) await this.#addOneTimeKeys(store, userId, deviceId, body.one_time_keys, ed25519, now);
      if (body.fallback_keys !== undefined && body.fallback_keys !== null) await this.#setFallbackKeys(store, userId, deviceId, body.fallback_keys, ed25519);
      return { one_time_key_counts: await store.countOneTimeKeys(userId, deviceId) };
    });
  }

  async #addOneTimeKeys(store: KeyStore, userId: string, deviceId: string, keys: unknown, ed25519: string | undefined, now: number): Promise<void> {
    if (!isJsonObject(keys)) throw new E2eeKeysError("BAD_JSON", "expected one_time_keys to be an object");
    const ids = Object.keys(keys);
    if (ids.length === 0) return;
    const candidates: StoredOneTimeKey[] = ids.map((keyId) => ({ keyId, key: keys[keyId], ...validateOneTimeKey(userId, deviceId, keyId, keys[keyId], ed25519) }));
    const existing = await store.getOneTimeKeys(userId, deviceId, ids);
    const issued = await store.wasIssued(userId, deviceId, ids, now - ISSUED_KEY_MEMORY_MS);
    const fresh: StoredOneTimeKey[] = [];
    for (const key of candidates) {
      if (issued.has(key.keyId)) continue; // a retry of an upload whose key was claimed since: accepted, ignored
      if (existing.has(key.keyId)) {
        if (!sameKey(existing.get(key.keyId), key.key)) throw new E2eeKeysError("KEY_CONFLICT", `one-time key ${key.keyId} already exists with different content`);
        continue;
      }
      fresh.push(key);
    }
    await store.addOneTimeKeys(userId, deviceId, fresh);
  }

  async #setFallbackKeys(store: KeyStore, userId: string, deviceId: string, keys: unknown, ed25519: string | undefined): Promise<void> {
    if (!isJsonObject(keys)) throw new E2eeKeysError("BAD_JSON", "expected fallback_keys to be an object");
    const current = new Map((await store.getFallbackKeys(userId, deviceId)).map((k) => [k.algorithm, k]));
    const byAlgorithm = new Map<string, StoredOneTimeKey>();
    for (const [keyId, value] of Object.entries(keys)) {
      const { algorithm } = validateOneTimeKey(userId, deviceId, keyId, value, ed25519);
      byAlgorithm.set(algorithm, { keyId, algorithm, key: value });
    }
    for (const [algorithm, key] of byAlgorithm) {
      const old = current.get(algorithm);
      // The same key again keeps its used flag (clients re-send it with every upload).
      if (old && old.keyId === key.keyId && sameKey(old.key, key.key)) continue;
      await store.putFallbackKey(userId, deviceId, { ...key, used: false });
    }
  }

  // --- /keys/query ------------------------------------------------------------

  /**
   * Device and cross-signing keys of local users, with stored signatures
   * merged in. User-signing keys appear only for the requester; signatures
   * made by a user-signing key appear only to the signer and the key's owner.
   * Devices carry `unsigned.device_display_name` when the store knows it.
   *
   * @param requesterId - who asks.
   * @param query - user ID → device IDs (empty: all devices).
   * @example
   * ```ts
   * const { device_keys } = await keys.queryKeys("@bob:example.com", { "@alice:example.com": [] });
   * ```
   * @see https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3keysquery
   */
  async queryKeys(requesterId: string, query: Readonly<Record<string, readonly string[]>>): Promise<KeysQueryResult> {
    return JSON.parse(await this.queryKeysJson(requesterId, query)) as KeysQueryResult;
  }

  /**
   * {@link queryKeys} as JSON text, for servers: the device keys (the bulk of
   * a large answer) are spliced from the JSON the store holds instead of being
   * parsed and serialised again. The text is one object with the fields of
   * {@link KeysQueryResult}.
   *
   * @example
   * ```ts
   * res.type("json").send(await keys.queryKeysJson("@bob:example.com", { "@alice:example.com": [] }));
   * ```
   * @see https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3keysquery
   */
  async queryKeysJson(requesterId: string, query: Readonly<Record<string, readonly string[]>>): Promise<string> {
    const storeQuery = new Map<string, readonly string[] | undefined>();
    for (const [userId, deviceIds] of Object.entries(query)) storeQuery.set(userId, deviceIds.length === 0 ? undefined : deviceIds);
    const [deviceKeys, crossSigning] = await Promise.all([
      this.store.queryDeviceKeysJson(storeQuery),
      this.store.getCrossSigningKeysOfUsers([...storeQuery.keys()]),
    ]);
    // Signatures on devices come with the device keys; those on master keys
    // depend on who asks (user-signing signatures are private to the signer).
    const masters: Array<{ userId: string; keyId: string }> = [];
    for (const [userId, keys] of crossSigning) if (keys.master) masters.push({ userId, keyId: crossSigningPublicKey(keys.master) });
    const signatures = masters.length > 0 ? await this.store.getSignatures(masters) : [];
    const byTarget = new Map<string, KeySignature[]>();
    for (const sig of signatures) {
      const k = `${sig.targetUserId}\u0000${sig.targetKeyId}`;
      (byTarget.get(k) ?? byTarget.set(k, []).get(k)!).push(sig);
    }
    const withSignatures = <T extends JsonObject>(obj: T, userId: string, keyId: string): T => {
      const extra = (byTarget.get(`${userId}\u0000${keyId}`) ?? []).filter((s) => s.signerUserId === userId || s.signerUserId === requesterId);
      if (extra.length === 0) return obj;
      const sigs: Record<string, Record<string, string>> = {};
      for (const [u, byKey] of Object.entries(isJsonObject(obj.signatures) ? obj.signatures : {})) sigs[u] = { ...(byKey as Record<string, string>) };
      for (const s of extra) (sigs[s.signerUserId] ??= {})[s.signerKeyId] = s.signature;
      return { ...obj, signatures: sigs };
    };
    const master: Record<string, CrossSigningKey> = {};
    const selfSigning: Record<string, CrossSigningKey> = {};
    const userSigning: Record<string, CrossSigningKey> = {};
    for (const [userId, keys] of crossSigning) {
      if (keys.master) master[userId] = withSignatures(keys.master, userId, crossSigningPublicKey(keys.master));
      if (keys.self_signing) selfSigning[userId] = keys.self_signing;
      if (keys.user_signing && userId === requesterId) userSigning[userId] = keys.user_signing;
    }
    return `{"device_keys":${deviceKeys},"master_keys":${JSON.stringify(master)},"self_signing_keys":${JSON.stringify(selfSigning)},"user_signing_keys":${JSON.stringify(userSigning)}}`;
  }

  // --- /keys/claim ------------------------------------------------------------

  /**
   * Claims one key per requested device: the oldest one-time key of the
   * algorithm, or the fallback key when none is left. Devices with neither
   * are left out of the answer.
   *
   * @see https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3keysclaim
   */
  async claimKeys(query: Readonly<Record<string, Readonly<Record<string, string>>>>, now: number): Promise<KeysClaimResult> {
    const claims: KeyClaim[] = [];
    for (const [userId, devices] of Object.entries(query)) for (const [deviceId, algorithm] of Object.entries(devices)) claims.push({ userId, deviceId, algorithm });
    const claimed = claims.length > 0 ? await this.store.claimOneTimeKeys(claims, now) : [];
    const result: KeysClaimResult = { one_time_keys: {} };
    for (const c of claimed) ((result.one_time_keys[c.userId] ??= {})[c.deviceId] ??= {})[c.keyId] = c.key;
    return result;
  }

  /** Unclaimed one-time keys per algorithm (`device_one_time_keys_count`). */
  async oneTimeKeyCounts(userId: string, deviceId: string): Promise<Record<string, number>> {
    return this.store.countOneTimeKeys(userId, deviceId);
  }

  /** Algorithms with an unused fallback key (`device_unused_fallback_key_types`). */
  async unusedFallbackKeyTypes(userId: string, deviceId: string): Promise<string[]> {
    return (await this.store.getFallbackKeys(userId, deviceId)).filter((k) => !k.used).map((k) => k.algorithm);
  }

  // --- Cross-signing ------------------------------------------------------------

  /** Whether the user has a master key (the first upload needs no user-interactive auth). */
  async hasMasterKey(userId: string): Promise<boolean> {
    return (await this.store.getCrossSigningKeys(userId)).master !== undefined;
  }

  /**
   * Stores cross-signing keys. The self-signing and user-signing keys must be
   * signed by the master key (the one in this upload, else the stored one).
   * A public key may not equal one of the user's device IDs.
   *
   * @throws {E2eeKeysError} `MISMATCHED_ID`, `BAD_JSON`, `MISSING_MASTER_KEY`, `INVALID_SIGNATURE`, `DEVICE_ID_COLLISION`.
   * @see https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3keysdevice_signingupload
   */
  async uploadCrossSigningKeys(userId: string, upload: CrossSigningUpload): Promise<void> {
    const incoming: Partial<Record<CrossSigningKeyType, CrossSigningKey>> = {};
    if (upload.master_key != null) incoming.master = validateCrossSigningKey(userId, "master", upload.master_key);
    if (upload.self_signing_key != null) incoming.self_signing = validateCrossSigningKey(userId, "self_signing", upload.self_signing_key);
    if (upload.user_signing_key != null) incoming.user_signing = validateCrossSigningKey(userId, "user_signing", upload.user_signing_key);
    if (Object.keys(incoming).length === 0) return;
    await this.store.transaction(async (store) => {
      const master = incoming.master ?? (await store.getCrossSigningKeys(userId)).master;
      if (!master) throw new E2eeKeysError("MISSING_MASTER_KEY", "a master key must be uploaded before the self-signing and user-signing keys");
      const masterPub = crossSigningPublicKey(master);
      for (const type of ["self_signing", "user_signing"] as const) {
        const key = incoming[type];
        if (key && !hasValidSignature(key, userId, masterPub, masterPub)) throw new E2eeKeysError("INVALID_SIGNATURE", `the ${type} key is not signed by the master key`);
      }
      const devices = new Set((await store.queryDeviceKeys(new Map([[userId, undefined]]))).map((d) => d.deviceId));
      for (const type of CROSS_SIGNING_KEY_TYPES) {
        const key = incoming[type];
        if (!key) continue;
        if (devices.has(crossSigningPublicKey(key))) throw new E2eeKeysError("DEVICE_ID_COLLISION", `the ${type} key collides with a device ID of ${userId}`);
        await store.putCrossSigningKey(userId, type, key);
      }
      await store.markDeviceListsChanged([userId]);
    });
  }

  /**
   * `POST /keys/signatures/upload`: signatures of the user's own devices (by
   * the self-signing key), of the own master key (by a device), and of other
   * users' master keys (by the user-signing key). Each rejected key gets an
   * entry in `failures`; the others are stored.
   *
   * @see https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3keyssignaturesupload
   */
  async uploadSignatures(userId: string, body: Readonly<Record<string, unknown>>): Promise<{ failures: Record<string, Record<string, KeyFailure>> }> {
    const failures: Record<string, Record<string, KeyFailure>> = {};
    const fail = (u: string, k: string, errcode: string, error: string): void => {
      (failures[u] ??= {})[k] = { errcode, error };
    };
    const accepted: KeySignature[] = [];
    const changed = new Set<string>();
    const mine = await this.store.getCrossSigningKeys(userId);
    const selfSigningPub = mine.self_signing ? crossSigningPublicKey(mine.self_signing) : undefined;
    const userSigningPub = mine.user_signing ? crossSigningPublicKey(mine.user_signing) : undefined;
    for (const [targetUserId, keys] of Object.entries(body)) {
      if (!isJsonObject(keys)) {
        fail(targetUserId, "*", "M_BAD_JSON", "expected an object of signed keys");
        continue;
      }
      const theirs = targetUserId === userId ? mine : await this.store.getCrossSigningKeys(targetUserId);
      const theirMasterPub = theirs.master ? crossSigningPublicKey(theirs.master) : undefined;
      for (const [keyId, signed] of Object.entries(keys)) {
        if (!isJsonObject(signed) || !isJsonObject(signed.signatures)) {
          fail(targetUserId, keyId, "M_BAD_JSON", "expected a signed key object");
          continue;
        }
        const mySigs = isJsonObject(signed.signatures[userId]) ? (signed.signatures[userId] as Record<string, unknown>) : {};
        if (targetUserId === userId && keyId !== theirMasterPub) {
          // 1. One of my devices, signed by my self-signing key.
          const device = await this.store.getDeviceKeys(userId, keyId);
          if (!device) {
            fail(targetUserId, keyId, "M_NOT_FOUND", "unknown device or key");
            continue;
          }
          if (!sameKey(device, signed)) {
            fail(targetUserId, keyId, "M_INVALID_SIGNATURE", "the signed object does not match the stored device keys");
            continue;
          }
          if (!selfSigningPub || typeof mySigs[`ed25519:${selfSigningPub}`] !== "string") {
            fail(targetUserId, keyId, "M_INVALID_SIGNATURE", "expected a signature by the self-signing key");
            continue;
          }
          if (!hasValidSignature(signed, userId, selfSigningPub, selfSigningPub)) {
            fail(targetUserId, keyId, "M_INVALID_SIGNATURE", "the self-signing key's signature does not verify");
            continue;
          }
          accepted.push({ targetUserId, targetKeyId: keyId, signerUserId: userId, signerKeyId: `ed25519:${selfSigningPub}`, signature: mySigs[`ed25519:${selfSigningPub}`] as string });
          changed.add(userId);
        } else if (targetUserId === userId) {
          // 2. My master key, signed by one of my devices.
          if (!sameKey(mine.master, signed)) {
            fail(targetUserId, keyId, "M_INVALID_SIGNATURE", "the signed object does not match the stored master key");
            continue;
          }
          let any = false;
          for (const [sigKeyId, sig] of Object.entries(mySigs)) {
            const deviceId = sigKeyId.startsWith("ed25519:") ? sigKeyId.slice(8) : undefined;
            if (deviceId === undefined || deviceId === keyId || typeof sig !== "string") continue;
            const device = await this.store.getDeviceKeys(userId, deviceId);
            const devicePub = device?.keys[`ed25519:${deviceId}`];
            if (devicePub === undefined || !hasValidSignature(signed, userId, deviceId, devicePub)) continue;
            accepted.push({ targetUserId, targetKeyId: keyId, signerUserId: userId, signerKeyId: sigKeyId, signature: sig });
            any = true;
          }
          if (!any) fail(targetUserId, keyId, "M_INVALID_SIGNATURE", "expected a valid signature by one of the user's devices");
          else changed.add(userId);
        } else {
          // 3. Another user's master key, signed by my user-signing key.
          if (keyId !== theirMasterPub || !sameKey(theirs.master, signed)) {
            fail(targetUserId, keyId, theirMasterPub === undefined || keyId !== theirMasterPub ? "M_NOT_FOUND" : "M_INVALID_SIGNATURE", "only the user's current master key can be signed");
            continue;
          }
          if (!userSigningPub || !hasValidSignature(signed, userId, userSigningPub, userSigningPub)) {
            fail(targetUserId, keyId, "M_INVALID_SIGNATURE", "expected a valid signature by the user-signing key");
            continue;
          }
          accepted.push({ targetUserId, targetKeyId: keyId, signerUserId: userId, signerKeyId: `ed25519:${userSigningPub}`, signature: mySigs[`ed25519:${userSigningPub}`] as string });
          // Only the signer sees signatures made by their user-signing key.
          changed.add(userId);
        }
      }
    }
    if (accepted.length > 0) {
      await this.store.transaction(async (store) => {
        await store.addSignatures(accepted);
        await store.markDeviceListsChanged([...changed]);
      });
    }
    return { failures };
  }

  // --- Devices and the device-list stream -----------------------------------------

  /**
   * Forgets a deleted device: its keys, one-time and fallback keys, inbox and
   * the signatures on it, and records a device-list change.
   * @returns the change's stream position.
   */
  async deleteDevice(userId: string, deviceId: string): Promise<number> {
    return this.store.transaction(async (store) => {
      await store.deleteDevice(userId, deviceId);
      return store.markDeviceListsChanged([userId]);
    });
  }

  /**
   * Users among `candidates` whose device list changed in (`from`, `to`].
   * @see https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3keyschanges
   */
  async deviceListChanges(candidates: readonly string[] | undefined, from: number, to: number): Promise<string[]> {
    return this.store.deviceListsChangedBetween(candidates, from, to);
  }

  // --- To-device -------------------------------------------------------------------

  /**
   * Queues a to-device message batch. `"*"` as a device ID means every device
   * of the user (`devicesOf`). A repeated transaction ID stores nothing.
   *
   * @returns the recipients' user IDs (to wake) and the position, or `undefined` for a repeated transaction.
   * @see https://spec.matrix.org/v1.19/client-server-api/#put_matrixclientv3sendtodeviceeventtypetxnid
   */
  async sendToDevice(
    sender: { userId: string; deviceId: string },
    type: string,
    txnId: string,
    messages: Readonly<Record<string, Readonly<Record<string, JsonObject>>>>,
    devicesOf: (userId: string) => Promise<readonly string[]>,
  ): Promise<{ position: number; recipients: string[] } | undefined> {
    const deliveries: ToDeviceDelivery[] = [];
    for (const [userId, byDevice] of Object.entries(messages)) {
      for (const [deviceId, content] of Object.entries(byDevice)) {
        const targets = deviceId === "*" ? await devicesOf(userId) : [deviceId];
        for (const d of targets) deliveries.push({ userId, deviceId: d, message: { sender: sender.userId, type, content } });
      }
    }
    const position = await this.store.transaction((store) => store.enqueueToDevice(deliveries, { userId: sender.userId, deviceId: sender.deviceId, txnId }));
    if (position === undefined) return undefined;
    return { position, recipients: [...new Set(deliveries.map((d) => d.userId))] };
  }

  /**
   * The to-device part of a sync for one device: deletes what the client
   * acknowledged by sending `since`, and returns messages in (`since`, `upTo`].
   * @see https://spec.matrix.org/v1.19/client-server-api/#extensions-to-sync
   */
  async toDeviceForSync(userId: string, deviceId: string, since: number | undefined, upTo: number, limit = 1000): Promise<{ events: ToDeviceBatch["events"]; lastPosition: number | undefined }> {
    if (since !== undefined && since > 0) await this.store.deleteToDeviceMessages(userId, deviceId, since);
    const messages: StoredToDeviceMessage[] = await this.store.toDeviceMessages(userId, deviceId, since ?? 0, upTo, limit);
    return {
      events: messages.map((m) => ({ sender: m.sender, type: m.type, content: m.content })),
      lastPosition: messages.length > 0 ? messages[messages.length - 1]!.position : undefined,
    };
  }

  // --- Key backup ------------------------------------------------------------------

  /** Creates a backup version; it becomes the current one. */
  async createBackupVersion(userId: string, algorithm: string, authData: JsonObject): Promise<string> {
    return this.store.transaction((store) => store.createBackupVersion(userId, algorithm, authData));
  }

  /**
   * A backup version, or the current one when `version` is undefined.
   * @throws {E2eeKeysError} `NOT_FOUND`.
   */
  async getBackupVersion(userId: string, version?: string): Promise<BackupVersion> {
    const found = await this.store.getBackupVersion(userId, version);
    if (!found) throw new E2eeKeysError("NOT_FOUND", version === undefined ? "no current backup version" : `unknown backup version ${version}`);
    return found;
  }

  /**
   * Replaces a version's `auth_data` (the algorithm must stay the same).
   * @throws {E2eeKeysError} `NOT_FOUND`, `INVALID_PARAM` (algorithm or version mismatch).
   */
  async updateBackupVersion(userId: string, version: string, body: { algorithm: string; auth_data: JsonObject; version?: string | undefined }): Promise<void> {
    if (body.version !== undefined && body.version !== version) throw new E2eeKeysError("INVALID_PARAM", `expected version ${version} in the body, got ${body.version}`);
    await this.store.transaction(async (store) => {
      const found = await store.getBackupVersion(userId, version, { lock: true });
      if (!found) throw new E2eeKeysError("NOT_FOUND", `unknown backup version ${version}`);
      if (found.algorithm !== body.algorithm) throw new E2eeKeysError("INVALID_PARAM", `expected algorithm ${found.algorithm}, got ${body.algorithm}`);
      await store.updateBackupAuthData(userId, version, body.auth_data);
    });
  }

  /**
   * Deletes a version and its keys; the newest remaining version becomes current.
   * @throws {E2eeKeysError} `NOT_FOUND`.
   */
  async deleteBackupVersion(userId: string, version: string): Promise<void> {
    const deleted = await this.store.transaction((store) => store.deleteBackupVersion(userId, version));
    if (!deleted) throw new E2eeKeysError("NOT_FOUND", `unknown backup version ${version}`);
  }

  /**
   * Stores session keys in the current version, keeping the better copy of
   * each session by {@link shouldReplaceBackupKey}.
   *
   * @param rooms - room ID → session ID → key data.
   * @returns the version's new `etag` and `count`.
   * @throws {E2eeKeysError} `NOT_FOUND` for an unknown version, `WRONG_ROOM_KEYS_VERSION` (with `current_version`) when it is not the current one, `BAD_JSON`.
   */
  async putBackupKeys(userId: string, version: string, rooms: Readonly<Record<string, Readonly<Record<string, unknown>>>>): Promise<{ etag: string; count: number }> {
    const uploaded: BackupSession[] = [];
    for (const [roomId, sessions] of Object.entries(rooms)) {
      for (const [sessionId, data] of Object.entries(sessions)) uploaded.push({ roomId, sessionId, data: validateKeyBackupData(data, `rooms.${roomId}.sessions.${sessionId}`) });
    }
    return this.store.transaction(async (store) => {
      const current = await store.getBackupVersion(userId, undefined, { lock: true });
      if (!current || current.version !== version) {
        const exists = current ? await store.getBackupVersion(userId, version) : undefined;
        if (!current || !exists) throw new E2eeKeysError("NOT_FOUND", `unknown backup version ${version}`);
        throw new E2eeKeysError("WRONG_ROOM_KEYS_VERSION", `version ${version} is not the current backup version`, { extra: { current_version: current.version } });
      }
      const winners: BackupSession[] = [];
      for (const candidate of uploaded) {
        const [existing] = await store.getBackupSessions(userId, version, candidate.roomId, candidate.sessionId);
        const previous = winners.findIndex((w) => w.roomId === candidate.roomId && w.sessionId === candidate.sessionId);
        const base: KeyBackupData | undefined = previous >= 0 ? winners[previous]!.data : existing?.data;
        if (base && !shouldReplaceBackupKey(base, candidate.data)) continue;
        if (previous >= 0) winners.splice(previous, 1);
        winners.push(candidate);
      }
      if (winners.length > 0) await store.putBackupSessions(userId, version, winners);
      const after = (await store.getBackupVersion(userId, version))!;
      return { etag: after.etag, count: after.count };
    });
  }

  /**
   * Backed-up keys of a version, optionally of one room or session.
   * @throws {E2eeKeysError} `NOT_FOUND` for an unknown version (and for an unknown session when `sessionId` is given).
   */
  async getBackupKeys(userId: string, version: string, roomId?: string, sessionId?: string): Promise<BackupSession[]> {
    if (!(await this.store.getBackupVersion(userId, version))) throw new E2eeKeysError("NOT_FOUND", `unknown backup version ${version}`);
    const sessions = await this.store.getBackupSessions(userId, version, roomId, sessionId);
    if (sessionId !== undefined && sessions.length === 0) throw new E2eeKeysError("NOT_FOUND", `no backed-up key for session ${sessionId}`);
    return sessions;
  }

  /**
   * Deletes backed-up keys (all, one room's, or one session's).
   * @returns the version's new `etag` and `count`.
   * @throws {E2eeKeysError} `NOT_FOUND` for an unknown version.
   */
  async deleteBackupKeys(userId: string, version: string, roomId?: string, sessionId?: string): Promise<{ etag: string; count: number }> {
    return this.store.transaction(async (store) => {
      if (!(await store.getBackupVersion(userId, version, { lock: true }))) throw new E2eeKeysError("NOT_FOUND", `unknown backup version ${version}`);
      await store.deleteBackupSessions(userId, version, roomId, sessionId);
      const after = (await store.getBackupVersion(userId, version))!;
      return { etag: after.etag, count: after.count };
    });
  }
}

/**
 * Groups backed-up sessions as the spec's `rooms` → `sessions` shape.
 * @example
 * ```ts
 * backupSessionsByRoom(await keys.getBackupKeys(userId, "1")); // { "!room:example.org": { sessions: { … } } }
 * ```
 */
export function backupSessionsByRoom(sessions: readonly BackupSession[]): Record<string, { sessions: Record<string, KeyBackupData> }> {
  const rooms: Record<string, { sessions: Record<string, KeyBackupData> }> = {};
  for (const s of sessions) (rooms[s.roomId] ??= { sessions: {} }).sessions[s.sessionId] = s.data;
  return rooms;
}


