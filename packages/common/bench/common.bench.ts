// Benchmarks for the per-event hot paths of @weft/common: redaction (run for
// every content hash, reference hash and signature), identifier parsing (every
// sender and state key) and PDU validation (every received PDU).
// Baselines: structuredClone + key filter for redaction, a single regex for user IDs.

import { bench, describe } from "vitest";
import { isUserId, parseEventId, redactEvent, validatePdu } from "../src/index.js";

const users: Record<string, number> = {};
for (let i = 0; i < 500; i++) users[`@user${i}:example${i % 7}.com`] = i % 3 === 0 ? 50 : 0;

const message = {
  room_id: "!UcYsUzyxTGDxLBEvLy:example.org",
  sender: "@alice:example.com",
  origin_server_ts: 1404838188000,
  depth: 12,
  type: "m.room.message",
  content: { msgtype: "m.text", body: "x".repeat(500) },
  hashes: { sha256: "thishashcoversallfieldsincasethisisredacted" },
  signatures: { "example.com": { "ed25519:key_version": "these86bytesofbase64signaturecoveressentialfieldsincludinghashessocancheckredactedpdus" } },
  prev_events: ["$Rqnc-F-dvnEYJTyHq_iKxU2bZ1CI92-kuZq3a5lr5Zg"],
  auth_events: ["$Rqnc-F-dvnEYJTyHq_iKxU2bZ1CI92-kuZq3a5lr5Zg", "$acR1l0raoZnm60CBwAVgqbZqoO-mYU81xysh1u7XcJk"],
  unsigned: { age: 4612 },
};
const bigPowerLevels = { ...message, type: "m.room.power_levels", state_key: "", content: { users, ban: 50, kick: 50, events: {} } };

const KEPT = new Set(["event_id", "type", "room_id", "sender", "state_key", "content", "hashes", "signatures", "depth", "prev_events", "auth_events", "origin_server_ts"]);
function naiveRedact(e: Record<string, unknown>): Record<string, unknown> {
  const copy = structuredClone(e);
  for (const k of Object.keys(copy)) if (!KEPT.has(k)) delete copy[k];
  return copy;
}

// One describe block per input, so vitest's "x times faster than" summary
// compares each function with its baseline on the same input.
describe("redactEvent: m.room.message (small)", () => {
  bench("redactEvent", () => {
    redactEvent(message, "12");
  });
  bench("baseline: structuredClone + filter", () => {
    naiveRedact(message);
  });
});

describe("redactEvent: m.room.power_levels with 500 users (large)", () => {
  bench("redactEvent", () => {
    redactEvent(bigPowerLevels, "12");
  });
  bench("baseline: structuredClone + filter", () => {
    naiveRedact(bigPowerLevels);
  });
});

const ids = Object.keys(users);
const NAIVE_USER_ID = /^@[a-z0-9._=\-/+]+:[A-Za-z0-9.:[\]-]+$/;
describe("isUserId: 500 user IDs", () => {
  bench("isUserId", () => {
    for (const id of ids) isUserId(id);
  });
  bench("isUserId historical", () => {
    for (const id of ids) isUserId(id, { historical: true });
  });
  bench("baseline: one regex", () => {
    for (const id of ids) NAIVE_USER_ID.test(id);
  });
});

describe("parseEventId: one v4 event ID", () => {
  bench("parseEventId (v4 form)", () => {
    parseEventId("$Rqnc-F-dvnEYJTyHq_iKxU2bZ1CI92-kuZq3a5lr5Zg");
  });
});

describe("validatePdu", () => {
  bench("m.room.message (small)", () => {
    validatePdu(message, "12");
  });
  bench("m.room.power_levels with 500 users (large)", () => {
    validatePdu(bigPowerLevels, "12");
  });
});
