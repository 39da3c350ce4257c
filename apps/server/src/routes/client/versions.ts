// https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientversions
// https://spec.matrix.org/v1.19/client-server-api/#getwell-knownmatrixclient
// https://spec.matrix.org/v1.19/server-server-api/#getwell-knownmatrixserver

import type { Config } from "../../config.js";
import { defineRoute, type AnyRoute } from "../../http/route.js";

/** The spec versions whose client-server behaviour Weft implements. */
export const SUPPORTED_SPEC_VERSIONS = ["v1.1", "v1.2", "v1.3", "v1.4", "v1.5", "v1.6", "v1.7", "v1.8", "v1.9", "v1.10", "v1.11", "v1.12"] as const;

/** `/versions`, `/.well-known/matrix/*` and `/health`. */
export function discoveryRoutes(config: Config, options: { unstableFeatures?: Record<string, boolean> } = {}): AnyRoute[] {
  const baseUrl = publicBaseUrl(config);
  return [
    defineRoute({
      method: "GET",
      path: "/_matrix/client/versions",
      auth: "optional",
      handler: async () => ({ versions: [...SUPPORTED_SPEC_VERSIONS], unstable_features: options.unstableFeatures ?? {} }),
    }),
    defineRoute({
      method: "GET",
      path: "/.well-known/matrix/client",
      auth: "none",
      handler: async () => ({ "m.homeserver": { base_url: baseUrl } }),
    }),
    defineRoute({
      method: "GET",
      path: "/.well-known/matrix/server",
      auth: "none",
      handler: async () => ({ "m.server": config.server_name.includes(":") ? config.server_name : `${config.server_name}:443` }),
    }),
    defineRoute({ method: "GET", path: "/health", auth: "none", handler: async () => ({ status: "ok" }) }),
  ];
}

/** The URL clients reach this server at. */
export function publicBaseUrl(config: Config): string {
  if (config.public_baseurl) return config.public_baseurl.replace(/\/+$/, "");
  const host = config.listen.host.includes(":") ? `[${config.listen.host}]` : config.listen.host;
  return `http://${host}:${config.listen.port}`;
}
