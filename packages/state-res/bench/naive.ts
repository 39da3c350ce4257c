// A straightforward, spec-literal state resolution v2 / v2.1
// (https://spec.matrix.org/v1.19/rooms/v2/#algorithm, https://spec.matrix.org/v1.19/rooms/v12/#algorithm):
// full auth chains as Sets, a quadratic Kahn's algorithm, mainline positions
// recomputed per event. It is the benchmark baseline and the reference the
// property tests compare the real implementation with.

import { referencedEventIds, roomVersionRules, type EventReferencePair, type Pdu } from "@weft/common";
import { isPowerEvent, roomCreators, stateKey, userLevelIn, type AuthCheck, type AuthStateLookup } from "../src/index.js";

type Get = (id: string) => Pdu | undefined;

export function naiveResolve(roomVersion: string, stateSets: ReadonlyMap<string, string>[], get: Get, authCheck: AuthCheck): Map<string, string> {
  const rules = roomVersionRules(roomVersion);
  const v21 = rules.stateResolution === "v2.1";
  const ev = (id: string): Pdu => {
    const e = get(id);
    if (e === undefined) throw new Error(`missing ${id}`);
    return e;
  };
  const authIds = (e: Pdu): string[] => {
    const ids = referencedEventIds(e.auth_events as (string | EventReferencePair)[]);
    if (rules.eventFormat.roomIdIsCreateEventHash && e.type !== "m.room.create" && typeof e.room_id === "string") {
      const c = `$${e.room_id.slice(1)}`;
      if (!ids.includes(c)) ids.push(c);
    }
    return ids;
  };
  const chainOf = (ids: Iterable<string>, includeSelf: boolean): Set<string> => {
    const out = new Set<string>();
    const stack: string[] = [];
    for (const id of ids) {
      if (includeSelf) stack.push(id);
      else stack.push(...authIds(ev(id)));
    }
    while (stack.length) {
      const id = stack.pop()!;
      if (out.has(id)) continue;
      out.add(id);
      stack.push(...authIds(ev(id)));
    }
    return out;
  };
  if (stateSets.length === 0) return new Map();
  if (stateSets.length === 1) return new Map(stateSets[0]);
  // Unconflicted state map and conflicted state set.
  const keys = new Set<string>();
  for (const s of stateSets) for (const k of s.keys()) keys.add(k);
  const unconflicted = new Map<string, string>();
  const conflicted = new Set<string>();
  for (const k of keys) {
    const vals = stateSets.map((s) => s.get(k));
    if (vals.every((v) => v !== undefined && v === vals[0])) unconflicted.set(k, vals[0]!);
    else for (const v of vals) if (v !== undefined) conflicted.add(v);
  }
  if (conflicted.size === 0) return unconflicted;
  // Auth difference over full auth chains (own events included).
  const chains = stateSets.map((s) => chainOf(s.values(), true));
  const union = new Set<string>();
  for (const c of chains) for (const id of c) union.add(id);
  const full = new Set<string>(conflicted);
  for (const id of union) if (!chains.every((c) => c.has(id))) full.add(id);
  // Conflicted state subgraph: x with a conflicted strict ancestor and a conflicted strict descendant.
  if (v21) {
    for (const c of conflicted) {
      for (const x of chainOf([c], false)) {
        if (conflicted.has(x)) full.add(x);
        else for (const y of chainOf([x], false)) if (conflicted.has(y)) { full.add(x); break; }
      }
    }
  }
  // 1. Power events and their auth ancestors within the full conflicted set.
  const X = new Set<string>();
  const stack = [...full].filter((id) => isPowerEvent(ev(id)));
  while (stack.length) {
    const id = stack.pop()!;
    if (X.has(id)) continue;
    X.add(id);
    for (const a of authIds(ev(id))) if (full.has(a)) stack.push(a);
  }
  const power = (id: string): number => {
    const e = ev(id);
    const auths = authIds(e).map(ev);
    const create = auths.find((a) => a.type === "m.room.create");
    const pl = auths.find((a) => a.type === "m.room.power_levels" && a.state_key === "");
    const isCreator = create !== undefined && roomCreators(create, rules).has(e.sender);
    if (isCreator && rules.authorization.privilegedCreators) return Infinity;
    if (pl === undefined) return isCreator ? 100 : 0;
    return userLevelIn(pl, e.sender);
  };
  const less = (x: string, y: string): boolean => {
    const px = power(x), py = power(y);
    if (px !== py) return px > py;
    const tx = ev(x).origin_server_ts, ty = ev(y).origin_server_ts;
    if (tx !== ty) return tx < ty;
    return x < y;
  };
  const sortedPower: string[] = [];
  const left = new Set(X);
  while (left.size) {
    let best: string | undefined;
    for (const id of left) {
      if (authIds(ev(id)).some((a) => left.has(a))) continue;
      if (best === undefined || less(id, best)) best = id;
    }
    sortedPower.push(best!);
    left.delete(best!);
  }
  const iterate = (ids: string[], initial: Map<string, string>): Map<string, string> => {
    const state = new Map(initial);
    for (const id of ids) {
      const e = ev(id);
      const byKey = new Map<string, Pdu>();
      for (const a of authIds(e)) { const ae = ev(a); if (typeof ae.state_key === "string") byKey.set(stateKey(ae.type, ae.state_key), ae); }
      const selected = new Set<string>([stateKey("m.room.create", ""), stateKey("m.room.power_levels", ""), stateKey("m.room.member", e.sender)]);
      if (e.type === "m.room.member") {
        selected.add(stateKey("m.room.member", e.state_key!));
        if (["join", "invite", "knock"].includes(String(e.content.membership))) selected.add(stateKey("m.room.join_rules", ""));
      }
      const view: AuthStateLookup = {
        get: (t, k) => {
          const key = stateKey(t, k);
          if (selected.has(key) && state.has(key)) return ev(state.get(key)!);
          return byKey.get(key);
        },
      };
      if (authCheck(e, view, roomVersion).ok) state.set(stateKey(e.type, e.state_key!), id);
    }
    return state;
  };
  // 2.
  const partial = iterate(sortedPower, v21 ? new Map() : unconflicted);
  // 3. Mainline ordering.
  const plOf = (id: string): string | undefined => authIds(ev(id)).find((a) => ev(a).type === "m.room.power_levels" && ev(a).state_key === "");
  const mainline: string[] = [];
  for (let p = partial.get(stateKey("m.room.power_levels", "")); p !== undefined; p = plOf(p)) mainline.push(p);
  const position = (id: string): number => {
    for (let p = plOf(id); p !== undefined; p = plOf(p)) { const i = mainline.indexOf(p); if (i >= 0) return i; }
    return Infinity;
  };
  const rest = [...full].filter((id) => !X.has(id));
  rest.sort((x, y) => {
    const px = position(x), py = position(y);
    if (px !== py) return px > py ? -1 : 1;
    const tx = ev(x).origin_server_ts, ty = ev(y).origin_server_ts;
    if (tx !== ty) return tx - ty;
    return x < y ? -1 : x > y ? 1 : 0;
  });
  // 4. and 5.
  const resolved = iterate(rest, partial);
  for (const [k, v] of unconflicted) resolved.set(k, v);
  return resolved;
}

/** The auth difference, spec-literally. */
export function naiveAuthDifference(roomVersion: string, stateSets: ReadonlyMap<string, string>[], get: Get): Set<string> {
  const rules = roomVersionRules(roomVersion);
  const chains = stateSets.map((s) => {
    const out = new Set<string>();
    const stack = [...s.values()];
    while (stack.length) {
      const id = stack.pop()!;
      if (out.has(id)) continue;
      out.add(id);
      const e = get(id)!;
      const ids = referencedEventIds(e.auth_events as (string | EventReferencePair)[]);
      if (rules.eventFormat.roomIdIsCreateEventHash && e.type !== "m.room.create" && typeof e.room_id === "string") ids.push(`$${e.room_id.slice(1)}`);
      stack.push(...ids);
    }
    return out;
  });
  const diff = new Set<string>();
  for (const c of chains) for (const id of c) if (!chains.every((o) => o.has(id))) diff.add(id);
  return diff;
}
