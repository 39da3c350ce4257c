// A small builder of forked room DAGs for state-resolution scenarios, in the
// shape of the classic Synapse/Ruma tests: named events, `prev_events` edges,
// and the state before each event computed by resolving its parents' states
// (https://spec.matrix.org/v1.19/rooms/v2/#state-resolution, "S(E)").
// Users are alice, bob, charlie, ella and zara on example.com.

import { roomVersionRules, type JsonObject, type Pdu } from "@weft/common";
import { resolveStateSync, stateKey, type StateMap, type AuthCheck } from "../../src/index.js";
import { checkAuth } from "./auth-rules.js";

export const USERS = {
  alice: "@alice:example.com",
  bob: "@bob:example.com",
  charlie: "@charlie:example.com",
  ella: "@ella:example.com",
  zara: "@zara:example.com",
} as const;
export type User = keyof typeof USERS;

export interface EventSpec {
  id: string;
  sender: User;
  type: string;
  stateKey?: string;
  content: JsonObject;
}

export const event = (id: string, sender: User, type: string, stateKey: string | undefined, content: JsonObject): EventSpec =>
  stateKey === undefined ? { id, sender, type, content } : { id, sender, type, stateKey, content };
export const member = (id: string, sender: User, target: User, membership: string): EventSpec =>
  event(id, sender, "m.room.member", USERS[target], { membership });
export const powerLevels = (id: string, sender: User, users: Partial<Record<User, number>>, extra: JsonObject = {}): EventSpec =>
  event(id, sender, "m.room.power_levels", "", { ...extra, users: Object.fromEntries(Object.entries(users).map(([u, l]) => [USERS[u as User], l])) });
export const topic = (id: string, sender: User, text = id): EventSpec => event(id, sender, "m.room.topic", "", { topic: text });
export const joinRules = (id: string, sender: User, rule: string): EventSpec => event(id, sender, "m.room.join_rules", "", { join_rule: rule });

export interface Room {
  readonly version: string;
  readonly roomId: string;
  readonly events: Map<string, Pdu>;
  readonly stateAfter: Map<string, StateMap>;
  readonly getEvent: (id: string) => Pdu | undefined;
  /** `$NAME` for a scenario name. */
  id(name: string): string;
  /** State maps after the given events. */
  statesAfter(names: string[]): StateMap[];
}

/** The initial events every scenario starts from (the "START" of the edges). */
export function initialEvents(version: string): EventSpec[] {
  const v12 = roomVersionRules(version).authorization.privilegedCreators;
  return [
    event("CREATE", "alice", "m.room.create", "", roomVersionRules(version).authorization.implicitRoomCreator ? { room_version: version } : { creator: USERS.alice, room_version: version }),
    member("IMA", "alice", "alice", "join"),
    v12 ? powerLevels("IPOWER", "alice", {}) : powerLevels("IPOWER", "alice", { alice: 100 }),
    joinRules("IJR", "alice", "public"),
    member("IMB", "bob", "bob", "join"),
    member("IMC", "charlie", "charlie", "join"),
    member("IMZ", "zara", "zara", "join"),
  ];
}

/**
 * Builds a room: the initial events in a line, then `events` wired by `edges`
 * (each edge list runs from later to earlier, like the classic tests:
 * `["END", "MB", "MA", "PA", "START"]`). Returns the room and the state sets at END.
 */
export function buildRoom(version: string, events: EventSpec[], edges: string[][], authCheck: AuthCheck = checkAuth): { room: Room; endStates: StateMap[] } {
  const rules = roomVersionRules(version);
  const v12 = rules.eventFormat.roomIdIsCreateEventHash;
  const roomId = v12 ? "!CREATE" : "!room:example.com";
  const id = (name: string): string => `$${name}`;
  const all = [...initialEvents(version), ...events];
  const specs = new Map(all.map((e) => [e.id, e]));
  const parents = new Map<string, Set<string>>();
  const init = initialEvents(version);
  init.forEach((e, i) => parents.set(e.id, new Set(i === 0 ? [] : [init[i - 1]!.id])));
  for (const line of edges) {
    for (let i = 0; i + 1 < line.length; i++) {
      const child = line[i]!;
      const parent = line[i + 1] === "START" ? "IMZ" : line[i + 1]!;
      if (!parents.has(child)) parents.set(child, new Set());
      parents.get(child)!.add(parent);
    }
  }
  const eventsById = new Map<string, Pdu>();
  const stateAfter = new Map<string, StateMap>();
  const getEvent = (eid: string): Pdu | undefined => eventsById.get(eid);
  const stateBefore = (prevs: string[]): StateMap => {
    const sets = prevs.map((p) => stateAfter.get(id(p))!);
    return resolveStateSync(version, sets, getEvent, { authCheck });
  };
  // Process in list order, respecting parents (ts follows the list order, as in the classic tests).
  const done = new Set<string>();
  const order: string[] = [];
  const visit = (name: string): void => {
    if (done.has(name)) return;
    for (const p of parents.get(name) ?? []) visit(p);
    done.add(name);
    order.push(name);
  };
  for (const e of all) visit(e.id);
  const tsOf = new Map(all.map((e, i) => [e.id, 1000 + i]));
  for (const name of order) {
    const spec = specs.get(name)!;
    const prevs = [...(parents.get(name) ?? [])];
    const before = prevs.length === 0 ? new Map<string, string>() : stateBefore(prevs);
    const sender = USERS[spec.sender];
    const authKeys: [string, string][] = [];
    if (spec.type !== "m.room.create") {
      if (!v12) authKeys.push(["m.room.create", ""]);
      authKeys.push(["m.room.power_levels", ""], ["m.room.member", sender]);
      if (spec.type === "m.room.member") {
        if (spec.stateKey !== sender) authKeys.push(["m.room.member", spec.stateKey!]);
        if (["join", "invite", "knock"].includes(String(spec.content.membership))) authKeys.push(["m.room.join_rules", ""]);
      }
    }
    const authEvents = authKeys.map(([t, k]) => before.get(stateKey(t, k))).filter((x): x is string => x !== undefined);
    const depth = 1 + Math.max(0, ...prevs.map((p) => Number(eventsById.get(id(p))!.depth)));
    const pdu: Pdu = {
      event_id: id(name),
      ...(v12 && spec.type === "m.room.create" ? {} : { room_id: roomId }),
      sender,
      type: spec.type,
      ...(spec.stateKey !== undefined ? { state_key: spec.stateKey } : {}),
      content: spec.content,
      origin_server_ts: tsOf.get(name)!,
      depth,
      prev_events: prevs.map(id),
      auth_events: authEvents,
      hashes: { sha256: "" },
      signatures: {},
    };
    eventsById.set(pdu.event_id!, pdu);
    const after = new Map(before);
    if (spec.stateKey !== undefined) after.set(stateKey(spec.type, spec.stateKey), pdu.event_id!);
    stateAfter.set(pdu.event_id!, after);
  }
  const room: Room = {
    version,
    roomId,
    events: eventsById,
    stateAfter,
    getEvent,
    id,
    statesAfter: (names) => names.map((n) => stateAfter.get(id(n === "START" ? "IMZ" : n))!),
  };
  const endStates = [...(parents.get("END") ?? [])].map((p) => stateAfter.get(id(p))!);
  return { room, endStates };
}

/** The expected END state: START's state with the named events placed at their keys. */
export function expectedState(room: Room, names: string[]): StateMap {
  const state = new Map(room.stateAfter.get(room.id("IMZ"))!);
  for (const n of names) {
    const e = room.events.get(room.id(n))!;
    state.set(stateKey(e.type, e.state_key!), e.event_id!);
  }
  return state;
}
