// https://spec.matrix.org/v1.19/client-server-api/#capabilities-negotiation

import { DEFAULT_ROOM_VERSION, ROOM_VERSIONS } from "@weft/common";
import { defineRoute, type AnyRoute } from "../../http/route.js";

/** What this server lets clients do. */
export function capabilitiesRoutes(): AnyRoute[] {
  return [
    defineRoute({
      method: "GET",
      path: "/_matrix/client/v3/capabilities",
      auth: "user",
      handler: async () => ({
        capabilities: {
          "m.change_password": { enabled: true },
          "m.room_versions": {
            default: DEFAULT_ROOM_VERSION,
            available: Object.fromEntries(Object.keys(ROOM_VERSIONS).map((version) => [version, "stable"])),
          },
          "m.set_displayname": { enabled: true },
          "m.set_avatar_url": { enabled: true },
          "m.3pid_changes": { enabled: false },
          "m.get_login_token": { enabled: false },
          "m.profile_fields": { enabled: true },
        },
      }),
    }),
  ];
}
