// Every route the server serves, gathered from one module per endpoint family
// (routes/client/<family>.ts).

import type { Config } from "../config.js";
import type { AnyRoute } from "../http/route.js";
import type { Services } from "../services/index.js";
import { discoveryRoutes } from "./client/versions.js";

/** All routes, built over the services. */
export function buildRoutes(config: Config, services: Services): AnyRoute[] {
  void services;
  return [...discoveryRoutes(config)];
}
