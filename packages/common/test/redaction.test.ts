// https://spec.matrix.org/v1.19/client-server-api/#redactions — the spec's
// example events as fixtures (test/fixtures/redaction.json) and the laws of
// the algorithm as properties: idempotent, never adds keys, never mutates.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ROOM_VERSIONS, redactEvent } from "../src/index.js";
import fixtures from "./fixtures/redaction.json" with { type: "json" };

const VERSIONS = Object.keys(ROOM_VERSIONS);

describe("spec example events", () => {
  for (const c of fixtures.cases) {
    describe(`${c.name} (${c.source})`, () => {
      for (const [versions, expected] of Object.entries(c.expected)) {
        it.each(versions.split(","))("v%s", (v) => {
          expect(redactEvent(c.event, v)).toStrictEqual(expected);
        });
      }
    });
  }
});

const TYPES = [
  "m.room.member", "m.room.create", "m.room.join_rules", "m.room.power_levels", "m.room.history_visibility",
  "m.room.aliases", "m.room.redaction", "m.room.message", "m.room.name", "org.example.custom",
];
const CONTENT_KEYS = [
  "membership", "join_authorised_via_users_server", "third_party_invite", "creator", "room_version", "join_rule", "allow",
  "ban", "events", "events_default", "invite", "kick", "redact", "state_default", "users", "users_default", "notifications",
  "history_visibility", "aliases", "redacts", "body", "name", "__proto__",
];
const TOP_KEYS = [
  "event_id", "type", "room_id", "sender", "state_key", "hashes", "signatures", "depth", "prev_events", "auth_events",
  "origin_server_ts", "origin", "membership", "prev_state", "unsigned", "redacts", "extra",
];

const value = fc.jsonValue({ maxDepth: 2 });
const thirdPartyInvite = fc.oneof(
  fc.record({ display_name: fc.string(), signed: value }, { requiredKeys: [] }),
  value,
);
const content = fc.oneof(
  fc
    .tuple(fc.dictionary(fc.constantFrom(...CONTENT_KEYS), value, { maxKeys: 8 }), thirdPartyInvite)
    .map(([c, tpi]) => ({ ...c, third_party_invite: tpi })),
  fc.dictionary(fc.constantFrom(...CONTENT_KEYS), value, { maxKeys: 8 }),
  value,
);
const eventArb = fc
  .tuple(fc.constantFrom(...TYPES), fc.dictionary(fc.constantFrom(...TOP_KEYS), value, { maxKeys: 12 }), fc.option(content, { nil: undefined }))
  .map(([type, top, c]) => {
    const e: Record<string, unknown> = { ...top, type };
    if (c !== undefined) e["content"] = c;
    return e;
  });

function keyPaths(obj: unknown, prefix = ""): string[] {
  if (typeof obj !== "object" || obj === null || Array.isArray(obj)) return [];
  return Object.keys(obj).flatMap((k) => [prefix + k, ...(prefix === "" && k === "content" ? keyPaths((obj as Record<string, unknown>)[k], "content.") : [])]);
}

describe("laws", () => {
  it.each(VERSIONS)("v%s: redaction is idempotent", (v) => {
    fc.assert(
      fc.property(eventArb, (e) => {
        const once = redactEvent(e, v);
        expect(redactEvent(once, v)).toStrictEqual(once);
      }),
      { numRuns: 150 },
    );
  });

  it.each(VERSIONS)("v%s: redaction never adds top-level or content keys and never mutates", (v) => {
    fc.assert(
      fc.property(eventArb, (e) => {
        // JSON text, not structuredClone: the latter drops an own `__proto__` key.
        const before = JSON.stringify(e);
        const redacted = redactEvent(e, v);
        const original = new Set(keyPaths(e));
        for (const path of keyPaths(redacted)) expect(original.has(path)).toBe(true);
        expect(JSON.stringify(e)).toBe(before);
        expect(redacted).not.toBe(e);
      }),
      { numRuns: 150 },
    );
  });

  it("a later room version never protects fewer content keys (except m.room.aliases from v6)", () => {
    // Sanity check of the version chain: what v(n) keeps in content is kept by v(n+1) unless the spec removed it.
    fc.assert(
      fc.property(eventArb, (e) => {
        for (let i = 0; i + 1 < VERSIONS.length; i++) {
          const [a, b] = [VERSIONS[i]!, VERSIONS[i + 1]!];
          if (b === "6" && e["type"] === "m.room.aliases") continue;
          const keptA = Object.keys(redactEvent(e, a).content ?? {});
          const keptB = new Set(Object.keys(redactEvent(e, b).content ?? {}));
          for (const k of keptA) expect(keptB.has(k)).toBe(true);
        }
      }),
      { numRuns: 150 },
    );
  });
});
