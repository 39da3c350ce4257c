// Shared inputs for the push-rule benchmarks
// (https://spec.matrix.org/v1.19/client-server-api/#push-rules): the same events and
// rulesets for @weft/push-rules and matrix-js-sdk's PushProcessor (the naive
// baseline: a RegExp per glob, conditions interpreted per evaluation).
import { serverDefaultRuleset, putRule, type Ruleset } from "../src/index.js";

// matrix-js-sdk 43 uses Promise.withResolvers (Node 22+).
const P = Promise as unknown as { withResolvers?: () => unknown };
P.withResolvers ??= () => {
  let resolve!: (v: unknown) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
};

const { PushProcessor } = await import("matrix-js-sdk/lib/pushprocessor.js");
const { MatrixEvent } = await import("matrix-js-sdk/lib/models/event.js");

export const ROOM_ID = "!bench:example.com";
export const SENDER = "@zara:example.com";

export const plainMessage = {
  type: "m.room.message",
  room_id: ROOM_ID,
  sender: SENDER,
  event_id: "$plain",
  origin_server_ts: 1_700_000_000_000,
  content: { msgtype: "m.text", body: "Has anyone seen the latest build numbers? Looks like tests are green again." },
};

const WORDS = [
  "deploy", "outage", "incident", "release", "payroll", "lunch", "coffee", "standup", "review", "merge",
  "urgent", "asap", "blocker", "security", "cve", "invoice", "meeting", "calendar", "holiday", "birthday",
];

/** The default ruleset plus 100 keyword content rules (mostly words, some globs). */
export function keywordRuleset(userId: string): Ruleset {
  let r = serverDefaultRuleset(userId);
  for (let i = 0; i < 100; i++) {
    const w = WORDS[i % WORDS.length]!;
    const pattern = i % 10 === 9 ? `${w}*${i}` : i % 10 === 8 ? `${w}?${i}` : `${w}${i}`;
    r = putRule(r, "content", `kw${i}`, { pattern, actions: ["notify", { set_tweak: "highlight" }] });
  }
  return r;
}

/** A matrix-js-sdk PushProcessor over a minimal fake MatrixClient. */
export function jsSdkProcessor(userId: string, ruleset: Ruleset, memberCount: number, displayName = "Bench User"): { actionsFor: (raw: Record<string, unknown>) => unknown; forEvent: (ev: unknown) => unknown } {
  const room = {
    currentState: {
      members: {},
      getJoinedMemberCount: () => memberCount,
      mayTriggerNotifOfType: () => false,
      getMember: () => ({ name: displayName }),
    },
  };
  const client = {
    getRoom: () => room,
    getUserId: () => userId,
    getSafeUserId: () => userId,
    credentials: { userId },
    supportsIntentionalMentions: () => true,
    pushRules: { global: ruleset },
  };
  const pp = new PushProcessor(client as never);
  pp.updateCachedPushRuleKeys({ global: ruleset } as never);
  return {
    actionsFor: (raw) => pp.actionsForEvent(new MatrixEvent(raw as never)),
    forEvent: (ev) => pp.actionsForEvent(ev as never),
  };
}

/** A MatrixEvent, for the baseline (constructed outside the timed loop). */
export function jsSdkEvent(raw: Record<string, unknown>): unknown {
  return new MatrixEvent(raw as never);
}
