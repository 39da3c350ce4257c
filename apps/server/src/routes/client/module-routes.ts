// The optional client-server modules' routes (services/module-services.ts),
// gathered for routes/index.ts.

import type { AnyRoute } from "../../http/route.js";
import type { Services } from "../../services/index.js";
import { federationOpenIdRoutes } from "../federation/openid.js";
import { adminRoutes } from "./admin.js";
import { loginTokenRoutes } from "./login-token.js";
import { mutualRoomsRoutes } from "./mutual-rooms.js";
import { openIdRoutes } from "./openid.js";
import { roomInitialSyncRoutes } from "./room-initial-sync.js";
import { roomUpgradeRoutes } from "./room-upgrades.js";
import { searchRoutes } from "./search.js";
import { supportRoutes } from "./support.js";
import { thirdPartyRoutes } from "./thirdparty.js";
import { threepidRoutes } from "./threepid.js";
import { timestampToEventRoutes } from "./timestamp-to-event.js";
import { voipRoutes } from "./voip.js";

/** Search, upgrades, room initialSync, OpenID, admin, mutual rooms, timestamps, VoIP, third-party networks, 3PIDs, login tokens, support. */
export function moduleRoutes(services: Services): AnyRoute[] {
  return [
    ...searchRoutes(services),
    ...roomUpgradeRoutes(services),
    ...roomInitialSyncRoutes(services),
    ...openIdRoutes(services),
    ...federationOpenIdRoutes(services),
    ...adminRoutes(services),
    ...mutualRoomsRoutes(services),
    ...timestampToEventRoutes(services),
    ...voipRoutes(services),
    ...thirdPartyRoutes(services),
    ...threepidRoutes(services),
    ...loginTokenRoutes(),
    ...supportRoutes(),
  ];
}
