// Benchmarks of the authorization rules (https://spec.matrix.org/v1.19/server-server-api/#authorization-rules):
// an ordinary message and a membership change against their auth events, in
// room versions 10 and 12; plus a naive baseline that rebuilds the state and
// re-parses power levels each time; and a power levels change in a room whose
// `users` map has 2,000 entries (rule 10, the hot path of state resolution). Run: `npx vitest bench --run --project @weft/event-auth`.

import { bench, describe } from "vitest";
import { RoomBuilder } from "@weft/test-fixtures";
import { checkAuthAgainstState, checkEventAuth, stateFromEvents } from "../src/index.js";

// A power levels event naming 2,000 users (as state resolution replays them in large rooms).
const BIG_USERS = Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`@user${i}:example.com`, 10 + (i % 40)]));

function setup(version: string) {
  const room = RoomBuilder.standard({ version, members: ["bob", "charlie", "ella"] });
  const bigRoom = RoomBuilder.standard({ version, members: ["bob"], users: BIG_USERS });
  const bigState = bigRoom.currentState();
  const currentPl = bigState.get("m.room.power_levels", "")!;
  const plChange = bigRoom.draft({
    sender: "alice",
    type: "m.room.power_levels",
    stateKey: "",
    content: { ...currentPl.content, users: { ...(currentPl.content.users as Record<string, number>), "@user1999:example.com": 5 } },
  });
  const message = room.draft({ sender: "bob", type: "m.room.message", content: { msgtype: "m.text", body: "hello world, this is a typical message" } });
  const kick = room.draft({ sender: "alice", type: "m.room.member", stateKey: "@ella:example.com", content: { membership: "leave" } });
  const byId = new Map(room.events.map((e) => [e.event_id, e]));
  const authOf = (e: typeof message) => (e.auth_events as string[]).map((id) => byId.get(id)!).concat(room.createEvent);
  const messageAuth = authOf(message);
  const kickAuth = authOf(kick);
  const state = room.currentState();
  // The same state with an equal but distinct power levels event: alternating the
  // two defeats the one-slot memo of the users comparison (a first-time check).
  const bigStateB = bigState.clone();
  bigStateB.set({ ...currentPl, content: { ...currentPl.content, users: { ...(currentPl.content.users as Record<string, number>) } } });
  return { room, message, kick, messageAuth, kickAuth, state, byId, plChange, bigState, bigStateB };
}

for (const version of ["10", "12"]) {
  const s = setup(version);
  // Warm-up: the first call parses and caches the power levels.
  checkEventAuth(s.message, s.messageAuth, version);
  checkEventAuth(s.kick, s.kickAuth, version);
  if (!checkAuthAgainstState(s.plChange, s.bigState, version).ok) throw new Error("expected the power levels change to be allowed");
  const size = JSON.stringify(s.message).length;

  describe(`room version ${version}`, () => {
    bench("message vs its auth events (size computed)", () => {
      checkEventAuth(s.message, s.messageAuth, version);
    });
    bench("message vs its auth events (eventSize given)", () => {
      checkEventAuth(s.message, s.messageAuth, version, { eventSize: size });
    });
    bench("kick vs its auth events", () => {
      checkEventAuth(s.kick, s.kickAuth, version);
    });
    bench("message vs current state (soft-fail check)", () => {
      checkAuthAgainstState(s.message, s.state, version);
    });
    bench("power levels change, 2,000-entry users map, same check repeated", () => {
      checkAuthAgainstState(s.plChange, s.bigState, version);
    });
    let flip = false;
    bench("power levels change, 2,000-entry users map, first comparison of the pair", () => {
      checkAuthAgainstState(s.plChange, (flip = !flip) ? s.bigState : s.bigStateB, version);
    });
    bench("naive baseline: rebuild state from a copy of every event", () => {
      checkAuthAgainstState(s.message, stateFromEvents(s.room.events.map((e) => ({ ...e, content: { ...e.content } }))), version);
    });
  });
}
