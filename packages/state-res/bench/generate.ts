// Generated large rooms for the state resolution benchmarks
// (https://spec.matrix.org/v1.19/rooms/v2/#algorithm): a long shared history with
// many members and hundreds of power level changes (a users map growing to
// thousands of entries), then forks whose heads are the state sets to resolve.

import { roomVersionRules, type JsonObject, type Pdu } from "@weft/common";
import { stateKey, type StateMap } from "../src/index.js";

export interface BigRoomOptions {
  version: string;
  /** State events in the shared history (approximately). */
  stateEvents: number;
  /** Power level changes spread through the history. */
  powerLevelChanges: number;
  /** Size the power levels `users` map grows to. */
  usersMapSize: number;
  forks: number;
  /** Conflicted events per fork. */
  perFork: number;
}

export interface BigRoom {
  events: Map<string, Pdu>;
  getEvent: (id: string) => Pdu | undefined;
  stateSets: StateMap[];
}

export function bigRoom(o: BigRoomOptions): BigRoom {
  const rules = roomVersionRules(o.version);
  const v12 = rules.eventFormat.roomIdIsCreateEventHash;
  const roomId = v12 ? "!CREATE" : "!room:example.com";
  const alice = "@alice:example.com";
  const events = new Map<string, Pdu>();
  let n = 0;
  const add = (state: StateMap, prev: string, sender: string, type: string, sk: string, content: JsonObject, id = `$e${n}`): string => {
    const keys: [string, string][] = [];
    if (type !== "m.room.create") {
      if (!v12) keys.push(["m.room.create", ""]);
      keys.push(["m.room.power_levels", ""], ["m.room.member", sender]);
      if (type === "m.room.member") {
        if (sk !== sender) keys.push(["m.room.member", sk]);
        if (content.membership === "join") keys.push(["m.room.join_rules", ""]);
      }
    }
    const auth: string[] = [];
    for (const [t, k] of keys) {
      const a = state.get(stateKey(t, k));
      if (a !== undefined) auth.push(a);
    }
    events.set(id, {
      event_id: id,
      ...(v12 && type === "m.room.create" ? {} : { room_id: roomId }),
      sender, type, state_key: sk, content,
      origin_server_ts: 1_700_000_000_000 + n, depth: n + 1, prev_events: prev ? [prev] : [], auth_events: auth,
      hashes: { sha256: "" }, signatures: {},
    });
    n++;
    state.set(stateKey(type, sk), id);
    return id;
  };
  const state: StateMap = new Map();
  let head = add(state, "", alice, "m.room.create", "", rules.authorization.implicitRoomCreator ? { room_version: o.version } : { creator: alice, room_version: o.version }, "$CREATE");
  head = add(state, head, alice, "m.room.member", alice, { membership: "join" });
  const users: Record<string, number> = v12 ? {} : { [alice]: 100 };
  head = add(state, head, alice, "m.room.power_levels", "", { users: { ...users } });
  head = add(state, head, alice, "m.room.join_rules", "", { join_rule: "public" });
  const members = o.stateEvents;
  const plEvery = Math.max(1, Math.floor(members / Math.max(1, o.powerLevelChanges)));
  const grow = Math.ceil(o.usersMapSize / Math.max(1, o.powerLevelChanges));
  let userCount = 0;
  for (let i = 0; i < members; i++) {
    const u = `@user${i}:example.com`;
    head = add(state, head, u, "m.room.member", u, { membership: "join" });
    if (i % plEvery === plEvery - 1) {
      for (let g = 0; g < grow && userCount < o.usersMapSize && userCount <= i; g++, userCount++) users[`@user${userCount}:example.com`] = 10 + (userCount % 40);
      head = add(state, head, alice, "m.room.power_levels", "", { users: { ...users } });
    }
  }
  // Forks: power level changes, kicks, self-leaves and custom state, distinct per fork.
  const stateSets: StateMap[] = [];
  let victim = members - 1;
  for (let f = 0; f < o.forks; f++) {
    const st = new Map(state);
    let h = head;
    for (let j = 0; j < o.perFork; j++) {
      const kind = j % 10;
      if (kind === 0) {
        const u2 = { ...users, [`@user${victim}:example.com`]: 5 };
        h = add(st, h, alice, "m.room.power_levels", "", { users: u2 });
      } else if (kind <= 2) {
        const t = `@user${victim--}:example.com`;
        h = add(st, h, alice, "m.room.member", t, { membership: kind === 1 ? "leave" : "ban" });
      } else if (kind <= 6) {
        const t = `@user${victim--}:example.com`;
        h = add(st, h, t, "m.room.member", t, { membership: "leave" });
      } else {
        h = add(st, h, alice, "m.custom.state", `f${f}-${j}`, { value: j });
      }
    }
    stateSets.push(st);
  }
  return { events, getEvent: (id) => events.get(id), stateSets };
}
