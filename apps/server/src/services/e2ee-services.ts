// Wires the end-to-end encryption services (keys, to-device, key backup)
// over one ServiceContext and plugs them into the account hooks: deleting a
// device deletes its keys and inbox and notifies device-list subscribers
// (https://spec.matrix.org/v1.19/client-server-api/#delete_matrixclientv3devicesdeviceid).

import type { AccountServices } from "./account-services.js";
import type { ServiceContext } from "./index.js";
import { KeyBackupService } from "./key-backup-service.js";
import { KeysService } from "./keys-service.js";
import { ToDeviceService } from "./to-device-service.js";

/** The E2EE services, part of `Services`. */
export interface E2eeServices {
  readonly keys: KeysService;
  readonly toDevice: ToDeviceService;
  readonly keyBackup: KeyBackupService;
}

/**
 * Builds the E2EE services.
 * @example
 * ```ts
 * const e2ee = createE2eeServices(ctx, accountServices);
 * ```
 */
export function createE2eeServices(ctx: ServiceContext, accounts: Pick<AccountServices, "uia" | "hooks">): E2eeServices {
  const keys = new KeysService(ctx, accounts.uia);
  accounts.hooks.onDevicesDeleted.push((userId, deviceIds) => keys.onDevicesDeleted(userId, deviceIds));
  return { keys, toDevice: new ToDeviceService(ctx, keys), keyBackup: new KeyBackupService(keys) };
}
