// Helpers for account tests: register users through the real HTTP API.

import type { TestServer } from "./test-server.js";

/** A registered test user. */
export interface TestUser {
  readonly userId: string;
  readonly accessToken: string;
  readonly deviceId: string;
  readonly password: string;
}

/**
 * Registers `username` with the `m.login.dummy` flow (two requests, as a client does).
 * @example
 * ```ts
 * const alice = await registerUser(t, "alice");
 * ```
 */
export async function registerUser(t: TestServer, username: string, options: { password?: string; body?: Record<string, unknown> } = {}): Promise<TestUser> {
  const password = options.password ?? `pw-${username}`;
  const first = await t.request("POST", "/_matrix/client/v3/register", { body: { username, password, ...options.body } });
  if (first.status !== 401) throw new Error(`expected a UIA challenge, got ${first.status} ${JSON.stringify(first.body)}`);
  const res = await t.request("POST", "/_matrix/client/v3/register", {
    body: { username, password, ...options.body, auth: { type: "m.login.dummy", session: first.body.session } },
  });
  if (res.status !== 200) throw new Error(`registration failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { userId: res.body.user_id, accessToken: res.body.access_token, deviceId: res.body.device_id, password };
}

/** Logs in with a password; returns the response. */
export function login(t: TestServer, user: string, password: string, extra: Record<string, unknown> = {}): ReturnType<TestServer["request"]> {
  return t.request("POST", "/_matrix/client/v3/login", {
    body: { type: "m.login.password", identifier: { type: "m.id.user", user }, password, ...extra },
  });
}
