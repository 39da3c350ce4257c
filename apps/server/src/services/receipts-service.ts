// Receipts and read markers: https://spec.matrix.org/v1.19/client-server-api/#receipts
// (m.read, m.read.private, threaded receipts with `thread_id`) and
// https://spec.matrix.org/v1.19/client-server-api/#fully-read-markers (m.fully_read
// as room account data).

import { MatrixError } from "@weft/common";
import { AccountDataStore, getEventById, membershipOf, putReceipt } from "@weft/storage-pg";
import type { Requester } from "../http/route.js";
import type { ServiceContext } from "./index.js";

/** Receipt types a client may post. */
export const RECEIPT_TYPES = ["m.read", "m.read.private", "m.fully_read"] as const;

/** Receipts and read markers. */
export class ReceiptsService {
  constructor(private readonly ctx: ServiceContext) {}

  /**
   * Records a receipt (or, for `m.fully_read`, the read marker).
   *
   * @throws {MatrixError} `M_FORBIDDEN` when not joined, `M_NOT_FOUND` for an unknown event, `M_INVALID_PARAM` for a bad type or thread.
   */
  async postReceipt(requester: Requester, roomId: string, receiptType: string, eventId: string, threadId?: string): Promise<void> {
    if (!(RECEIPT_TYPES as readonly string[]).includes(receiptType)) throw new MatrixError("M_INVALID_PARAM", `unknown receipt type ${receiptType}`);
    await this.#requireJoined(requester.userId, roomId);
    const event = await getEventById(this.ctx.db, eventId);
    if (!event || event.room_id !== roomId) throw new MatrixError("M_NOT_FOUND", "event not found in this room");
    if (receiptType === "m.fully_read") {
      if (threadId !== undefined) throw new MatrixError("M_INVALID_PARAM", "m.fully_read cannot be threaded");
      await this.setFullyRead(requester.userId, roomId, eventId);
      return;
    }
    if (threadId !== undefined && threadId !== "main") {
      const root = await getEventById(this.ctx.db, threadId);
      if (!root || root.room_id !== roomId) throw new MatrixError("M_INVALID_PARAM", "thread_id is not an event in this room");
    }
    await putReceipt(this.ctx.db, { roomId, receiptType, userId: requester.userId, threadId: threadId ?? "", eventId, ts: this.ctx.now() });
    // Private receipts only wake their owner; public ones the whole room.
    this.ctx.notifier.notify(receiptType === "m.read.private" ? [requester.userId] : [roomId, requester.userId]);
  }

  /** `/read_markers`: any of m.fully_read, m.read, m.read.private. */
  async setReadMarkers(requester: Requester, roomId: string, markers: { fullyRead?: string | undefined; read?: string | undefined; readPrivate?: string | undefined }): Promise<void> {
    await this.#requireJoined(requester.userId, roomId);
    if (markers.fullyRead) await this.postReceipt(requester, roomId, "m.fully_read", markers.fullyRead);
    if (markers.read) await this.postReceipt(requester, roomId, "m.read", markers.read);
    if (markers.readPrivate) await this.postReceipt(requester, roomId, "m.read.private", markers.readPrivate);
  }

  /** Writes the `m.fully_read` room account data. */
  async setFullyRead(userId: string, roomId: string, eventId: string): Promise<void> {
    await this.ctx.db.transaction((tx) => new AccountDataStore(tx).put(userId, roomId, "m.fully_read", { event_id: eventId }));
    this.ctx.notifier.notify([userId]);
  }

  async #requireJoined(userId: string, roomId: string): Promise<void> {
    const row = await membershipOf(this.ctx.db, userId, roomId);
    if (row?.membership !== "join") throw new MatrixError("M_FORBIDDEN", `you are not in room ${roomId}`);
  }
}
