// Helpers for room tests: register users over HTTP and drive rooms.

import { expect } from "vitest";
import type { TestServer } from "./test-server.js";

/** A registered user with an access token. */
export interface RoomTestUser {
  readonly userId: string;
  readonly token: string;
  readonly deviceId: string;
}

/** Registers `username` through the dummy UIA flow. */
export async function register(t: TestServer, username: string): Promise<RoomTestUser> {
  const body = { username, password: `pw-${username}-long-enough` };
  const first = await t.request("POST", "/_matrix/client/v3/register", { body });
  const res = await t.request("POST", "/_matrix/client/v3/register", { body: { ...body, auth: { type: "m.login.dummy", session: first.body?.session } } });
  if (res.status !== 200) throw new Error(`registration failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { userId: res.body.user_id, token: res.body.access_token, deviceId: res.body.device_id };
}

/** Calls the API as `user`, expecting `status` (200 by default); returns the body. */
export async function call(t: TestServer, user: RoomTestUser | undefined, method: string, path: string, body?: unknown, status = 200): Promise<any> {
  const res = await t.request(method, path, { body, token: user?.token });
  expect(res.status, `${method} ${path} → ${JSON.stringify(res.body)}`).toBe(status);
  return res.body;
}

let txn = 0;
/** Sends an m.room.message text and returns its event ID. */
export async function sendText(t: TestServer, user: RoomTestUser, roomId: string, body: string): Promise<string> {
  const res = await call(t, user, "PUT", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/send/m.room.message/t${++txn}`, { msgtype: "m.text", body });
  return res.event_id;
}

/** `/_matrix/client/v3/rooms/{roomId}` + suffix, encoded. */
export function roomPath(roomId: string, suffix: string): string {
  return `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}${suffix}`;
}
