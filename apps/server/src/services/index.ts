// Builds every service from the storage and configuration. Services hold the
// logic; they never see req/res. Each service lives in its own file named for
// its concept (accounts-service.ts, rooms-service.ts, …).

import type { Database } from "@weft/storage-pg";
import type { SigningKey } from "@weft/signing";
import type { Config } from "../config.js";
import type { Logger } from "../logger.js";
import { MatrixError } from "@weft/common";
import type { Requester } from "../http/route.js";
import { Notifier } from "./notifier.js";

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
export interface Services {
  readonly notifier: Notifier;
  /** Resolves an access token to its requester, or throws `M_UNKNOWN_TOKEN`. */
  authenticate(accessToken: string): Promise<Requester>;
}

/** Creates the services. */
export async function createServices(ctx: ServiceContext): Promise<Services> {
  return {
    notifier: ctx.notifier,
    async authenticate() {
      throw new MatrixError("M_UNKNOWN_TOKEN", "Unknown access token");
    },
  };
}
