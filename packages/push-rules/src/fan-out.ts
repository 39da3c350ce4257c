// Evaluating one event for every local member of a room
// (https://spec.matrix.org/v1.19/client-server-api/#server-behaviour-1: "homeservers
// process push rules for each of the local users in the room (excluding the
// sender)"). Per-event work is shared: the event is prepared once, and for each
// distinct template the user-independent conditions are evaluated once; each
// recipient then only checks the user-dependent conditions (mentions of their user
// ID, invites to them, their display name) of the few rules that survive.

import { passesShared, preUser, type CompiledRule, type CompiledRuleset, type RulesetTemplate } from "./compile.js";
import type { PreparedEvent } from "./prepared-event.js";
import type { PushDecision, RoomFacts } from "./types.js";

/** One recipient of a fan-out. */
export interface Recipient {
  /** The user. Recipients whose user ID is the event's sender get `null`. */
  readonly userId: string;
  /** Their compiled ruleset (compile them through a shared pool or cache to share work). */
  readonly ruleset: CompiledRuleset;
  /** Their display name in the room, for the deprecated `contains_display_name`. */
  readonly displayName?: string | null;
}

/** The per-event, per-template outcome of the user-independent pass. */
interface TemplateVerdict {
  /** Rules (in order) whose shared part holds but which have user-dependent conditions. */
  readonly candidates: readonly CompiledRule[];
  /** The first rule that matches for everyone, or null. */
  readonly fallback: PushDecision | null;
}

function verdictFor(template: RulesetTemplate, event: PreparedEvent, facts: RoomFacts): TemplateVerdict {
  const candidates: CompiledRule[] = [];
  for (const r of template.active) {
    if (!passesShared(r, event, facts)) continue;
    if (r.user.length === 0) return { candidates, fallback: r.decision };
    if (r.user.every((c) => preUser(c, event))) candidates.push(r);
  }
  return { candidates, fallback: null };
}

/**
 * Evaluates one event for many recipients, calling `onDecision` once per recipient
 * in order with the decision (or null: no rule matched, or they sent the event).
 * Recipients whose compiled rulesets share a template (same rules up to their own
 * user ID) share all per-event work. Decisions are frozen and shared: do not mutate.
 *
 * @param event - from {@link prepareEvent}.
 * @param facts - member count and power levels at the event.
 * @param recipients - the local members to evaluate for.
 * @param onDecision - receives each recipient and its decision.
 * @example
 * ```ts
 * const cache = new CompiledRulesetCache();
 * const ev = prepareEvent(event);
 * evaluateForRecipients(ev, { memberCount: 1000 }, members.map((m) => ({
 *   userId: m.userId,
 *   ruleset: cache.get(m.userId, m.rulesVersion, () => loadRules(m.userId)),
 * })), (r, d) => { if (d?.notify) queuePush(r.userId, d); });
 * ```
 * @see https://spec.matrix.org/v1.19/client-server-api/#push-rules
 */
export function evaluateForRecipients<R extends Recipient>(
  event: PreparedEvent,
  facts: RoomFacts,
  recipients: Iterable<R>,
  onDecision: (recipient: R, decision: PushDecision | null) => void,
): void {
  const verdicts = new Map<RulesetTemplate, TemplateVerdict>();
  const sender = event.sender;
  for (const recipient of recipients) {
    const compiled = recipient.ruleset;
    if (recipient.userId === sender || compiled.userId === sender) {
      onDecision(recipient, null);
      continue;
    }
    const template = compiled.template;
    let verdict = verdicts.get(template);
    if (verdict === undefined) {
      verdict = verdictFor(template, event, facts);
      verdicts.set(template, verdict);
    }
    let decision = verdict.fallback;
    const candidates = verdict.candidates;
    for (let i = 0; i < candidates.length; i++) {
      const r = candidates[i]!;
      if (compiled.passesUser(r, event, recipient.displayName)) {
        decision = r.decision;
        break;
      }
    }
    onDecision(recipient, decision);
  }
}
