// Benchmarks for push rule evaluation (https://spec.matrix.org/v1.19/client-server-api/#push-rules)
// against matrix-js-sdk's PushProcessor on the same events and rules.
// Run: cd /work/main && npx vitest bench --run --project @weft/push-rules
import { bench, describe, expect } from "vitest";
import {
  CompiledRulesetCache,
  compileRuleset,
  evaluateForRecipients,
  prepareEvent,
  putRule,
  serverDefaultRuleset,
} from "../src/index.js";
import { jsSdkEvent, jsSdkProcessor, keywordRuleset, plainMessage } from "./setup.js";

const ME = "@alice:example.com";
const facts50 = { memberCount: 50, senderPowerLevel: 0 };
const OPTS = { time: 600, warmupTime: 200 };

describe("default ruleset, plain message, 50-member room", () => {
  const compiled = compileRuleset(serverDefaultRuleset(ME), ME);
  const baseline = jsSdkProcessor(ME, serverDefaultRuleset(ME), 50);
  const sdkEvent = jsSdkEvent(plainMessage);
  const prepared = prepareEvent(plainMessage);
  expect(compiled.evaluate(prepared, facts50)?.ruleId).toBe(".m.rule.message");
  expect((baseline.forEvent(sdkEvent) as { notify: boolean }).notify).toBe(true);

  bench("weft: prepareEvent + evaluate", () => {
    compiled.evaluate(prepareEvent(plainMessage), facts50);
  }, OPTS);
  bench("weft: evaluate (event prepared once)", () => {
    compiled.evaluate(prepared, facts50);
  }, OPTS);
  bench("matrix-js-sdk PushProcessor.actionsForEvent", () => {
    baseline.forEvent(sdkEvent);
  }, OPTS);
});

describe("100 keyword rules, plain message, 50-member room", () => {
  const compiled = compileRuleset(keywordRuleset(ME), ME);
  const baseline = jsSdkProcessor(ME, keywordRuleset(ME), 50);
  const sdkEvent = jsSdkEvent(plainMessage);
  expect(compiled.evaluate(prepareEvent(plainMessage), facts50)?.ruleId).toBe(".m.rule.message");

  bench("weft: prepareEvent + evaluate", () => {
    compiled.evaluate(prepareEvent(plainMessage), facts50);
  }, OPTS);
  bench("matrix-js-sdk PushProcessor.actionsForEvent", () => {
    baseline.forEvent(sdkEvent);
  }, OPTS);
});

describe("one message fanned out to 1,000 recipients (5% with keyword rules)", () => {
  const N = 1000;
  const cache = new CompiledRulesetCache();
  const userIds = Array.from({ length: N }, (_, i) => `@user${i}:example.com`);
  const rulesetOf = (u: string, i: number) => (i % 20 === 0 ? putRule(serverDefaultRuleset(u), "content", "kw", { pattern: "build", actions: ["notify", { set_tweak: "highlight" }] }) : serverDefaultRuleset(u));
  const recipients = userIds.map((u, i) => ({ userId: u, ruleset: cache.get(u, 1, () => rulesetOf(u, i)) }));
  const baselines = userIds.map((u, i) => jsSdkProcessor(u, rulesetOf(u, i), N));
  const facts = { memberCount: N, senderPowerLevel: 0 };
  let notified = 0;
  evaluateForRecipients(prepareEvent(plainMessage), facts, recipients, (_r, d) => {
    if (d?.notify) notified++;
  });
  expect(notified).toBe(N);

  bench("weft: prepareEvent + evaluateForRecipients", () => {
    let n = 0;
    evaluateForRecipients(prepareEvent(plainMessage), facts, recipients, (_r, d) => {
      if (d !== null) n++;
    });
  }, OPTS);
  bench("weft: prepareEvent + 1,000 × evaluate (no fan-out sharing)", () => {
    const ev = prepareEvent(plainMessage);
    for (const r of recipients) r.ruleset.evaluate(ev, facts);
  }, OPTS);
  bench("matrix-js-sdk: 1,000 × PushProcessor.actionsForEvent", () => {
    const ev = jsSdkEvent(plainMessage);
    for (const b of baselines) b.forEvent(ev);
  }, OPTS);
});

describe("hostile patterns against 64 KB bodies (weft only: the RegExp baseline backtracks catastrophically)", () => {
  const bodies = {
    "a×65536": "a".repeat(65_536),
    "'a '×32766 + b": `${"a ".repeat(32_766)}b`,
  };
  const patterns = {
    "*a*a*a*a*a*a*a*a*a*a*b": "*a*a*a*a*a*a*a*a*a*a*b",
    "(a?)×127 b": `${"a?".repeat(127)}b`,
    "a×255 b": `${"a".repeat(255)}b`,
    "(a )×127 b": `${"a ".repeat(127)}b`,
  };
  for (const [pname, pattern] of Object.entries(patterns)) {
    const compiled = compileRuleset(putRule(serverDefaultRuleset(ME), "content", "evil", { pattern, actions: ["notify"] }), ME);
    for (const [bname, body] of Object.entries(bodies)) {
      const raw = { ...plainMessage, content: { msgtype: "m.text", body } };
      bench(`weft: content rule ${pname} vs ${bname}`, () => {
        compiled.evaluate(prepareEvent(raw), facts50);
      }, { time: 300, warmupTime: 50 });
    }
  }
});
