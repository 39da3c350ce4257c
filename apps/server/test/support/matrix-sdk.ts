// matrix-js-sdk as a real client in end-to-end tests: loads the SDK (with the
// one polyfill it needs on Node 20), silences its console chatter, and offers
// the steps every scenario repeats — register, log in, sync until PREPARED,
// wait for a condition.

import { afterAll, beforeAll, vi } from "vitest";
import type { TestBackend } from "@weft/storage-pg/testing";
import { startTestServer, type TestServer } from "./test-server.js";

// matrix-js-sdk 43 declares Node 22; on Node 20 it only lacks Promise.withResolvers.
if (!(Promise as unknown as { withResolvers?: unknown }).withResolvers) {
  (Promise as unknown as { withResolvers: () => unknown }).withResolvers = function withResolvers<T>() {
    let resolve!: (value: T) => void;
    let reject!: (reason: unknown) => void;
    const promise = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}

/** The SDK module, loaded after the polyfill. */
export const sdk = await import("matrix-js-sdk");

export type Client = import("matrix-js-sdk").MatrixClient;

/** The SDK logs every sync step (and probes for endpoints Weft does not offer) on the console. */
export function silenceSdkLogs(levels: readonly ("log" | "info" | "warn" | "error" | "debug")[] = ["log", "info", "warn", "error", "debug"]): void {
  for (const level of levels) vi.spyOn(console, level).mockImplementation(() => undefined);
}

/** The password test users are registered with. */
export function passwordOf(username: string): string {
  return `pw-${username}-long-enough`;
}

/** Registers `username` through user-interactive auth (`m.login.dummy`) and returns a client for it. */
export async function registerClient(baseUrl: string, username: string): Promise<Client> {
  const anon = sdk.createClient({ baseUrl });
  const password = passwordOf(username);
  let session: string | undefined;
  try {
    await anon.registerRequest({ username, password });
  } catch (error) {
    session = (error as { data?: { session?: string } }).data?.session;
  }
  const res = await anon.registerRequest({ username, password, auth: { type: "m.login.dummy", session } });
  return sdk.createClient({ baseUrl, userId: res.user_id, accessToken: res.access_token!, deviceId: res.device_id! });
}

/** Logs `username` in with its password on a new device. */
export async function loginClient(baseUrl: string, username: string): Promise<Client> {
  const anon = sdk.createClient({ baseUrl });
  const res = await anon.login("m.login.password", { identifier: { type: "m.id.user", user: username }, password: passwordOf(username) });
  return sdk.createClient({ baseUrl, userId: res.user_id, accessToken: res.access_token, deviceId: res.device_id });
}

/** Starts the client's sync loop and resolves once the first sync is PREPARED. */
export async function startSyncing(client: Client): Promise<void> {
  const prepared = new Promise<void>((resolve) => {
    client.on(sdk.ClientEvent.Sync, (state) => {
      if (state === "PREPARED") resolve();
    });
  });
  await client.startClient({ initialSyncLimit: 10 });
  await prepared;
}

export { waitFor } from "./wait-for.js";

/** A running test server with alice and bob registered and syncing. */
export interface SyncingPair {
  readonly server: TestServer;
  readonly alice: Client;
  readonly bob: Client;
}

/**
 * For the enclosing `describe`: starts a server on `backend`, registers alice
 * and bob and starts their sync loops (`beforeAll`), and stops them all
 * (`afterAll`). Read the fields inside tests, once set up.
 */
export function syncingPair(backend: TestBackend): SyncingPair {
  const pair = {} as { server: TestServer; alice: Client; bob: Client };
  beforeAll(async () => {
    pair.server = await startTestServer(backend);
    pair.alice = await registerClient(pair.server.url, "alice");
    pair.bob = await registerClient(pair.server.url, "bob");
    await startSyncing(pair.alice);
    await startSyncing(pair.bob);
  }, 60_000);
  afterAll(async () => {
    pair.alice?.stopClient();
    pair.bob?.stopClient();
    await pair.server?.close();
  });
  return pair;
}
