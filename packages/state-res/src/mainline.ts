// "Mainline ordering", https://spec.matrix.org/v1.19/rooms/v2/#definitions, used
// by step 3 of https://spec.matrix.org/v1.19/rooms/v2/#algorithm.

import { powerLevelsAuthEvent, record, tick, type Context, type Step } from "./context.js";
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
    yield* tick(ctx);
    // ensure() happens inside powerLevelsAuthEvent
    yield* ensureOne(ctx, p);
    p = yield* powerLevelsAuthEvent(ctx, record(ctx, p));
  }
  mainline.forEach((id, i) => position.set(id, i));

  // Mainline position of e: the index i of the first e_j (j ≥ 1) on the mainline, else ∞.
  // Positions of power levels events met on the way are memoised.
  const memo = new Map<string, number>();
  const positionOf = function* (id: string): Step<number> {
    const walked: string[] = [];
    let current = yield* powerLevelsAuthEvent(ctx, record(ctx, id));
    let result = Number.POSITIVE_INFINITY;
    while (current !== undefined) {
      const onMainline = position.get(current);
      if (onMainline !== undefined) {
        result = onMainline;
        break;
      }
      const known = memo.get(current);
      if (known !== undefined) {
        result = known;
        break;
      }
      walked.push(current);
      yield* ensureOne(ctx, current);
      current = yield* powerLevelsAuthEvent(ctx, record(ctx, current));
      yield* tick(ctx);
    }
    // e_j's own position equals the position of everything it leads to.
    for (const w of walked) memo.set(w, result);
    return result;
  };

  const keyed: { id: string; pos: number; ts: number }[] = [];
  for (const id of ids) {
    yield* ensureOne(ctx, id);
    keyed.push({ id, pos: yield* positionOf(id), ts: record(ctx, id).event.origin_server_ts });
  }
  keyed.sort((x, y) => {
    // 1. greater mainline position first; 2. smaller origin_server_ts; 3. smaller event_id.
    if (x.pos !== y.pos) return x.pos > y.pos ? -1 : 1;
    if (x.ts !== y.ts) return x.ts < y.ts ? -1 : 1;
    return compareEventIds(x.id, y.id);
  });
  return keyed.map((k) => k.id);
}

function* ensureOne(ctx: Context, id: string): Step<void> {
  if (!ctx.cache.has(id)) yield { kind: "fetch", ids: [id] };
}
