// Benchmarks of the authorization rules (https://spec.matrix.org/v1.19/server-server-api/#authorization-rules):
// an ordinary message and a membership change against their auth events, in
// room versions 10 and 12; plus a naive baseline that rebuilds the state and
// re-parses power levels each time. Run: `npx vitest bench --run --project @weft/event-auth`.

import { bench, describe } from "vitest";
import { RoomBuilder } from "@weft/test-fixtures";
import { checkAuthAgainstState, checkEventAuth, stateFromEvents } from "../src/index.js";

function setup(version: string) {
  const room = RoomBuilder.standard({ version, members: ["bob", "charlie", "ella"] });
  const message = room.draft({ sender: "bob", type: "m.room.message", content: { msgtype: "m.text", body: "hello world, this is a typical message" } });
  const kick = room.draft({ sender: "alice", type: "m.room.member", stateKey: "@ella:example.com", content: { membership: "leave" } });
  const byId = new Map(room.events.map((e) => [e.event_id, e]));
  const authOf = (e: typeof message) => (e.auth_events as string[]).map((id) => byId.get(id)!).concat(room.createEvent);
  const messageAuth = authOf(message);
  const kickAuth = authOf(kick);
  const state = room.currentState();
  return { room, message, kick, messageAuth, kickAuth, state, byId };
}

for (const version of ["10", "12"]) {
  const s = setup(version);
  // Warm-up: the first call parses and caches the power levels.
  checkEventAuth(s.message, s.messageAuth, version);
  checkEventAuth(s.kick, s.kickAuth, version);
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
    bench("naive baseline: rebuild state from a copy of every event", () => {
      checkAuthAgainstState(s.message, stateFromEvents(s.room.events.map((e) => ({ ...e, content: { ...e.content } }))), version);
    });
  });
}
