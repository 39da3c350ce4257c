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
import type { KeyedPair } from "./auth-chain-cache.js";
import { ensure, record, due, TICK, type Context, type Step, type TraceEntry } from "./context.js";
import { stateKey, type StateMap } from "./state-key.js";

/**
 * The state an event is checked against: the partially resolved state for the
 * keys of the event's auth events selection, the event's own (non-rejected)
 * auth events for anything else. One instance serves a whole replay — its
 * fields are re-pointed for each event — so checking an event allocates
 * nothing here. (The auth check is synchronous and does not keep the state.)
 */
class PartialStateView implements AuthStateLookup {
  selected: readonly KeyedPair[] = [];
  own: readonly KeyedPair[] = [];
  constructor(
    private readonly ctx: Context,
    private readonly base: ReadonlyMap<string, string>,
    private readonly changes: StateMap,
  ) {}

  /** The event ID at a state map key in base + changes. */
  current(key: string): string | undefined {
    return this.changes.get(key) ?? this.base.get(key);
  }

  get(type: string, sk: string): Pdu | undefined {
    const ctx = this.ctx;
    const selected = this.selected;
    for (let i = 0; i < selected.length; i++) {
      const k = selected[i]!;
      if (k.stateKey !== sk || k.type !== type) continue;
      const sid = this.current(k.value);
      if (sid !== undefined && !ctx.isRejected(sid)) return record(ctx, sid).event;
      break;
    }
    // Later auth events win over earlier ones with the same pair, as a map would.
    const own = this.own;
    let aid: string | undefined;
    for (let i = 0; i < own.length; i++) {
      const p = own[i]!;
      if (p.stateKey === sk && p.type === type) aid = p.value;
    }
    return aid === undefined || ctx.isRejected(aid) ? undefined : record(ctx, aid).event;
  }
}

/**
 * Replays `ids` in order on `base` + `changes`, recording accepted events in
 * `changes` (the base is never copied: state maps of large rooms are big, and
 * the replayed part is small). Returns `changes`. @internal
 */
export function* iterativeAuthChecksStep(
  ctx: Context,
  ids: readonly string[],
  base: ReadonlyMap<string, string>,
  phase: TraceEntry["phase"],
  changes: StateMap = new Map(),
): Step<StateMap> {
  const view = new PartialStateView(ctx, base, changes);
  for (const id of ids) {
    const rec = record(ctx, id);
    const event = rec.event;
    const key = rec.key;
    if (key === undefined) continue; // only state events take part
    // The selection's state map keys and the auth events' pairs are memoised per
    // event: the lookups below compare short strings, never build keys.
    const selected = (rec.selected ??= selectAuthEventKeys(event, ctx.rules).map((k) => ({ type: k.type, stateKey: k.stateKey, value: stateKey(k.type, k.stateKey) })));
    let need: string[] | undefined;
    for (const a of rec.authIds) if (!ctx.cache.has(a)) (need ??= []).push(a);
    for (let i = 0; i < selected.length; i++) {
      const sid = view.current(selected[i]!.value);
      if (sid !== undefined && !ctx.cache.has(sid)) (need ??= []).push(sid);
    }
    if (need !== undefined) yield* ensure(ctx, need);
    let authPairs = rec.authPairs;
    if (authPairs === undefined) {
      const pairs: KeyedPair[] = [];
      for (const a of rec.authIds) {
        const ev = record(ctx, a).event;
        if (typeof ev.state_key === "string") pairs.push({ type: ev.type, stateKey: ev.state_key, value: a });
      }
      authPairs = rec.authPairs = pairs;
    }
    view.selected = selected;
    view.own = authPairs;
    const result = ctx.authCheck(event, view, ctx.roomVersion);
    if (result.ok) changes.set(key, id);
    ctx.trace?.(result.ok ? { phase, eventId: id, accepted: true } : { phase, eventId: id, accepted: false, code: result.code, rule: result.rule });
    if (due(ctx)) yield TICK;
  }
  return changes;
}
