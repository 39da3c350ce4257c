// createApp builds the Express application from its dependencies and never
// listens, so tests drive it directly. main.ts owns the process.

import { randomUUID } from "node:crypto";
import express, { type NextFunction, type Request, type Response } from "express";
import { isMatrixError } from "@weft/common";
import type { Logger } from "./logger.js";
import { HttpMatrixError, statusForError } from "./http/http-error.js";
import { registerRoutes, type RouteRuntime } from "./http/register.js";
import type { AnyRoute } from "./http/route.js";

/** Everything the HTTP layer needs. */
export interface AppDeps {
  readonly logger: Logger;
  readonly routes: readonly AnyRoute[];
  readonly runtime: RouteRuntime;
}

// https://spec.matrix.org/v1.19/client-server-api/#web-browser-clients
const CORS_HEADERS = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Methods": "GET, POST, PUT, DELETE, OPTIONS",
  "Access-Control-Allow-Headers": "X-Requested-With, Content-Type, Authorization",
} as const;

/**
 * Builds the Express app: request IDs and logs, CORS, every route, Matrix
 * errors for unknown endpoints (404/405 `M_UNRECOGNIZED`) and for failures.
 */
export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", "loopback");
  app.set("query parser", "extended");
  // Matrix clients never revalidate API responses: no ETag hashing of every body.
  app.set("etag", false);
  const logRequests = deps.logger.isLevelEnabled("debug");

  app.use((req: Request, res: Response, next: NextFunction) => {
    const requestId = (typeof req.headers["x-request-id"] === "string" && req.headers["x-request-id"].slice(0, 64)) || randomUUID();
    res.locals.requestId = requestId;
    res.setHeader("X-Request-Id", requestId);
    res.set(CORS_HEADERS);
    if (logRequests) {
      const started = performance.now();
      res.on("finish", () => {
        deps.logger.debug(
          { requestId, method: req.method, path: req.path, status: res.statusCode, ms: Math.round(performance.now() - started) },
          "request",
        );
      });
    }
    if (req.method === "OPTIONS") {
      res.status(204).end();
      return;
    }
    next();
  });

  const router = express.Router();
  registerRoutes(router, deps.routes, deps.runtime);
  // A known path with the wrong method is 405; an unknown path is 404.
  for (const path of new Set(deps.routes.map((route) => route.path))) {
    router.all(path, () => {
      throw new HttpMatrixError(405, "M_UNRECOGNIZED", "Unrecognized request: method not allowed");
    });
  }
  app.use(router);

  app.use(() => {
    throw new HttpMatrixError(404, "M_UNRECOGNIZED", "Unrecognized request");
  });

  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (isMatrixError(error)) {
      res.status(statusForError(error)).json(error.toJSON());
      return;
    }
    deps.logger.error({ err: error, requestId: res.locals.requestId, path: req.path }, "unhandled error");
    res.status(500).json({ errcode: "M_UNKNOWN", error: "Internal server error" });
  });
  return app;
}
