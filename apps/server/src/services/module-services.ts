// The optional client-server modules served beside the core
// (https://spec.matrix.org/v1.19/client-server-api/#modules): server-side
// search, room upgrades, room snapshots for peeking, OpenID, server administration, mutual rooms, jumping
// to a date, VoIP, third-party networks and 3PID management — one service per
// module, wired over the room services.

import { AdminService } from "./admin-service.js";
import type { ServiceContext } from "./index.js";
import { MutualRoomsService } from "./mutual-rooms-service.js";
import { OpenIdService } from "./openid-service.js";
import type { RoomServices } from "./room-services.js";
import { RoomInitialSyncService } from "./room-initial-sync-service.js";
import { RoomUpgradesService } from "./room-upgrades-service.js";
import { SearchService } from "./search-service.js";
import { ThirdPartyService } from "./thirdparty-service.js";
import { ThreepidService } from "./threepid-service.js";
import { TimestampToEventService } from "./timestamp-to-event-service.js";
import { VoipService } from "./voip-service.js";

/** The module services, part of `Services`. */
export interface ModuleServices {
  readonly search: SearchService;
  readonly roomUpgrades: RoomUpgradesService;
  readonly roomInitialSync: RoomInitialSyncService;
  readonly openid: OpenIdService;
  readonly admin: AdminService;
  readonly mutualRooms: MutualRoomsService;
  readonly timestampToEvent: TimestampToEventService;
  readonly voip: VoipService;
  readonly thirdParty: ThirdPartyService;
  readonly threepid: ThreepidService;
}

/**
 * Builds the module services.
 * @example
 * ```ts
 * const modules = createModuleServices(ctx, roomServices);
 * await modules.search.search(requester, { search_categories: { room_events: { search_term: "lunch" } } });
 * ```
 */
export function createModuleServices(ctx: ServiceContext, rooms: Pick<RoomServices, "rooms" | "messages">): ModuleServices {
  return {
    search: new SearchService(ctx, rooms.rooms),
    roomUpgrades: new RoomUpgradesService(ctx, rooms.rooms),
    roomInitialSync: new RoomInitialSyncService(ctx, rooms.rooms, rooms.messages),
    openid: new OpenIdService(ctx),
    admin: new AdminService(ctx),
    mutualRooms: new MutualRoomsService(ctx),
    timestampToEvent: new TimestampToEventService(ctx, rooms.rooms),
    voip: new VoipService(ctx),
    thirdParty: new ThirdPartyService(),
    threepid: new ThreepidService(),
  };
}
