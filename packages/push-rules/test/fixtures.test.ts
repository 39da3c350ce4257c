// Fixture-driven tests of https://spec.matrix.org/v1.19/client-server-api/#push-rules:
// every JSON file in ./fixtures names the spec section it comes from; each case is
// checked through evaluate(), explain() and the fan-out path, which must agree.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  CompiledRulesetCache,
  evaluateForRecipients,
  prepareEvent,
  serverDefaultRuleset,
  type PushDecision,
  type RoomFacts,
  type Ruleset,
} from "../src/index.js";

interface Fixture {
  source: string;
  description: string;
  user_id: string;
  ruleset: "default" | Partial<Ruleset>;
  cases: Array<{
    name: string;
    event: Record<string, unknown>;
    room?: RoomFacts;
    display_name?: string;
    expect: null | { rule_id: string; kind?: string; notify?: boolean; highlight?: boolean; sound?: string | null; actions?: unknown[]; tweaks?: Record<string, unknown> };
  }>;
}

const dir = join(dirname(fileURLToPath(import.meta.url)), "fixtures");
const files = readdirSync(dir).filter((f) => f.endsWith(".json")).sort();

function toRuleset(f: Fixture): Ruleset {
  if (f.ruleset === "default") return serverDefaultRuleset(f.user_id);
  return { override: [], content: [], room: [], sender: [], underride: [], ...f.ruleset };
}

function summary(d: PushDecision | null): unknown {
  return d === null ? null : { ruleId: d.ruleId, kind: d.kind, notify: d.notify, highlight: d.highlight, sound: d.sound };
}

it("has a fixture file per topic, each with its spec link", () => {
  expect(files.length).toBeGreaterThanOrEqual(10);
  for (const file of files) {
    const f = JSON.parse(readFileSync(join(dir, file), "utf8")) as Fixture;
    expect(f.source, file).toMatch(/^https:\/\/spec\.matrix\.org\/v1\.19\//);
  }
});

for (const file of files) {
  const f = JSON.parse(readFileSync(join(dir, file), "utf8")) as Fixture;
  describe(file, () => {
    const cache = new CompiledRulesetCache();
    const compiled = cache.get(f.user_id, 1, () => toRuleset(f));
    // Others sharing the room, some with the same template shape, to exercise fan-out grouping.
    const others = ["@charlie:example.com", "@ella:example.com"].map((u) => ({ userId: u, ruleset: cache.get(u, 1, () => serverDefaultRuleset(u)) }));
    for (const c of f.cases) {
      it(c.name, () => {
        const ev = prepareEvent(c.event);
        const facts = c.room ?? {};
        const opts = { displayName: c.display_name ?? null };
        const d = compiled.evaluate(ev, facts, opts);
        if (c.expect === null) {
          expect(d).toBeNull();
        } else {
          expect(d).not.toBeNull();
          const e = c.expect;
          expect(d!.ruleId).toBe(e.rule_id);
          if (e.kind !== undefined) expect(d!.kind).toBe(e.kind);
          if (e.notify !== undefined) expect(d!.notify).toBe(e.notify);
          if (e.highlight !== undefined) expect(d!.highlight).toBe(e.highlight);
          if (e.sound !== undefined) expect(d!.sound).toBe(e.sound);
          if (e.actions !== undefined) expect(d!.actions).toEqual(e.actions);
          if (e.tweaks !== undefined) expect(d!.tweaks).toEqual(e.tweaks);
        }
        // explain() agrees and its trace ends with the match.
        const ex = compiled.explain(ev, facts, opts);
        expect(summary(ex.decision)).toEqual(summary(d));
        if (d !== null) expect(ex.trace.at(-1)).toMatchObject({ ruleId: d.ruleId, outcome: "matched" });
        else expect(ex.trace.every((t) => t.outcome !== "matched")).toBe(true);
        // The fan-out path agrees for this user and for users evaluated alone.
        const seen = new Map<string, PushDecision | null>();
        const recipients = [...others, { userId: f.user_id, ruleset: compiled, displayName: c.display_name ?? null }];
        evaluateForRecipients(ev, facts, recipients, (r, dec) => seen.set(r.userId, dec));
        expect(summary(seen.get(f.user_id) ?? null)).toEqual(summary(d));
        for (const o of others) expect(summary(seen.get(o.userId) ?? null)).toEqual(summary(o.ruleset.evaluate(ev, facts)));
      });
    }
  });
}
