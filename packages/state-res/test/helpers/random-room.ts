// Random forked rooms for the property tests of
// https://spec.matrix.org/v1.19/rooms/v2/#algorithm: a shared linear start, then
// several forks that each append events on top of their own state (the state
// sets to resolve are the forks' states at their heads).

import { roomVersionRules, type JsonObject, type Pdu } from "@weft/common";
import { stateKey, type StateMap } from "../../src/index.js";
import { USERS } from "./dag.js";

export interface Op { fork: number; kind: number; user: number; other: number; level: number }

const NAMES = ["alice", "bob", "charlie", "ella", "zara"] as const;

export interface RandomRoom {
  events: Map<string, Pdu>;
  getEvent: (id: string) => Pdu | undefined;
  stateSets: StateMap[];
}

export function randomRoom(version: string, forks: number, ops: readonly Op[], opts: { baseMembers?: number } = {}): RandomRoom {
  const rules = roomVersionRules(version);
  const v12 = rules.eventFormat.roomIdIsCreateEventHash;
  const roomId = v12 ? "!CREATE" : "!room:example.com";
  const events = new Map<string, Pdu>();
  let n = 0;
  const add = (state: StateMap, head: string[], sender: string, type: string, sk: string | undefined, content: JsonObject, id = `$E${n}`): string => {
    const keys: [string, string][] = [];
    if (type !== "m.room.create") {
      if (!v12) keys.push(["m.room.create", ""]);
      keys.push(["m.room.power_levels", ""], ["m.room.member", sender]);
      if (type === "m.room.member") {
        if (sk !== sender) keys.push(["m.room.member", sk!]);
        if (["join", "invite", "knock"].includes(String(content.membership))) keys.push(["m.room.join_rules", ""]);
      }
    }
    const auth = keys.map(([t, k]) => state.get(stateKey(t, k))).filter((x): x is string => x !== undefined);
    const pdu: Pdu = {
      event_id: id,
      ...(v12 && type === "m.room.create" ? {} : { room_id: roomId }),
      sender, type, ...(sk !== undefined ? { state_key: sk } : {}), content,
      origin_server_ts: 1000 + n * 7 % 13 + n, depth: n + 1, prev_events: head, auth_events: auth, hashes: { sha256: "" }, signatures: {},
    };
    n++;
    events.set(id, pdu);
    if (sk !== undefined) state.set(stateKey(type, sk), id);
    return id;
  };
  const base: StateMap = new Map();
  let head: string[] = [];
  const alice = USERS.alice;
  head = [add(base, head, alice, "m.room.create", "", rules.authorization.implicitRoomCreator ? { room_version: version } : { creator: alice, room_version: version }, "$CREATE")];
  head = [add(base, head, alice, "m.room.member", alice, { membership: "join" })];
  head = [add(base, head, alice, "m.room.power_levels", "", { users: v12 ? { [USERS.bob]: 50 } : { [alice]: 100, [USERS.bob]: 50 } })];
  head = [add(base, head, alice, "m.room.join_rules", "", { join_rule: "public" })];
  for (const u of ["bob", "charlie", "zara"] as const) head = [add(base, head, USERS[u], "m.room.member", USERS[u], { membership: "join" })];
  for (let i = 0; i < (opts.baseMembers ?? 0); i++) {
    const u = `@u${i}:example.com`;
    head = [add(base, head, u, "m.room.member", u, { membership: "join" })];
  }
  const states = Array.from({ length: forks }, () => new Map(base));
  const heads = Array.from({ length: forks }, () => [...head]);
  for (const op of ops) {
    const f = op.fork % forks;
    const st = states[f]!;
    const sender = USERS[NAMES[op.user % 5]!];
    const other = USERS[NAMES[op.other % 5]!];
    let id: string;
    switch (op.kind % 6) {
      case 0: id = add(st, heads[f]!, sender, "m.room.topic", "", { topic: `t${n}` }); break;
      case 1: {
        const users: JsonObject = v12 ? {} : { [alice]: 100 };
        users[other] = op.level;
        if (v12) delete users[alice];
        id = add(st, heads[f]!, sender, "m.room.power_levels", "", { users });
        break;
      }
      case 2: id = add(st, heads[f]!, sender, "m.room.member", other, { membership: op.level > 50 ? "ban" : "leave" }); break;
      case 3: id = add(st, heads[f]!, sender, "m.room.member", sender, { membership: "join" }); break;
      case 4: id = add(st, heads[f]!, sender, "m.room.join_rules", "", { join_rule: op.level > 50 ? "invite" : "public" }); break;
      default: id = add(st, heads[f]!, sender, "m.room.name", "", { name: `n${n}` });
    }
    heads[f] = [id];
  }
  return { events, getEvent: (id) => events.get(id), stateSets: states };
}
