// createApp builds the request listener from its dependencies and never
// listens, so tests drive it directly. server.ts owns the process.
//
// HTTP is node:http with Weft's own route table rather than Express: the
// routes are data already (routes/client/*.ts) and Express only dispatched
// them, at 100–180 µs of CPU per request on this 2-core machine (an empty
// route answered at 6,700 req/s on node:http, 3,900 behind one Express
// middleware, 3,000 behind Express's router with our ~600 layers).

import { randomUUID } from "node:crypto";
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { isMatrixError, MatrixError } from "@weft/common";
import type { Logger } from "./logger.js";
import { clientAddress } from "./http/client-address.js";
import { HttpMatrixError, statusForError } from "./http/http-error.js";
import { RouteTable } from "./http/route-table.js";
import { runRoute, sendJson, type RouteRuntime } from "./http/run-route.js";
import type { AnyRoute } from "./http/route.js";

/** Everything the HTTP layer needs. */
export interface AppDeps {
  readonly logger: Logger;
  readonly routes: readonly AnyRoute[];
  readonly runtime: RouteRuntime;
}

// https://spec.matrix.org/v1.19/client-server-api/#web-browser-clients
const CORS_HEADERS: readonly [string, string][] = [
  ["Access-Control-Allow-Origin", "*"],
  ["Access-Control-Allow-Methods", "GET, POST, PUT, DELETE, OPTIONS"],
  ["Access-Control-Allow-Headers", "X-Requested-With, Content-Type, Authorization"],
];

/**
 * Builds the request listener: request IDs and logs, CORS, every route,
 * Matrix errors for unknown endpoints (404/405 `M_UNRECOGNIZED`) and for
 * failures.
 */
export function createApp(deps: AppDeps): RequestListener {
  const table = new RouteTable(deps.routes);
  const logRequests = deps.logger.isLevelEnabled("debug");

  const fail = (error: unknown, req: IncomingMessage, res: ServerResponse, requestId: string): void => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (isMatrixError(error)) {
      sendJson(res, statusForError(error), JSON.stringify(error.toJSON()));
      return;
    }
    deps.logger.error({ err: error, requestId, path: req.url }, "unhandled error");
    sendJson(res, 500, JSON.stringify({ errcode: "M_UNKNOWN", error: "Internal server error" }));
  };

  return (req, res) => {
    const header = req.headers["x-request-id"];
    const requestId = (typeof header === "string" && header.slice(0, 64)) || randomUUID();
    res.setHeader("X-Request-Id", requestId);
    for (const [name, value] of CORS_HEADERS) res.setHeader(name, value);
    if (logRequests) {
      const started = performance.now();
      res.on("finish", () => {
        deps.logger.debug({ requestId, method: req.method, path: req.url, status: res.statusCode, ms: Math.round(performance.now() - started) }, "request");
      });
    }
    const method = req.method ?? "GET";
    if (method === "OPTIONS") {
      res.statusCode = 204;
      res.end();
      return;
    }
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const found = table.lookup(method, q === -1 ? url : url.slice(0, q));
    if (found.kind !== "route") {
      // An unread request body would be taken for the next request on this connection.
      req.resume();
      const error =
        found.kind === "method-not-allowed"
          ? new HttpMatrixError(405, "M_UNRECOGNIZED", "Unrecognized request: method not allowed")
          : found.kind === "bad-param"
            ? new MatrixError("M_INVALID_PARAM", `path parameter ${found.name} is not valid percent-encoding`)
            : new HttpMatrixError(404, "M_UNRECOGNIZED", "Unrecognized request");
      fail(error, req, res, requestId);
      return;
    }
    const request = { req, res, params: found.params, query: q === -1 ? {} : parseQuery(url.slice(q + 1)), ip: clientAddress(req), requestId };
    runRoute(found.route, request, deps.runtime).catch((error: unknown) => {
      req.resume();
      fail(error, req, res, requestId);
    });
  };
}

/** Query parameters; a repeated name (`via=a&via=b`) gives an array. */
function parseQuery(search: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>; // "__proto__" is just a name here
  for (const [key, value] of new URLSearchParams(search)) {
    const name = key.endsWith("[]") ? key.slice(0, -2) : key;
    const existing = out[name];
    if (existing === undefined) out[name] = key === name ? value : [value];
    else out[name] = Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return out;
}
