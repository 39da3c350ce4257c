// Device management: https://spec.matrix.org/v1.19/client-server-api/#device-management

import { MatrixError } from "@weft/common";
import { DevicesStore, type DeviceRow } from "@weft/storage-pg";
import { runHooks, type AccountHooks } from "./account-hooks.js";
import type { ServiceContext } from "./index.js";
import type { UiaChallenge, Uia } from "./uia.js";

/** A device as the client-server API shows it. */
export interface ClientDevice {
  readonly device_id: string;
  readonly display_name?: string;
  readonly last_seen_ip?: string;
  readonly last_seen_ts?: number;
}

/** The longest device display name accepted. */
export const MAX_DEVICE_DISPLAY_NAME_LENGTH = 100;

/**
 * Lists, renames and deletes devices. Deleting a device deletes its tokens.
 *
 * @example
 * ```ts
 * const { devices } = await devicesService.listDevices("@alice:example.com");
 * ```
 */
export class DevicesService {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly hooks: AccountHooks,
    private readonly uia: Uia,
  ) {}

  /**
   * `DELETE /devices/{deviceId}` and `POST /delete_devices`, behind
   * user-interactive auth with `m.login.password`.
   * @returns `{ ok: true }` once deleted, or the 401 challenge.
   */
  async deleteDevicesWithAuth(userId: string, deviceIds: readonly string[], auth: unknown): Promise<{ ok: true } | { ok: false; challenge: UiaChallenge }> {
    const outcome = await this.uia.check({ purpose: "delete_devices", userId, flows: [{ stages: ["m.login.password"] }], auth });
    if (!outcome.ok) return outcome;
    await this.deleteDevices(userId, deviceIds);
    await this.uia.finish(outcome.session);
    return { ok: true };
  }

  async listDevices(userId: string): Promise<{ devices: ClientDevice[] }> {
    return { devices: (await new DevicesStore(this.ctx.db).listDevices(userId)).map(toClientDevice) };
  }

  /** @throws {MatrixError} `M_NOT_FOUND` for an unknown device. */
  async getDevice(userId: string, deviceId: string): Promise<ClientDevice> {
    const row = await new DevicesStore(this.ctx.db).getDevice(userId, deviceId);
    if (!row) throw new MatrixError("M_NOT_FOUND", "Unknown device");
    return toClientDevice(row);
  }

  /** @throws {MatrixError} `M_NOT_FOUND` for an unknown device, `M_INVALID_PARAM` for a name too long. */
  async setDisplayName(userId: string, deviceId: string, displayName: string | null): Promise<void> {
    if (displayName !== null && displayName.length > MAX_DEVICE_DISPLAY_NAME_LENGTH) {
      throw new MatrixError("M_INVALID_PARAM", `display_name is longer than ${MAX_DEVICE_DISPLAY_NAME_LENGTH} characters`);
    }
    const found = await new DevicesStore(this.ctx.db).setDisplayName(userId, deviceId, displayName);
    if (!found) throw new MatrixError("M_NOT_FOUND", "Unknown device");
  }

  /** Deletes devices and their tokens; unknown IDs are ignored. */
  async deleteDevices(userId: string, deviceIds: readonly string[]): Promise<void> {
    const deleted = await this.ctx.db.transaction((tx) => new DevicesStore(tx).deleteDevices(userId, deviceIds));
    if (deleted.length > 0) await runHooks(this.hooks.onDevicesDeleted, [userId, deleted], this.ctx.logger);
  }

  /** Deletes every device except `keep`, and their tokens. */
  async deleteAllDevices(userId: string, keep?: string): Promise<void> {
    const deleted = await this.ctx.db.transaction((tx) => new DevicesStore(tx).deleteAllDevices(userId, keep));
    if (deleted.length > 0) await runHooks(this.hooks.onDevicesDeleted, [userId, deleted], this.ctx.logger);
  }
}

function toClientDevice(row: DeviceRow): ClientDevice {
  return {
    device_id: row.device_id,
    ...(row.display_name !== null ? { display_name: row.display_name } : {}),
    ...(row.last_seen_ip !== null ? { last_seen_ip: row.last_seen_ip } : {}),
    ...(row.last_seen_ts !== null ? { last_seen_ts: Number(row.last_seen_ts) } : {}),
  };
}
