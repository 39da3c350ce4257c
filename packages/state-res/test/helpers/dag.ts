// Forked room DAGs for state-resolution scenarios, in the shape of the classic
// Synapse/Ruma tests: named events, `prev_events` edges, and the state before
// each event computed by resolving its parents' states
// (https://spec.matrix.org/v1.19/rooms/v2/#state-resolution, "S(E)").
//
// Events are made by the shared RoomBuilder of @weft/test-fixtures (IDs `$NAME`,
// `$NAME:example.com` in room versions 1–2; room IDs; reference pairs; depth;
// auth events chosen by the auth events selection). The builder takes the state
// before an event from its first parent only, so at a merge this helper resolves
// the parents' states itself and passes the auth events chosen from the
// resolved state. Users are alice, bob, charlie, ella and zara on example.com.

import { roomVersionRules, type JsonObject, type Pdu } from "@weft/common";
import { authEventsSelection } from "@weft/event-auth";
import { RoomBuilder, USERS } from "@weft/test-fixtures";
import { resolveStateSync, stateKey, type AuthCheck, type StateMap } from "../../src/index.js";
import { checkAuth } from "./auth-rules.js";

export { USERS };
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
  readonly builder: RoomBuilder;
  readonly events: Map<string, Pdu>;
  /** State after each event, keyed by {@link stateKey} (resolved at merges). */
  readonly stateAfter: Map<string, StateMap>;
  readonly getEvent: (id: string) => Pdu | undefined;
  /** The event ID of a scenario name (`$NAME`, or `$NAME:example.com` in room versions 1–2). */
  id(name: string): string;
  /** State maps after the given events. */
  statesAfter(names: string[]): StateMap[];
}

/** The initial events every scenario starts from (the "START" of the edges). */
export function initialEvents(version: string): EventSpec[] {
  const v12 = roomVersionRules(version).authorization.privilegedCreators;
  return [
    member("IMA", "alice", "alice", "join"),
    v12 ? powerLevels("IPOWER", "alice", {}) : powerLevels("IPOWER", "alice", { alice: 100 }),
    joinRules("IJR", "alice", "public"),
    member("IMB", "bob", "bob", "join"),
    member("IMC", "charlie", "charlie", "join"),
    member("IMZ", "zara", "zara", "join"),
  ];
}

const BASE_TS = 1_700_000_000_000;

/**
 * Builds a room: `CREATE` and the initial events in a line, then `events` wired
 * by `edges` (each edge list runs from later to earlier, like the classic tests:
 * `["END", "MB", "MA", "PA", "START"]`). Timestamps follow the list order.
 * Returns the room and the state sets at END (the states after END's parents).
 */
export function buildRoom(version: string, events: EventSpec[], edges: string[][], authCheck: AuthCheck = checkAuth): { room: Room; endStates: StateMap[] } {
  const rules = roomVersionRules(version);
  const builder = new RoomBuilder();
  const createEvent = builder.create({ creator: "alice", version, id: "CREATE", ts: BASE_TS });
  const id = (name: string): string => builder.idOf(name);
  const init = initialEvents(version);
  const all = [...init, ...events];
  const specs = new Map(all.map((e) => [e.id, e]));
  const parents = new Map<string, string[]>();
  init.forEach((e, i) => parents.set(e.id, [i === 0 ? "CREATE" : init[i - 1]!.id]));
  for (const line of edges) {
    for (let i = 0; i + 1 < line.length; i++) {
      const child = line[i]!;
      const parent = line[i + 1] === "START" ? "IMZ" : line[i + 1]!;
      const list = parents.get(child) ?? [];
      if (!list.includes(parent)) list.push(parent);
      parents.set(child, list);
    }
  }
  const eventsById = new Map<string, Pdu>([[createEvent.event_id, createEvent]]);
  const stateAfter = new Map<string, StateMap>([[createEvent.event_id, new Map([[stateKey("m.room.create", ""), createEvent.event_id]])]]);
  const getEvent = (eid: string): Pdu | undefined => eventsById.get(eid);
  // Process in topological order (parents first, otherwise list order).
  const done = new Set<string>(["CREATE"]);
  const order: string[] = [];
  const visit = (name: string): void => {
    if (done.has(name)) return;
    for (const p of parents.get(name) ?? []) visit(p);
    done.add(name);
    order.push(name);
  };
  for (const e of all) visit(e.id);
  const tsOf = new Map(all.map((e, i) => [e.id, BASE_TS + 1000 * (i + 1)]));
  for (const name of order) {
    const spec = specs.get(name)!;
    const prevs = (parents.get(name) ?? []).map(id);
    // S(E): the parents' states resolved (one parent: its state as is).
    const before = prevs.length === 1 ? stateAfter.get(prevs[0]!)! : resolveStateSync(version, prevs.map((p) => stateAfter.get(p)!), getEvent, { authCheck });
    const options: { id: string; parents: string[]; ts: number; authEvents?: string[] } = { id: name, parents: prevs, ts: tsOf.get(name)! };
    if (prevs.length > 1) {
      // A merge: the builder would read the first parent's state only.
      const partial = { type: spec.type, sender: USERS[spec.sender], content: spec.content, ...(spec.stateKey !== undefined ? { state_key: spec.stateKey } : {}) };
      options.authEvents = authEventsSelection(partial, rules)
        .map((pair) => before.get(stateKey(pair.type, pair.stateKey)))
        .filter((x): x is string => x !== undefined);
    }
    const pdu = builder.event({ ...options, sender: spec.sender, type: spec.type, ...(spec.stateKey !== undefined ? { stateKey: spec.stateKey } : {}), content: spec.content });
    eventsById.set(pdu.event_id, pdu);
    const after = new Map(before);
    if (spec.stateKey !== undefined) after.set(stateKey(spec.type, spec.stateKey), pdu.event_id);
    stateAfter.set(pdu.event_id, after);
  }
  const room: Room = {
    version,
    roomId: builder.roomId,
    builder,
    events: eventsById,
    stateAfter,
    getEvent,
    id,
    statesAfter: (names) => names.map((n) => stateAfter.get(id(n === "START" ? "IMZ" : n))!),
  };
  const endStates = (parents.get("END") ?? []).map((p) => stateAfter.get(id(p))!);
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
