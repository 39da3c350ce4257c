// Room snapshots for peeking: https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3roomsroomidinitialsync
// (GET /rooms/{roomId}/initialSync; deprecated for anything but peeking, which
// matrix-js-sdk's peekInRoom still uses to preview world-readable rooms). Built
// from the same reads as /state and /messages, so history visibility applies.

import { AccountDataStore, currentStreamPosition, isRoomPublic } from "@weft/storage-pg";
import type { Requester } from "../http/route.js";
import type { ClientEvent } from "./client-events.js";
import type { ServiceContext } from "./index.js";
import type { MessagesService } from "./messages-service.js";
import type { RoomsService } from "./rooms-service.js";

/** Timeline events in the snapshot. */
export const INITIAL_SYNC_LIMIT = 20;

/** The response body. */
export interface RoomInitialSync {
  room_id: string;
  membership?: string;
  messages: { start?: string; end: string; chunk: ClientEvent[] };
  state: ClientEvent[];
  visibility: "public" | "private";
  account_data: { type: string; content: Record<string, unknown> }[];
}

/** `GET /rooms/{roomId}/initialSync`. */
export class RoomInitialSyncService {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly rooms: RoomsService,
    private readonly messages: MessagesService,
  ) {}

  /**
   * A room's state, latest messages (oldest first), membership, directory
   * visibility and the requester's room account data.
   *
   * @throws {MatrixError} `M_FORBIDDEN` when the requester may not read the room.
   * @example
   * ```ts
   * const snapshot = await initialSync.roomInitialSync(requester, roomId);
   * ```
   */
  async roomInitialSync(requester: Requester, roomId: string): Promise<RoomInitialSync> {
    const vis = await this.rooms.visibility(requester.userId, roomId);
    const now = await currentStreamPosition(this.ctx.db);
    const page = await this.messages.messages(requester, roomId, { dir: "b", limit: INITIAL_SYNC_LIMIT });
    const state = await this.rooms.format(await this.rooms.stateEvents(requester, roomId), requester);
    const accountData = (await new AccountDataStore(this.ctx.db).changedSince(requester.userId, 0, now))
      .filter((row) => row.room_id === roomId)
      .map((row) => ({ type: row.type, content: row.content }));
    const result: RoomInitialSync = {
      room_id: roomId,
      // Backwards pagination went from now (`page.start`) to `page.end`: chronologically, end..start.
      messages: { ...(page.end !== undefined ? { start: page.end } : {}), end: page.start, chunk: [...page.chunk].reverse() },
      state,
      visibility: (await isRoomPublic(this.ctx.db, roomId)) ? "public" : "private",
      account_data: accountData,
    };
    if (vis.membership) result.membership = vis.membership.membership;
    return result;
  }
}
