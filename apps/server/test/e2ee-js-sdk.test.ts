// End-to-end encryption with matrix-js-sdk's Rust crypto (Element's stack)
// against Weft: https://spec.matrix.org/v1.19/client-server-api/#end-to-end-encryption
// Two clients upload device and one-time keys, share a Megolm session over
// Olm-encrypted to-device messages in an encrypted room, decrypt each
// other's messages, bootstrap cross-signing, create a key backup, and a new
// device of the same user restores the room keys from that backup — on
// PGlite and (when WEFT_TEST_DATABASE_URL is set) PostgreSQL.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sdk, silenceSdkLogs, registerClient, loginClient, startSyncing, waitFor, passwordOf, type Client } from "./support/matrix-sdk.js";
import { startTestServer, testBackends, type TestServer } from "./support/test-server.js";

silenceSdkLogs();

async function startCrypto(client: Client): Promise<void> {
  await client.initRustCrypto({ useIndexedDB: false });
  await startSyncing(client);
}

function passwordAuth(username: string) {
  return async (makeRequest: (auth: Record<string, unknown> | null) => Promise<unknown>): Promise<void> => {
    await makeRequest({ type: "m.login.password", identifier: { type: "m.id.user", user: username }, password: passwordOf(username) });
  };
}

/** The clear-text bodies of the room's message events a client could decrypt. */
function decryptedBodies(client: Client, roomId: string): string[] {
  return (client.getRoom(roomId)?.getLiveTimeline().getEvents() ?? [])
    .filter((e) => e.getType() === "m.room.message" && e.isEncrypted() && !e.isDecryptionFailure())
    .map((e) => e.getContent().body as string);
}

describe.each(testBackends())("matrix-js-sdk Rust crypto against Weft on $name", (backend) => {
  let t: TestServer;
  let alice: Client;
  let bob: Client;
  const extra: Client[] = [];
  beforeAll(async () => {
    t = await startTestServer(backend);
    alice = await registerClient(t.url, "alice");
    bob = await registerClient(t.url, "bob");
    await startCrypto(alice);
    await startCrypto(bob);
  }, 60_000);
  afterAll(async () => {
    for (const c of [alice, bob, ...extra]) c?.stopClient();
    await t?.close();
  });

  it("encrypted room: messages decrypt on the other side; cross-signing; key backup restored on a new device", async () => {
    // Device keys and one-time keys reach the server.
    await waitForAsync("alice's device keys on the server", async () => {
      const query = await t.request("POST", "/_matrix/client/v3/keys/query", { token: bob.getAccessToken()!, body: { device_keys: { [alice.getUserId()!]: [] } } });
      return query.body.device_keys[alice.getUserId()!][alice.getDeviceId()!];
    });
    await waitForAsync("alice's one-time keys", async () => {
      const sync = await t.request("GET", "/_matrix/client/v3/sync?timeout=0", { token: alice.getAccessToken()! });
      return (sync.body.device_one_time_keys_count.signed_curve25519 ?? 0) > 0 ? true : undefined;
    });

    // An encrypted room.
    const { room_id: roomId } = await alice.createRoom({
      name: "Secret",
      preset: sdk.Preset.PrivateChat,
      invite: [bob.getUserId()!],
      initial_state: [{ type: "m.room.encryption", state_key: "", content: { algorithm: "m.megolm.v1.aes-sha2" } }],
    });
    await waitFor("bob to see the invite", () => bob.getRoom(roomId)?.getMyMembership() === "invite");
    await bob.joinRoom(roomId);
    await waitFor("alice to see bob join", () => alice.getRoom(roomId)?.getMember(bob.getUserId()!)?.membership === "join");
    await waitForAsync("alice's client to know the room is encrypted", async () => ((await alice.getCrypto()!.isEncryptionEnabledInRoom(roomId)) ? true : undefined));

    await alice.sendTextMessage(roomId, "top secret from alice");
    await waitFor("bob to decrypt alice's message", () => decryptedBodies(bob, roomId).includes("top secret from alice"), 30_000);
    await bob.sendTextMessage(roomId, "reply from bob");
    await waitFor("alice to decrypt bob's reply", () => decryptedBodies(alice, roomId).includes("reply from bob"), 30_000);
    // The server only ever saw ciphertext.
    const raw = await t.request("GET", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/messages?dir=b&limit=10`, { token: alice.getAccessToken()! });
    expect(JSON.stringify(raw.body)).not.toContain("top secret");
    expect(raw.body.chunk.filter((e: { type: string }) => e.type === "m.room.encrypted").length).toBeGreaterThanOrEqual(2);

    // Cross-signing bootstrap (the first upload needs no UIA; the callback supplies a password anyway).
    const crypto = alice.getCrypto()!;
    await crypto.bootstrapCrossSigning({ setupNewCrossSigning: true, authUploadDeviceSigningKeys: passwordAuth("alice") });
    expect(await crypto.isCrossSigningReady()).toBe(true);
    const own = await t.request("POST", "/_matrix/client/v3/keys/query", { token: alice.getAccessToken()!, body: { device_keys: { [alice.getUserId()!]: [] } } });
    expect(own.body.master_keys[alice.getUserId()!]).toBeDefined();
    expect(own.body.user_signing_keys[alice.getUserId()!]).toBeDefined();
    const device = own.body.device_keys[alice.getUserId()!][alice.getDeviceId()!];
    expect(Object.keys(device.signatures[alice.getUserId()!]).length).toBeGreaterThanOrEqual(2); // self-signature + self-signing key
    const seenByBob = await t.request("POST", "/_matrix/client/v3/keys/query", { token: bob.getAccessToken()!, body: { device_keys: { [alice.getUserId()!]: [] } } });
    expect(seenByBob.body.user_signing_keys).toEqual({});

    // Key backup: created, and the room key uploaded to it.
    await crypto.resetKeyBackup();
    await waitForAsync("the backup to be active", async () => (await crypto.getActiveSessionBackupVersion()) ?? undefined);
    const backupVersion = (await t.request("GET", "/_matrix/client/v3/room_keys/version", { token: alice.getAccessToken()! })).body.version as string;
    expect(backupVersion).toBeTypeOf("string");
    await waitForAsync("room keys in the backup", async () => {
      const info = await t.request("GET", "/_matrix/client/v3/room_keys/version", { token: alice.getAccessToken()! });
      return info.body.count > 0 ? true : undefined;
    });
    const backupKey = await crypto.getSessionBackupPrivateKey();
    expect(backupKey).not.toBeNull();

    // A new device of Alice's restores the room keys from the backup and decrypts history.
    const alice2 = await loginClient(t.url, "alice");
    extra.push(alice2);
    await startCrypto(alice2);
    await waitFor("alice2 to see the room", () => alice2.getRoom(roomId));
    const crypto2 = alice2.getCrypto()!;
    await crypto2.storeSessionBackupPrivateKey(backupKey!, backupVersion);
    const restored = await crypto2.restoreKeyBackup();
    expect(restored.imported).toBeGreaterThanOrEqual(1);
    const room2 = alice2.getRoom(roomId)!;
    for (let i = 0; i < 3 && !room2.getLiveTimeline().getEvents().some((e) => e.isEncrypted()); i++) await alice2.scrollback(room2, 20);
    for (const event of room2.getLiveTimeline().getEvents()) if (event.isEncrypted()) await alice2.decryptEventIfNeeded(event, { isRetry: true });
    await waitFor("alice2 to decrypt history from the backup", () => decryptedBodies(alice2, roomId).includes("top secret from alice"), 30_000);
  }, 120_000);
});

function waitForAsync<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const started = Date.now();
  return (async () => {
    for (;;) {
      const value = await check();
      if (value !== undefined) return value;
      if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
}
