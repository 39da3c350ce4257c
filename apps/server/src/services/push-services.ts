// Wires push (https://spec.matrix.org/v1.19/client-server-api/#push-notifications):
// notifications recorded in the persister's transaction, unread counts in
// /sync, pushers, and the push delivery worker.

import type { AccountServices } from "./account-services.js";
import type { ServiceContext } from "./index.js";
import { NotificationsService } from "./notifications-service.js";
import { PushDelivery } from "./push-delivery.js";
import { PushersService } from "./pushers-service.js";
import type { RoomServices } from "./room-services.js";

/** The push services, part of `Services`. */
export interface PushServices {
  readonly notifications: NotificationsService;
  readonly pushers: PushersService;
  /** The delivery worker (started here; `stop()` it on shutdown). */
  readonly pushDelivery: PushDelivery;
}

/**
 * Builds the push services, hooks them into the persister and /sync, and
 * starts the delivery worker.
 * @example
 * ```ts
 * const push = createPushServices(ctx, accountServices, roomServices);
 * await push.pushDelivery.stop();
 * ```
 */
export function createPushServices(ctx: ServiceContext, accounts: AccountServices, rooms: RoomServices): PushServices {
  const notifications = new NotificationsService(ctx, accounts.pushRules, rooms.rooms);
  const pushers = new PushersService(ctx);
  const pushDelivery = new PushDelivery(ctx);
  const persister = rooms.rooms.persister;
  persister.inTransaction = (tx, snapshot, event) => notifications.recordFromSnapshot(tx, snapshot, event);
  persister.inTransactionWanted = (snapshot, pdu) => notifications.mayRecord(snapshot, pdu);
  persister.inStatement = { prepare: (snapshot, event) => notifications.inStatement(snapshot, event), queued: (count) => notifications.deliveriesQueued(count) };
  persister.onPersisted(() => {
    if (!notifications.queuedSinceWake) return;
    notifications.queuedSinceWake = false;
    pushDelivery.wake();
  });
  rooms.sync.unreadCounts = (userId, roomIds) => notifications.countsForRooms(userId, roomIds);
  // A logged-out phone must stop receiving pushes: its pushers go with its device (as in Synapse), all of them with the account.
  accounts.hooks.onDevicesDeleted.push((userId, deviceIds) => pushers.removeForDevices(userId, deviceIds));
  accounts.hooks.onUserDeactivated.push((userId) => pushers.removeForDevices(userId, "all"));
  pushDelivery.start();
  return { notifications, pushers, pushDelivery };
}
