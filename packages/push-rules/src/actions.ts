// Actions and tweaks (https://spec.matrix.org/v1.19/client-server-api/#actions):
// `notify`, `set_tweak` (`sound`, `highlight`; others passed through), and the
// historical `dont_notify` / `coalesce`, which are stripped
// (https://spec.matrix.org/v1.19/client-server-api/#historical-actions).

import type { PushAction, PushDecision, RuleKind } from "./types.js";

/** Historical actions that clients and servers MUST ignore. */
const HISTORICAL_ACTIONS: ReadonlySet<string> = new Set(["dont_notify", "coalesce"]);

/**
 * Strips the historical `dont_notify` and `coalesce` actions.
 * @param actions - a rule's actions.
 * @returns the actions without historical ones (a new array).
 * @example
 * ```ts
 * stripHistoricalActions(["dont_notify"]); // []
 * ```
 */
export function stripHistoricalActions(actions: readonly PushAction[]): PushAction[] {
  return actions.filter((a) => !(typeof a === "string" && HISTORICAL_ACTIONS.has(a)));
}

/**
 * Interprets a matching rule's actions as a decision (frozen, shareable).
 * `set_tweak` without `value` sets the tweak to `true`; `highlight` is true only for
 * a `true` value; `sound` only for a string value. Highlighting is never implied by
 * the rule kind.
 *
 * @param ruleId - the matching rule.
 * @param kind - its kind.
 * @param actions - its actions.
 * @returns the decision.
 * @example
 * ```ts
 * decideActions(".m.rule.is_room_mention", "override", ["notify", { set_tweak: "highlight" }]).highlight; // true
 * ```
 * @see https://spec.matrix.org/v1.19/client-server-api/#actions
 */
export function decideActions(ruleId: string, kind: RuleKind, actions: readonly PushAction[]): PushDecision {
  const kept = stripHistoricalActions(actions);
  let notify = false;
  const tweaks: Record<string, unknown> = {};
  for (const a of kept) {
    if (a === "notify") notify = true;
    else if (typeof a === "object" && a !== null && typeof a.set_tweak === "string") {
      Object.defineProperty(tweaks, a.set_tweak, {
        value: Object.prototype.hasOwnProperty.call(a, "value") ? a.value : true,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
  }
  const highlight = Object.prototype.hasOwnProperty.call(tweaks, "highlight") && tweaks.highlight === true;
  const sound = Object.prototype.hasOwnProperty.call(tweaks, "sound") && typeof tweaks.sound === "string" ? tweaks.sound : null;
  return Object.freeze({
    ruleId,
    kind,
    actions: Object.freeze(kept.map((a) => (typeof a === "object" ? Object.freeze({ ...a }) : a))),
    notify,
    highlight,
    sound,
    tweaks: Object.freeze(tweaks),
  });
}
