// Denial-of-service guards for user-supplied globs
// (https://spec.matrix.org/v1.19/appendices/#glob-style-matching): hostile patterns
// against 64 KB bodies finish in bounded time (generous bounds for a shared CI box;
// the bench reports the real figures).
import { describe, expect, it } from "vitest";
import { compileRuleset, prepareEvent, putRule, serverDefaultRuleset } from "../src/index.js";

const BODY = "a".repeat(65_536);
const SPACED = "a ".repeat(32_767);
// The worst case for the NFA: every other position starts a live thread, and the
// literal runs all occur, so the prefilter cannot help.
const SPACED_B = `${"a ".repeat(32_766)}b`;
const hostile = [
  "*a*a*a*a*a*a*a*a*a*a*b",
  "*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b",
  `${"a?".repeat(100)}b`,
  `*${"?".repeat(250)}b`,
  `${"a".repeat(255)}b`,
  `${"a ".repeat(127)}b`,
  `*${"a*".repeat(127)}b`,
  `${"a?".repeat(127)}*`,
];

describe("hostile patterns", () => {
  for (const pattern of hostile) {
    it(`${pattern.slice(0, 40)}… (${pattern.length} chars) against 64 KB bodies`, () => {
      const user = "@alice:example.com";
      let r = serverDefaultRuleset(user);
      r = putRule(r, "content", "c", { pattern, actions: ["notify"] });
      r = putRule(r, "override", "o", { conditions: [{ kind: "event_match", key: "content.other", pattern }], actions: ["notify"] });
      const compiled = compileRuleset(r, user);
      for (const body of [BODY, SPACED, SPACED_B]) {
        const ev = prepareEvent({ type: "m.room.message", sender: "@bob:example.com", content: { msgtype: "m.text", body, other: body } });
        const t0 = performance.now();
        const d = compiled.evaluate(ev, { memberCount: 10 });
        const ms = performance.now() - t0;
        expect(d?.ruleId).toBeDefined();
        expect(ms).toBeLessThan(100);
      }
    });
  }
});
