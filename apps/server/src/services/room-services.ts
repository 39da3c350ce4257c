// Wires the room-side services (rooms, membership, history, sync, directory,
// typing, receipts, relations, reports) over one ServiceContext, and plugs them
// into the account hooks (profile propagation, leaving rooms on deactivation).

import type { AccountHooks } from "./account-hooks.js";
import { DirectoryService } from "./directory-service.js";
import { EventPersister } from "./event-persister.js";
import type { ServiceContext } from "./index.js";
import { MembershipService } from "./membership-service.js";
import { MessagesService } from "./messages-service.js";
import { ReceiptsService } from "./receipts-service.js";
import { RelationsService } from "./relations-service.js";
import { ReportService } from "./report-service.js";
import { RoomsService } from "./rooms-service.js";
import { SyncService } from "./sync-service.js";
import { TypingService } from "./typing-service.js";
import { UserDirectoryService } from "./user-directory-service.js";

/** The room-side services, part of `Services`. */
export interface RoomServices {
  readonly rooms: RoomsService & { updateProfileInJoinedRooms(userId: string): Promise<void>; leaveAllRooms(userId: string): Promise<void> };
  readonly membership: MembershipService;
  readonly messages: MessagesService;
  readonly sync: SyncService;
  readonly directory: DirectoryService;
  readonly userDirectory: UserDirectoryService;
  readonly typing: TypingService;
  readonly receipts: ReceiptsService;
  readonly relations: RelationsService;
  readonly reports: ReportService;
}

/**
 * Builds the room-side services.
 * @example
 * ```ts
 * const roomServices = createRoomServices(ctx, accountServices.hooks);
 * await roomServices.rooms.createRoom(requester, { name: "Lobby" });
 * ```
 */
export function createRoomServices(ctx: ServiceContext, hooks?: AccountHooks): RoomServices {
  const persister = new EventPersister(ctx);
  const roomsCore = new RoomsService(ctx, persister);
  const membership = new MembershipService(ctx, roomsCore);
  const rooms = Object.assign(roomsCore, {
    updateProfileInJoinedRooms: (userId: string) => membership.updateProfileInJoinedRooms(userId),
    leaveAllRooms: (userId: string) => membership.leaveAllRooms(userId),
  });
  hooks?.onUserDeactivated.push((userId) => membership.leaveAllRooms(userId));
  const typing = new TypingService(ctx.notifier);
  // Typing is relayed between processes sharing a PostgreSQL database (NOTIFY).
  typing.connect(ctx.db).catch((err: unknown) => ctx.logger.warn({ err }, "typing relay unavailable"));
  return {
    rooms,
    membership,
    messages: new MessagesService(ctx, rooms),
    sync: new SyncService(ctx, rooms, typing),
    directory: new DirectoryService(ctx, rooms),
    userDirectory: new UserDirectoryService(ctx),
    typing,
    receipts: new ReceiptsService(ctx),
    relations: new RelationsService(ctx, rooms),
    reports: new ReportService(ctx, rooms),
  };
}
