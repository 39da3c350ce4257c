// Room membership: https://spec.matrix.org/v1.19/client-server-api/#room-membership
// — joining (by ID or alias; restricted rooms per
// https://spec.matrix.org/v1.19/client-server-api/#restricted-rooms, where this
// server picks a local member with invite power to sign off the join through
// `join_authorised_via_users_server`), inviting, leaving, kicking, banning,
// unbanning, knocking and forgetting. Also the hooks the accounts side calls:
// profile propagation and leaving every room on deactivation.

import { MatrixError, isRoomAlias, isRoomId, isUserId, roomVersionRules, serverNameOf } from "@weft/common";
import { forgetRoom, getAlias, membershipOf, membershipsOfUser, profileForMembership } from "@weft/storage-pg";
import type { Requester } from "../http/route.js";
import { runHooks } from "./account-hooks.js";
import type { ServiceContext } from "./index.js";
import type { EventDraft } from "./event-builder.js";
import { actionPower, powerOf } from "./event-authorizer.js";
import type { RoomSnapshot } from "./room-state.js";
import { membershipIn } from "./room-state.js";
import type { RoomsService } from "./rooms-service.js";

/** Membership changes. */
export class MembershipService {
  /** Run after a user's first join to a room commits (room upgrades carry settings over); failures are logged. */
  readonly onJoined: Array<(userId: string, roomId: string) => Promise<void>> = [];

  constructor(
    private readonly ctx: ServiceContext,
    private readonly rooms: RoomsService,
  ) {}

  /** Resolves a room ID or a local alias to a room ID. */
  async resolveRoom(roomIdOrAlias: string): Promise<string> {
    if (isRoomId(roomIdOrAlias)) return roomIdOrAlias;
    if (isRoomAlias(roomIdOrAlias)) {
      const row = await getAlias(this.ctx.db, roomIdOrAlias);
      if (!row) throw new MatrixError("M_NOT_FOUND", `no room with alias ${roomIdOrAlias}`);
      return row.room_id;
    }
    throw new MatrixError("M_INVALID_PARAM", `expected a room ID or alias, got ${JSON.stringify(roomIdOrAlias)}`);
  }

  async #requireRoom(roomId: string): Promise<string> {
    const version = await this.rooms.roomVersion(roomId);
    if (!version) throw new MatrixError("M_NOT_FOUND", `unknown room ${roomId}`);
    return version;
  }

  /**
   * Joins a room (by ID or alias).
   *
   * @throws {MatrixError} `M_NOT_FOUND` for an unknown room, `M_FORBIDDEN` when not allowed.
   */
  async join(requester: Requester, roomIdOrAlias: string, reason?: string): Promise<string> {
    const roomId = await this.resolveRoom(roomIdOrAlias);
    const version = await this.#requireRoom(roomId);
    const rules = roomVersionRules(version);
    const joined = new Set(await this.rooms.joinedRooms(requester.userId));
    const profile = await this.rooms.profileOf(requester.userId);
    let firstJoin = false;
    await this.rooms.persister.send(roomId, (snap) => {
      const current = membershipIn(snap, requester.userId);
      firstJoin = current !== "join";
      const content: Record<string, unknown> = { membership: "join", ...profile };
      if (reason !== undefined) content.reason = reason;
      if (current === "join") {
        const existing = snap.state.get("m.room.member", requester.userId)!.content as Record<string, unknown>;
        if (existing.displayname === content.displayname && existing.avatar_url === content.avatar_url) return [];
      }
      const joinRule = String((snap.state.get("m.room.join_rules", "")?.content as Record<string, unknown> | undefined)?.join_rule ?? "invite");
      const restricted =
        (joinRule === "restricted" && rules.authorization.restrictedJoinRule) ||
        (joinRule === "knock_restricted" && rules.authorization.knockRestrictedJoinRule);
      if (restricted && current !== "join" && current !== "invite") {
        content.join_authorised_via_users_server = this.#authoriser(snap, version, joined, requester.userId);
      }
      return [{ type: "m.room.member", stateKey: requester.userId, sender: requester.userId, content }];
    });
    if (firstJoin) await runHooks(this.onJoined, [requester.userId, roomId], this.ctx.logger);
    return roomId;
  }

  /** A local joined member with invite power, when the user meets an `allow` condition. */
  #authoriser(snap: RoomSnapshot, version: string, userRooms: Set<string>, userId: string): string {
    const allow = (snap.state.get("m.room.join_rules", "")?.content as Record<string, unknown> | undefined)?.allow;
    const allowed =
      Array.isArray(allow) &&
      allow.some((a) => typeof a === "object" && a !== null && (a as Record<string, unknown>).type === "m.room_membership" && userRooms.has(String((a as Record<string, unknown>).room_id)));
    if (!allowed) throw new MatrixError("M_FORBIDDEN", "you do not meet the room's join conditions");
    const needed = actionPower("invite", snap.state, version);
    const candidates = [...snap.state.members.entries()]
      .filter(([user, event]) => (event.content as Record<string, unknown>).membership === "join" && serverNameOf(user) === this.ctx.config.server_name)
      .map(([user]) => ({ user, power: powerOf(user, snap.state, version) }))
      .filter((c) => c.power >= needed && c.user !== userId)
      .sort((a, b) => b.power - a.power || (a.user < b.user ? -1 : 1));
    if (!candidates[0]) throw new MatrixError("M_UNABLE_TO_GRANT_JOIN", "no local member can authorise the join");
    return candidates[0].user;
  }

  /** Invites `userId`. */
  async invite(requester: Requester, roomId: string, userId: string, reason?: string, isDirect?: boolean): Promise<void> {
    if (!isUserId(userId)) throw new MatrixError("M_INVALID_PARAM", `expected a user ID, got ${JSON.stringify(userId)}`);
    await this.#requireRoomForMember(roomId);
    const content: Record<string, unknown> = { membership: "invite" };
    if (reason !== undefined) content.reason = reason;
    if (isDirect) content.is_direct = true;
    await this.rooms.persister.send(roomId, (snap) => {
      if (membershipIn(snap, requester.userId) !== "join") throw new MatrixError("M_FORBIDDEN", "you are not in this room");
      const target = membershipIn(snap, userId);
      if (target === "ban") throw new MatrixError("M_FORBIDDEN", `${userId} is banned from the room`);
      if (target === "join") throw new MatrixError("M_FORBIDDEN", `${userId} is already in the room`);
      return [{ type: "m.room.member", stateKey: userId, sender: requester.userId, content }];
    });
  }

  async #requireRoomForMember(roomId: string): Promise<void> {
    if (!(await this.rooms.roomVersion(roomId))) throw new MatrixError("M_FORBIDDEN", `you are not in room ${roomId}`);
  }

  /** Leaves a room (or rejects an invite, or withdraws a knock). */
  async leave(requester: Requester, roomId: string, reason?: string): Promise<void> {
    if (!(await this.rooms.roomVersion(roomId))) throw new MatrixError("M_NOT_FOUND", `unknown room ${roomId}`);
    await this.#change(requester.userId, roomId, requester.userId, "leave", reason);
  }

  /** Kicks a user. */
  async kick(requester: Requester, roomId: string, userId: string, reason?: string): Promise<void> {
    await this.#requireRoomForMember(roomId);
    await this.rooms.persister.send(roomId, (snap) => {
      const target = membershipIn(snap, userId);
      if (target !== "join" && target !== "invite" && target !== "knock") throw new MatrixError("M_FORBIDDEN", `${userId} is not in the room`);
      return [memberDraft(requester.userId, userId, "leave", reason)];
    });
  }

  /** Bans a user. */
  async ban(requester: Requester, roomId: string, userId: string, reason?: string): Promise<void> {
    await this.#requireRoomForMember(roomId);
    await this.#change(requester.userId, roomId, userId, "ban", reason);
  }

  /** Unbans a user. */
  async unban(requester: Requester, roomId: string, userId: string, reason?: string): Promise<void> {
    await this.#requireRoomForMember(roomId);
    await this.rooms.persister.send(roomId, (snap) => {
      if (membershipIn(snap, userId) !== "ban") throw new MatrixError("M_FORBIDDEN", `${userId} is not banned`);
      return [memberDraft(requester.userId, userId, "leave", reason)];
    });
  }

  /** Knocks on a room (https://spec.matrix.org/v1.19/client-server-api/#knocking-on-rooms). */
  async knock(requester: Requester, roomIdOrAlias: string, reason?: string): Promise<string> {
    const roomId = await this.resolveRoom(roomIdOrAlias);
    const version = await this.#requireRoom(roomId);
    if (!roomVersionRules(version).authorization.knocking) throw new MatrixError("M_FORBIDDEN", `room version ${version} does not support knocking`);
    const content: Record<string, unknown> = { membership: "knock", ...(await this.rooms.profileOf(requester.userId)) };
    if (reason !== undefined) content.reason = reason;
    await this.rooms.persister.send(roomId, [{ type: "m.room.member", stateKey: requester.userId, sender: requester.userId, content }]);
    return roomId;
  }

  /** Forgets a room the user has left. */
  async forget(requester: Requester, roomId: string): Promise<void> {
    const row = await membershipOf(this.ctx.db, requester.userId, roomId);
    if (row && (row.membership === "join" || row.membership === "invite" || row.membership === "knock")) {
      throw new MatrixError("M_UNKNOWN", "leave the room before forgetting it");
    }
    if (!row && !(await this.rooms.roomVersion(roomId))) throw new MatrixError("M_NOT_FOUND", `unknown room ${roomId}`);
    await forgetRoom(this.ctx.db, requester.userId, roomId);
  }

  async #change(sender: string, roomId: string, target: string, membership: string, reason?: string): Promise<void> {
    await this.rooms.persister.send(roomId, [memberDraft(sender, target, membership, reason)]);
  }

  /**
   * Re-sends the user's membership in every joined room with their new
   * profile (https://spec.matrix.org/v1.19/client-server-api/#events-on-change-of-profile-information).
   */
  async updateProfileInJoinedRooms(userId: string): Promise<void> {
    const profile = await profileForMembership(this.ctx.db, userId);
    for (const room of await membershipsOfUser(this.ctx.db, userId, { membership: "join" })) {
      await this.rooms.persister
        .send(room.room_id, (snap) => {
          if (membershipIn(snap, userId) !== "join") return [];
          const content: Record<string, unknown> = { ...(snap.state.get("m.room.member", userId)!.content as Record<string, unknown>), membership: "join" };
          delete content.join_authorised_via_users_server;
          delete content.reason;
          if (profile.displayname) content.displayname = profile.displayname;
          else delete content.displayname;
          if (profile.avatar_url) content.avatar_url = profile.avatar_url;
          else delete content.avatar_url;
          return [{ type: "m.room.member", stateKey: userId, sender: userId, content }];
        })
        .catch((error: unknown) => this.ctx.logger.warn({ err: error, room_id: room.room_id }, "profile propagation failed"));
    }
  }

  /** Leaves (or rejects) every room: the deactivation hook. */
  async leaveAllRooms(userId: string): Promise<void> {
    for (const room of await membershipsOfUser(this.ctx.db, userId)) {
      if (room.membership !== "join" && room.membership !== "invite" && room.membership !== "knock") continue;
      await this.#change(userId, room.room_id, userId, "leave").catch((error: unknown) =>
        this.ctx.logger.warn({ err: error, room_id: room.room_id }, "leaving on deactivation failed"),
      );
    }
  }
}

function memberDraft(sender: string, target: string, membership: string, reason?: string): EventDraft {
  const content: Record<string, unknown> = { membership };
  if (reason !== undefined) content.reason = reason;
  return { type: "m.room.member", stateKey: target, sender, content };
}
