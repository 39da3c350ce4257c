// Plumbing shared by every step of https://spec.matrix.org/v1.19/rooms/v2/#algorithm:
// the algorithm is written once as generators that *ask* for events
// (`yield { kind: "fetch" }`), for accelerator answers, or for a chance to let the
// event loop run; a synchronous driver and an asynchronous one answer them. The
// library itself never performs I/O.

import type { Pdu, RoomVersionRules } from "@weft/common";
import { AuthChainCache, type EventRecord } from "./auth-chain-cache.js";
import { MissingEventsError, StateResError } from "./errors.js";
import type { AuthCheck } from "./auth-check.js";
import type { StateMap } from "./state-key.js";

/** One replayed event, as reported to the `trace` callback. */
export interface TraceEntry {
  /** Which step replayed it: `"power"` (step 2), `"mainline"` (step 4), or a v1 pass. */
  readonly phase: "power" | "mainline" | "v1-power-levels" | "v1-join-rules" | "v1-member" | "v1-other";
  readonly eventId: string;
  readonly accepted: boolean;
  /** The auth failure code (`code` of the auth check) when rejected. */
  readonly code?: string;
  /** The auth rule that rejected it. */
  readonly rule?: string;
}

/** A request from the algorithm to its driver. @internal */
export type Request =
  | { readonly kind: "fetch"; readonly ids: readonly string[] }
  | { readonly kind: "tick" }
  | { readonly kind: "authDiff"; readonly stateSets: readonly ReadonlyMap<string, string>[] }
  | { readonly kind: "subgraph"; readonly conflicted: ReadonlySet<string> };

/** A step of the algorithm. @internal */
export type Step<T> = Generator<Request, T, unknown>;

/** Everything a step needs. @internal */
export interface Context {
  readonly rules: RoomVersionRules;
  readonly roomVersion: string;
  readonly cache: AuthChainCache;
  readonly authCheck: AuthCheck;
  readonly isRejected: (eventId: string) => boolean;
  readonly trace: ((entry: TraceEntry) => void) | undefined;
  readonly yieldEvery: number;
  readonly hasAuthDiff: boolean;
  readonly hasSubgraph: boolean;
  ticks: number;
}

/** The tick request (one shared object). @internal */
export const TICK: Request = Object.freeze({ kind: "tick" });

/**
 * Counts work; true when the driver should get a chance to yield (`if (due(ctx)) yield TICK;`).
 * The allocation-free form of {@link tick} for per-event loops. @internal
 */
export function due(ctx: Context, units = 1): boolean {
  ctx.ticks += units;
  if (ctx.ticks < ctx.yieldEvery) return false;
  ctx.ticks = 0;
  return true;
}

/** Counts work and asks the driver for a chance to yield every `yieldEvery` units. @internal */
export function* tick(ctx: Context, units = 1): Step<void> {
  if (due(ctx, units)) yield TICK;
}

/** Makes sure `ids` are cached (fetching the missing ones in one batch). @internal */
export function* ensure(ctx: Context, ids: Iterable<string>): Step<void> {
  let missing: string[] | undefined;
  for (const id of ids) if (!ctx.cache.has(id)) (missing ??= []).push(id);
  if (missing !== undefined) yield { kind: "fetch", ids: [...new Set(missing)] };
}

/** The record of an event that must already be cached. @internal */
export function record(ctx: Context, id: string): EventRecord {
  const rec = ctx.cache.get(id);
  if (rec === undefined) throw new MissingEventsError([id]);
  return rec;
}

/**
 * Loads the whole auth chains of `ids` (breadth first, one batch per level) and
 * computes their auth depths. @internal
 */
export function* ensureClosure(ctx: Context, ids: Iterable<string>): Step<void> {
  const roots = [...ids];
  let frontier = roots.filter((id) => (ctx.cache.get(id)?.authDepth ?? -1) < 0);
  const visited = new Set<string>(frontier);
  while (frontier.length > 0) {
    yield* ensure(ctx, frontier);
    const next: string[] = [];
    for (const id of frontier) {
      const rec = record(ctx, id);
      for (const a of rec.authIds) {
        if (visited.has(a)) continue;
        visited.add(a);
        const ar = ctx.cache.get(a);
        if (ar === undefined || ar.authDepth < 0) next.push(a);
      }
    }
    yield* tick(ctx, frontier.length);
    frontier = next;
  }
  ctx.cache.computeAuthDepths(roots);
}

/** The `m.room.power_levels` event among an event's auth events (`undefined`: none). @internal */
export function* powerLevelsAuthEvent(ctx: Context, rec: EventRecord): Step<string | undefined> {
  if (rec.powerLevelsAuthId === undefined && findPowerLevelsAuthId(ctx, rec) === undefined) {
    yield* ensure(ctx, rec.authIds);
    findPowerLevelsAuthId(ctx, rec);
  }
  return rec.powerLevelsAuthId ?? undefined;
}

/**
 * {@link powerLevelsAuthEvent} without a generator, for per-event loops: the
 * power levels auth event's ID, `null` for none, or `undefined` when some auth
 * events are not cached yet (then use the generator, which fetches them).
 * Memoised on the record. @internal
 */
export function findPowerLevelsAuthId(ctx: Context, rec: EventRecord): string | null | undefined {
  if (rec.powerLevelsAuthId !== undefined) return rec.powerLevelsAuthId;
  const authIds = rec.authIds;
  for (let i = 0; i < authIds.length; i++) if (!ctx.cache.has(authIds[i]!)) return undefined;
  let found: string | null = null;
  for (let i = 0; i < authIds.length; i++) {
    const ev = ctx.cache.get(authIds[i]!)!.event;
    if (ev.type === "m.room.power_levels" && ev.state_key === "") {
      found = authIds[i]!;
      break;
    }
  }
  return (rec.powerLevelsAuthId = found);
}

/** Source answers, common to both drivers. @internal */
export interface DriverHooks {
  addEvents(events: Iterable<Pdu>): void;
}

/** Runs a step to completion synchronously. @internal */
export function runSync<T>(
  step: Step<T>,
  ctx: Context,
  getEvent: (id: string) => Pdu | undefined,
  accel: { authChainDifference?: (sets: readonly ReadonlyMap<string, string>[]) => Iterable<string>; conflictedSubgraph?: (conflicted: ReadonlySet<string>) => Iterable<string> },
  signal: AbortSignal | undefined,
): T {
  let input: unknown;
  for (;;) {
    const r = step.next(input);
    if (r.done) return r.value;
    const req = r.value;
    input = undefined;
    if (req.kind === "tick") {
      signal?.throwIfAborted();
    } else if (req.kind === "fetch") {
      const missing: string[] = [];
      for (const id of req.ids) {
        const ev = getEvent(id);
        if (ev === undefined) missing.push(id);
        else addChecked(ctx, id, ev);
      }
      if (missing.length > 0) throw new MissingEventsError(missing);
    } else if (req.kind === "authDiff") {
      input = new Set(accel.authChainDifference!(req.stateSets));
    } else {
      input = new Set(accel.conflictedSubgraph!(req.conflicted));
    }
  }
}

/** Runs a step to completion, awaiting the source and yielding to the event loop on ticks. @internal */
export async function runAsync<T>(
  step: Step<T>,
  ctx: Context,
  getEvents: (ids: string[]) => readonly Pdu[] | Promise<readonly Pdu[]>,
  accel: {
    authChainDifference?: (sets: readonly ReadonlyMap<string, string>[]) => Iterable<string> | Promise<Iterable<string>>;
    conflictedSubgraph?: (conflicted: ReadonlySet<string>) => Iterable<string> | Promise<Iterable<string>>;
  },
  signal: AbortSignal | undefined,
): Promise<T> {
  let input: unknown;
  for (;;) {
    const r = step.next(input);
    if (r.done) return r.value;
    const req = r.value;
    input = undefined;
    if (req.kind === "tick") {
      signal?.throwIfAborted();
      await yieldToEventLoop();
      signal?.throwIfAborted();
    } else if (req.kind === "fetch") {
      const events = await getEvents([...req.ids]);
      signal?.throwIfAborted();
      const wanted = new Set(req.ids);
      for (const ev of events) if (typeof ev?.event_id === "string" && wanted.has(ev.event_id)) addChecked(ctx, ev.event_id, ev);
      const missing = req.ids.filter((id) => !ctx.cache.has(id));
      if (missing.length > 0) throw new MissingEventsError(missing);
    } else if (req.kind === "authDiff") {
      input = new Set(await accel.authChainDifference!(req.stateSets));
    } else {
      input = new Set(await accel.conflictedSubgraph!(req.conflicted));
    }
  }
}

function addChecked(ctx: Context, id: string, ev: Pdu): void {
  if (ev.event_id !== id) {
    throw new StateResError("INVALID_EVENT", `expected the event source to return event ${id}, got ${String(ev.event_id)}`);
  }
  ctx.cache.add(ev, ctx.rules);
}

function yieldToEventLoop(): Promise<void> {
  const g = globalThis as { setImmediate?: (fn: () => void) => unknown };
  return new Promise((resolve) => (g.setImmediate !== undefined ? g.setImmediate(resolve) : setTimeout(resolve, 0)));
}

/** A fresh context. @internal */
export function makeContext(init: Omit<Context, "ticks" | "cache"> & { cache?: AuthChainCache }): Context {
  const cache = init.cache ?? new AuthChainCache();
  cache.trim();
  return { ...init, cache, ticks: 0 };
}

export type { StateMap };
