// https://spec.matrix.org/v1.19/server-server-api/#pdus — the spec's PDU
// examples as fixtures, and properties of validatePdu: it never throws for a
// known room version, and a valid result is the input object itself.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ROOM_VERSIONS, redactEvent, validatePdu } from "../src/index.js";
import fixtures from "./fixtures/pdus.json" with { type: "json" };

const VERSIONS = Object.keys(ROOM_VERSIONS);

describe("spec PDU examples", () => {
  for (const c of fixtures.cases) {
    it(`${c.name} is valid in v${c.validIn.join(", v")}`, () => {
      for (const v of c.validIn) {
        const r = validatePdu(c.pdu, v);
        expect(r).toEqual({ ok: true, pdu: c.pdu });
        if (r.ok) expect(r.pdu).toBe(c.pdu);
      }
    });
    const pairs = c.validIn.includes("1");
    it(`${c.name} is rejected by the ${pairs ? "v3+" : "v1–2"} format`, () => {
      for (const v of pairs ? ["3", "10", "12"] : ["1", "2"]) expect(validatePdu(c.pdu, v).ok).toBe(false);
    });
  }
});

describe("properties", () => {
  const v3Pdu = fc.record({
    room_id: fc.string(),
    sender: fc.string(),
    origin_server_ts: fc.maxSafeNat(),
    depth: fc.maxSafeNat(),
    type: fc.constantFrom("m.room.message", "m.room.member", "m.room.power_levels"),
    state_key: fc.option(fc.string(), { nil: undefined }),
    content: fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 })),
    hashes: fc.record({ sha256: fc.string() }),
    signatures: fc.dictionary(fc.string(), fc.dictionary(fc.string(), fc.string())),
    prev_events: fc.array(fc.string(), { maxLength: 20 }),
    auth_events: fc.array(fc.string(), { maxLength: 10 }),
    extra: fc.jsonValue({ maxDepth: 2 }),
  }, { requiredKeys: ["room_id", "sender", "origin_server_ts", "depth", "type", "content", "hashes", "signatures", "prev_events", "auth_events"] });

  it.each(VERSIONS.filter((v) => Number(v) >= 3))("v%s: well-formed events are valid, returned by reference, and stay valid when redacted", (v) => {
    fc.assert(
      fc.property(v3Pdu, (pdu) => {
        const r = validatePdu(pdu, v);
        expect(r.ok).toBe(true);
        if (r.ok) expect(r.pdu).toBe(pdu);
        expect(validatePdu(redactEvent(pdu, v), v).ok).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it("arbitrary JSON never makes validatePdu throw", () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), v3Pdu.chain((p) => fc.dictionary(fc.constantFrom(...Object.keys(p)), fc.jsonValue({ maxDepth: 1 })).map((d) => ({ ...p, ...d })))), fc.constantFrom(...VERSIONS), (json, v) => {
        const r = validatePdu(json, v);
        if (!r.ok) {
          expect(r.errors.length).toBeGreaterThan(0);
          for (const e of r.errors) expect(e.path.startsWith("$")).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});
