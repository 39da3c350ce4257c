// The client's address for rate limiting and logs. A reverse proxy on the
// same machine (nginx, Caddy) connects from loopback and names the client in
// X-Forwarded-For; only loopback hops are trusted, so a remote client cannot
// choose the address it is limited by.

import type { IncomingMessage } from "node:http";
import { isIP } from "node:net";

/** Whether `address` is a loopback address (IPv4, IPv6 or IPv4-mapped). */
function isLoopback(address: string): boolean {
  return address === "::1" || address.startsWith("127.") || address.startsWith("::ffff:127.");
}

/**
 * The address of the client: the connection's peer, or, when that is a
 * loopback proxy, the nearest X-Forwarded-For hop that is not loopback.
 */
export function clientAddress(req: IncomingMessage): string {
  let address = req.socket.remoteAddress ?? "";
  const forwarded = req.headers["x-forwarded-for"];
  if (typeof forwarded !== "string" || !isLoopback(address)) return address;
  const hops = forwarded.split(",");
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]!.trim();
    if (isIP(hop) === 0) break; // a malformed hop ends the trusted chain
    address = hop;
    if (!isLoopback(hop)) break;
  }
  return address;
}
