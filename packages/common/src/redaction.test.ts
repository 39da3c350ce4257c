import { describe, expect, it } from "vitest";
import { isMatrixError } from "./errors.js";
import { redactEvent } from "./redaction.js";
import { ROOM_VERSIONS, roomVersionRules } from "./room-versions.js";

const ALL_VERSIONS = Object.keys(ROOM_VERSIONS);
const versions = (from: number, to = 12): string[] => ALL_VERSIONS.filter((v) => Number(v) >= from && Number(v) <= to);

function event(type: string, content: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type,
    content,
    room_id: "!r:example.com",
    sender: "@alice:example.com",
    origin_server_ts: 1,
    depth: 3,
    prev_events: ["$p"],
    auth_events: ["$a"],
    hashes: { sha256: "h" },
    signatures: { "example.com": { "ed25519:1": "s" } },
    ...extra,
  };
}

describe("top-level keys", () => {
  const full = event("m.room.message", { body: "x" }, {
    event_id: "$e:example.com",
    state_key: "",
    origin: "example.com",
    membership: "join",
    prev_state: [],
    unsigned: { age: 5 },
    redacts: "$x",
    extra: "dropped",
  });

  it.each(versions(1, 10))("v%s keeps origin, membership, prev_state", (v) => {
    expect(Object.keys(redactEvent(full, v)).sort()).toEqual(
      ["auth_events", "content", "depth", "event_id", "hashes", "membership", "origin", "origin_server_ts", "prev_events", "prev_state", "room_id", "sender", "signatures", "state_key", "type"],
    );
  });

  it.each(versions(11))("v%s drops origin, membership, prev_state", (v) => {
    expect(Object.keys(redactEvent(full, v)).sort()).toEqual(
      ["auth_events", "content", "depth", "event_id", "hashes", "origin_server_ts", "prev_events", "room_id", "sender", "signatures", "state_key", "type"],
    );
  });

  it.each(ALL_VERSIONS)("v%s strips unsigned and unknown keys, empties content of other types", (v) => {
    const r = redactEvent(full, v);
    expect(r).not.toHaveProperty("unsigned");
    expect(r).not.toHaveProperty("extra");
    expect(r).not.toHaveProperty("redacts");
    expect(r.content).toEqual({});
  });
});

// Per-type, per-version table: [type, content, versions, expected content].
const MEMBER = {
  membership: "join",
  displayname: "Alice",
  join_authorised_via_users_server: "@bob:example.com",
  third_party_invite: { display_name: "a", signed: { mxid: "@alice:example.com", token: "t", signatures: {} } },
};
const POWER = {
  ban: 50, events: { "m.room.name": 50 }, events_default: 0, invite: 0, kick: 50, redact: 50,
  state_default: 50, users: { "@alice:example.com": 100 }, users_default: 0, notifications: { room: 50 },
};
const POWER_KEPT = { ban: 50, events: { "m.room.name": 50 }, events_default: 0, kick: 50, redact: 50, state_default: 50, users: { "@alice:example.com": 100 }, users_default: 0 };
const CREATE = { creator: "@alice:example.com", room_version: "1", "m.federate": false, predecessor: { room_id: "!o:x" } };
const TABLE: [string, Record<string, unknown>, string[], Record<string, unknown>][] = [
  ["m.room.member", MEMBER, versions(1, 8), { membership: "join" }],
  ["m.room.member", MEMBER, versions(9, 10), { membership: "join", join_authorised_via_users_server: "@bob:example.com" }],
  ["m.room.member", MEMBER, versions(11), { membership: "join", join_authorised_via_users_server: "@bob:example.com", third_party_invite: { signed: MEMBER.third_party_invite.signed } }],
  ["m.room.member", { membership: "invite", third_party_invite: { display_name: "no signed" } }, versions(11), { membership: "invite" }],
  ["m.room.member", { membership: "invite", third_party_invite: "not an object" }, versions(11), { membership: "invite" }],
  ["m.room.create", CREATE, versions(1, 10), { creator: "@alice:example.com" }],
  ["m.room.create", CREATE, versions(11), CREATE],
  ["m.room.join_rules", { join_rule: "restricted", allow: [{ type: "m.room_membership", room_id: "!o:x" }], x: 1 }, versions(1, 7), { join_rule: "restricted" }],
  ["m.room.join_rules", { join_rule: "restricted", allow: [{ type: "m.room_membership", room_id: "!o:x" }], x: 1 }, versions(8), { join_rule: "restricted", allow: [{ type: "m.room_membership", room_id: "!o:x" }] }],
  ["m.room.power_levels", POWER, versions(1, 10), POWER_KEPT],
  ["m.room.power_levels", POWER, versions(11), { ...POWER_KEPT, invite: 0 }],
  ["m.room.history_visibility", { history_visibility: "shared", x: 1 }, ALL_VERSIONS, { history_visibility: "shared" }],
  ["m.room.aliases", { aliases: ["#a:example.com"], x: 1 }, versions(1, 5), { aliases: ["#a:example.com"] }],
  ["m.room.aliases", { aliases: ["#a:example.com"] }, versions(6), {}],
  ["m.room.redaction", { redacts: "$x", reason: "spam" }, versions(1, 10), {}],
  ["m.room.redaction", { redacts: "$x", reason: "spam" }, versions(11), { redacts: "$x" }],
  ["m.room.name", { name: "Room" }, ALL_VERSIONS, {}],
  ["m.room.topic", { topic: "t" }, ALL_VERSIONS, {}],
  ["m.room.third_party_invite", { display_name: "x", key_validity_url: "u", public_key: "k" }, ALL_VERSIONS, {}],
];

describe.each(TABLE)("%s content %j", (type, content, vs, expected) => {
  it.each(vs)("v%s", (v) => {
    expect(redactEvent(event(type, content), v).content).toEqual(expected);
  });
});

describe("contract", () => {
  it("never mutates the input and shares no objects with it", () => {
    const input = event("m.room.power_levels", structuredClone(POWER), { unsigned: { age: 1 } });
    const before = structuredClone(input);
    const out = redactEvent(input, "11");
    expect(input).toEqual(before);
    (out.content!["users"] as Record<string, number>)["@mallory:example.com"] = 100;
    (out["signatures"] as Record<string, unknown>)["evil"] = {};
    expect(input).toEqual(before);
  });

  it("accepts rules as well as a version string", () => {
    const e = event("m.room.join_rules", { join_rule: "public", allow: [] });
    expect(redactEvent(e, roomVersionRules("8"))).toEqual(redactEvent(e, "8"));
  });

  it("throws M_UNSUPPORTED_ROOM_VERSION for unknown versions", () => {
    try {
      redactEvent(event("m.room.message", {}), "13");
      expect.unreachable();
    } catch (e) {
      expect(isMatrixError(e) && e.errcode).toBe("M_UNSUPPORTED_ROOM_VERSION");
    }
  });

  it("does not add content when absent and replaces non-object content with {}", () => {
    expect(redactEvent({ type: "m.room.message" }, "1")).toEqual({ type: "m.room.message" });
    expect(redactEvent({ type: "m.room.message", content: "oops" }, "1")).toEqual({ type: "m.room.message", content: {} });
  });

  it("keeps a __proto__ key of v11 create content as data, not as a prototype", () => {
    const input = JSON.parse('{"type":"m.room.create","content":{"__proto__":{"polluted":true},"room_version":"11"}}') as Record<string, unknown>;
    const out = redactEvent(input, "11");
    expect(Object.getPrototypeOf(out.content)).toBe(Object.prototype);
    expect(Object.keys(out.content!)).toEqual(["__proto__", "room_version"]);
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
  });
});

describe("redactEvent with non-plain values", () => {
  it("passes class instances (legacy number wrappers) through unchanged", () => {
    class LegacyNumber {
      constructor(readonly raw: string) {}
    }
    const ban = new LegacyNumber("50.0");
    const event = { type: "m.room.power_levels", state_key: "", content: { ban, junk: 1 } };
    const redacted = redactEvent(event, "1") as { content: Record<string, unknown> };
    expect(redacted.content.ban).toBe(ban);
    expect(redacted.content).not.toHaveProperty("junk");
  });
});
