// "Mainline ordering", https://spec.matrix.org/v1.19/rooms/v2/#definitions, used
// by step 3 of https://spec.matrix.org/v1.19/rooms/v2/#algorithm.

import { findPowerLevelsAuthId, powerLevelsAuthEvent, record, due, TICK, type Context, type Step } from "./context.js";
import { compareEventIds } from "./power-ordering.js";

/**
 * Sorts `ids` by the mainline ordering based on the power levels event `powerLevelsId`
 * (none: every mainline position is ∞). @internal
 */
export function* mainlineOrderingStep(ctx: Context, ids: readonly string[], powerLevelsId: string | undefined): Step<string[]> {
  // The mainline of P = P0: P0, P1 (the power levels event in P0's auth events), …
  const position = new Map<string, number>();
  const mainline: string[] = [];
  let p = powerLevelsId;
  while (p !== undefined && !position.has(p)) {
    mainline.push(p);
    position.set(p, -1);
    if (due(ctx)) yield TICK;
    if (!ctx.cache.has(p)) yield { kind: "fetch", ids: [p] };
    const rec = record(ctx, p);
    const next = findPowerLevelsAuthId(ctx, rec);
    p = next === undefined ? yield* powerLevelsAuthEvent(ctx, rec) : (next ?? undefined);
  }
  mainline.forEach((id, i) => position.set(id, i));

  // Mainline position of e: the index i of the first e_j (j ≥ 1) on the mainline, else ∞.
  // Positions of power levels events met on the way are memoised. The walk is
  // inline (no nested generator per event): it only yields to fetch.
  const memo = new Map<string, number>();
  const walked: string[] = [];
  const keyed: { id: string; pos: number; ts: number }[] = [];
  for (const id of ids) {
    if (!ctx.cache.has(id)) yield { kind: "fetch", ids: [id] };
    const rec = record(ctx, id);
    let current = findPowerLevelsAuthId(ctx, rec);
    if (current === undefined) current = (yield* powerLevelsAuthEvent(ctx, rec)) ?? null;
    let pos = Number.POSITIVE_INFINITY;
    walked.length = 0;
    while (current !== null) {
      const onMainline = position.get(current);
      if (onMainline !== undefined) {
        pos = onMainline;
        break;
      }
      const known = memo.get(current);
      if (known !== undefined) {
        pos = known;
        break;
      }
      walked.push(current);
      if (!ctx.cache.has(current)) yield { kind: "fetch", ids: [current] };
      const currentRec = record(ctx, current);
      let next = findPowerLevelsAuthId(ctx, currentRec);
      if (next === undefined) next = (yield* powerLevelsAuthEvent(ctx, currentRec)) ?? null;
      current = next;
      if (due(ctx)) yield TICK;
    }
    // e_j's own position equals the position of everything it leads to.
    for (const w of walked) memo.set(w, pos);
    keyed.push({ id, pos, ts: rec.event.origin_server_ts });
  }
  keyed.sort((x, y) => {
    // 1. greater mainline position first; 2. smaller origin_server_ts; 3. smaller event_id.
    if (x.pos !== y.pos) return x.pos > y.pos ? -1 : 1;
    if (x.ts !== y.ts) return x.ts < y.ts ? -1 : 1;
    return compareEventIds(x.id, y.id);
  });
  return keyed.map((k) => k.id);
}
