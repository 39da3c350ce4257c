// Room upgrades: https://spec.matrix.org/v1.19/client-server-api/#room-upgrades
// (POST /rooms/{roomId}/upgrade, server behaviour steps 1–6). The replacement
// room is created through RoomsService.createRoom, so it gets the same PDUs,
// auth checks and room-ID rules as any other room.

import { MatrixError, isKnownRoomVersion, isUserId, roomVersionRules } from "@weft/common";
import { moveRoomAliases, roomEvents } from "@weft/storage-pg";
import type { Requester } from "../http/route.js";
import { runHooks } from "./account-hooks.js";
import type { ServiceContext } from "./index.js";
import { powerOf, requiredPower } from "./event-authorizer.js";
import type { EventDraft } from "./event-builder.js";
import type { RoomsService } from "./rooms-service.js";

/**
 * State copied to the replacement room (step 3, the spec's recommended list).
 * Membership and sender-sensitive state is never copied.
 */
export const TRANSFERABLE_STATE = [
  "m.room.server_acl",
  "m.room.encryption",
  "m.room.name",
  "m.room.avatar",
  "m.room.topic",
  "m.room.guest_access",
  "m.room.history_visibility",
  "m.room.join_rules",
  "m.room.power_levels",
] as const;

/** The `POST /rooms/{roomId}/upgrade` body. */
export interface UpgradeRequest {
  new_version: string;
  additional_creators?: string[] | undefined;
}

/** Upgrades rooms. */
export class RoomUpgradesService {
  /** Run after an upgrade for the user who made it (who joins the new room as its creator); failures are logged. */
  readonly onUpgraded: Array<(userId: string, oldRoomId: string, newRoomId: string) => Promise<void>> = [];

  constructor(
    private readonly ctx: ServiceContext,
    private readonly rooms: RoomsService,
  ) {}

  /**
   * Replaces `roomId` with a new room of `new_version`.
   *
   * @returns the replacement room's ID.
   * @throws {MatrixError} `M_UNSUPPORTED_ROOM_VERSION`; `M_FORBIDDEN` when the
   *   requester may not send `m.room.tombstone` (or is not in the room);
   *   `M_INVALID_PARAM` for bad `additional_creators`.
   * @example
   * ```ts
   * const { replacement_room } = await upgrades.upgrade(requester, "!old:example.com", { new_version: "12" });
   * ```
   */
  async upgrade(requester: Requester, roomId: string, body: UpgradeRequest): Promise<{ replacement_room: string }> {
    if (!isKnownRoomVersion(body.new_version)) throw new MatrixError("M_UNSUPPORTED_ROOM_VERSION", `unsupported room version ${body.new_version}`);
    for (const user of body.additional_creators ?? []) {
      if (!isUserId(user)) throw new MatrixError("M_INVALID_PARAM", `expected user IDs in additional_creators, got ${user}`);
    }
    const oldVersion = await this.rooms.roomVersion(roomId);
    const snapshot = oldVersion ? await this.rooms.currentSnapshot(roomId) : undefined;
    if (!oldVersion || !snapshot) throw new MatrixError("M_FORBIDDEN", `you are not in room ${roomId}`);
    const user = requester.userId;
    const member = snapshot.state.get("m.room.member", user)?.content as { membership?: unknown } | undefined;
    // 1. The requester must be able to send m.room.tombstone in the old room.
    const userPower = powerOf(user, snapshot.state, oldVersion);
    if (member?.membership !== "join" || userPower < requiredPower("m.room.tombstone", true, snapshot.state, oldVersion)) {
      throw new MatrixError("M_FORBIDDEN", "you cannot upgrade this room: sending m.room.tombstone needs more power");
    }
    const newRules = roomVersionRules(body.new_version);
    const content = (type: string): Record<string, unknown> | undefined => snapshot.state.get(type, "")?.content as Record<string, unknown> | undefined;

    // 2. The create event: predecessor (since room version 12 without event_id,
    // whose room ID is its create event's hash and cannot cite what comes after)
    // and the old room's type.
    const oldCreate = content("m.room.create") ?? {};
    const predecessor: Record<string, unknown> = { room_id: roomId };
    if (!newRules.authorization.privilegedCreators) {
      const [latest] = await roomEvents(this.ctx.db, { roomId, direction: "backward", limit: 1 });
      if (latest) predecessor.event_id = latest.event_id;
    }
    const creationContent: Record<string, unknown> = { predecessor };
    if (typeof oldCreate.type === "string") creationContent.type = oldCreate.type;
    if (oldCreate["m.federate"] === false) creationContent["m.federate"] = false;
    const additionalCreators = newRules.authorization.additionalCreators ? [...new Set(body.additional_creators ?? [])].filter((u) => u !== user) : [];
    if (additionalCreators.length > 0) creationContent.additional_creators = additionalCreators;

    // 3. Transferable state; power levels adapted to the new room's creators.
    const initialState: { type: string; state_key: string; content: Record<string, unknown> }[] = [];
    for (const type of TRANSFERABLE_STATE) {
      const c = content(type);
      if (!c || type === "m.room.power_levels") continue;
      initialState.push({ type, state_key: "", content: c });
    }
    const oldPower = content("m.room.power_levels");
    if (oldPower) {
      const users: Record<string, unknown> = { ...((oldPower.users as Record<string, unknown> | undefined) ?? {}) };
      if (newRules.authorization.privilegedCreators) {
        // Since room version 12 creators are above every power level and must not be listed.
        delete users[user];
        for (const creator of additionalCreators) delete users[creator];
      } else {
        // The upgrader keeps their power, and needs enough to send the copied state:
        // a creator of a version 12 room (infinitely powerful) gets the room's highest level.
        const highest = Math.max(100, ...Object.values(users).filter((v): v is number => typeof v === "number"));
        users[user] = Number.isFinite(userPower) ? Math.max(userPower, (users[user] as number | undefined) ?? 0) : highest;
      }
      initialState.push({ type: "m.room.power_levels", state_key: "", content: { ...oldPower, users } });
    }
    const oldAlias = content("m.room.canonical_alias");

    const created = await this.rooms.createRoom(requester, {
      room_version: body.new_version,
      creation_content: creationContent,
      initial_state: initialState,
      // The preset only fills what the copied state leaves out (guest access of invite-only rooms).
      preset: (content("m.room.join_rules")?.join_rule ?? "invite") === "public" ? "public_chat" : "private_chat",
    });
    const newRoomId = created.room_id;

    // 3b. Bans follow the room (as Synapse does; the spec leaves it open): a user
    // banned from the old room must not walk into its replacement.
    const bans: EventDraft[] = [];
    for (const event of snapshot.state.values()) {
      const c = event.content as { membership?: unknown; reason?: unknown };
      if (event.type !== "m.room.member" || c.membership !== "ban" || typeof event.state_key !== "string" || event.state_key === user) continue;
      bans.push({ type: "m.room.member", stateKey: event.state_key, sender: user, content: { membership: "ban", ...(typeof c.reason === "string" ? { reason: c.reason } : {}) } });
    }
    if (bans.length > 0) {
      await this.rooms.persister.send(newRoomId, bans).catch((err: unknown) => {
        this.ctx.logger.warn({ err, roomId: newRoomId }, "could not carry the old room's bans to its replacement");
      });
    }

    // 4. Local aliases (and the directory listing) move to the new room, and the
    // canonical alias follows them.
    const moved = await this.ctx.db.transaction((tx) => moveRoomAliases(tx, roomId, newRoomId));
    if (oldAlias && (oldAlias.alias !== undefined || oldAlias.alt_aliases !== undefined)) {
      const movedSet = new Set(moved.aliases);
      const alias = typeof oldAlias.alias === "string" && movedSet.has(oldAlias.alias) ? oldAlias.alias : undefined;
      const alt = Array.isArray(oldAlias.alt_aliases) ? oldAlias.alt_aliases.filter((a): a is string => typeof a === "string" && movedSet.has(a)) : [];
      if (alias !== undefined || alt.length > 0) {
        await this.rooms.sendState(requester, newRoomId, "m.room.canonical_alias", "", { ...(alias ? { alias } : {}), ...(alt.length ? { alt_aliases: alt } : {}) });
      }
    }

    // 5. The tombstone, then 6. power levels that stop sending and inviting,
    // in one transaction on the old room (the auth rules check both again).
    await this.rooms.persister.send(roomId, (current) => {
      const drafts: EventDraft[] = [
        { type: "m.room.tombstone", stateKey: "", sender: user, content: { body: "This room has been replaced", replacement_room: newRoomId } },
      ];
      const pl = current.state.get("m.room.power_levels", "")?.content as Record<string, unknown> | undefined;
      if (pl) {
        const usersDefault = typeof pl.users_default === "number" ? pl.users_default : 0;
        const restricted = Math.max(50, usersDefault + 1);
        const next = { ...pl };
        let changed = false;
        for (const key of ["events_default", "invite"] as const) {
          const value = typeof pl[key] === "number" ? (pl[key] as number) : 0;
          if (value < restricted) {
            next[key] = restricted;
            changed = true;
          }
        }
        const needed = requiredPower("m.room.power_levels", true, current.state, oldVersion);
        if (changed && powerOf(user, current.state, oldVersion) >= needed) {
          drafts.push({ type: "m.room.power_levels", stateKey: "", sender: user, content: next });
        }
      }
      return drafts;
    });
    if (oldAlias && moved.aliases.length > 0) {
      // The old room no longer owns those aliases: its canonical alias is cleared.
      await this.rooms.sendState(requester, roomId, "m.room.canonical_alias", "", {}).catch((err: unknown) => {
        this.ctx.logger.warn({ err, roomId }, "could not clear the old room's canonical alias after an upgrade");
      });
    }
    await runHooks(this.onUpgraded, [requester.userId, roomId, newRoomId], this.ctx.logger);
    return { replacement_room: newRoomId };
  }
}
