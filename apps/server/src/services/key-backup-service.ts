// Server-side key backups: https://spec.matrix.org/v1.19/client-server-api/#server-side-key-backups
// Thin wrapper over @weft/e2ee-keys (versions, sessions with the spec's
// replacement order, etag and count); errors become Matrix errors.

import { backupSessionsByRoom, type BackupVersion, type JsonObject, type KeyBackupData } from "@weft/e2ee-keys";
import type { Requester } from "../http/route.js";
import { asMatrixErrors, type KeysService } from "./keys-service.js";

/**
 * The `/room_keys/*` endpoints.
 * @example
 * ```ts
 * const { version } = await backups.createVersion(requester, "m.megolm_backup.v1.curve25519-aes-sha2", { public_key: "…" });
 * ```
 */
export class KeyBackupService {
  constructor(private readonly keysService: KeysService) {}

  get #keys() {
    return this.keysService.keys;
  }

  async createVersion(requester: Requester, algorithm: string, authData: JsonObject): Promise<{ version: string }> {
    return { version: await this.#keys.createBackupVersion(requester.userId, algorithm, authData) };
  }

  async getVersion(requester: Requester, version?: string): Promise<BackupVersion> {
    return asMatrixErrors(() => this.#keys.getBackupVersion(requester.userId, version));
  }

  async updateVersion(requester: Requester, version: string, body: { algorithm: string; auth_data: JsonObject; version?: string | undefined }): Promise<void> {
    await asMatrixErrors(() => this.#keys.updateBackupVersion(requester.userId, version, body));
  }

  async deleteVersion(requester: Requester, version: string): Promise<void> {
    await asMatrixErrors(() => this.#keys.deleteBackupVersion(requester.userId, version));
  }

  async putKeys(requester: Requester, version: string, rooms: Record<string, Record<string, unknown>>): Promise<{ etag: string; count: number }> {
    return asMatrixErrors(() => this.#keys.putBackupKeys(requester.userId, version, rooms));
  }

  async getAllKeys(requester: Requester, version: string): Promise<{ rooms: Record<string, { sessions: Record<string, KeyBackupData> }> }> {
    return { rooms: backupSessionsByRoom(await asMatrixErrors(() => this.#keys.getBackupKeys(requester.userId, version))) };
  }

  async getRoomKeys(requester: Requester, version: string, roomId: string): Promise<{ sessions: Record<string, KeyBackupData> }> {
    const rooms = backupSessionsByRoom(await asMatrixErrors(() => this.#keys.getBackupKeys(requester.userId, version, roomId)));
    return { sessions: rooms[roomId]?.sessions ?? {} };
  }

  async getSessionKey(requester: Requester, version: string, roomId: string, sessionId: string): Promise<KeyBackupData> {
    const [session] = await asMatrixErrors(() => this.#keys.getBackupKeys(requester.userId, version, roomId, sessionId));
    return session!.data;
  }

  async deleteKeys(requester: Requester, version: string, roomId?: string, sessionId?: string): Promise<{ etag: string; count: number }> {
    return asMatrixErrors(() => this.#keys.deleteBackupKeys(requester.userId, version, roomId, sessionId));
  }
}
