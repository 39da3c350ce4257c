// Routes are data: method, path, auth kind, zod schemas for path parameters,
// query and body, and a handler that receives parsed input and returns the
// response body. Handlers never see node:http's req/res; `runRoute` is the
// one place that does.

import type { Readable } from "node:stream";
import type { z } from "zod";

/** Who is making an authenticated request. */
export interface Requester {
  readonly userId: string;
  readonly deviceId: string;
  /** The access token's row ID (for logout of this session). */
  readonly tokenId: string;
  readonly isAdmin: boolean;
  /** Set when an application service makes the request. */
  readonly appServiceId?: string;
}

/** How a route authenticates. */
export type AuthKind = "none" | "user" | "optional";

/** What a handler receives. */
export interface RouteContext<Params, Query, Body, Auth extends AuthKind> {
  readonly params: Params;
  readonly query: Query;
  readonly body: Body;
  readonly requester: Auth extends "user" ? Requester : Requester | undefined;
  /** The access token as sent (for logout, refresh). */
  readonly accessToken: string | undefined;
  /** The client's address. */
  readonly ip: string;
  readonly requestId: string;
  /** Aborted when the client goes away or the server shuts down: long polls end early. */
  readonly signal: AbortSignal;
  /** Request headers (lower-case names), for the few routes that need them. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** For `body: "stream"` routes: the request body as a stream. */
  readonly stream: Readable | undefined;
}

/** A response other than `200 OK` with a JSON body. */
export interface RouteResponse {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** A streamed body (media downloads); `body` is ignored when set. */
  readonly stream?: Readable;
  /** A body already serialised as JSON text, sent as is (`application/json`); `body` is ignored when set. */
  readonly json?: string;
}

/** One endpoint. */
export interface Route<Params = unknown, Query = unknown, Body = unknown, Auth extends AuthKind = AuthKind> {
  readonly method: "GET" | "POST" | "PUT" | "DELETE";
  /** Path with `:name` parameters, e.g. `/_matrix/client/v3/rooms/:roomId/send/:eventType/:txnId`. */
  readonly path: string;
  readonly auth: Auth;
  readonly params?: z.ZodType<Params>;
  readonly query?: z.ZodType<Query>;
  /** A zod schema for a JSON body, or `"stream"` to receive the raw body as a stream. */
  readonly body?: z.ZodType<Body> | "stream";
  /** Counted by the per-user/IP rate limiter. */
  readonly rateLimited?: boolean;
  /** Whether a deactivated or soft-logged-out session may still call it (default false). */
  readonly handler: (ctx: RouteContext<Params, Query, Body, Auth>) => Promise<unknown>;
}

/**
 * Declares a route with full type inference of its context.
 *
 * @example
 * ```ts
 * defineRoute({
 *   method: "GET", path: "/_matrix/client/v3/account/whoami", auth: "user",
 *   handler: async ({ requester }) => ({ user_id: requester.userId, device_id: requester.deviceId }),
 * });
 * ```
 */
export function defineRoute<Params = Record<string, string>, Query = Record<string, unknown>, Body = undefined, Auth extends AuthKind = "user">(
  route: Route<Params, Query, Body, Auth>,
): Route<Params, Query, Body, Auth> {
  return route;
}

/** Marks a handler result as a non-200 or streamed response. */
export function respond(response: RouteResponse): RouteResponse & { [RESPONSE]: true } {
  return { ...response, [RESPONSE]: true };
}

const RESPONSE = Symbol.for("weft.route-response");

/** Whether a handler's result is a {@link respond} value. */
export function isRouteResponse(value: unknown): value is RouteResponse {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[RESPONSE] === true;
}

// Routes of different shapes live in one list.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRoute = Route<any, any, any, AuthKind>;
