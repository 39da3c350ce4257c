// The entry points: the resolution of a set of states for every room version —
// v1 (https://spec.matrix.org/v1.19/rooms/v1/#state-resolution), v2
// (https://spec.matrix.org/v1.19/rooms/v2/#state-resolution) and v2.1
// (https://spec.matrix.org/v1.19/rooms/v12/#state-resolution) — plus the
// building blocks of the v2 algorithm for tests and servers.

import { roomVersionRules, type Pdu } from "@weft/common";
import { AuthChainCache } from "./auth-chain-cache.js";
import { defaultAuthCheck, type AuthCheck } from "./auth-check.js";
import { authDifferenceStep, conflictedSubgraphStep } from "./auth-difference.js";
import { makeContext, runAsync, runSync, type Context, type Step, type TraceEntry } from "./context.js";
import { StateResError } from "./errors.js";
import { iterativeAuthChecksStep } from "./iterative-auth-checks.js";
import { mainlineOrderingStep } from "./mainline.js";
import { reverseTopologicalPowerOrderingStep } from "./power-ordering.js";
import { resolveV1Step } from "./resolve-v1.js";
import { resolveV2Step } from "./resolve-v2.js";
import { splitConflictedState } from "./split.js";
import type { StateMap } from "./state-key.js";

/** Options of {@link resolveState} and {@link resolveStateSync}. */
export interface ResolveOptions {
  /** The authorization rules. Default: `checkAuthAgainstState` of @weft/event-auth. */
  authCheck?: AuthCheck;
  /** Auth chains and events kept between calls; pass the same one for a room to make later resolutions cheap. */
  cache?: AuthChainCache;
  /** Aborts the resolution (checked whenever it yields). */
  signal?: AbortSignal;
  /** Units of work between yields to the event loop (async) / abort checks (sync). Default 2,000. */
  yieldEvery?: number;
  /** Called for each event replayed by the iterative auth checks (or a v1 pass). */
  trace?: (entry: TraceEntry) => void;
  /** Whether an event was rejected (its auth events are then not used as fallback). Default: `source.isRejected`, else none. */
  isRejected?: (eventId: string) => boolean;
}

/** Where {@link resolveState} gets events (and, optionally, precomputed answers). */
export interface EventSource {
  /** The PDUs the source knows among `ids` (missing ones are simply left out). Called in batches. */
  getEvents(ids: string[]): readonly Pdu[] | Promise<readonly Pdu[]>;
  /** Whether an event was rejected. */
  isRejected?(eventId: string): boolean;
  /** The auth chain difference of the state sets (events in some but not all full auth chains, a set's own events included), e.g. from a chain-cover index. */
  authChainDifference?(stateSets: readonly ReadonlyMap<string, string>[]): Iterable<string> | Promise<Iterable<string>>;
  /** The conflicted state subgraph (room version 12) for a conflicted state set. */
  conflictedSubgraph?(conflicted: ReadonlySet<string>): Iterable<string> | Promise<Iterable<string>>;
}

/** The synchronous counterpart of {@link EventSource}'s accelerators. */
export interface SyncResolveOptions extends ResolveOptions {
  authChainDifference?: (stateSets: readonly ReadonlyMap<string, string>[]) => Iterable<string>;
  conflictedSubgraph?: (conflicted: ReadonlySet<string>) => Iterable<string>;
}

function contextFor(roomVersion: string, options: ResolveOptions, accel: { authDiff: boolean; subgraph: boolean }, isRejected?: (id: string) => boolean): Context {
  const rules = roomVersionRules(roomVersion);
  const authCheck = options.authCheck ?? defaultAuthCheck();
  if (authCheck === undefined) {
    throw new StateResError("NO_AUTH_CHECK", "expected options.authCheck or @weft/event-auth's checkAuthAgainstState, got neither");
  }
  const rejected = options.isRejected ?? isRejected;
  return makeContext({
    rules,
    roomVersion,
    authCheck,
    isRejected: rejected ?? (() => false),
    trace: options.trace,
    yieldEvery: options.yieldEvery ?? 2000,
    hasAuthDiff: accel.authDiff,
    hasSubgraph: accel.subgraph,
    ...(options.cache !== undefined ? { cache: options.cache } : {}),
  });
}

function resolveStep(ctx: Context, stateSets: readonly ReadonlyMap<string, string>[]): Step<StateMap> {
  return ctx.rules.stateResolution === "v1" ? resolveV1Step(ctx, stateSets) : resolveV2Step(ctx, stateSets);
}

/**
 * Resolves a set of room states into one (the state before an event with these
 * states as its `prev_events`' states), fetching what it needs from `source` in
 * batches and yielding to the event loop on large inputs.
 *
 * @param roomVersion - the room version identifier (`"1"` … `"12"`).
 * @param stateSets - the state maps to resolve, keyed by {@link stateKey}.
 * @param source - where events come from; never called for events already in `options.cache`.
 * @param options - auth check, cache, abort signal, yielding, trace.
 * @returns the resolved state map.
 * @throws {MissingEventsError} when the source lacks events the algorithm needs (fetch them and retry).
 * @throws {StateResError} on malformed events or an auth cycle; `NO_AUTH_CHECK` when no auth check is available.
 * @throws {MatrixError} `M_UNSUPPORTED_ROOM_VERSION` for an unknown room version.
 * @example
 * ```ts
 * const resolved = await resolveState("11", [stateA, stateB], {
 *   getEvents: (ids) => store.getEvents(ids),
 * }, { cache });
 * resolved.get(stateKey("m.room.topic", "")); // "$T2"
 * ```
 * @see https://spec.matrix.org/v1.19/rooms/v2/#algorithm
 */
export async function resolveState(roomVersion: string, stateSets: readonly ReadonlyMap<string, string>[], source: EventSource, options: ResolveOptions = {}): Promise<StateMap> {
  const ctx = contextFor(
    roomVersion,
    options,
    { authDiff: source.authChainDifference !== undefined, subgraph: source.conflictedSubgraph !== undefined },
    source.isRejected?.bind(source),
  );
  options.signal?.throwIfAborted();
  const accel: Parameters<typeof runAsync>[3] = {};
  if (source.authChainDifference) accel.authChainDifference = source.authChainDifference.bind(source);
  if (source.conflictedSubgraph) accel.conflictedSubgraph = source.conflictedSubgraph.bind(source);
  return runAsync(resolveStep(ctx, stateSets), ctx, (ids) => source.getEvents(ids), accel, options.signal);
}

/**
 * {@link resolveState} for fully in-memory inputs: same algorithm, no promises.
 *
 * @param roomVersion - the room version identifier.
 * @param stateSets - the state maps to resolve.
 * @param getEvent - the event with this ID, or `undefined`.
 * @param options - as {@link resolveState}, plus synchronous accelerators.
 * @returns the resolved state map.
 * @throws {MissingEventsError} when `getEvent` lacks events the algorithm needs.
 * @example
 * ```ts
 * const resolved = resolveStateSync("12", [a, b], (id) => events.get(id), { authCheck });
 * ```
 * @see https://spec.matrix.org/v1.19/rooms/v12/#algorithm
 */
export function resolveStateSync(roomVersion: string, stateSets: readonly ReadonlyMap<string, string>[], getEvent: (eventId: string) => Pdu | undefined, options: SyncResolveOptions = {}): StateMap {
  const ctx = contextFor(roomVersion, options, { authDiff: options.authChainDifference !== undefined, subgraph: options.conflictedSubgraph !== undefined });
  options.signal?.throwIfAborted();
  const accel: Parameters<typeof runSync>[3] = {};
  if (options.authChainDifference) accel.authChainDifference = options.authChainDifference;
  if (options.conflictedSubgraph) accel.conflictedSubgraph = options.conflictedSubgraph;
  return runSync(resolveStep(ctx, stateSets), ctx, getEvent, accel, options.signal);
}

/** Options of the building blocks. */
export interface BuildingBlockOptions {
  cache?: AuthChainCache;
  authCheck?: AuthCheck;
  isRejected?: (eventId: string) => boolean;
  trace?: (entry: TraceEntry) => void;
}

function runBlock<T>(roomVersion: string, getEvent: (id: string) => Pdu | undefined, options: BuildingBlockOptions, make: (ctx: Context) => Step<T>, needsAuth = false): T {
  const authCheck = options.authCheck ?? defaultAuthCheck();
  if (needsAuth && authCheck === undefined) throw new StateResError("NO_AUTH_CHECK", "expected options.authCheck or @weft/event-auth's checkAuthAgainstState, got neither");
  const ctx = makeContext({
    rules: roomVersionRules(roomVersion),
    roomVersion,
    authCheck: authCheck ?? (() => ({ ok: true })),
    isRejected: options.isRejected ?? (() => false),
    trace: options.trace,
    yieldEvery: Number.POSITIVE_INFINITY,
    hasAuthDiff: false,
    hasSubgraph: false,
    ...(options.cache !== undefined ? { cache: options.cache } : {}),
  });
  return runSync(make(ctx), ctx, getEvent, {}, undefined);
}

/**
 * The auth difference `∪C_i − ∩C_i` of state maps (a state set's own events count as part of its full auth chain).
 *
 * @example
 * ```ts
 * authDifference("11", [a, b], (id) => events.get(id)); // Set { "$PB", ... }
 * ```
 * @see https://spec.matrix.org/v1.19/rooms/v2/#definitions
 */
export function authDifference(roomVersion: string, stateSets: readonly ReadonlyMap<string, string>[], getEvent: (id: string) => Pdu | undefined, options: BuildingBlockOptions = {}): Set<string> {
  const { unconflicted, conflicted } = splitConflictedState(stateSets, "v2");
  return runBlock(roomVersion, getEvent, options, (ctx) => authDifferenceStep(ctx, stateSets, unconflicted, conflicted.keys()));
}

/**
 * The conflicted state subgraph (room version 12): events on `auth_events` paths between conflicted events, endpoints included.
 *
 * @example
 * ```ts
 * conflictedStateSubgraph("12", new Set(["$PL1", "$PL3"]), get); // Set { "$PL1", "$PL2", "$PL3" }
 * ```
 * @see https://spec.matrix.org/v1.19/rooms/v12/#definitions
 */
export function conflictedStateSubgraph(roomVersion: string, conflicted: ReadonlySet<string>, getEvent: (id: string) => Pdu | undefined, options: BuildingBlockOptions = {}): Set<string> {
  return runBlock(roomVersion, getEvent, options, (ctx) => conflictedSubgraphStep(ctx, conflicted));
}

/**
 * Sorts `ids`, enlarged with their auth ancestors inside `fullConflictedSet`, by the reverse topological power ordering.
 *
 * @example
 * ```ts
 * reverseTopologicalPowerOrdering("11", ["$PA", "$PB"], new Set(["$PA", "$PB"]), get); // ["$PA", "$PB"]
 * ```
 * @see https://spec.matrix.org/v1.19/rooms/v2/#definitions
 */
export function reverseTopologicalPowerOrdering(roomVersion: string, ids: Iterable<string>, fullConflictedSet: ReadonlySet<string>, getEvent: (id: string) => Pdu | undefined, options: BuildingBlockOptions = {}): string[] {
  return runBlock(roomVersion, getEvent, options, (ctx) => reverseTopologicalPowerOrderingStep(ctx, ids, fullConflictedSet));
}

/**
 * Sorts `ids` by the mainline ordering based on the power levels event `powerLevelsId`.
 *
 * @example
 * ```ts
 * mainlineOrdering("11", ["$T3", "$T4"], "$PA2", get); // ["$T4", "$T3"]
 * ```
 * @see https://spec.matrix.org/v1.19/rooms/v2/#definitions
 */
export function mainlineOrdering(roomVersion: string, ids: readonly string[], powerLevelsId: string | undefined, getEvent: (id: string) => Pdu | undefined, options: BuildingBlockOptions = {}): string[] {
  return runBlock(roomVersion, getEvent, options, (ctx) => mainlineOrderingStep(ctx, ids, powerLevelsId));
}

/**
 * Replays `ids` in order on `initialState`, keeping the events the auth rules allow.
 *
 * @example
 * ```ts
 * iterativeAuthChecks("11", ["$JR", "$ME"], new Map(), get, { authCheck }); // Map { …JR }
 * ```
 * @see https://spec.matrix.org/v1.19/rooms/v2/#definitions
 */
export function iterativeAuthChecks(roomVersion: string, ids: readonly string[], initialState: ReadonlyMap<string, string>, getEvent: (id: string) => Pdu | undefined, options: BuildingBlockOptions = {}): StateMap {
  const changes = runBlock(roomVersion, getEvent, options, (ctx) => iterativeAuthChecksStep(ctx, ids, initialState, "power"), true);
  const state: StateMap = new Map(initialState);
  for (const [k, v] of changes) state.set(k, v);
  return state;
}
