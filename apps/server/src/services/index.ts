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
export interface Services extends AccountServices, RoomServices {
  readonly notifier: Notifier;
  /** Resolves an access token to its requester, or throws `M_UNKNOWN_TOKEN`. */
  authenticate(accessToken: string): Promise<Requester>;
}

/** Creates the services. */
export async function createServices(ctx: ServiceContext): Promise<Services> {
  const accountServices = createAccountServices(ctx);
  const services: Services = {
    ...accountServices,
    ...createRoomServices(ctx, accountServices.hooks),
    notifier: ctx.notifier,
    authenticate: (accessToken) => accountServices.auth.authenticate(accessToken),
  };
  // Profile changes become membership events in joined rooms when a rooms
  // service offers updateProfileInJoinedRooms.
  accountServices.hooks.onProfileChanged.push(async (userId) => {
    const rooms = (services as { rooms?: { updateProfileInJoinedRooms?(userId: string): Promise<unknown> } }).rooms;
    await rooms?.updateProfileInJoinedRooms?.(userId);
  });
  return services;
}
