// The room state the authorization rules read:
// https://spec.matrix.org/v1.19/server-server-api/#authorization-rules ("the
// rules governing whether an event is authorised depend on a set of state").
// Only five event types affect authorization (m.room.create, m.room.member,
// m.room.join_rules, m.room.power_levels, m.room.third_party_invite), so the
// state map keeps the three singletons in fields and everything else in nested
// maps: every lookup is O(1), never a scan.

import type { Pdu } from "@weft/common";

/** A PDU annotated with its event ID (required from room version 3 on, where IDs are not on the wire). */
export type AuthPdu = Pdu & { event_id: string };

/**
 * Room state as the authorization rules see it: the event for a
 * `(type, state_key)` pair, if any. Any object with this `get` works — a
 * {@link StateMap}, a database-backed view, the partial state of iterative
 * auth checks.
 */
export interface AuthState {
  get(type: string, stateKey: string): Pdu | undefined;
}

/**
 * An O(1) state map keyed by `(type, state_key)`.
 *
 * @example
 * ```ts
 * const state = new StateMap();
 * state.set(createEvent);
 * state.get("m.room.create", "") === createEvent;
 * ```
 */
export class StateMap implements AuthState {
  /** `m.room.create` with state key `""`. */
  create: Pdu | undefined = undefined;
  /** `m.room.power_levels` with state key `""`. */
  powerLevels: Pdu | undefined = undefined;
  /** `m.room.join_rules` with state key `""`. */
  joinRules: Pdu | undefined = undefined;
  /** `m.room.member` events by state key. */
  readonly members = new Map<string, Pdu>();
  private othersMap: Map<string, Map<string, Pdu>> | undefined = undefined;

  /** Every other state event: type → state key → event (created on first use). */
  get others(): Map<string, Map<string, Pdu>> {
    return (this.othersMap ??= new Map());
  }

  /** The event for `(type, stateKey)`, if any. */
  get(type: string, stateKey: string): Pdu | undefined {
    switch (type) {
      case "m.room.member":
        return this.members.get(stateKey);
      case "m.room.power_levels":
        return stateKey === "" ? this.powerLevels : this.othersMap?.get(type)?.get(stateKey);
      case "m.room.create":
        return stateKey === "" ? this.create : this.othersMap?.get(type)?.get(stateKey);
      case "m.room.join_rules":
        return stateKey === "" ? this.joinRules : this.othersMap?.get(type)?.get(stateKey);
      default:
        return this.othersMap?.get(type)?.get(stateKey);
    }
  }

  /**
   * Puts a state event in the map, replacing the one with the same
   * `(type, state_key)`. Events without a string `state_key` are ignored.
   */
  set(event: Pdu): this {
    const stateKey = event.state_key;
    if (typeof stateKey !== "string") return this;
    const type = event.type;
    if (type === "m.room.member") this.members.set(stateKey, event);
    else if (stateKey === "" && type === "m.room.power_levels") this.powerLevels = event;
    else if (stateKey === "" && type === "m.room.create") this.create = event;
    else if (stateKey === "" && type === "m.room.join_rules") this.joinRules = event;
    else {
      let byKey = this.others.get(type);
      if (byKey === undefined) this.others.set(type, (byKey = new Map()));
      byKey.set(stateKey, event);
    }
    return this;
  }

  /** Every event in the map (order unspecified). */
  *values(): IterableIterator<Pdu> {
    if (this.create) yield this.create;
    if (this.powerLevels) yield this.powerLevels;
    if (this.joinRules) yield this.joinRules;
    yield* this.members.values();
    if (this.othersMap) for (const byKey of this.othersMap.values()) yield* byKey.values();
  }

  /** A shallow copy (the events themselves are shared). */
  clone(): StateMap {
    const copy = new StateMap();
    copy.create = this.create;
    copy.powerLevels = this.powerLevels;
    copy.joinRules = this.joinRules;
    for (const [k, v] of this.members) copy.members.set(k, v);
    if (this.othersMap) for (const [t, byKey] of this.othersMap) copy.others.set(t, new Map(byKey));
    return copy;
  }
}

/**
 * Builds an O(1) {@link AuthState} from state events; later events replace
 * earlier ones with the same `(type, state_key)`. Non-state events are ignored.
 *
 * @param events - state events, e.g. an event's auth events or a room's current state.
 * @returns a {@link StateMap}.
 * @example
 * ```ts
 * const state = stateFromEvents([create, aliceJoin, powerLevels]);
 * state.get("m.room.member", "@alice:example.com"); // aliceJoin
 * ```
 */
export function stateFromEvents(events: Iterable<Pdu>): StateMap {
  const state = new StateMap();
  for (const event of events) state.set(event);
  return state;
}
