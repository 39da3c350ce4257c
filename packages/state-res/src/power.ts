// Power events and the sender power used by the reverse topological power
// ordering: https://spec.matrix.org/v1.19/rooms/v2/#definitions ("x's sender has
// greater power level than y's sender, when looking at their respective
// auth_events"), with room version 12's infinite creator power
// (https://spec.matrix.org/v1.19/rooms/v12/#authorization-rules).

import type { JsonValue, Pdu, RoomVersionRules } from "@weft/common";
import type { EventRecord } from "./auth-chain-cache.js";
import { ensure, findPowerLevelsAuthId, record, type Context, type Step } from "./context.js";

/**
 * Whether an event is a *power event*: `m.room.power_levels`, `m.room.join_rules`,
 * or an `m.room.member` leave/ban whose sender is not its target (a kick or ban).
 *
 * @example
 * ```ts
 * isPowerEvent({ type: "m.room.join_rules", state_key: "", sender: "@a:x", content: {} }); // true
 * ```
 * @see https://spec.matrix.org/v1.19/rooms/v2/#definitions
 */
export function isPowerEvent(event: Pick<Pdu, "type" | "state_key" | "sender" | "content">): boolean {
  if (typeof event.state_key !== "string") return false;
  if (event.type === "m.room.power_levels" || event.type === "m.room.join_rules") return event.state_key === "";
  if (event.type !== "m.room.member") return false;
  const membership = event.content?.membership;
  return (membership === "leave" || membership === "ban") && event.sender !== event.state_key;
}

/**
 * The room creators: before room version 11 `content.creator`, since 11 the
 * sender, since 12 also `content.additional_creators`.
 *
 * @example
 * ```ts
 * roomCreators(createEvent, roomVersionRules("12")); // Set { "@alice:example.com", ... }
 * ```
 */
export function roomCreators(createEvent: Pdu, rules: RoomVersionRules): Set<string> {
  const creators = new Set<string>();
  if (rules.authorization.implicitRoomCreator) creators.add(createEvent.sender);
  else if (typeof createEvent.content?.creator === "string") creators.add(createEvent.content.creator);
  else creators.add(createEvent.sender);
  if (rules.authorization.additionalCreators) {
    const extra = createEvent.content?.additional_creators;
    if (Array.isArray(extra)) for (const u of extra) if (typeof u === "string") creators.add(u);
  }
  return creators;
}

/** A power level value; room versions before 10 also accept integer strings. Anything else is `undefined`. */
function asLevel(value: JsonValue | undefined): number | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return Math.trunc(value);
  if (typeof value === "string" && /^\s*[+-]?\d+\s*$/.test(value)) return Number.parseInt(value, 10);
  return undefined;
}

/**
 * The power level of a user in a power levels event's content (`users[user]`,
 * else `users_default`, else 0).
 */
export function userLevelIn(powerLevels: Pdu | undefined, userId: string): number {
  if (powerLevels === undefined) return 0;
  const users = powerLevels.content?.users;
  if (typeof users === "object" && users !== null && !Array.isArray(users) && Object.prototype.hasOwnProperty.call(users, userId)) {
    const level = asLevel(users[userId]);
    if (level !== undefined) return level;
  }
  return asLevel(powerLevels.content?.users_default) ?? 0;
}

/**
 * The sender's power level as seen from the event's own auth events (the
 * `m.room.power_levels` among them). Decisions, following Synapse and Ruma:
 * without a power levels auth event a creator has 100 and anyone else 0;
 * since room version 12 creators have infinite power. Memoised on the record
 * (auth events never change). @internal
 */
export function* senderPowerLevel(ctx: Context, rec: EventRecord): Step<number> {
  const known = senderPowerLevelNow(ctx, rec);
  if (known !== undefined) return known;
  yield* ensure(ctx, rec.authIds);
  return senderPowerLevelNow(ctx, rec)!;
}

/** {@link senderPowerLevel} without a generator: `undefined` when some auth events are not cached yet. @internal */
export function senderPowerLevelNow(ctx: Context, rec: EventRecord): number | undefined {
  if (rec.senderPowerRules === ctx.rules && rec.senderPower !== undefined) return rec.senderPower;
  const authIds = rec.authIds;
  for (let i = 0; i < authIds.length; i++) if (!ctx.cache.has(authIds[i]!)) return undefined;
  let create: Pdu | undefined;
  for (const a of authIds) {
    const ev = record(ctx, a).event;
    if (ev.type === "m.room.create" && ev.state_key === "") {
      create = ev;
      break;
    }
  }
  const sender = rec.event.sender;
  const isCreator = create !== undefined && roomCreators(create, ctx.rules).has(sender);
  let level: number;
  // Since room version 12: creators have infinite power.
  if (isCreator && ctx.rules.authorization.privilegedCreators) level = Number.POSITIVE_INFINITY;
  else {
    const pl = findPowerLevelsAuthId(ctx, rec);
    level = pl === null || pl === undefined ? (isCreator ? 100 : 0) : userLevelIn(record(ctx, pl).event, sender);
  }
  rec.senderPowerRules = ctx.rules;
  return (rec.senderPower = level);
}
