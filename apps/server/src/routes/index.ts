// Every route the server serves, gathered from one module per endpoint family
// (routes/client/<family>.ts).

import type { Config } from "../config.js";
import type { AnyRoute } from "../http/route.js";
import type { Services } from "../services/index.js";
import { discoveryRoutes } from "./client/versions.js";
import { accountRoutes } from "./client/account.js";
import { loginRoutes } from "./client/login.js";
import { registerRoutes as registrationRoutes } from "./client/register.js";
import { allRoomRoutes } from "./client/room-routes.js";

/** All routes, built over the services. */
export function buildRoutes(config: Config, services: Services): AnyRoute[] {
  return [...discoveryRoutes(config), ...registrationRoutes(services), ...loginRoutes(config, services), ...accountRoutes(services), ...allRoomRoutes(services)];
}
