// Binds route definitions to Express: authentication, rate limiting, body
// reading with a size limit, zod validation (→ M_NOT_JSON / M_BAD_JSON /
// M_MISSING_PARAM / M_INVALID_PARAM) and writing the handler's result.

import type { Request, Response, Router } from "express";
import { z } from "zod";
import { MatrixError } from "@weft/common";
import { HttpMatrixError } from "./http-error.js";
import { isRouteResponse, type AnyRoute, type Requester } from "./route.js";

/** What route registration needs from the rest of the server. */
export interface RouteRuntime {
  /** Resolves an access token; throws `M_UNKNOWN_TOKEN` when it is not valid. */
  authenticate(accessToken: string): Promise<Requester>;
  /** Throws `M_LIMIT_EXCEEDED` (with `retry_after_ms`) when the caller is over its limit. */
  checkRateLimit(key: string): void;
  /** JSON body limit in bytes. */
  readonly maxRequestBytes: number;
  /** Aborted at shutdown: ends long polls. */
  readonly shutdownSignal: AbortSignal;
}

/** Reads the access token from `Authorization: Bearer` or the deprecated `access_token` query parameter. */
export function accessTokenOf(req: Request): string | undefined {
  const header = req.headers.authorization;
  if (header) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (match) return match[1];
  }
  const query = req.query.access_token;
  return typeof query === "string" && query.length > 0 ? query : undefined;
}

/** Registers every route on `router`. */
export function registerRoutes(router: Router, routes: readonly AnyRoute[], runtime: RouteRuntime): void {
  for (const route of routes) {
    const method = route.method.toLowerCase() as "get" | "post" | "put" | "delete";
    router[method](route.path, async (req: Request, res: Response, next: (error?: unknown) => void) => {
      try {
        await handle(route, req, res, runtime);
      } catch (error) {
        next(error);
      }
    });
  }
}

async function handle(route: AnyRoute, req: Request, res: Response, runtime: RouteRuntime): Promise<void> {
  const accessToken = accessTokenOf(req);
  let requester: Requester | undefined;
  if (route.auth !== "none") {
    if (accessToken) requester = await runtime.authenticate(accessToken);
    else if (route.auth === "user") throw new MatrixError("M_MISSING_TOKEN", "Missing access token");
  }
  if (route.rateLimited) runtime.checkRateLimit(requester ? `user:${requester.userId}` : `ip:${req.ip ?? "?"}`);

  const params = parseInput(route.params, { ...req.params }, "M_INVALID_PARAM", "path");
  const query = parseInput(route.query, { ...(req.query as Record<string, unknown>) }, "M_INVALID_PARAM", "query");
  let body: unknown;
  if (route.body && route.body !== "stream") {
    body = parseInput(route.body, await readJsonBody(req, runtime.maxRequestBytes), "M_BAD_JSON", "body");
  }

  const abort = new AbortController();
  const onClose = (): void => abort.abort();
  res.on("close", onClose);
  const onShutdown = (): void => abort.abort();
  runtime.shutdownSignal.addEventListener("abort", onShutdown);
  try {
    const result = await route.handler({
      params,
      query,
      body,
      requester,
      accessToken,
      ip: req.ip ?? "",
      requestId: String(res.locals.requestId ?? ""),
      signal: abort.signal,
      headers: req.headers,
      stream: route.body === "stream" ? req : undefined,
    });
    if (res.headersSent) return;
    if (isRouteResponse(result)) {
      for (const [name, value] of Object.entries(result.headers ?? {})) res.setHeader(name, value);
      res.status(result.status);
      if (result.stream) {
        result.stream.on("error", (error) => res.destroy(error));
        result.stream.pipe(res);
      } else if (result.json !== undefined) res.type("application/json").send(result.json);
      else if (result.body === undefined) res.end();
      else res.json(result.body);
    } else {
      res.status(200).json(result ?? {});
    }
  } finally {
    res.off("close", onClose);
    runtime.shutdownSignal.removeEventListener("abort", onShutdown);
  }
}

function parseInput(schema: z.ZodType | undefined, value: unknown, errcode: string, where: string): unknown {
  if (!schema) return value;
  const result = schema.safeParse(value, { reportInput: true }); // input tells a missing key from a wrong type
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const path = issue.path.join(".");
  const missing = issue.code === "invalid_type" && (issue as { input?: unknown }).input === undefined;
  if (missing && where === "query") throw new MatrixError("M_MISSING_PARAM", `missing query parameter ${path}`);
  if (missing && where === "body") {
    throw new MatrixError(path ? "M_MISSING_PARAM" : "M_NOT_JSON", path ? `missing ${path} in request body` : "expected a JSON body");
  }
  throw new MatrixError(errcode, `${where}${path ? `.${path}` : ""}: ${issue.message}`);
}

/** Reads and parses a JSON request body; an empty body reads as `{}`. */
async function readJsonBody(req: Request, limit: number): Promise<unknown> {
  const declared = Number(req.headers["content-length"] ?? "0");
  if (declared > limit) throw new HttpMatrixError(413, "M_TOO_LARGE", `request body over ${limit} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new HttpMatrixError(413, "M_TOO_LARGE", `request body over ${limit} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new MatrixError("M_NOT_JSON", "Content not JSON.");
  }
}
