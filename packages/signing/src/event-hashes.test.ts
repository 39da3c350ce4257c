import { describe, expect, it } from "vitest";
import { decodeBase64, encodeBase64 } from "@weft/canonical-json";
import {
  computeContentHash,
  computeEventId,
  computeReferenceHash,
  computeRoomIdV12,
  generateLegacyEventId,
  generateSigningKey,
  signEvent,
} from "./index.js";

const key = generateSigningKey("1");
const message = {
  room_id: "!room:example.com",
  sender: "@alice:example.com",
  type: "m.room.message",
  content: { body: "hello" },
  origin_server_ts: 1_700_000_000_000,
  depth: 5,
  prev_events: ["$prev"],
  auth_events: ["$create", "$member", "$power"],
};

describe("content hash", () => {
  it("ignores unsigned, signatures and hashes", () => {
    const base = computeContentHash(message);
    expect(computeContentHash({ ...message, unsigned: { age: 1 }, signatures: { a: {} }, hashes: { sha256: "x" } })).toEqual(base);
    expect(computeContentHash({ ...message, content: { body: "other" } })).not.toEqual(base);
  });
  it("uses legacy numbers in room versions 1–5 only", () => {
    const floaty = { ...message, content: { n: 1.5 } };
    expect(computeContentHash(floaty, "5")).toHaveLength(32);
    expect(() => computeContentHash(floaty, "6")).toThrow(expect.objectContaining({ code: "INVALID_EVENT" }));
  });
});

describe("reference hash and event IDs", () => {
  const signed = signEvent(message, "example.com", key, "4");

  it("reference hash ignores signatures, unsigned and redactable content", () => {
    const h = computeReferenceHash(signed, "4");
    expect(computeReferenceHash({ ...signed, unsigned: { age: 9 }, signatures: {} }, "4")).toEqual(h);
    // Content is redacted away, but hashes.sha256 (covering it) is not.
    expect(computeReferenceHash({ ...signed, content: { body: "changed" } }, "4")).toEqual(h);
    expect(computeReferenceHash({ ...signed, hashes: { sha256: "AAAA" } }, "4")).not.toEqual(h);
  });

  it("v3 uses standard base64, v4+ URL-safe, for the same hash", () => {
    const hash = computeReferenceHash(signed, "3");
    expect(computeEventId(signed, "3")).toBe(`$${encodeBase64(hash)}`);
    const v4 = computeEventId(signed, "4");
    expect(v4).toBe(`$${encodeBase64(hash).replace(/\+/g, "-").replace(/\//g, "_")}`);
    expect(v4).toMatch(/^\$[A-Za-z0-9_-]{43}$/);
    expect(computeEventId(signed, "10")).toBe(v4); // same redaction rules for this event type
  });

  it("v1–2 return the server-chosen event_id", () => {
    expect(computeEventId({ ...signed, event_id: "$abc:example.com" }, "1")).toBe("$abc:example.com");
    expect(() => computeEventId(signed, "2")).toThrow(expect.objectContaining({ code: "INVALID_EVENT" }));
  });

  it("generates legacy event IDs", () => {
    expect(generateLegacyEventId("example.com", Uint8Array.of(0, 1, 51, 52))).toBe("$abZa:example.com");
    expect(generateLegacyEventId("example.com")).toMatch(/^\$[A-Za-z]{18}:example\.com$/);
  });

  it("throws for unknown room versions and non-objects", () => {
    expect(() => computeEventId(signed, "99")).toThrow(expect.objectContaining({ errcode: "M_UNSUPPORTED_ROOM_VERSION" }));
    expect(() => computeReferenceHash(null as unknown as Record<string, unknown>, "4")).toThrow(
      expect.objectContaining({ code: "INVALID_EVENT" }),
    );
  });
});

describe("v12 room IDs", () => {
  const create = signEvent(
    {
      sender: "@alice:example.com",
      type: "m.room.create",
      state_key: "",
      content: { room_version: "12" },
      origin_server_ts: 1_700_000_000_000,
      depth: 1,
      prev_events: [],
      auth_events: [],
    },
    "example.com",
    key,
    "12",
  );

  it("is ! + the create event's ID without $", () => {
    const roomId = computeRoomIdV12(create);
    expect(roomId).toMatch(/^![A-Za-z0-9_-]{43}$/);
    expect(roomId.slice(1)).toBe(computeEventId(create, "12").slice(1));
    expect(decodeBase64(roomId.slice(1))).toEqual(computeReferenceHash(create, "12"));
  });

  it("does not depend on signatures or unsigned", () => {
    expect(computeRoomIdV12({ ...create, signatures: {}, unsigned: { x: 1 } })).toBe(computeRoomIdV12(create));
  });

  it("changes with any create content (v11+ keeps all of it)", () => {
    const other = signEvent({ ...create, content: { room_version: "12", "m.federate": false } }, "example.com", key, "12");
    expect(computeRoomIdV12(other)).not.toBe(computeRoomIdV12(create));
  });
});
