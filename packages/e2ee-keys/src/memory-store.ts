// An in-memory KeyStore: tests, tools and embedders without a database.
// https://spec.matrix.org/v1.19/client-server-api/#end-to-end-encryption
// Atomicity: JavaScript runs one callback at a time, so an operation with no
// `await` between reading and writing (a one-time key claim picks and removes
// its key synchronously) cannot interleave with another. `transaction`
// serialises whole transactions with a lock and restores a snapshot when the
// callback throws.

import { assembleDeviceKeysJson, serveDeviceKeysJson } from "./device-keys-json.js";
import type { DeviceKeysQuery, KeySignature, KeyStore, ToDeviceDelivery, ToDeviceTransaction } from "./store.js";
import type {
  BackupSession,
  BackupVersion,
  ClaimedKey,
  CrossSigningKey,
  CrossSigningKeyType,
  DeviceKeys,
  JsonObject,
  KeyBackupData,
  KeyClaim,
  StoredFallbackKey,
  StoredOneTimeKey,
  StoredToDeviceMessage,
} from "./types.js";

interface BackupVersionState {
  algorithm: string;
  authData: JsonObject;
  etag: number;
  deleted: boolean;
  /** `roomId\0sessionId` → data */
  sessions: Map<string, KeyBackupData>;
}

interface MemoryState {
  position: number;
  /** user → device → keys */
  deviceKeys: Map<string, Map<string, DeviceKeys>>;
  /** user\0device → keys in upload order */
  oneTimeKeys: Map<string, StoredOneTimeKey[]>;
  /** user\0device\0keyId → issued ts */
  issued: Map<string, number>;
  /** user\0device → algorithm → key */
  fallback: Map<string, Map<string, StoredFallbackKey>>;
  crossSigning: Map<string, Partial<Record<CrossSigningKeyType, CrossSigningKey>>>;
  /** target user\0target key\0signer user\0signer key → signature */
  signatures: Map<string, KeySignature>;
  deviceListChanges: Map<string, number>;
  toDevice: Map<string, StoredToDeviceMessage[]>;
  toDeviceTxns: Set<string>;
  /** user → version number → version */
  backups: Map<string, Map<number, BackupVersionState>>;
  backupCounter: Map<string, number>;
}

function emptyState(): MemoryState {
  return {
    position: 0,
    deviceKeys: new Map(),
    oneTimeKeys: new Map(),
    issued: new Map(),
    fallback: new Map(),
    crossSigning: new Map(),
    signatures: new Map(),
    deviceListChanges: new Map(),
    toDevice: new Map(),
    toDeviceTxns: new Set(),
    backups: new Map(),
    backupCounter: new Map(),
  };
}

const key2 = (a: string, b: string): string => `${a}\u0000${b}`;

/**
 * A {@link KeyStore} held in memory.
 *
 * @example
 * ```ts
 * const keys = new E2eeKeys(new MemoryKeyStore());
 * await keys.uploadKeys("@alice:example.com", "JLAFKJWSCS", { device_keys }, Date.now());
 * ```
 */
export class MemoryKeyStore implements KeyStore {
  private readonly box: { state: MemoryState; lock: Promise<void> };
  private readonly inTransaction: boolean;

  constructor(shared?: { state: MemoryState; lock: Promise<void> }, inTransaction = false) {
    this.box = shared ?? { state: emptyState(), lock: Promise.resolve() };
    this.inTransaction = inTransaction;
  }

  private get s(): MemoryState {
    return this.box.state;
  }

  async transaction<T>(fn: (store: KeyStore) => Promise<T>): Promise<T> {
    if (this.inTransaction) return fn(this);
    const previous = this.box.lock;
    let release!: () => void;
    this.box.lock = new Promise<void>((resolve) => (release = resolve));
    await previous;
    const snapshot = structuredClone(this.box.state);
    try {
      return await fn(new MemoryKeyStore(this.box, true));
    } catch (error) {
      this.box.state = snapshot;
      throw error;
    } finally {
      release();
    }
  }

  async getDeviceKeys(userId: string, deviceId: string): Promise<DeviceKeys | undefined> {
    return this.s.deviceKeys.get(userId)?.get(deviceId);
  }

  async queryDeviceKeys(query: DeviceKeysQuery): Promise<Array<{ userId: string; deviceId: string; keys: DeviceKeys }>> {
    const out: Array<{ userId: string; deviceId: string; keys: DeviceKeys }> = [];
    for (const [userId, deviceIds] of query) {
      const devices = this.s.deviceKeys.get(userId);
      if (!devices) continue;
      if (deviceIds === undefined) {
        for (const [deviceId, keys] of devices) out.push({ userId, deviceId, keys });
      } else {
        for (const deviceId of deviceIds) {
          const keys = devices.get(deviceId);
          if (keys) out.push({ userId, deviceId, keys });
        }
      }
    }
    return out;
  }

  async queryDeviceKeysJson(query: DeviceKeysQuery): Promise<string> {
    const onTarget = new Map<string, KeySignature[]>();
    for (const sig of this.s.signatures.values()) {
      const k = key2(sig.targetUserId, sig.targetKeyId);
      (onTarget.get(k) ?? onTarget.set(k, []).get(k)!).push(sig);
    }
    const byUser = new Map<string, Array<[string, string]>>();
    for (const { userId, deviceId, keys } of await this.queryDeviceKeys(query)) {
      const list = byUser.get(userId) ?? byUser.set(userId, []).get(userId)!;
      if (list.some(([d]) => d === JSON.stringify(deviceId))) continue; // a device asked for twice
      list.push([JSON.stringify(deviceId), serveDeviceKeysJson(JSON.stringify(keys), onTarget.get(key2(userId, deviceId)))]);
    }
    return assembleDeviceKeysJson(query.keys(), byUser);
  }

  async putDeviceKeys(userId: string, deviceId: string, keys: DeviceKeys): Promise<void> {
    const devices = this.s.deviceKeys.get(userId) ?? new Map<string, DeviceKeys>();
    devices.set(deviceId, keys);
    this.s.deviceKeys.set(userId, devices);
  }

  async deleteDevice(userId: string, deviceId: string): Promise<void> {
    const k = key2(userId, deviceId);
    this.s.deviceKeys.get(userId)?.delete(deviceId);
    this.s.oneTimeKeys.delete(k);
    this.s.fallback.delete(k);
    this.s.toDevice.delete(k);
    for (const [sk, sig] of this.s.signatures) if (sig.targetUserId === userId && sig.targetKeyId === deviceId) this.s.signatures.delete(sk);
  }

  async getOneTimeKeys(userId: string, deviceId: string, keyIds: readonly string[]): Promise<Map<string, unknown>> {
    const wanted = new Set(keyIds);
    const out = new Map<string, unknown>();
    for (const k of this.s.oneTimeKeys.get(key2(userId, deviceId)) ?? []) if (wanted.has(k.keyId)) out.set(k.keyId, k.key);
    return out;
  }

  async wasIssued(userId: string, deviceId: string, keyIds: readonly string[], sinceTs: number): Promise<Set<string>> {
    const out = new Set<string>();
    for (const id of keyIds) {
      const ts = this.s.issued.get(`${key2(userId, deviceId)}\u0000${id}`);
      if (ts !== undefined && ts >= sinceTs) out.add(id);
    }
    return out;
  }

  async addOneTimeKeys(userId: string, deviceId: string, keys: readonly StoredOneTimeKey[]): Promise<void> {
    const k = key2(userId, deviceId);
    const list = this.s.oneTimeKeys.get(k) ?? [];
    const present = new Set(list.map((x) => x.keyId));
    for (const key of keys) if (!present.has(key.keyId)) (present.add(key.keyId), list.push(key));
    this.s.oneTimeKeys.set(k, list);
  }

  async countOneTimeKeys(userId: string, deviceId: string): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const k of this.s.oneTimeKeys.get(key2(userId, deviceId)) ?? []) counts[k.algorithm] = (counts[k.algorithm] ?? 0) + 1;
    return counts;
  }

  async claimOneTimeKeys(claims: readonly KeyClaim[], now: number): Promise<ClaimedKey[]> {
    // No await from here to the end: each pick-and-remove is indivisible.
    const out: ClaimedKey[] = [];
    for (const claim of claims) {
      const k = key2(claim.userId, claim.deviceId);
      const list = this.s.oneTimeKeys.get(k);
      const index = list ? list.findIndex((x) => x.algorithm === claim.algorithm) : -1;
      if (list && index >= 0) {
        const [taken] = list.splice(index, 1);
        this.s.issued.set(`${k}\u0000${taken!.keyId}`, now);
        out.push({ userId: claim.userId, deviceId: claim.deviceId, keyId: taken!.keyId, key: taken!.key, fallback: false });
        continue;
      }
      const fallback = this.s.fallback.get(k)?.get(claim.algorithm);
      if (fallback) {
        this.s.fallback.get(k)!.set(claim.algorithm, { ...fallback, used: true });
        out.push({ userId: claim.userId, deviceId: claim.deviceId, keyId: fallback.keyId, key: fallback.key, fallback: true });
      }
    }
    return out;
  }

  async pruneIssuedKeys(beforeTs: number): Promise<void> {
    for (const [k, ts] of this.s.issued) if (ts < beforeTs) this.s.issued.delete(k);
  }

  async getFallbackKeys(userId: string, deviceId: string): Promise<StoredFallbackKey[]> {
    return [...(this.s.fallback.get(key2(userId, deviceId))?.values() ?? [])];
  }

  async putFallbackKey(userId: string, deviceId: string, key: StoredFallbackKey): Promise<void> {
    const k = key2(userId, deviceId);
    const byAlgorithm = this.s.fallback.get(k) ?? new Map<string, StoredFallbackKey>();
    byAlgorithm.set(key.algorithm, key);
    this.s.fallback.set(k, byAlgorithm);
  }

  async getCrossSigningKeys(userId: string): Promise<Partial<Record<CrossSigningKeyType, CrossSigningKey>>> {
    return { ...(this.s.crossSigning.get(userId) ?? {}) };
  }

  async getCrossSigningKeysOfUsers(userIds: readonly string[]): Promise<Map<string, Partial<Record<CrossSigningKeyType, CrossSigningKey>>>> {
    const out = new Map<string, Partial<Record<CrossSigningKeyType, CrossSigningKey>>>();
    for (const userId of userIds) {
      const keys = this.s.crossSigning.get(userId);
      if (keys) out.set(userId, { ...keys });
    }
    return out;
  }

  async putCrossSigningKey(userId: string, type: CrossSigningKeyType, key: CrossSigningKey): Promise<void> {
    this.s.crossSigning.set(userId, { ...(this.s.crossSigning.get(userId) ?? {}), [type]: key });
  }

  async addSignatures(signatures: readonly KeySignature[]): Promise<void> {
    for (const sig of signatures) {
      this.s.signatures.set([sig.targetUserId, sig.targetKeyId, sig.signerUserId, sig.signerKeyId].join("\u0000"), sig);
    }
  }

  async getSignatures(targets: ReadonlyArray<{ userId: string; keyId: string }>): Promise<KeySignature[]> {
    const wanted = new Set(targets.map((t) => key2(t.userId, t.keyId)));
    return [...this.s.signatures.values()].filter((sig) => wanted.has(key2(sig.targetUserId, sig.targetKeyId)));
  }

  async markDeviceListsChanged(userIds: readonly string[]): Promise<number> {
    const position = ++this.s.position;
    for (const userId of userIds) this.s.deviceListChanges.set(userId, position);
    return position;
  }

  async deviceListsChangedBetween(userIds: readonly string[] | undefined, after: number, upTo: number): Promise<string[]> {
    const candidates = userIds ?? [...this.s.deviceListChanges.keys()];
    return [...new Set(candidates)].filter((u) => {
      const p = this.s.deviceListChanges.get(u);
      return p !== undefined && p > after && p <= upTo;
    });
  }

  async currentPosition(): Promise<number> {
    return this.s.position;
  }

  async enqueueToDevice(deliveries: readonly ToDeviceDelivery[], txn?: ToDeviceTransaction): Promise<number | undefined> {
    if (txn) {
      const t = [txn.userId, txn.deviceId, txn.txnId].join("\u0000");
      if (this.s.toDeviceTxns.has(t)) return undefined;
      this.s.toDeviceTxns.add(t);
    }
    const position = ++this.s.position;
    for (const d of deliveries) {
      const k = key2(d.userId, d.deviceId);
      const inbox = this.s.toDevice.get(k) ?? [];
      inbox.push({ ...d.message, position });
      this.s.toDevice.set(k, inbox);
    }
    return position;
  }

  async toDeviceMessages(userId: string, deviceId: string, after: number, upTo: number, limit: number): Promise<StoredToDeviceMessage[]> {
    return (this.s.toDevice.get(key2(userId, deviceId)) ?? []).filter((m) => m.position > after && m.position <= upTo).slice(0, limit);
  }

  async deleteToDeviceMessages(userId: string, deviceId: string, upTo: number): Promise<number> {
    const k = key2(userId, deviceId);
    const inbox = this.s.toDevice.get(k) ?? [];
    const kept = inbox.filter((m) => m.position > upTo);
    this.s.toDevice.set(k, kept);
    return inbox.length - kept.length;
  }

  async createBackupVersion(userId: string, algorithm: string, authData: JsonObject): Promise<string> {
    const next = (this.s.backupCounter.get(userId) ?? 0) + 1;
    this.s.backupCounter.set(userId, next);
    const versions = this.s.backups.get(userId) ?? new Map<number, BackupVersionState>();
    versions.set(next, { algorithm, authData, etag: 0, deleted: false, sessions: new Map() });
    this.s.backups.set(userId, versions);
    return String(next);
  }

  private version(userId: string, version: string | undefined): [number, BackupVersionState] | undefined {
    const versions = this.s.backups.get(userId);
    if (!versions) return undefined;
    if (version === undefined) {
      let best: [number, BackupVersionState] | undefined;
      for (const [n, v] of versions) if (!v.deleted && (!best || n > best[0])) best = [n, v];
      return best;
    }
    if (!/^[1-9][0-9]{0,15}$/.test(version)) return undefined;
    const v = versions.get(Number(version));
    return v && !v.deleted ? [Number(version), v] : undefined;
  }

  async getBackupVersion(userId: string, version: string | undefined): Promise<BackupVersion | undefined> {
    const found = this.version(userId, version);
    if (!found) return undefined;
    const [n, v] = found;
    return { version: String(n), algorithm: v.algorithm, auth_data: v.authData, etag: String(v.etag), count: v.sessions.size };
  }

  async updateBackupAuthData(userId: string, version: string, authData: JsonObject): Promise<boolean> {
    const found = this.version(userId, version);
    if (!found) return false;
    found[1].authData = authData;
    return true;
  }

  async deleteBackupVersion(userId: string, version: string): Promise<boolean> {
    const found = this.version(userId, version);
    if (!found) return false;
    found[1].deleted = true;
    found[1].sessions.clear();
    return true;
  }

  async getBackupSessions(userId: string, version: string, roomId?: string, sessionId?: string): Promise<BackupSession[]> {
    const found = this.version(userId, version);
    if (!found) return [];
    const out: BackupSession[] = [];
    for (const [k, data] of found[1].sessions) {
      const [r, s] = k.split("\u0000") as [string, string];
      if ((roomId === undefined || r === roomId) && (sessionId === undefined || s === sessionId)) out.push({ roomId: r, sessionId: s, data });
    }
    return out;
  }

  async putBackupSessions(userId: string, version: string, sessions: readonly BackupSession[]): Promise<void> {
    const found = this.version(userId, version);
    if (!found) return;
    for (const s of sessions) found[1].sessions.set(key2(s.roomId, s.sessionId), s.data);
    found[1].etag++;
  }

  async deleteBackupSessions(userId: string, version: string, roomId?: string, sessionId?: string): Promise<number> {
    const found = this.version(userId, version);
    if (!found) return 0;
    let n = 0;
    for (const k of [...found[1].sessions.keys()]) {
      const [r, s] = k.split("\u0000") as [string, string];
      if ((roomId === undefined || r === roomId) && (sessionId === undefined || s === sessionId)) (found[1].sessions.delete(k), n++);
    }
    found[1].etag++;
    return n;
  }
}
