// Storage for devices: https://spec.matrix.org/v1.19/client-server-api/#device-management

import type { Queryable } from "./database.js";

/** A stored device. */
export interface DeviceRow {
  readonly user_id: string;
  readonly device_id: string;
  readonly display_name: string | null;
  readonly last_seen_ip: string | null;
  readonly last_seen_ts: number | null;
  readonly created_ts: number;
}

/**
 * A user's devices. Deleting a device deletes its access and refresh tokens
 * (foreign keys cascade).
 *
 * @example
 * ```ts
 * const devices = await new DevicesStore(db).listDevices("@alice:example.com");
 * ```
 */
export class DevicesStore {
  constructor(private readonly db: Queryable) {}

  /**
   * Creates the device, or updates its last-seen data when it exists (the
   * display name is only set on creation).
   * @returns whether the device was created.
   */
  async upsertDevice(device: { userId: string; deviceId: string; displayName: string | null; ip: string | null; now: number }): Promise<boolean> {
    const { rows } = await this.db.query<{ created: boolean }>(
      `INSERT INTO devices (user_id, device_id, display_name, last_seen_ip, last_seen_ts, created_ts) VALUES ($1, $2, $3, $4, $5, $5)
       ON CONFLICT (user_id, device_id) DO UPDATE SET last_seen_ip = EXCLUDED.last_seen_ip, last_seen_ts = EXCLUDED.last_seen_ts
       RETURNING (xmax = 0) AS created`,
      [device.userId, device.deviceId, device.displayName, device.ip, device.now],
    );
    return rows[0]?.created === true;
  }

  async getDevice(userId: string, deviceId: string): Promise<DeviceRow | undefined> {
    const { rows } = await this.db.query<DeviceRow>("SELECT * FROM devices WHERE user_id = $1 AND device_id = $2", [userId, deviceId]);
    return rows[0];
  }

  async listDevices(userId: string): Promise<DeviceRow[]> {
    const { rows } = await this.db.query<DeviceRow>("SELECT * FROM devices WHERE user_id = $1 ORDER BY created_ts, device_id", [userId]);
    return rows;
  }

  /** @returns whether the device exists. */
  async setDisplayName(userId: string, deviceId: string, displayName: string | null): Promise<boolean> {
    const { rowCount } = await this.db.query("UPDATE devices SET display_name = $3 WHERE user_id = $1 AND device_id = $2", [userId, deviceId, displayName]);
    return rowCount === 1;
  }

  async touchDevice(userId: string, deviceId: string, now: number): Promise<void> {
    await this.db.query("UPDATE devices SET last_seen_ts = $3 WHERE user_id = $1 AND device_id = $2", [userId, deviceId, now]);
  }

  /** Deletes the devices (and their tokens). @returns the IDs deleted. */
  async deleteDevices(userId: string, deviceIds: readonly string[]): Promise<string[]> {
    if (deviceIds.length === 0) return [];
    const { rows } = await this.db.query<{ device_id: string }>(
      "DELETE FROM devices WHERE user_id = $1 AND device_id = ANY($2::text[]) RETURNING device_id",
      [userId, [...deviceIds]],
    );
    return rows.map((r) => r.device_id);
  }

  /** Deletes every device except `keep` (and their tokens). @returns the IDs deleted. */
  async deleteAllDevices(userId: string, keep?: string): Promise<string[]> {
    const { rows } = await this.db.query<{ device_id: string }>(
      "DELETE FROM devices WHERE user_id = $1 AND device_id <> $2 RETURNING device_id",
      [userId, keep ?? ""],
    );
    return rows.map((r) => r.device_id);
  }
}
