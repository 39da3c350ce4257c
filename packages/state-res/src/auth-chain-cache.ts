// Auth chains: https://spec.matrix.org/v1.19/rooms/v2/#definitions — "the auth chain
// of an event E is the set containing all of E's auth events, all of their auth
// events, and so on recursively". Since room version 12 the create event is not
// listed in `auth_events` but implied by the room ID
// (https://spec.matrix.org/v1.19/rooms/v12/#event-format): it belongs to every
// auth chain, so it is added here as an implicit auth edge.
//
// The cache keeps, per event, its normalised auth edges and its *auth depth* (the
// length of the longest `auth_events` path down to the create event). Auth depth
// is computed from the graph itself, never from the untrusted `depth` field; it
// strictly decreases along auth edges, which lets the auth difference and the
// conflicted state subgraph stop walking as soon as the answer is known.

import { referencedEventIds, type EventReferencePair, type Pdu, type RoomVersionRules } from "@weft/common";
import { StateResError } from "./errors.js";
import { stateKey, type StateKey } from "./state-key.js";

/** What the cache knows about one event. */
export interface EventRecord {
  readonly id: string;
  readonly event: Pdu;
  /** The state map key of a state event; `undefined` for other events. */
  readonly key: StateKey | undefined;
  /** Auth edges: `auth_events` (v1–2 pairs normalised) plus, since room version 12, the create event implied by the room ID. */
  readonly authIds: readonly string[];
  /** Longest auth path to a root; -1 until the whole auth chain has been loaded. @internal */
  authDepth: number;
  /** The `m.room.power_levels` event among the auth events (`null`: none); `undefined` until looked up. @internal */
  powerLevelsAuthId: string | null | undefined;
  /** The auth events selection as `(type, state_key)` pairs with their state map keys, memoised. @internal */
  selected: readonly KeyedPair[] | undefined;
  /** The state auth events as `(type, state_key)` pairs with their event IDs, memoised. @internal */
  authPairs: readonly KeyedPair[] | undefined;
  /** The sender's power level seen from the auth events, memoised with the rules it was computed under. @internal */
  senderPower: number | undefined;
  /** @internal */
  senderPowerRules: RoomVersionRules | undefined;
}

/** A `(type, state_key)` pair with a value: its state map key, or an event ID. @internal */
export interface KeyedPair {
  readonly type: string;
  readonly stateKey: string;
  readonly value: string;
}

/** Options of {@link AuthChainCache}. */
export interface AuthChainCacheOptions {
  /** Upper bound on cached events; when a resolution starts above it, the cache is emptied. Default 1,000,000. */
  maxEvents?: number;
}

/** The event ID of the create event implied by a v12 room ID (`!X` → `$X`). */
export function impliedCreateEventId(roomId: unknown): string | undefined {
  return typeof roomId === "string" && roomId.startsWith("!") ? `$${roomId.slice(1)}` : undefined;
}

/**
 * Events and their auth edges, kept between state resolutions of the same room
 * so that later resolutions only walk what changed. Bounded and safe to drop:
 * an emptied cache only means events are fetched again.
 *
 * @example
 * ```ts
 * const cache = new AuthChainCache();
 * await resolveState("11", setsA, source, { cache });
 * await resolveState("11", setsB, source, { cache }); // reuses loaded auth chains
 * ```
 */
export class AuthChainCache {
  private readonly records = new Map<string, EventRecord>();
  readonly maxEvents: number;

  constructor(options: AuthChainCacheOptions = {}) {
    this.maxEvents = options.maxEvents ?? 1_000_000;
  }

  /** Number of cached events. */
  get size(): number {
    return this.records.size;
  }

  /** Drops everything. */
  clear(): void {
    this.records.clear();
  }

  /** Whether the event is cached. */
  has(eventId: string): boolean {
    return this.records.has(eventId);
  }

  /** The cached record of an event. */
  get(eventId: string): EventRecord | undefined {
    return this.records.get(eventId);
  }

  /**
   * Adds an event (idempotent).
   *
   * @throws {StateResError} `INVALID_EVENT` when the event has no string `event_id`.
   */
  add(event: Pdu, rules: RoomVersionRules): EventRecord {
    const id = event.event_id;
    if (typeof id !== "string") {
      throw new StateResError("INVALID_EVENT", `expected event.event_id to be a string, got ${typeof id}`);
    }
    const existing = this.records.get(id);
    if (existing !== undefined) return existing;
    const authIds = referencedEventIds(event.auth_events as (string | EventReferencePair)[] | undefined);
    // Since room version 12 the create event is implied by the room ID and is in every auth chain.
    if (rules.eventFormat.roomIdIsCreateEventHash && event.type !== "m.room.create") {
      const createId = impliedCreateEventId(event.room_id);
      if (createId !== undefined && createId !== id && !authIds.includes(createId)) authIds.push(createId);
    }
    const record: EventRecord = {
      id,
      event,
      key: typeof event.state_key === "string" ? stateKey(event.type, event.state_key) : undefined,
      authIds,
      authDepth: -1,
      powerLevelsAuthId: undefined,
      selected: undefined,
      authPairs: undefined,
      senderPower: undefined,
      senderPowerRules: undefined,
    };
    this.records.set(id, record);
    return record;
  }

  /** Empties the cache when it has grown past `maxEvents` (called between resolutions, never during one). @internal */
  trim(): void {
    if (this.records.size > this.maxEvents) this.records.clear();
  }

  /**
   * Computes auth depths for `ids` whose auth chains are fully cached. @internal
   * @throws {StateResError} `AUTH_CYCLE` on a cycle.
   */
  computeAuthDepths(ids: Iterable<string>): void {
    const stack: EventRecord[] = [];
    for (const id of ids) {
      const root = this.records.get(id);
      if (root === undefined || root.authDepth >= 0) continue;
      stack.push(root);
      while (stack.length > 0) {
        const rec = stack[stack.length - 1]!;
        if (rec.authDepth >= 0) {
          stack.pop();
          continue;
        }
        if (rec.authDepth === -1) {
          rec.authDepth = -2; // in progress
          for (const a of rec.authIds) {
            const ar = this.records.get(a);
            if (ar === undefined) continue; // caller guarantees the chain is loaded; a gap counts as a root
            if (ar.authDepth === -1) stack.push(ar);
            else if (ar.authDepth === -2) throw new StateResError("AUTH_CYCLE", `expected acyclic auth_events, got a cycle through ${a}`);
          }
          continue;
        }
        let max = -1;
        for (const a of rec.authIds) {
          const ar = this.records.get(a);
          if (ar === undefined) continue;
          if (ar.authDepth < 0) throw new StateResError("AUTH_CYCLE", `expected acyclic auth_events, got a cycle through ${a}`);
          if (ar.authDepth > max) max = ar.authDepth;
        }
        rec.authDepth = max + 1;
        stack.pop();
      }
    }
  }
}
