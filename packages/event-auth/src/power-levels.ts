// Power levels as the authorization rules read them:
// https://spec.matrix.org/v1.19/client-server-api/#mroompower_levels (defaults),
// https://spec.matrix.org/v1.19/server-server-api/#definitions (required power
// level; invite, kick, ban and redact levels), the string and float encodings
// accepted by older room versions
// (https://spec.matrix.org/v1.19/rooms/v1/#mroompower_levels-events-accept-values-as-strings,
// https://spec.matrix.org/v1.19/rooms/v1/#mroompower_levels-events-accept-values-as-floats)
// and room creators (https://spec.matrix.org/v1.19/rooms/v12/#authorisation-rules).
//
// Parsed power levels and content validation results are cached in
// module-level WeakMaps keyed by the `m.room.power_levels` event object, and
// so are two derived facts of a parsed level map (its entries as arrays, and
// its last comparison with another map, one slot). These are the only caches
// in the package: they hold nothing alive (an entry goes when its event or map
// is collected), are bounded by the events the caller keeps, and the code is
// correct without them. Events must therefore not be mutated after they are
// first checked.

import { isUserId, roomVersionRules, type Pdu, type RoomVersionRules } from "@weft/common";
import type { AuthState } from "./state.js";

/** The integer-valued top-level keys of `m.room.power_levels` content. */
export const POWER_LEVEL_KEYS = [
  "users_default",
  "events_default",
  "state_default",
  "ban",
  "kick",
  "redact",
  "invite",
] as const;
export type PowerLevelKey = (typeof POWER_LEVEL_KEYS)[number];

/**
 * Parsed `m.room.power_levels` content with the spec's defaults applied.
 * Values that cannot be read as integers in the room version count as absent.
 */
export interface PowerLevels {
  /** Whether a power levels event exists (the defaults differ when it does not). */
  readonly exists: boolean;
  readonly usersDefault: number;
  readonly eventsDefault: number;
  readonly stateDefault: number;
  readonly ban: number;
  readonly kick: number;
  readonly redact: number;
  readonly invite: number;
  readonly users: ReadonlyMap<string, number>;
  readonly events: ReadonlyMap<string, number>;
  readonly notifications: ReadonlyMap<string, number>;
  /** The top-level values as written (absent or unreadable → `undefined`), for the "added, changed or removed" comparisons. */
  readonly explicit: Readonly<Record<PowerLevelKey, number | undefined>>;
}

const EMPTY_MAP: ReadonlyMap<string, number> = new Map();

/** Power levels of a room without an `m.room.power_levels` event. */
export const NO_POWER_LEVELS: PowerLevels = Object.freeze({
  exists: false,
  usersDefault: 0,
  eventsDefault: 0,
  // "Defaults to 50 if unspecified, but 0 if there is no m.room.power_levels event at all."
  stateDefault: 0,
  ban: 50,
  kick: 50,
  redact: 50,
  invite: 0,
  users: EMPTY_MAP,
  events: EMPTY_MAP,
  notifications: EMPTY_MAP,
  explicit: Object.freeze({
    users_default: undefined,
    events_default: undefined,
    state_default: undefined,
    ban: undefined,
    kick: undefined,
    redact: undefined,
    invite: undefined,
  }),
});

// "a single base 10 integer … optionally prefixed with a single - or + …
// optionally with any number of leading or trailing whitespace characters"
const INTEGER_STRING = /^\s*[+-]?[0-9]+\s*$/;

/**
 * Reads one power level value in a room version: an integer; before room
 * version 10 also an integer string; before room version 6 also a float
 * (truncated). Anything else gives `undefined`.
 *
 * @example
 * ```ts
 * readPowerLevel(" +050 ", roomVersionRules("9"));  // 50
 * readPowerLevel("50", roomVersionRules("10"));     // undefined
 * readPowerLevel(50.7, roomVersionRules("5"));      // 50
 * ```
 * @see https://spec.matrix.org/v1.19/rooms/v1/#mroompower_levels-events-accept-values-as-strings
 */
export function readPowerLevel(value: unknown, rules: RoomVersionRules): number | undefined {
  if (typeof value === "number") {
    if (Number.isInteger(value)) return value;
    // Before room version 6 (floatPowerLevels): floats are truncated; ±Infinity and NaN are invalid.
    if (rules.authorization.floatPowerLevels && Number.isFinite(value)) return Math.trunc(value);
    return undefined;
  }
  // Before room version 10 (integerPowerLevels): integer strings are accepted.
  if (typeof value === "string" && !rules.authorization.integerPowerLevels && INTEGER_STRING.test(value)) {
    const n = Number.parseInt(value.trim(), 10);
    return Number.isSafeInteger(n) ? n : undefined;
  }
  return undefined;
}

function readMap(value: unknown, rules: RoomVersionRules): ReadonlyMap<string, number> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return EMPTY_MAP;
  const map = new Map<string, number>();
  for (const key in value) {
    const level = readPowerLevel((value as Record<string, unknown>)[key], rules);
    if (level !== undefined) map.set(key, level);
  }
  return map;
}

function parseContent(content: Record<string, unknown>, rules: RoomVersionRules): PowerLevels {
  const explicit = {} as Record<PowerLevelKey, number | undefined>;
  for (const key of POWER_LEVEL_KEYS) explicit[key] = readPowerLevel(content[key], rules);
  return {
    exists: true,
    usersDefault: explicit.users_default ?? 0,
    eventsDefault: explicit.events_default ?? 0,
    stateDefault: explicit.state_default ?? 50,
    ban: explicit.ban ?? 50,
    kick: explicit.kick ?? 50,
    redact: explicit.redact ?? 50,
    invite: explicit.invite ?? 0,
    users: readMap(content.users, rules),
    events: readMap(content.events, rules),
    notifications: readMap(content.notifications, rules),
    explicit,
  };
}

// Three readings exist: integers only (v10+), integers and strings (v6–9), and
// integers, strings and floats (v1–5). Index 0/1/2 into the cached tuple.
type Cached = [PowerLevels | undefined, PowerLevels | undefined, PowerLevels | undefined];
const CACHE = new WeakMap<object, Cached>();

function modeOf(rules: RoomVersionRules): 0 | 1 | 2 {
  if (rules.authorization.integerPowerLevels) return 0;
  return rules.authorization.floatPowerLevels ? 2 : 1;
}

/**
 * Parses an `m.room.power_levels` event (or its absence) with defaults applied.
 * Results are cached per event object (see the file comment).
 *
 * @param event - the power levels event, or `undefined` when the room has none.
 * @param roomVersion - room version identifier or rules.
 * @returns the parsed levels.
 * @throws {MatrixError} `M_UNSUPPORTED_ROOM_VERSION` for an unknown room version.
 * @example
 * ```ts
 * parsePowerLevels(plEvent, "9").ban;          // 50 when unset
 * parsePowerLevels({ content: { ban: "75" } } as Pdu, "9").ban; // 75 (strings accepted before v10)
 * ```
 * @see https://spec.matrix.org/v1.19/client-server-api/#mroompower_levels
 */
export function parsePowerLevels(event: Pdu | undefined, roomVersion: string | RoomVersionRules): PowerLevels {
  if (event === undefined) return NO_POWER_LEVELS;
  const rules = typeof roomVersion === "string" ? roomVersionRules(roomVersion) : roomVersion;
  const mode = modeOf(rules);
  let cached = CACHE.get(event);
  if (cached === undefined) CACHE.set(event, (cached = [undefined, undefined, undefined]));
  let parsed = cached[mode];
  if (parsed === undefined) {
    const content = typeof event.content === "object" && event.content !== null ? event.content : {};
    parsed = cached[mode] = parseContent(content as Record<string, unknown>, rules);
  }
  return parsed;
}

/**
 * The room creators named by a create event: before room version 11
 * `content.creator`; since 11 the `sender`; since 12 also the valid user IDs
 * in `content.additional_creators`.
 *
 * @param createEvent - the `m.room.create` event.
 * @param roomVersion - room version identifier or rules.
 * @returns the creators' user IDs (empty when a pre-v11 event has no `creator`).
 * @example
 * ```ts
 * creators(create, "12"); // ["@alice:example.com", "@bob:example.com"]
 * ```
 * @see https://spec.matrix.org/v1.19/rooms/v12/#authorisation-rules
 */
export function creators(createEvent: Pdu, roomVersion: string | RoomVersionRules): string[] {
  const rules = typeof roomVersion === "string" ? roomVersionRules(roomVersion) : roomVersion;
  const first = roomCreator(createEvent, rules);
  const result = first === undefined ? [] : [first];
  // Since room version 12: additional_creators are creators too.
  if (rules.authorization.additionalCreators) {
    const extra = (createEvent.content as Record<string, unknown> | undefined)?.additional_creators;
    if (Array.isArray(extra)) {
      for (const user of extra) if (typeof user === "string" && !result.includes(user)) result.push(user);
    }
  }
  return result;
}

/** The single creator of the room: `content.creator` before room version 11, the `sender` since. */
export function roomCreator(createEvent: Pdu, rules: RoomVersionRules): string | undefined {
  // Since room version 11 the creator is the create event's sender.
  if (rules.authorization.implicitRoomCreator) return createEvent.sender;
  const creator = (createEvent.content as Record<string, unknown> | undefined)?.creator;
  return typeof creator === "string" ? creator : undefined;
}

/** Whether `userId` is a creator with infinite power (since room version 12). */
export function isPrivilegedCreator(userId: string, createEvent: Pdu | undefined, rules: RoomVersionRules): boolean {
  // Since room version 12 (privilegedCreators).
  if (!rules.authorization.privilegedCreators || createEvent === undefined) return false;
  if (createEvent.sender === userId) return true;
  const extra = (createEvent.content as Record<string, unknown> | undefined)?.additional_creators;
  return Array.isArray(extra) && extra.includes(userId);
}

/** {@link userPowerLevel} on already-looked-up events. */
export function powerLevelOf(
  userId: string,
  createEvent: Pdu | undefined,
  levels: PowerLevels,
  rules: RoomVersionRules,
): number {
  // Since room version 12: creators have infinite power.
  if (rules.authorization.privilegedCreators && isPrivilegedCreator(userId, createEvent, rules)) return Infinity;
  if (levels.exists) return levels.users.get(userId) ?? levels.usersDefault;
  // No power levels event: the creator has 100, everyone else 0
  // (https://spec.matrix.org/v1.19/client-server-api/#mroompower_levels).
  if (createEvent !== undefined && roomCreator(createEvent, rules) === userId) return 100;
  return 0;
}

/**
 * A user's power level in a state: `Infinity` for room version 12 creators;
 * else `users[userId]`, else `users_default`; without a power levels event the
 * creator has 100 and everyone else 0.
 *
 * @param userId - the user.
 * @param state - the room state (needs `m.room.create` and `m.room.power_levels`).
 * @param roomVersion - room version identifier or rules.
 * @returns the power level.
 * @throws {MatrixError} `M_UNSUPPORTED_ROOM_VERSION` for an unknown room version.
 * @example
 * ```ts
 * userPowerLevel("@alice:example.com", stateFromEvents(roomState), "12"); // Infinity for the creator
 * ```
 * @see https://spec.matrix.org/v1.19/client-server-api/#mroompower_levels
 */
export function userPowerLevel(userId: string, state: AuthState, roomVersion: string | RoomVersionRules): number {
  const rules = typeof roomVersion === "string" ? roomVersionRules(roomVersion) : roomVersion;
  const levels = parsePowerLevels(state.get("m.room.power_levels", ""), rules);
  return powerLevelOf(userId, state.get("m.room.create", ""), levels, rules);
}

/**
 * The *required power level* of an event type: `events[type]`, else
 * `state_default` for state events or `events_default` for others.
 *
 * @param eventType - the event type.
 * @param isState - whether the event has a `state_key`.
 * @param state - the room state, or already parsed {@link PowerLevels}.
 * @param roomVersion - room version (default `"12"`: integer-only values; pass the real one for older rooms).
 * @returns the level the sender needs.
 * @example
 * ```ts
 * requiredPowerLevel("m.room.name", true, state, "11"); // 50 with default power levels
 * ```
 * @see https://spec.matrix.org/v1.19/server-server-api/#definitions
 */
export function requiredPowerLevel(
  eventType: string,
  isState: boolean,
  state: AuthState | PowerLevels,
  roomVersion: string | RoomVersionRules = "12",
): number {
  const levels = isPowerLevels(state) ? state : parsePowerLevels(state.get("m.room.power_levels", ""), roomVersion);
  return levels.events.get(eventType) ?? (isState ? levels.stateDefault : levels.eventsDefault);
}

function isPowerLevels(value: AuthState | PowerLevels): value is PowerLevels {
  return typeof (value as PowerLevels).exists === "boolean" && (value as PowerLevels).users instanceof Map;
}

/** A problem with the content of a new `m.room.power_levels` event (auth rule 10.1–10.3, 9.x in v6–11). */
export interface PowerLevelsContentProblem {
  /** Which check: top-level values, `events`/`notifications`, or `users`. */
  readonly part: "levels" | "maps" | "users";
  readonly message: string;
}

// Power level maps as two parallel arrays in insertion order, built once per
// parsed map (a WeakMap keyed by the map, like the caches above). Two maps read
// from power levels events where one was edited from the other list their
// shared users in the same order, so comparing them walks both arrays in
// lockstep and compares keys by identity — no hashing except where the walks
// disagree.
type Entries = readonly [keys: readonly string[], values: readonly number[]];
const ENTRIES_CACHE = new WeakMap<ReadonlyMap<string, number>, Entries>();

function entriesOf(map: ReadonlyMap<string, number>): Entries {
  let entries = ENTRIES_CACHE.get(map);
  if (entries === undefined) {
    const keys: string[] = [];
    const values: number[] = [];
    map.forEach((value, key) => {
      keys.push(key);
      values.push(value);
    });
    ENTRIES_CACHE.set(map, (entries = [keys, values]));
  }
  return entries;
}

/** The entries on which two power level maps differ (see {@link diffLevelMaps}). @internal */
export interface LevelChanges {
  /** Keys of `before` that `after` changes or removes, in `before`'s order, with `before`'s values. */
  readonly oldKeys: readonly string[];
  readonly oldValues: readonly number[];
  /** Keys of `after` that `before` lacks or holds with another value, in `after`'s order, with `after`'s values. */
  readonly newKeys: readonly string[];
  readonly newValues: readonly number[];
}

const NO_CHANGES: LevelChanges = Object.freeze({ oldKeys: [], oldValues: [], newKeys: [], newValues: [] });

/**
 * The differences between two power level maps (`users`, `events`,
 * `notifications`) in one lockstep pass over both: every key of either map is
 * compared exactly once, by identity where the walks agree and by lookup where
 * they do not, so maps in any order give the same answer. The orders match a
 * separate walk over each map (the first failure of a rule is the same).
 *
 * @internal
 */
export function diffLevelMaps(before: ReadonlyMap<string, number>, after: ReadonlyMap<string, number>): LevelChanges {
  if (before === after) return NO_CHANGES;
  // One remembered comparison per new map: the iterative auth checks of state
  // resolution (and a receipt check followed by a soft-fail check) compare the
  // same pair again. One slot per map keeps the cache bounded.
  const last = LAST_DIFF.get(after);
  if (last !== undefined && last.before === before) return last.changes;
  const changes = computeLevelChanges(before, after);
  LAST_DIFF.set(after, { before, changes });
  return changes;
}

const LAST_DIFF = new WeakMap<ReadonlyMap<string, number>, { before: ReadonlyMap<string, number>; changes: LevelChanges }>();

function computeLevelChanges(before: ReadonlyMap<string, number>, after: ReadonlyMap<string, number>): LevelChanges {
  const [bk, bv] = entriesOf(before);
  const [ak, av] = entriesOf(after);
  const oldKeys: string[] = [];
  const oldValues: number[] = [];
  const newKeys: string[] = [];
  const newValues: number[] = [];
  const n = bk.length < ak.length ? bk.length : ak.length;
  let i = 0;
  for (; i < n; i++) {
    const key = bk[i]!;
    const old = bv[i]!;
    const key2 = ak[i]!;
    const now = av[i]!;
    if (key === key2) {
      // In step: one comparison of values, no hashing.
      if (old !== now) {
        oldKeys.push(key);
        oldValues.push(old);
        newKeys.push(key);
        newValues.push(now);
      }
    } else {
      // Out of step: each key is looked up in the other map.
      if (after.get(key) !== old) {
        oldKeys.push(key);
        oldValues.push(old);
      }
      if (before.get(key2) !== now) {
        newKeys.push(key2);
        newValues.push(now);
      }
    }
  }
  for (let j = i; j < bk.length; j++) {
    const key = bk[j]!;
    if (after.get(key) !== bv[j]) {
      oldKeys.push(key);
      oldValues.push(bv[j]!);
    }
  }
  for (let j = i; j < ak.length; j++) {
    const key = ak[j]!;
    if (before.get(key) !== av[j]) {
      newKeys.push(key);
      newValues.push(av[j]!);
    }
  }
  return Object.freeze({ oldKeys, oldValues, newKeys, newValues });
}

/**
 * Validates the content of an `m.room.power_levels` event being authorized:
 * top-level levels and the values of `events` / `notifications` must be
 * integers (before room version 10 also integer strings, before 6 also floats);
 * `users` must map valid user IDs to such values.
 *
 * Before room version 10 the spec only states the `users` check; servers
 * (Synapse, Ruma) also reject unreadable values elsewhere, because they cannot
 * compute with them — we follow them.
 */
/**
 * {@link validatePowerLevelsContent} of an event's content, remembered per
 * event object: state resolution replays the same power-levels events (often
 * with thousands of `users` entries) again and again.
 */
export function validatePowerLevelsEvent(event: Pdu, rules: RoomVersionRules): PowerLevelsContentProblem | undefined {
  const mode = modeOf(rules);
  let cached = VALIDATION_CACHE.get(event);
  if (cached === undefined) VALIDATION_CACHE.set(event, (cached = [undefined, undefined, undefined]));
  let result = cached[mode];
  if (result === undefined) {
    const content = typeof event.content === "object" && event.content !== null ? (event.content as Record<string, unknown>) : {};
    result = cached[mode] = validatePowerLevelsContent(content, rules) ?? VALID;
  }
  return result === VALID ? undefined : result;
}

const VALID = Symbol("valid");
const VALIDATION_CACHE = new WeakMap<object, [ValidationEntry, ValidationEntry, ValidationEntry]>();
type ValidationEntry = PowerLevelsContentProblem | typeof VALID | undefined;

export function validatePowerLevelsContent(content: Record<string, unknown>, rules: RoomVersionRules): PowerLevelsContentProblem | undefined {
  for (const key of POWER_LEVEL_KEYS) {
    const value = content[key];
    if (value !== undefined && readPowerLevel(value, rules) === undefined) {
      return { part: "levels", message: `expected ${key} to be an integer, got ${JSON.stringify(value)}` };
    }
  }
  for (const key of ["events", "notifications"] as const) {
    const value = content[key];
    if (value === undefined) continue;
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      return { part: "maps", message: `expected ${key} to be an object, got ${JSON.stringify(value)}` };
    }
    for (const k in value) {
      const v = (value as Record<string, unknown>)[k];
      if (readPowerLevel(v, rules) === undefined) {
        return { part: "maps", message: `expected ${key}[${JSON.stringify(k)}] to be an integer, got ${JSON.stringify(v)}` };
      }
    }
  }
  const users = content.users;
  if (users !== undefined) {
    if (typeof users !== "object" || users === null || Array.isArray(users)) {
      return { part: "users", message: `expected users to be an object, got ${JSON.stringify(users)}` };
    }
    for (const k in users) {
      if (!isUserId(k, { historical: true })) return { part: "users", message: `expected users keys to be user IDs, got ${JSON.stringify(k)}` };
      const v = (users as Record<string, unknown>)[k];
      if (readPowerLevel(v, rules) === undefined) {
        return { part: "users", message: `expected users[${JSON.stringify(k)}] to be an integer, got ${JSON.stringify(v)}` };
      }
    }
  }
  return undefined;
}
