// Mutual rooms: https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv1mutual_rooms
// (rooms both the requester and another user are joined to, in pages).

import { MatrixError, isUserId } from "@weft/common";
import { mutualRooms } from "@weft/storage-pg";
import type { Requester } from "../http/route.js";
import type { ServiceContext } from "./index.js";

/** Rooms per page. */
export const MUTUAL_ROOMS_PAGE = 100;

/** Shared-room lookups. */
export class MutualRoomsService {
  constructor(private readonly ctx: ServiceContext) {}

  /**
   * Rooms `requester` shares with `userId`; `from` continues a previous page.
   *
   * @throws {MatrixError} `M_INVALID_PARAM` for a malformed user ID, the requester's own ID, or a bad `from`.
   * @example
   * ```ts
   * const { joined, count } = await mutual.mutualRooms(requester, "@bob:example.com");
   * ```
   */
  async mutualRooms(requester: Requester, userId: string, from?: string): Promise<{ joined: string[]; count: number; next_batch?: string }> {
    if (!isUserId(userId)) throw new MatrixError("M_INVALID_PARAM", `expected a user ID, got ${JSON.stringify(userId)}`);
    if (userId === requester.userId) throw new MatrixError("M_INVALID_PARAM", "user_id must not be your own user ID");
    let afterRoomId: string | undefined;
    if (from !== undefined) {
      afterRoomId = Buffer.from(from, "base64url").toString("utf8");
      if (!afterRoomId.startsWith("!")) throw new MatrixError("M_INVALID_PARAM", "from is not a token from a previous call");
    }
    const { roomIds, count } = await mutualRooms(this.ctx.db, requester.userId, userId, { afterRoomId, limit: MUTUAL_ROOMS_PAGE });
    const result: { joined: string[]; count: number; next_batch?: string } = { joined: roomIds, count };
    if (roomIds.length === MUTUAL_ROOMS_PAGE) result.next_batch = Buffer.from(roomIds.at(-1)!).toString("base64url");
    return result;
  }
}
