// Send-to-device messaging: https://spec.matrix.org/v1.19/client-server-api/#send-to-device-messaging
// Messages are queued at a position of the global stream (allocated inside
// the writing transaction, so a reader never skips a late commit), the
// recipients' syncs are woken, and each device's inbox is emptied up to the
// `since` its next /sync sends (the acknowledgement).

import { MatrixError } from "@weft/common";
import type { JsonObject } from "@weft/e2ee-keys";
import { deviceIdsOfUser } from "@weft/storage-pg";
import type { Requester } from "../http/route.js";
import type { ServiceContext } from "./index.js";
import type { KeysService } from "./keys-service.js";

/**
 * `PUT /sendToDevice/{eventType}/{txnId}`.
 * @example
 * ```ts
 * await toDevice.send(requester, "m.room_key_request", "txn1", { "@bob:example.com": { "*": { … } } });
 * ```
 */
export class ToDeviceService {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly keys: KeysService,
  ) {}

  /** Queues the messages once per transaction ID; remote recipients are refused until federation exists. */
  async send(requester: Requester, type: string, txnId: string, messages: Record<string, Record<string, JsonObject>>): Promise<void> {
    for (const userId of Object.keys(messages)) {
      if (!userId.endsWith(`:${this.ctx.config.server_name}`)) throw new MatrixError("M_FORBIDDEN", `cannot send to-device messages to remote user ${userId} (no federation)`);
    }
    const sent = await this.keys.keys.sendToDevice(requester, type, txnId, messages, (userId) => deviceIdsOfUser(this.ctx.db, userId));
    if (sent) this.ctx.notifier.notify(sent.recipients);
  }
}
