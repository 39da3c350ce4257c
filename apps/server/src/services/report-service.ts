// Reporting content: https://spec.matrix.org/v1.19/client-server-api/#reporting-content
// — reports of events, of whole rooms and of users, kept for the server's admins.

import { MatrixError, isUserId, serverNameOf } from "@weft/common";
import { AccountsStore, getEventById, insertReport, insertUserReport } from "@weft/storage-pg";
import type { Requester } from "../http/route.js";
import type { ServiceContext } from "./index.js";
import type { RoomsService } from "./rooms-service.js";

/** Stores reports. */
export class ReportService {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly rooms: RoomsService,
  ) {}

  /** Reports an event the reporter can see (404 otherwise, so reports do not reveal events). */
  async reportEvent(requester: Requester, roomId: string, eventId: string, reason?: string, score?: number): Promise<void> {
    const vis = await this.rooms.visibility(requester.userId, roomId).catch(() => undefined);
    const event = vis ? await getEventById(this.ctx.db, eventId) : undefined;
    if (!event || event.room_id !== roomId) throw new MatrixError("M_NOT_FOUND", "event not found");
    await insertReport(this.ctx.db, { roomId, eventId, userId: requester.userId, reason: reason ?? null, score: score ?? null, ts: this.ctx.now() });
  }

  /** Reports a room. */
  async reportRoom(requester: Requester, roomId: string, reason?: string): Promise<void> {
    if (!(await this.rooms.roomVersion(roomId))) throw new MatrixError("M_NOT_FOUND", "room not found");
    await insertReport(this.ctx.db, { roomId, eventId: null, userId: requester.userId, reason: reason ?? null, score: null, ts: this.ctx.now() });
  }

  /**
   * Reports a user (https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3usersuseridreport).
   * The reporter need not share a room with them.
   *
   * @throws {MatrixError} `M_NOT_FOUND` for a malformed ID or an unknown local user.
   */
  async reportUser(requester: Requester, userId: string, reason: string): Promise<void> {
    if (!isUserId(userId)) throw new MatrixError("M_NOT_FOUND", "user not found");
    const local = serverNameOf(userId) === this.ctx.config.server_name;
    if (local && !(await new AccountsStore(this.ctx.db).userExists(userId))) throw new MatrixError("M_NOT_FOUND", "user not found");
    await insertUserReport(this.ctx.db, { targetUserId: userId, reporter: requester.userId, reason, ts: this.ctx.now() });
  }
}
