// Runs one route on a node:http request: authentication, rate limiting, body
// reading with a size limit, zod validation (→ M_NOT_JSON / M_BAD_JSON /
// M_MISSING_PARAM / M_INVALID_PARAM) and writing the handler's result. This is
// the one place that sees req/res; handlers get parsed input and return data.

import type { IncomingMessage, ServerResponse } from "node:http";
import type { z } from "zod";
import { MatrixError } from "@weft/common";
import { HttpMatrixError } from "./http-error.js";
import { isRouteResponse, type AnyRoute, type Requester } from "./route.js";

/** What running routes needs from the rest of the server. */
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

/** One request, as the route runner sees it. */
export interface RouteRequest {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly params: Record<string, string>;
  readonly query: Record<string, string | string[]>;
  readonly ip: string;
  readonly requestId: string;
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** Reads the access token from `Authorization: Bearer` or the deprecated `access_token` query parameter. */
export function accessTokenOf(headers: IncomingMessage["headers"], query: Record<string, string | string[]>): string | undefined {
  const header = headers.authorization;
  if (header) {
    const match = BEARER.exec(header);
    if (match) return match[1];
  }
  const token = query.access_token;
  return typeof token === "string" && token.length > 0 ? token : undefined;
}

/** Runs `route` and writes its response; throws what the error writer turns into Matrix JSON. */
export async function runRoute(route: AnyRoute, request: RouteRequest, runtime: RouteRuntime): Promise<void> {
  const { req, res } = request;
  const accessToken = accessTokenOf(req.headers, request.query);
  let requester: Requester | undefined;
  if (route.auth !== "none") {
    if (accessToken) requester = await runtime.authenticate(accessToken);
    else if (route.auth === "user") throw new MatrixError("M_MISSING_TOKEN", "Missing access token");
  }
  if (route.rateLimited) runtime.checkRateLimit(requester ? `user:${requester.userId}` : `ip:${request.ip}`);

  const params = parseInput(route.params, request.params, "M_INVALID_PARAM", "path");
  const query = parseInput(route.query, request.query, "M_INVALID_PARAM", "query");
  let body: unknown;
  if (route.body && route.body !== "stream") {
    body = parseInput(route.body, await readJsonBody(req, runtime.maxRequestBytes), "M_BAD_JSON", "body");
  }

  const abort = new AbortController();
  const onEnd = (): void => abort.abort();
  res.once("close", onEnd);
  runtime.shutdownSignal.addEventListener("abort", onEnd);
  try {
    const result = await route.handler({
      params,
      query,
      body,
      requester,
      accessToken,
      ip: request.ip,
      requestId: request.requestId,
      signal: abort.signal,
      headers: req.headers,
      stream: route.body === "stream" ? req : undefined,
    });
    if (res.headersSent) return;
    if (!isRouteResponse(result)) return sendJson(res, 200, JSON.stringify(result ?? {}));
    for (const [name, value] of Object.entries(result.headers ?? {})) res.setHeader(name, value);
    if (result.stream) {
      res.statusCode = result.status;
      result.stream.on("error", (error) => res.destroy(error));
      result.stream.pipe(res);
    } else if (result.json !== undefined) sendJson(res, result.status, result.json);
    else if (result.body === undefined) {
      res.statusCode = result.status;
      res.end();
    } else sendJson(res, result.status, JSON.stringify(result.body));
  } finally {
    res.off("close", onEnd);
    runtime.shutdownSignal.removeEventListener("abort", onEnd);
  }
}

/** Writes a JSON response. */
export function sendJson(res: ServerResponse, status: number, json: string): void {
  res.statusCode = status;
  res.setHeader("Content-Type", "application/json; charset=utf-8");
  res.setHeader("Content-Length", Buffer.byteLength(json));
  res.end(json);
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
function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const declared = Number(req.headers["content-length"] ?? "0");
  if (declared > limit) return Promise.reject(new HttpMatrixError(413, "M_TOO_LARGE", `request body over ${limit} bytes`));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else {
        cleanup();
        req.resume(); // drain what the client still sends, so the error response can be read
        reject(new HttpMatrixError(413, "M_TOO_LARGE", `request body over ${limit} bytes`));
      }
    };
    const onEnd = (): void => {
      cleanup();
      const text = chunks.length === 1 ? chunks[0]!.toString("utf8") : Buffer.concat(chunks).toString("utf8");
      if (text.trim() === "") return resolve({});
      try {
        resolve(JSON.parse(text) as unknown);
      } catch {
        reject(new MatrixError("M_NOT_JSON", "Content not JSON."));
      }
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(error);
    };
    const cleanup = (): void => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
  });
}
