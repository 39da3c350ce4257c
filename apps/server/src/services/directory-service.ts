// Room aliases (https://spec.matrix.org/v1.19/client-server-api/#room-aliases)
// and the public room directory (https://spec.matrix.org/v1.19/client-server-api/#listing-rooms).

import { MatrixError, isRoomAlias, serverNameOf } from "@weft/common";
import { aliasesOfRoom, createAlias, deleteAlias, getAlias, isRoomPublic, publicRooms, setRoomPublic, type RoomSummary } from "@weft/storage-pg";
import { HttpMatrixError } from "../http/http-error.js";
import type { Requester } from "../http/route.js";
import type { ServiceContext } from "./index.js";
import { actionPower, powerOf, requiredPower } from "./event-authorizer.js";
import type { RoomsService } from "./rooms-service.js";

/** Aliases and the room directory. */
export class DirectoryService {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly rooms: RoomsService,
  ) {}

  #checkLocalAlias(alias: string): void {
    if (!isRoomAlias(alias)) throw new MatrixError("M_INVALID_PARAM", `expected a room alias, got ${JSON.stringify(alias)}`);
    if (serverNameOf(alias) !== this.ctx.config.server_name) throw new MatrixError("M_INVALID_PARAM", "alias must be on this server");
  }

  /** Creates an alias (any room member may). */
  async putAlias(requester: Requester, alias: string, roomId: string): Promise<void> {
    this.#checkLocalAlias(alias);
    if (!(await this.rooms.roomVersion(roomId))) throw new MatrixError("M_NOT_FOUND", `unknown room ${roomId}`);
    const vis = await this.rooms.visibility(requester.userId, roomId).catch(() => undefined);
    if (!vis?.current) throw new MatrixError("M_FORBIDDEN", "you are not in this room");
    // The insert decides a race between two requests for one alias: the loser gets 409 (spec).
    if (!(await createAlias(this.ctx.db, alias, roomId, requester.userId))) throw new HttpMatrixError(409, "M_UNKNOWN", `room alias ${alias} already exists`);
  }

  /** Resolves an alias. */
  async getAlias(alias: string): Promise<{ room_id: string; servers: string[] }> {
    if (!isRoomAlias(alias)) throw new MatrixError("M_INVALID_PARAM", `expected a room alias, got ${JSON.stringify(alias)}`);
    const row = await getAlias(this.ctx.db, alias);
    if (!row) throw new MatrixError("M_NOT_FOUND", `room alias ${alias} not found`);
    return { room_id: row.room_id, servers: [this.ctx.config.server_name] };
  }

  /** Deletes an alias: its creator, an admin, or a member who may change the canonical alias. */
  async deleteAlias(requester: Requester, alias: string): Promise<void> {
    this.#checkLocalAlias(alias);
    const row = await getAlias(this.ctx.db, alias);
    if (!row) throw new MatrixError("M_NOT_FOUND", `room alias ${alias} not found`);
    if (row.creator !== requester.userId && !requester.isAdmin) {
      const snap = await this.rooms.currentSnapshot(row.room_id);
      const version = await this.rooms.roomVersion(row.room_id);
      const allowed = snap && version && powerOf(requester.userId, snap.state, version) >= requiredPower("m.room.canonical_alias", true, snap.state, version);
      if (!allowed) throw new MatrixError("M_FORBIDDEN", "you may not delete this alias");
    }
    await deleteAlias(this.ctx.db, alias);
  }

  /** `/rooms/{roomId}/aliases` (members only). */
  async roomAliases(requester: Requester, roomId: string): Promise<string[]> {
    await this.rooms.visibility(requester.userId, roomId);
    return aliasesOfRoom(this.ctx.db, roomId);
  }

  /** Directory visibility of a room. */
  async getVisibility(roomId: string): Promise<"public" | "private"> {
    const isPublic = await isRoomPublic(this.ctx.db, roomId);
    if (isPublic === undefined) throw new MatrixError("M_NOT_FOUND", `unknown room ${roomId}`);
    return isPublic ? "public" : "private";
  }

  /** Sets directory visibility (members with power to change state, e.g. the room's moderators). */
  async setVisibility(requester: Requester, roomId: string, visibility: "public" | "private"): Promise<void> {
    const version = await this.rooms.roomVersion(roomId);
    if (!version) throw new MatrixError("M_NOT_FOUND", `unknown room ${roomId}`);
    const vis = await this.rooms.visibility(requester.userId, roomId);
    if (!vis.current) throw new MatrixError("M_FORBIDDEN", "you are not in this room");
    const snap = await this.rooms.currentSnapshot(roomId);
    if (!requester.isAdmin && (!snap || powerOf(requester.userId, snap.state, version) < Math.max(actionPower("kick", snap.state, version), requiredPower("m.room.canonical_alias", true, snap.state, version)))) {
      throw new MatrixError("M_FORBIDDEN", "insufficient power to publish this room");
    }
    await setRoomPublic(this.ctx.db, roomId, visibility === "public");
  }

  /** `/publicRooms` with `since` tokens `o<offset>`. */
  async publicRooms(q: { limit?: number | undefined; since?: string | undefined; search?: string | undefined; roomTypes?: (string | null)[] | undefined }): Promise<Record<string, unknown>> {
    const limit = Math.min(Math.max(q.limit ?? 100, 1), 500);
    let offset = 0;
    if (q.since !== undefined) {
      const m = /^o(\d+)$/.exec(q.since);
      if (!m) throw new MatrixError("M_INVALID_PARAM", "bad since token");
      offset = Number(m[1]);
    }
    const { rooms, total } = await publicRooms(this.ctx.db, { offset, limit, search: q.search, roomTypes: q.roomTypes });
    const out: Record<string, unknown> = { chunk: rooms.map(publicRoomChunk), total_room_count_estimate: total };
    if (offset + rooms.length < total) out.next_batch = `o${offset + rooms.length}`;
    if (offset > 0) out.prev_batch = `o${Math.max(0, offset - limit)}`;
    return out;
  }
}

function publicRoomChunk(s: RoomSummary): Record<string, unknown> {
  const chunk: Record<string, unknown> = {
    room_id: s.room_id,
    num_joined_members: Number(s.joined_count),
    world_readable: s.history_visibility === "world_readable",
    guest_can_join: s.guest_access === "can_join",
    join_rule: s.join_rule ?? "public",
  };
  if (s.name) chunk.name = s.name;
  if (s.topic) chunk.topic = s.topic;
  if (s.avatar_url) chunk.avatar_url = s.avatar_url;
  if (s.canonical_alias) chunk.canonical_alias = s.canonical_alias;
  if (s.room_type) chunk.room_type = s.room_type;
  return chunk;
}
