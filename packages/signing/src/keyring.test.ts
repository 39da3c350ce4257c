import { describe, expect, it } from "vitest";
import { Keyring, buildServerKeysResponse, generateSigningKey, signEvent, verifyEvent, verifyEventSync } from "./index.js";

const key = generateSigningKey("1");
const now = 1_700_000_000_000;
const response = (server = "example.com", validUntilTs = now + 86_400_000) =>
  buildServerKeysResponse({ serverName: server, keys: key, validUntilTs });

function counting(make: (server: string) => unknown = (s) => response(s)) {
  const calls: string[] = [];
  return {
    calls,
    fetchServerKeys: async (server: string) => {
      calls.push(server);
      await new Promise((r) => setTimeout(r, 1));
      return make(server);
    },
  };
}

describe("Keyring", () => {
  it("fetches once for concurrent lookups, then answers from cache synchronously", async () => {
    const fetcher = counting();
    let clock = now;
    const keyring = new Keyring({ now: () => clock, fetchServerKeys: fetcher.fetchServerKeys });
    const [a, b] = await Promise.all([keyring.keyLookup("example.com", key.keyId, now), keyring.keyLookup("example.com", "ed25519:x", now)]);
    expect(fetcher.calls).toEqual(["example.com"]);
    expect(a?.key).toBeDefined();
    expect(b).toBeNull();
    const cached = keyring.keyLookup("example.com", key.keyId, now);
    expect(cached).not.toBeInstanceOf(Promise);
    // A missing key does not refetch within the interval…
    expect(keyring.keyLookup("example.com", "ed25519:x", now)).toBeNull();
    // …but does after it.
    clock += 60_000;
    await keyring.keyLookup("example.com", "ed25519:x", now);
    expect(fetcher.calls).toHaveLength(2);
  });

  it("verifies events end to end, and prefetch enables verifyEventSync", async () => {
    const fetcher = counting();
    const keyring = new Keyring({ now: () => now, fetchServerKeys: fetcher.fetchServerKeys });
    const event = signEvent(
      { room_id: "!r:example.com", sender: "@alice:example.com", type: "m.room.message", content: { body: "hi" }, origin_server_ts: now, depth: 1, prev_events: [], auth_events: [] },
      "example.com",
      key,
      "12",
    );
    expect(verifyEventSync(event, "12", keyring.syncKeyLookup)).toMatchObject({ reason: "unknown_key" });
    await keyring.prefetch([{ serverName: "example.com", keyId: key.keyId, atTs: now }]);
    expect(verifyEventSync(event, "12", keyring.syncKeyLookup).outcome).toBe("accept");
    expect((await verifyEvent(event, "12", keyring.keyLookup)).outcome).toBe("accept");
    expect(fetcher.calls).toHaveLength(1);
  });

  it("refuses bad responses and records why", async () => {
    const keyring = new Keyring({ now: () => now, fetchServerKeys: counting(() => response("impostor.org")).fetchServerKeys });
    expect(await keyring.keyLookup("example.com", key.keyId, now)).toBeNull();
    expect(keyring.lastFetchError("example.com")).toMatch(/^wrong_server_name/);
    const failing = new Keyring({ now: () => now, fetchServerKeys: async () => { throw new Error("boom"); } });
    expect(await failing.keyLookup("example.com", key.keyId, now)).toBeNull();
    expect(failing.lastFetchError("example.com")).toBe("fetch failed: boom");
  });

  it("refetches a key that is not valid at the requested time", async () => {
    let validUntil = now - 1;
    const fetcher = counting((s) => response(s, validUntil));
    let clock = now;
    const keyring = new Keyring({ now: () => clock, fetchServerKeys: fetcher.fetchServerKeys, minRefetchIntervalMs: 0 });
    expect(await keyring.keyLookup("example.com", key.keyId, now)).toMatchObject({ validUntilTs: now - 1 });
    validUntil = now + 1000;
    clock += 1;
    expect(await keyring.keyLookup("example.com", key.keyId, now)).toMatchObject({ validUntilTs: now + 1000 });
    expect(fetcher.calls).toHaveLength(2);
  });

  it("is bounded and works without a fetcher", () => {
    const keyring = new Keyring({ now: () => now, maxServers: 2 });
    keyring.addVerifyKey("a.org", key.keyId, key.publicKeyBase64);
    keyring.addVerifyKey("b.org", key.keyId, key.publicKey);
    keyring.syncKeyLookup("a.org", key.keyId); // lookups do not reorder; adding does
    keyring.addVerifyKey("c.org", key.keyId, key.toVerifyKey());
    expect(keyring.size).toBe(2);
    expect(keyring.keyLookup("a.org", key.keyId, now)).toBeNull();
    expect(keyring.keyLookup("c.org", key.keyId, now)).not.toBeNull();
    keyring.clear();
    expect(keyring.size).toBe(0);
    expect(() => keyring.addVerifyKey("a.org", key.keyId, "AAAA")).toThrow(expect.objectContaining({ code: "INVALID_PUBLIC_KEY" }));
    expect(() => new Keyring({} as never)).toThrow(expect.objectContaining({ code: "INVALID_OPTIONS" }));
  });

  it("stores responses obtained elsewhere", () => {
    const keyring = new Keyring({ now: () => now });
    expect(keyring.addServerKeysResponse(response(), "example.com").ok).toBe(true);
    expect(keyring.syncKeyLookup("example.com", key.keyId)).not.toBeNull();
    expect(keyring.addServerKeysResponse(response(), "other.org").ok).toBe(false);
  });
});

describe("Keyring with a notary", () => {
  it("accepts a /_matrix/key/v2/query answer, keeping only self-signed entries for the server", async () => {
    const impostor = generateSigningKey("1");
    const forged = buildServerKeysResponse({ serverName: "example.com", keys: impostor, validUntilTs: now + 1000 });
    const unsigned = { ...forged, signatures: {} };
    const keyring = new Keyring({
      now: () => now,
      fetchServerKeys: async () => ({ server_keys: [unsigned, response("other.org"), response()] }),
    });
    const found = await keyring.keyLookup("example.com", key.keyId, now);
    expect(found?.key).toBeDefined();
    expect(keyring.syncKeyLookup("example.com", key.keyId)!.validUntilTs).toBe(now + 86_400_000);
    const empty = new Keyring({ now: () => now, fetchServerKeys: async () => ({ server_keys: [unsigned] }) });
    expect(await empty.keyLookup("example.com", key.keyId, now)).toBeNull();
    expect(empty.lastFetchError("example.com")).toMatch(/^missing_signature/);
  });
});
