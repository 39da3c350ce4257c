// Builds every service from the storage and configuration. Services hold the
// logic; they never see req/res. Each service lives in its own file named for
// its concept (accounts-service.ts, rooms-service.ts, …).

import type { Database } from "@weft/storage-pg";
import type { SigningKey } from "@weft/signing";
import type { Config } from "../config.js";
import type { Logger } from "../logger.js";
import type { Requester } from "../http/route.js";
import { Notifier } from "./notifier.js";
import { createAccountServices, type AccountServices } from "./account-services.js";
import { createRoomServices, type RoomServices } from "./room-services.js";
import { MediaService } from "./media-service.js";
import { createE2eeServices, type E2eeServices } from "./e2ee-services.js";
import { carryOverPersonalSettings, predecessorOf } from "./upgrade-carryover.js";
import { createPushServices, type PushServices } from "./push-services.js";
import { HierarchyService } from "./hierarchy-service.js";
import { createModuleServices, type ModuleServices } from "./module-services.js";

/** What every service may use. */
export interface ServiceContext {
  readonly config: Config;
  readonly db: Database;
  readonly logger: Logger;
  readonly signingKey: SigningKey;
  readonly notifier: Notifier;
  /** The clock, injectable for tests. */
  readonly now: () => number;
}

/** The services the routes call. */
export interface Services extends AccountServices, RoomServices, E2eeServices, PushServices, ModuleServices {
  readonly notifier: Notifier;
  /** The content repository (media). */
  readonly media: MediaService;
  /** Spaces: the room hierarchy and room summaries. */
  readonly hierarchy: HierarchyService;
  /** Resolves an access token to its requester, or throws `M_UNKNOWN_TOKEN`. */
  authenticate(accessToken: string): Promise<Requester>;
}

/** Creates the services. */
export async function createServices(ctx: ServiceContext): Promise<Services> {
  const accountServices = createAccountServices(ctx);
  const media = new MediaService(ctx);
  await media.init();
  const roomServices = createRoomServices(ctx, accountServices.hooks);
  const services: Services = {
    ...accountServices,
    ...roomServices,
    ...createE2eeServices(ctx, accountServices),
    // Push (issue 8): notifications, pushers, delivery worker; wires the persister and /sync hooks.
    ...createPushServices(ctx, accountServices, roomServices),
    // Optional modules: search, room upgrades, OpenID, admin, mutual rooms, VoIP, 3PIDs, …
    ...createModuleServices(ctx, roomServices),
    notifier: ctx.notifier,
    media,
    hierarchy: new HierarchyService(ctx, async (alias) => (await roomServices.directory.getAlias(alias)).room_id),
    authenticate: (accessToken) => accountServices.auth.authenticate(accessToken),
  };
  // E2EE fields of /sync (to-device, device lists, key counts) come from the keys service.
  services.sync.e2eeExtensions = (userId, deviceId, since, upTo, news) => services.keys.syncExtensions(userId, deviceId, since, upTo, news);
  // /sync's set_presence marks the user online/unavailable.
  services.sync.onSyncPresence = (userId, presence) => services.presence.setFromSync(userId, presence);
  // Room upgrades: a user's first join to a successor room copies their tags and push rules over.
  services.membership.onJoined.push(async (userId, roomId) => {
    const predecessor = predecessorOf(services.rooms.persister.cache.peek(roomId));
    if (predecessor) await carryOverPersonalSettings(ctx, services.pushRules, userId, predecessor, roomId);
  });
  services.roomUpgrades.onUpgraded.push((userId, oldRoomId, newRoomId) => carryOverPersonalSettings(ctx, services.pushRules, userId, oldRoomId, newRoomId));
  // Profile changes become membership events in joined rooms when a rooms
  // service offers updateProfileInJoinedRooms.
  accountServices.hooks.onProfileChanged.push(async (userId) => {
    const rooms = (services as { rooms?: { updateProfileInJoinedRooms?(userId: string): Promise<unknown> } }).rooms;
    await rooms?.updateProfileInJoinedRooms?.(userId);
  });
  return services;
}
