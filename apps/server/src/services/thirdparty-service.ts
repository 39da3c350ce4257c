// Third-party networks: https://spec.matrix.org/v1.19/client-server-api/#third-party-networks
// — protocols come from application services (bridges). This server runs
// none, so it knows no protocols, and lookups find nothing.

import { MatrixError } from "@weft/common";

/** Third-party protocol lookups on a server without bridges. */
export class ThirdPartyService {
  /** `GET /thirdparty/protocols`: none. */
  protocols(): Record<string, never> {
    return {};
  }

  /**
   * `GET /thirdparty/{protocol,location,user}/{protocol}`.
   *
   * @throws {MatrixError} `M_NOT_FOUND`: no bridge provides `protocol`.
   */
  protocol(protocol: string): never {
    throw new MatrixError("M_NOT_FOUND", `no bridge on this server provides the protocol ${protocol}`);
  }

  /** `GET /thirdparty/location?alias=` and `/thirdparty/user?userid=`: nothing maps to a third-party network. */
  reverseLookup(): [] {
    return [];
  }
}
