// End-to-end encryption keys on the server:
// https://spec.matrix.org/v1.19/client-server-api/#key-management-api
// (/keys/upload, /keys/query, /keys/claim, /keys/changes),
// https://spec.matrix.org/v1.19/client-server-api/#cross-signing
// (/keys/device_signing/upload, /keys/signatures/upload), and the E2EE
// extensions to /sync: https://spec.matrix.org/v1.19/client-server-api/#extensions-to-sync-1
// The logic lives in @weft/e2ee-keys over the PostgreSQL KeyStore; this
// service adds what only the server knows: local vs remote users, device
// display names, rooms shared between users, UIA, and waking long polls.
//
// UIA for /keys/device_signing/upload: like Synapse, the first upload (no
// master key yet) needs no user-interactive auth — a fresh account's client
// bootstraps cross-signing right after login, and nothing can be taken over
// because there is no key to replace. Replacing keys needs m.login.password.

import { MatrixError, type Errcode } from "@weft/common";
import { E2eeKeys, isE2eeKeysError, type CrossSigningUpload, type KeysUploadRequest, type KeyFailure, ISSUED_KEY_MEMORY_MS } from "@weft/e2ee-keys";
import { joinedRoomIds, PgKeyStore, sharedRoomChanges, usersSharingRooms } from "@weft/storage-pg";
import type { Requester } from "../http/route.js";
import type { ServiceContext } from "./index.js";
import type { UiaChallenge, Uia } from "./uia.js";

/** Runs `fn`, turning @weft/e2ee-keys errors into Matrix errors. */
export async function asMatrixErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (isE2eeKeysError(error)) throw new MatrixError(error.errcode as Errcode, error.message, { cause: error, extra: { ...error.extra } });
    throw error;
  }
}

/** The parts of a sync token this service reads: the stream position. */
export function streamPositionOfToken(token: string): number {
  const match = /^s(\d+)/.exec(token);
  if (!match) throw new MatrixError("M_INVALID_PARAM", `expected a sync token, got ${JSON.stringify(token)}`);
  return Number(match[1]);
}

/** The E2EE fields of a /sync response. */
export interface SyncE2eeExtensions {
  to_device: { events: Array<{ sender: string; type: string; content: Record<string, unknown> }> };
  device_lists: { changed: string[]; left: string[] };
  device_one_time_keys_count: Record<string, number>;
  device_unused_fallback_key_types: string[];
}

const DEVICE_SIGNING_FLOWS = [{ stages: ["m.login.password"] }] as const;

/**
 * Key upload, query, claim and change tracking; cross-signing; sync extensions.
 *
 * @example
 * ```ts
 * const counts = await keysService.upload(requester, body);
 * ```
 */
export class KeysService {
  readonly keys: E2eeKeys;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly uia: Uia,
  ) {
    this.keys = new E2eeKeys(new PgKeyStore(ctx.db));
  }

  #isLocal(userId: string): boolean {
    return userId.endsWith(`:${this.ctx.config.server_name}`);
  }

  /** Wakes the syncs of `userId` and of everyone sharing a room with them. */
  async #notifyDeviceListChange(userId: string): Promise<void> {
    this.ctx.notifier.notify([userId, ...(await joinedRoomIds(this.ctx.db, userId))]);
  }

  /** `POST /keys/upload`. */
  async upload(requester: Requester, body: KeysUploadRequest): Promise<{ one_time_key_counts: Record<string, number> }> {
    const before = await this.keys.store.currentPosition();
    const result = await asMatrixErrors(() => this.keys.uploadKeys(requester.userId, requester.deviceId, body, this.ctx.now()));
    if ((await this.keys.deviceListChanges([requester.userId], before, await this.keys.store.currentPosition())).length > 0) {
      await this.#notifyDeviceListChange(requester.userId);
    }
    return result;
  }

  /**
   * `POST /keys/query`: local users answered from the store, remote servers
   * listed in `failures` (no federation yet). Returns the response body as
   * JSON text: the device keys are spliced from stored JSON, never parsed and
   * serialised again (a 1,000-device answer is ~0.5 MB).
   */
  async query(requester: Requester, deviceKeys: Record<string, string[]>): Promise<string> {
    const local: Record<string, string[]> = {};
    const failures: Record<string, unknown> = {};
    for (const [userId, devices] of Object.entries(deviceKeys)) {
      if (this.#isLocal(userId)) local[userId] = devices;
      else failures[userId.slice(userId.indexOf(":") + 1)] = { errcode: "M_UNRECOGNIZED", error: "Federation is not available" };
    }
    const result = await this.keys.queryKeysJson(requester.userId, local);
    return `${result.slice(0, -1)},"failures":${JSON.stringify(failures)}}`;
  }

  /** `POST /keys/claim`. */
  async claim(oneTimeKeys: Record<string, Record<string, string>>): Promise<Record<string, unknown>> {
    const local: Record<string, Record<string, string>> = {};
    const failures: Record<string, unknown> = {};
    for (const [userId, devices] of Object.entries(oneTimeKeys)) {
      if (this.#isLocal(userId)) local[userId] = devices;
      else failures[userId.slice(userId.indexOf(":") + 1)] = { errcode: "M_UNRECOGNIZED", error: "Federation is not available" };
    }
    const now = this.ctx.now();
    const result = await this.keys.claimKeys(local, now);
    // Housekeeping: forget issued key IDs older than the remembered window.
    if (Math.random() < 0.01) await this.keys.store.pruneIssuedKeys(now - ISSUED_KEY_MEMORY_MS);
    return { ...result, failures };
  }

  /** `GET /keys/changes`: users sharing a room with the requester whose devices changed between two sync tokens. */
  async changes(requester: Requester, from: string, to: string): Promise<{ changed: string[]; left: string[] }> {
    const fromPos = streamPositionOfToken(from);
    const toPos = streamPositionOfToken(to);
    return this.#deviceLists(requester.userId, fromPos, toPos);
  }

  async #deviceLists(userId: string, fromPos: number, toPos: number): Promise<{ changed: string[]; left: string[] }> {
    if (toPos <= fromPos) return { changed: [], left: [] };
    const [sharing, membership] = await Promise.all([usersSharingRooms(this.ctx.db, userId), sharedRoomChanges(this.ctx.db, userId, fromPos, toPos)]);
    const peers = new Set([userId, ...sharing]);
    const changed = new Set(await this.keys.deviceListChanges([...peers], fromPos, toPos));
    for (const u of membership.joined) if (u !== userId) changed.add(u);
    const left = membership.mayHaveLeft.filter((u) => u !== userId && !peers.has(u));
    return { changed: [...changed].sort(), left: [...new Set(left)].sort() };
  }

  /**
   * `POST /keys/device_signing/upload`: the first upload needs no UIA (see the file header).
   * @returns `{ ok: false, challenge }` when the client must authenticate first.
   */
  async uploadDeviceSigning(requester: Requester, body: CrossSigningUpload & { auth?: unknown }): Promise<{ ok: true } | { ok: false; challenge: UiaChallenge }> {
    let session: string | undefined;
    if (await this.keys.hasMasterKey(requester.userId)) {
      const outcome = await this.uia.check({ purpose: "device_signing", userId: requester.userId, flows: DEVICE_SIGNING_FLOWS, auth: body.auth });
      if (!outcome.ok) return outcome;
      session = outcome.session;
    }
    await asMatrixErrors(() => this.keys.uploadCrossSigningKeys(requester.userId, body));
    if (session !== undefined) await this.uia.finish(session);
    await this.#notifyDeviceListChange(requester.userId);
    return { ok: true };
  }

  /** `POST /keys/signatures/upload`. */
  async uploadSignatures(requester: Requester, body: Record<string, unknown>): Promise<{ failures: Record<string, Record<string, KeyFailure>> }> {
    const result = await asMatrixErrors(() => this.keys.uploadSignatures(requester.userId, body));
    await this.#notifyDeviceListChange(requester.userId);
    return result;
  }

  /** Deletes the keys and inbox of deleted devices and tells the users sharing rooms (account hook). */
  async onDevicesDeleted(userId: string, deviceIds: readonly string[]): Promise<void> {
    for (const deviceId of deviceIds) await this.keys.deleteDevice(userId, deviceId);
    await this.#notifyDeviceListChange(userId);
  }

  /** One device deleted: see {@link onDevicesDeleted}. */
  async onDeviceDeleted(userId: string, deviceId: string): Promise<void> {
    await this.onDevicesDeleted(userId, [deviceId]);
  }

  /**
   * The E2EE fields of a /sync response for the requester's device: to-device
   * messages in (`since`, `upTo`] (those at or below `since` are deleted as
   * acknowledged), device-list changes, one-time key counts and unused
   * fallback key types.
   */
  async syncExtensions(userId: string, deviceId: string, since: number | undefined, upTo: number, news?: { toDevice: boolean; deviceLists: boolean }): Promise<SyncE2eeExtensions> {
    // Independent reads: run concurrently (a woken /sync waits on the slowest, not their sum).
    const [toDevice, deviceLists, oneTimeKeys, fallbackTypes] = await Promise.all([
      // `news` (from the sync side's head query): a stream known to be empty in (since, upTo] is not read.
      news?.toDevice === false ? { events: [] } : this.keys.toDeviceForSync(userId, deviceId, since, upTo),
      since === undefined || news?.deviceLists === false ? { changed: [], left: [] } : this.#deviceLists(userId, since, upTo),
      this.keys.oneTimeKeyCounts(userId, deviceId),
      this.keys.unusedFallbackKeyTypes(userId, deviceId),
    ]);
    return {
      to_device: { events: toDevice.events },
      device_lists: deviceLists,
      device_one_time_keys_count: oneTimeKeys,
      device_unused_fallback_key_types: fallbackTypes,
    };
  }
}
