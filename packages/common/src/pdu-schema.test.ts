import { describe, expect, it } from "vitest";
import { isMatrixError } from "./errors.js";
import { PduSchema, PduV12Schema, checkPduSizeLimits, pduSchemaFor, validatePdu } from "./pdu-schema.js";

const HASH = "$Rqnc-F-dvnEYJTyHq_iKxU2bZ1CI92-kuZq3a5lr5Zg";
function v3Event(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    room_id: "!r:example.com",
    sender: "@alice:example.com",
    origin_server_ts: 1404838188000,
    depth: 12,
    type: "m.room.message",
    content: { body: "hi" },
    hashes: { sha256: "thishashcoversallfieldsincasethisisredacted" },
    signatures: { "example.com": { "ed25519:key": "sig" } },
    prev_events: [HASH],
    auth_events: [HASH],
    ...extra,
  };
}
function v1Event(extra: Record<string, unknown> = {}): Record<string, unknown> {
  const pair = ["$af232176:example.org", { sha256: "abase64encodedsha256hashshouldbe43byteslong" }];
  return v3Event({ event_id: "$a4ecee13e2accdadf56c1025:example.com", prev_events: [pair], auth_events: [pair], ...extra });
}
function without(e: Record<string, unknown>, key: string): Record<string, unknown> {
  const copy = { ...e };
  delete copy[key];
  return copy;
}
function errorPaths(json: unknown, version: string): string[] {
  const r = validatePdu(json, version);
  return r.ok ? [] : r.errors.map((e) => e.path);
}

describe("validatePdu", () => {
  it("returns the SAME object, unknown keys intact", () => {
    const e = v3Event({ "org.example.extra": { nested: true } });
    const r = validatePdu(e, "10");
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.pdu).toBe(e);
    expect(e["org.example.extra"]).toEqual({ nested: true });
  });

  it.each(["1", "2"])("v%s: accepts reference pairs with event_id", (v) => {
    expect(validatePdu(v1Event(), v)).toMatchObject({ ok: true });
  });

  it.each(["1", "2"])("v%s: requires event_id and rejects string references", (v) => {
    expect(errorPaths(without(v1Event(), "event_id"), v)).toEqual(["$.event_id"]);
    expect(errorPaths(v1Event({ prev_events: [HASH] }), v)).toEqual(["$.prev_events[0]"]);
    expect(errorPaths(v1Event({ auth_events: [["$x:y"]] }), v)).toEqual(["$.auth_events[0]"]);
  });

  it.each(["3", "4", "5", "6", "7", "8", "9", "10", "11", "12"])("v%s: rejects reference pairs", (v) => {
    expect(errorPaths(v3Event({ prev_events: [[HASH, { sha256: "x" }]] }), v)).toEqual(["$.prev_events[0]"]);
  });

  it.each(["3", "4", "5", "6", "7", "8", "9", "10", "11", "12"])("v%s: accepts the string-reference example", (v) => {
    expect(validatePdu(v3Event(), v).ok).toBe(true);
  });

  it.each([
    ["sender", 1, "$.sender"],
    ["type", null, "$.type"],
    ["content", [], "$.content"],
    ["content", "x", "$.content"],
    ["state_key", 0, "$.state_key"],
    ["depth", -1, "$.depth"],
    ["depth", 1.5, "$.depth"],
    ["depth", 2 ** 53, "$.depth"],
    ["origin_server_ts", "1", "$.origin_server_ts"],
    ["hashes", { sha256: 1 }, "$.hashes.sha256"],
    ["hashes", {}, "$.hashes.sha256"],
    ["signatures", { "example.com": { "ed25519:k": 1 } }, '$.signatures["example.com"]["ed25519:k"]'],
    ["unsigned", 5, "$.unsigned"],
    ["room_id", 5, "$.room_id"],
  ])("rejects %s = %j at %s (all versions)", (key, value, path) => {
    for (const v of ["1", "3", "11", "12"]) {
      const base = v === "1" ? v1Event() : v3Event();
      expect(errorPaths({ ...base, [key]: value }, v)).toContain(path);
    }
  });

  it.each(["sender", "type", "content", "depth", "hashes", "signatures", "origin_server_ts", "prev_events", "auth_events"])(
    "requires %s",
    (key) => {
      expect(errorPaths(without(v3Event(), key), "12")).toEqual([`$.${key}`]);
      expect(errorPaths(without(v1Event(), key), "1")).toEqual([`$.${key}`]);
    },
  );

  it("messages say what was expected and what was found", () => {
    const r = validatePdu(v3Event({ depth: "12" }), "10");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]!.message).toMatch(/^expected .*, got a string$/);
  });

  it("limits prev_events to 20 and auth_events to 10", () => {
    expect(validatePdu(v3Event({ prev_events: Array(20).fill(HASH), auth_events: Array(10).fill(HASH) }), "10").ok).toBe(true);
    expect(errorPaths(v3Event({ prev_events: Array(21).fill(HASH) }), "10")).toEqual(["$.prev_events"]);
    expect(errorPaths(v3Event({ auth_events: Array(11).fill(HASH) }), "12")).toEqual(["$.auth_events"]);
  });

  it("v1–10 check a top-level redacts; v11+ treat it as an unknown key", () => {
    expect(errorPaths(v3Event({ redacts: 5 }), "10")).toEqual(["$.redacts"]);
    expect(validatePdu(v3Event({ redacts: 5 }), "11").ok).toBe(true);
  });

  describe("room_id in v12", () => {
    const create = without(v3Event({ type: "m.room.create", state_key: "", content: { room_version: "12" }, prev_events: [], auth_events: [] }), "room_id");
    it("a create event has no room_id", () => {
      expect(validatePdu(create, "12").ok).toBe(true);
      expect(errorPaths({ ...create, room_id: "!r:example.com" }, "12")).toEqual(["$.room_id"]);
    });
    it("every other event has one", () => {
      expect(errorPaths(without(v3Event(), "room_id"), "12")).toEqual(["$.room_id"]);
    });
    it("before v12 every event, create included, has one", () => {
      expect(errorPaths(create, "11")).toEqual(["$.room_id"]);
      expect(validatePdu({ ...create, room_id: "!r:example.com" }, "11").ok).toBe(true);
    });
  });

  it("rejects non-objects", () => {
    for (const json of [null, 1, "x", [], undefined]) expect(validatePdu(json, "12").ok).toBe(false);
  });

  it("throws M_UNSUPPORTED_ROOM_VERSION for unknown versions", () => {
    try {
      validatePdu(v3Event(), "99");
      expect.unreachable();
    } catch (e) {
      expect(isMatrixError(e) && e.errcode).toBe("M_UNSUPPORTED_ROOM_VERSION");
    }
  });

  it("PduSchema accepts any version's shape and pduSchemaFor picks the version's", () => {
    expect(PduSchema.safeParse(v1Event()).success).toBe(true);
    expect(PduSchema.safeParse(v3Event()).success).toBe(true);
    expect(pduSchemaFor("12")).toBe(PduV12Schema);
  });
});

describe("checkPduSizeLimits", () => {
  it("accepts the limits exactly", () => {
    const at = v3Event({ type: "t".repeat(255), state_key: "é".repeat(127) + "x" });
    expect(checkPduSizeLimits(at, 65536)).toEqual({ ok: true });
  });

  it("counts bytes, not characters", () => {
    const r = checkPduSizeLimits(v3Event({ state_key: "é".repeat(128) }));
    expect(r).toMatchObject({ ok: false, errors: [{ key: "state_key", limit: 255, bytes: 256 }] });
  });

  it.each(["sender", "room_id", "state_key", "type", "event_id"])("limits %s to 255 bytes", (key) => {
    expect(checkPduSizeLimits(v3Event({ [key]: "a".repeat(256) }))).toMatchObject({ ok: false, errors: [{ key }] });
  });

  it("limits the whole event to 65536 bytes when the length is given", () => {
    expect(checkPduSizeLimits(v3Event(), 65537)).toMatchObject({ ok: false, errors: [{ key: "event", limit: 65536, bytes: 65537 }] });
    expect(checkPduSizeLimits(v3Event())).toEqual({ ok: true });
  });
});
