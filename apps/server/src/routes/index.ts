// Every route the server serves, gathered from one module per endpoint family
// (routes/client/<family>.ts).

import type { Config } from "../config.js";
import type { AnyRoute } from "../http/route.js";
import type { Services } from "../services/index.js";
import { discoveryRoutes } from "./client/versions.js";
import { accountRoutes } from "./client/account.js";
import { loginRoutes } from "./client/login.js";
import { registerRoutes as registrationRoutes } from "./client/register.js";
import { accountDataRoutes } from "./client/account-data.js";
import { capabilitiesRoutes } from "./client/capabilities.js";
import { deviceRoutes } from "./client/devices.js";
import { filterRoutes } from "./client/filters.js";
import { presenceRoutes } from "./client/presence.js";
import { profileRoutes } from "./client/profile.js";
import { pushRuleRoutes } from "./client/pushrules.js";
import { notificationRoutes } from "./client/notifications.js";
import { pusherRoutes } from "./client/pushers.js";
import { allRoomRoutes } from "./client/room-routes.js";
import { mediaRoutes } from "./client/media.js";
import { keysRoutes } from "./client/keys.js";
import { toDeviceRoutes } from "./client/to-device.js";
import { roomKeysRoutes } from "./client/room-keys.js";
import { hierarchyRoutes } from "./client/hierarchy.js";
import { moduleRoutes } from "./client/module-routes.js";

/** All routes, built over the services. */
export function buildRoutes(config: Config, services: Services): AnyRoute[] {
  return [...discoveryRoutes(config), ...registrationRoutes(services), ...loginRoutes(config, services), ...accountRoutes(services), ...deviceRoutes(services), ...profileRoutes(services), ...accountDataRoutes(services), ...filterRoutes(services), ...presenceRoutes(services), ...pushRuleRoutes(services), ...notificationRoutes(services), ...pusherRoutes(services), ...capabilitiesRoutes(), ...allRoomRoutes(services), ...keysRoutes(services), ...toDeviceRoutes(services), ...roomKeysRoutes(services), ...mediaRoutes(services), ...hierarchyRoutes(services), ...moduleRoutes(services)];
}
