// State resolution v1 (room version 1), https://spec.matrix.org/v1.19/rooms/v1/#state-resolution.
//
// Decisions (as Synapse, whose behaviour the room-version-1 federation shares):
// - within one pass (power levels, join rules, members) every key is resolved
//   against R as it was before the pass, so the result does not depend on the
//   order keys are visited; R is updated after the pass;
// - "other" conflicts are checked against R after the member pass; when no event
//   of a key passes, the last one in the order (lowest depth, highest SHA-1) is
//   kept, as Synapse does (the spec is silent).

import { sha1 } from "@noble/hashes/legacy.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";
import type { Pdu } from "@weft/common";
import { ensure, record, due, TICK, type Context, type Step, type TraceEntry } from "./context.js";
import { splitConflictedState } from "./split.js";
import { parseStateKey, type StateMap } from "./state-key.js";
import { selectAuthEventKeys, type AuthStateLookup } from "./auth-check.js";
import { stateKey } from "./state-key.js";

function sha1Hex(id: string): string {
  return bytesToHex(sha1(utf8ToBytes(id)));
}

/**
 * Orders events by ascending `depth`, then descending SHA-1 of the event ID
 * (the v1 tie-break).
 *
 * @example
 * ```ts
 * orderByDepthAndSha1(events)[0]; // the shallowest event
 * ```
 */
export function orderByDepthAndSha1<E extends Pick<Pdu, "depth" | "event_id">>(events: readonly E[]): E[] {
  const keyed = events.map((e) => ({ e, d: Number(e.depth) || 0, h: sha1Hex(String(e.event_id)) }));
  keyed.sort((a, b) => (a.d !== b.d ? a.d - b.d : a.h < b.h ? 1 : a.h > b.h ? -1 : 0));
  return keyed.map((k) => k.e);
}

/** The resolution of a set of states, v1. @internal */
export function* resolveV1Step(ctx: Context, stateSets: readonly ReadonlyMap<string, string>[]): Step<StateMap> {
  if (stateSets.length === 0) return new Map();
  if (stateSets.length === 1) return new Map(stateSets[0]);
  // Start by setting R to the union of the states, excluding conflicting events.
  const { unconflicted: R, conflicted } = splitConflictedState(stateSets, "v1");
  if (conflicted.size === 0) return R;
  const all = [...conflicted.values()].flat();
  yield* ensure(ctx, all);

  const check = function* (event: Pdu, state: ReadonlyMap<string, string>): Step<{ ok: boolean; code?: string; rule?: string }> {
    // As in v2 (and Synapse): the auth rules see R's entries for the auth events selection only.
    const selected = new Map<string, string>();
    for (const { type, stateKey: sk } of selectAuthEventKeys(event, ctx.rules)) {
      const k = stateKey(type, sk);
      const id = state.get(k);
      if (id !== undefined) selected.set(k, id);
    }
    yield* ensure(ctx, selected.values());
    const view: AuthStateLookup = {
      get: (type, sk) => {
        const id = selected.get(stateKey(type, sk));
        return id === undefined ? undefined : record(ctx, id).event;
      },
    };
    const r = ctx.authCheck(event, view, ctx.roomVersion);
    if (due(ctx)) yield TICK;
    return r.ok ? { ok: true } : { ok: false, code: r.code, rule: r.rule };
  };
  const trace = (phase: TraceEntry["phase"], eventId: string, r: { ok: boolean; code?: string; rule?: string }): void => {
    if (ctx.trace === undefined) return;
    ctx.trace(r.ok ? { phase, eventId, accepted: true } : { phase, eventId, accepted: false, code: r.code!, rule: r.rule! });
  };

  // Power levels, then join rules, then members: add the first event (ascending
  // depth, descending SHA-1), then each next one while it is allowed in R.
  const passes: [string, TraceEntry["phase"]][] = [
    ["m.room.power_levels", "v1-power-levels"],
    ["m.room.join_rules", "v1-join-rules"],
    ["m.room.member", "v1-member"],
  ];
  const done = new Set<string>();
  for (const [type, phase] of passes) {
    const before: StateMap = new Map(R);
    for (const [key, ids] of [...conflicted].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const [t, sk] = parseStateKey(key);
      if (t !== type || (type !== "m.room.member" && sk !== "")) continue;
      done.add(key);
      const list = orderByDepthAndSha1(ids.map((id) => record(ctx, id).event));
      const local: StateMap = new Map(before);
      let chosen = list[0]!.event_id!;
      local.set(key, chosen);
      for (const event of list.slice(1)) {
        const r = yield* check(event, local);
        trace(phase, event.event_id!, r);
        if (!r.ok) break;
        chosen = event.event_id!;
        local.set(key, chosen);
      }
      R.set(key, chosen);
    }
  }
  // Other conflicts: the event with the highest depth and lowest SHA-1 that passes in R.
  const base: StateMap = new Map(R);
  for (const [key, ids] of conflicted) {
    if (done.has(key)) continue;
    const list = orderByDepthAndSha1(ids.map((id) => record(ctx, id).event)).reverse();
    let chosen: string | undefined;
    for (const event of list) {
      const r = yield* check(event, base);
      trace("v1-other", event.event_id!, r);
      if (r.ok) {
        chosen = event.event_id!;
        break;
      }
    }
    R.set(key, chosen ?? list[list.length - 1]!.event_id!);
  }
  return R;
}
