// "Iterative auth checks", https://spec.matrix.org/v1.19/rooms/v2/#definitions:
// replay a sorted list of state events on a room state, keeping those the
// authorization rules allow. "If a (event_type, state_key) key that is required
// for checking the authorisation rules is not present in the state, then the
// appropriate state event from the event's auth_events is used if the auth event
// is not rejected."
//
// Decisions (as Synapse and Ruma): the partially resolved state only answers for
// the keys of the auth events selection; other keys come from the event's own
// (non-rejected) auth events; a rejected event found in the partially resolved
// state is skipped in favour of the auth event.

import type { Pdu } from "@weft/common";
import { selectAuthEventKeys, type AuthStateLookup } from "./auth-check.js";
import { ensure, record, tick, type Context, type Step, type TraceEntry } from "./context.js";
import { stateKey, type StateMap } from "./state-key.js";

/** Replays `ids` in order on a copy of `initial`. @internal */
export function* iterativeAuthChecksStep(ctx: Context, ids: readonly string[], initial: ReadonlyMap<string, string>, phase: TraceEntry["phase"]): Step<StateMap> {
  const state: StateMap = new Map(initial);
  for (const id of ids) {
    const rec = record(ctx, id);
    const event = rec.event;
    if (rec.key === undefined) continue; // only state events take part
    const selected = new Set<string>();
    const fromState: string[] = [];
    for (const { type, stateKey: sk } of selectAuthEventKeys(event, ctx.rules)) {
      const k = stateKey(type, sk);
      selected.add(k);
      const sid = state.get(k);
      if (sid !== undefined) fromState.push(sid);
    }
    yield* ensure(ctx, rec.authIds.concat(fromState));
    const authByKey = new Map<string, Pdu>();
    for (const a of rec.authIds) {
      const ar = record(ctx, a);
      if (ar.key !== undefined && !ctx.isRejected(a)) authByKey.set(ar.key, ar.event);
    }
    const view: AuthStateLookup = {
      get(type: string, sk: string): Pdu | undefined {
        const k = stateKey(type, sk);
        if (selected.has(k)) {
          const sid = state.get(k);
          if (sid !== undefined && !ctx.isRejected(sid)) return record(ctx, sid).event;
        }
        return authByKey.get(k);
      },
    };
    const result = ctx.authCheck(event, view, ctx.roomVersion);
    if (result.ok) state.set(rec.key, id);
    ctx.trace?.(result.ok ? { phase, eventId: id, accepted: true } : { phase, eventId: id, accepted: false, code: result.code, rule: result.rule });
    yield* tick(ctx);
  }
  return state;
}
