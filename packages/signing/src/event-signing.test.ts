import { describe, expect, it } from "vitest";
import { redactEvent } from "@weft/common";
import {
  type KeyLookupResult,
  type SigningKey,
  generateSigningKey,
  signEvent,
  verifyEvent,
  verifyEventSync,
} from "./index.js";

const exampleKey = generateSigningKey("1");
const otherKey = generateSigningKey("abc");
const keys: Record<string, SigningKey> = { "example.com": exampleKey, "other.org": otherKey };

/** Keys of example.com and other.org, valid until `validUntilTs`. */
function lookup(validUntilTs?: number) {
  return (server: string, keyId: string): KeyLookupResult | null => {
    const key = keys[server];
    if (key === undefined || key.keyId !== keyId) return null;
    return validUntilTs === undefined ? { key: key.toVerifyKey() } : { key: key.publicKey, validUntilTs };
  };
}

const base = {
  room_id: "!room:example.com",
  sender: "@alice:example.com",
  type: "m.room.message",
  content: { body: "hello", msgtype: "m.text" },
  origin_server_ts: 1_000_000,
  depth: 5,
  prev_events: ["$prev"],
  auth_events: ["$create"],
};

describe("signEvent", () => {
  it("adds hashes and signatures and keeps unsigned, without mutating", () => {
    const input = { ...base, unsigned: { age: 1 } };
    const copy = structuredClone(input);
    const signed = signEvent(input, "example.com", exampleKey, "10");
    expect(input).toEqual(copy);
    expect(signed.unsigned).toEqual({ age: 1 });
    expect(signed.hashes.sha256).toMatch(/^[A-Za-z0-9+/]{43}$/);
    expect(Object.keys(signed.signatures)).toEqual(["example.com"]);
  });

  it("a second server's signature keeps the first valid", () => {
    const signed = signEvent(signEvent(base, "example.com", exampleKey, "10"), "other.org", otherKey, "10");
    expect(Object.keys(signed.signatures).sort()).toEqual(["example.com", "other.org"]);
    expect(verifyEventSync(signed, "10", lookup()).outcome).toBe("accept");
  });

  it("throws for a value that cannot be hashed", () => {
    expect(() => signEvent({ ...base, content: { n: 0.5 } }, "example.com", exampleKey, "10")).toThrow(
      expect.objectContaining({ code: "INVALID_EVENT" }),
    );
  });
});

describe("verifyEvent", () => {
  const signed = signEvent(base, "example.com", exampleKey, "10");

  it("accepts a good event (sync and async lookups)", async () => {
    expect(verifyEventSync(signed, "10", lookup())).toEqual({ outcome: "accept", event: signed });
    expect((await verifyEvent(signed, "10", async (s, k) => lookup()(s, k))).outcome).toBe("accept");
    expect((await verifyEvent(signed, "10", lookup())).outcome).toBe("accept");
  });

  it("accepts a redacted copy as accept_redacted, returning the redacted form", () => {
    const redacted = redactEvent(signed, "10");
    const result = verifyEventSync(redacted, "10", lookup());
    expect(result).toEqual({ outcome: "accept_redacted", event: redacted });
  });

  it("turns changed content into accept_redacted", () => {
    const result = verifyEventSync({ ...signed, content: { body: "evil" } }, "10", lookup());
    expect(result.outcome).toBe("accept_redacted");
    if (result.outcome === "accept_redacted") expect(result.event["content"]).toEqual({});
  });

  it.each([
    ["type", "m.room.other"],
    ["sender", "@bob:example.com"],
    ["origin_server_ts", 2],
    ["depth", 6],
    ["prev_events", ["$other"]],
    ["room_id", "!elsewhere:example.com"],
  ])("rejects a changed protected key: %s", (field, value) => {
    expect(verifyEventSync({ ...signed, [field]: value }, "10", lookup())).toMatchObject({ outcome: "reject", reason: "bad_signature" });
  });

  it("rejects a missing signature, an unknown key, a malformed signature", () => {
    expect(verifyEventSync({ ...signed, signatures: {} }, "10", lookup())).toMatchObject({ reason: "missing_signature", serverName: "example.com" });
    expect(verifyEventSync(signed, "10", () => null)).toMatchObject({ reason: "unknown_key" });
    const mangled = { ...signed, signatures: { "example.com": { "ed25519:1": "###" } } };
    expect(verifyEventSync(mangled, "10", lookup())).toMatchObject({ reason: "malformed_signature" });
    // Unknown algorithms are dropped before anything else.
    expect(verifyEventSync({ ...signed, signatures: { "example.com": { "curve:1": "AAAA" } } }, "10", lookup())).toMatchObject({
      reason: "missing_signature",
    });
  });

  it("skips signatures by unknown keys when a known key verifies", () => {
    const extra = { ...signed, signatures: { "example.com": { ...signed.signatures["example.com"], "ed25519:gone": "AAAA" } } };
    expect(verifyEventSync(extra, "10", lookup()).outcome).toBe("accept");
  });

  it("rejects malformed events without throwing", () => {
    expect(verifyEventSync(null, "10", lookup())).toMatchObject({ reason: "malformed_event" });
    expect(verifyEventSync({ ...signed, sender: "nobody" }, "10", lookup())).toMatchObject({ reason: "malformed_event" });
    expect(verifyEventSync({ ...signed, origin_server_ts: "soon" }, "10", lookup())).toMatchObject({ reason: "malformed_event" });
    expect(verifyEventSync({ ...signed, depth: 1.5 }, "10", lookup())).toMatchObject({ reason: "invalid_canonical_json" });
  });

  it("enforces key validity since room version 5 only", () => {
    const at = (version: string, validUntilTs: number) =>
      verifyEventSync(signEvent(base, "example.com", exampleKey, version), version, lookup(validUntilTs));
    expect(at("5", base.origin_server_ts - 1)).toMatchObject({ outcome: "reject", reason: "expired_key" });
    expect(at("5", base.origin_server_ts).outcome).toBe("accept");
    expect(at("4", base.origin_server_ts - 1).outcome).toBe("accept");
  });

  it("v1–2 also require the event ID's server", () => {
    const v1 = { ...base, event_id: "$abc:other.org" };
    const bySender = signEvent(v1, "example.com", exampleKey, "1");
    expect(verifyEventSync(bySender, "1", lookup())).toMatchObject({ reason: "missing_signature", serverName: "other.org" });
    const byBoth = signEvent(bySender, "other.org", otherKey, "1");
    expect(verifyEventSync(byBoth, "1", lookup()).outcome).toBe("accept");
    // From v3 on there is no event_id on the wire and only the sender's server counts.
    expect(verifyEventSync(bySender, "3", lookup()).outcome).toBe("accept");
  });

  it("v8+ joins via join_authorised_via_users_server need that server's signature", () => {
    const join = {
      ...base,
      type: "m.room.member",
      state_key: "@alice:example.com",
      content: { membership: "join", join_authorised_via_users_server: "@bob:other.org" },
    };
    const bySender = signEvent(join, "example.com", exampleKey, "9");
    expect(verifyEventSync(bySender, "9", lookup())).toMatchObject({ reason: "missing_signature", serverName: "other.org" });
    expect(verifyEventSync(signEvent(bySender, "other.org", otherKey, "9"), "9", lookup()).outcome).toBe("accept");
    // Before v8 the key means nothing.
    expect(verifyEventSync(signEvent(join, "example.com", exampleKey, "7"), "7", lookup()).outcome).toBe("accept");
  });

  it("invites from third-party invites may be sent by another server", () => {
    const invite = {
      ...base,
      sender: "@alice:example.com",
      type: "m.room.member",
      state_key: "@carol:third.party",
      content: { membership: "invite", third_party_invite: { display_name: "carol", signed: { token: "t" } } },
    };
    const byOther = signEvent(invite, "other.org", otherKey, "10");
    expect(verifyEventSync(byOther, "10", lookup()).outcome).toBe("accept");
  });

  it("verifyEventSync refuses an async lookup", () => {
    expect(() => verifyEventSync(signed, "10", (async () => null) as never)).toThrow(expect.objectContaining({ code: "ASYNC_KEY_LOOKUP" }));
  });

  it("legacy numbers verify in v1–5 rooms", () => {
    const floaty = { ...base, content: { body: "x", n: 1.5 } };
    const signedV5 = signEvent(floaty, "example.com", exampleKey, "5");
    expect(verifyEventSync(signedV5, "5", lookup()).outcome).toBe("accept");
    expect(verifyEventSync(signedV5, "6", lookup())).toMatchObject({ reason: "invalid_canonical_json" });
  });
});

describe("legacy JSON (room versions 1–5)", () => {
  it("reads origin_server_ts from a LegacyNumber", async () => {
    const { parseLegacyJson } = await import("@weft/canonical-json");
    const signed = signEvent({ ...base, origin_server_ts: 1_000_000 }, "example.com", exampleKey, "5");
    const text = JSON.stringify(signed).replace('"origin_server_ts":1000000', '"origin_server_ts":1000000.0');
    const parsed = parseLegacyJson(text);
    // The signature covered 1000000, not 1000000.0, so it no longer verifies — but the check runs instead of refusing the event.
    expect(verifyEventSync(parsed, "5", lookup())).toMatchObject({ outcome: "reject", reason: "bad_signature" });
  });
});
