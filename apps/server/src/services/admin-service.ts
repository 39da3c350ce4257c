// Server administration: https://spec.matrix.org/v1.19/client-server-api/#server-administration
// (GET /admin/whois/{userId}: a user's sessions and where they connect from).

import { MatrixError } from "@weft/common";
import { AccountsStore, DevicesStore } from "@weft/storage-pg";
import type { Requester } from "../http/route.js";
import type { ServiceContext } from "./index.js";

/** One connection of a session (https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3adminwhoisuserid). */
export interface WhoisConnection {
  ip?: string;
  last_seen?: number;
  user_agent?: string;
}

/** Administration queries. */
export class AdminService {
  constructor(private readonly ctx: ServiceContext) {}

  /**
   * `whois`: the devices of `userId`, each one session with its last connection.
   * Server admins may ask about anyone; users about themselves.
   *
   * @throws {MatrixError} `M_FORBIDDEN` for other users' sessions without admin rights; `M_NOT_FOUND` for unknown local users.
   * @example
   * ```ts
   * const info = await admin.whois(requester, "@alice:example.com");
   * ```
   */
  async whois(requester: Requester, userId: string): Promise<{ user_id: string; devices: Record<string, { sessions: { connections: WhoisConnection[] }[] }> }> {
    if (userId !== requester.userId && !requester.isAdmin) throw new MatrixError("M_FORBIDDEN", "only server admins may look up other users");
    if (!(await new AccountsStore(this.ctx.db).userExists(userId))) throw new MatrixError("M_NOT_FOUND", `unknown user ${userId}`);
    const devices: Record<string, { sessions: { connections: WhoisConnection[] }[] }> = {};
    for (const device of await new DevicesStore(this.ctx.db).listDevices(userId)) {
      const connection: WhoisConnection = {};
      if (device.last_seen_ip) connection.ip = device.last_seen_ip;
      if (device.last_seen_ts != null) connection.last_seen = Number(device.last_seen_ts);
      devices[device.device_id] = { sessions: [{ connections: Object.keys(connection).length ? [connection] : [] }] };
    }
    return { user_id: userId, devices };
  }
}
