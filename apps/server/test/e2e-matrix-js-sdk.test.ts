// End to end with matrix-js-sdk as a real client: two users register, create a
// room, invite, join, exchange messages seen through the SDK's sync loop,
// paginate history and leave — on PGlite and (when WEFT_TEST_DATABASE_URL is
// set) PostgreSQL.

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

import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startTestServer, testBackends, type TestServer } from "./support/test-server.js";

const sdk = await import("matrix-js-sdk");
// The SDK logs every sync step (and probes for endpoints Weft does not offer) on the console.
for (const level of ["log", "info", "warn", "error", "debug"] as const) vi.spyOn(console, level).mockImplementation(() => undefined);

type Client = import("matrix-js-sdk").MatrixClient;

async function registerClient(baseUrl: string, username: string): Promise<Client> {
  const anon = sdk.createClient({ baseUrl });
  const password = `pw-${username}-long-enough`;
  let session: string | undefined;
  try {
    await anon.registerRequest({ username, password });
  } catch (error) {
    session = (error as { data?: { session?: string } }).data?.session;
  }
  const res = await anon.registerRequest({ username, password, auth: { type: "m.login.dummy", session } });
  return sdk.createClient({ baseUrl, userId: res.user_id, accessToken: res.access_token!, deviceId: res.device_id! });
}

function waitFor<T>(what: string, check: () => T | undefined, timeoutMs = 15_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = (): void => {
      const value = check();
      if (value !== undefined && value !== false) return resolve(value);
      if (Date.now() - started > timeoutMs) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(tick, 20);
    };
    tick();
  });
}

async function startSyncing(client: Client): Promise<void> {
  const prepared = new Promise<void>((resolve) => {
    client.on(sdk.ClientEvent.Sync, (state) => {
      if (state === "PREPARED") resolve();
    });
  });
  await client.startClient({ initialSyncLimit: 10 });
  await prepared;
}

describe.each(testBackends())("matrix-js-sdk against Weft on $name", (backend) => {
  let t: TestServer;
  let alice: Client;
  let bob: Client;
  beforeAll(async () => {
    t = await startTestServer(backend);
    alice = await registerClient(t.url, "alice");
    bob = await registerClient(t.url, "bob");
    await startSyncing(alice);
    await startSyncing(bob);
  }, 60_000);
  afterAll(async () => {
    alice?.stopClient();
    bob?.stopClient();
    await t?.close();
  });

  it("creates a room, invites, joins, chats, paginates and leaves", async () => {
    const { room_id: roomId } = await alice.createRoom({ name: "E2E", preset: sdk.Preset.PrivateChat });
    await alice.invite(roomId, bob.getUserId()!);
    await waitFor("bob to see the invite", () => bob.getRoom(roomId)?.getMyMembership() === "invite");
    await bob.joinRoom(roomId);
    await waitFor("alice to see bob join", () => alice.getRoom(roomId)?.getMember(bob.getUserId()!)?.membership === "join");

    for (let i = 0; i < 25; i++) await alice.sendTextMessage(roomId, `message ${i}`);
    await bob.sendTextMessage(roomId, "hello alice");
    const bodies = (c: Client): string[] =>
      c.getRoom(roomId)!.getLiveTimeline().getEvents().filter((e) => e.getType() === "m.room.message").map((e) => e.getContent().body as string);
    await waitFor("alice to see bob's reply", () => bodies(alice).includes("hello alice"));
    await waitFor("bob to see alice's last message", () => bodies(bob).includes("message 24"));
    expect(bob.getRoom(roomId)!.name).toBe("E2E");

    // A fresh client's initial sync sees only the latest events; scrollback fetches the rest.
    const bob2 = sdk.createClient({ baseUrl: t.url, userId: bob.getUserId()!, accessToken: bob.getAccessToken()!, deviceId: bob.getDeviceId()! });
    await startSyncing(bob2);
    try {
      const room = bob2.getRoom(roomId)!;
      expect(bodies(bob2).length).toBeLessThanOrEqual(10);
      for (let i = 0; i < 5 && !bodies(bob2).includes("message 0"); i++) await bob2.scrollback(room, 20);
      const all = bodies(bob2);
      expect(all).toContain("message 0");
      expect(all.indexOf("message 0")).toBeLessThan(all.indexOf("message 24"));
      const page = await bob2.createMessagesRequest(roomId, null, 5, sdk.Direction.Backward);
      expect(page.chunk).toHaveLength(5);
      expect(page.chunk[0]!.content.body).toBe("hello alice");
    } finally {
      bob2.stopClient();
    }

    await bob.leave(roomId);
    await waitFor("alice to see bob leave", () => alice.getRoom(roomId)?.getMember(bob.getUserId()!)?.membership === "leave");
    await waitFor("bob's client to record the leave", () => bob.getRoom(roomId)?.getMyMembership() === "leave");
  }, 60_000);
});
