// The state-reset cases of MSC4297 (state resolution v2.1,
// https://spec.matrix.org/v1.19/rooms/v12/#state-resolution): state sets obtained
// by partial synchronisation hold an *older* event than their auth chains know
// about. Room version 11 (v2) resets the state; room version 12 (v2.1) does not.
// The histories are linear, so they are built directly with the shared RoomBuilder.

import { describe, expect, it } from "vitest";
import type { Pdu } from "@weft/common";
import { RoomBuilder } from "@weft/test-fixtures";
import { conflictedStateSubgraph, resolveStateSync, stateKey, type StateMap } from "../src/index.js";
import { checkAuth } from "./helpers/auth-rules.js";

const JOIN_RULES = stateKey("m.room.join_rules", "");
const POWER_LEVELS = stateKey("m.room.power_levels", "");

/** alice creates the room (power levels IPOWER, public join rules IJR); bob (IMB) and charlie (IMC) join. */
function startRoom(version: string): RoomBuilder {
  const room = new RoomBuilder();
  room.create({ creator: "alice", version });
  room.join("alice");
  room.setPowerLevels("alice", { users: version === "12" ? {} : { "@alice:example.com": 100 } }, { id: "IPOWER" });
  room.setJoinRules("alice", "public", { id: "IJR" });
  room.join("bob", { id: "IMB" });
  room.join("charlie", { id: "IMC" });
  return room;
}

/** The state after `eventId` of a linear history, keyed by {@link stateKey}. */
function stateAfter(room: RoomBuilder, eventId: string): StateMap {
  const state: StateMap = new Map();
  for (const e of room.events) {
    if (typeof e.state_key === "string") state.set(stateKey(e.type, e.state_key), e.event_id);
    if (e.event_id === eventId) return state;
  }
  throw new Error(`expected ${eventId} in the room`);
}

const getter = (room: RoomBuilder) => (id: string): Pdu | undefined => room.events.find((e) => e.event_id === id);

describe("problem A: conflicting events unauthorised by the unconflicted state", () => {
  // Bob (an admin) changes the join rules twice and then leaves. One state set is
  // correct (JR2); the other, from a stale /state response, still has JR1. Both
  // agree bob has left, so the unconflicted state says bob is not in the room.
  for (const [version, expected] of [["11", undefined], ["12", "$JR2"]] as const) {
    it(`room version ${version}: ${expected === undefined ? "the join rules are reset away (v2)" : "JR2 survives (v2.1 replays on the auth chains)"}`, () => {
      const room = startRoom(version);
      room.setPowerLevels("alice", { users: version === "12" ? { "@bob:example.com": 100 } : { "@alice:example.com": 100, "@bob:example.com": 100 } }, { id: "PB" });
      room.setJoinRules("bob", "invite", { id: "JR1" });
      room.setJoinRules("bob", "knock", { id: "JR2" });
      const lb = room.leave("bob", { id: "LB" });
      const good = stateAfter(room, lb.event_id);
      const stale = new Map(good);
      stale.set(JOIN_RULES, "$JR1");
      const resolved = resolveStateSync(version, [good, stale], getter(room), { authCheck: checkAuth });
      expect(resolved.get(JOIN_RULES)).toBe(expected);
    });
  }
});

describe("problem B: conflicting events need events between them", () => {
  // Alice promotes bob (P1), bob promotes charlie (P2), charlie sets a topic (T).
  // The stale state set claims the power levels are still IPOWER, although its own
  // topic T cites P2. P1 is in both auth chains, so it is not in the auth difference:
  // v2 replays P2 without P1 and rejects it; v2.1's conflicted state subgraph
  // (IPOWER → P1 → P2) brings P1 back.
  for (const [version, expected] of [["11", "$IPOWER"], ["12", "$P2"]] as const) {
    it(`room version ${version}: the power levels ${expected === "$P2" ? "keep charlie's promotion" : "reset to IPOWER"}`, () => {
      const room = startRoom(version);
      const admin: Record<string, number> = version === "12" ? {} : { "@alice:example.com": 100 };
      room.setPowerLevels("alice", { users: { ...admin, "@bob:example.com": 100 } }, { id: "P1" });
      room.setPowerLevels("bob", { users: { ...admin, "@bob:example.com": 100, "@charlie:example.com": 50 } }, { id: "P2" });
      const t = room.state("charlie", "m.room.topic", "", { topic: "T" }, { id: "T" });
      const good = stateAfter(room, t.event_id);
      const stale = new Map(good);
      stale.set(POWER_LEVELS, "$IPOWER");
      const resolved = resolveStateSync(version, [good, stale], getter(room), { authCheck: checkAuth });
      expect(resolved.get(POWER_LEVELS)).toBe(expected);
      if (version === "12") {
        // Every auth path from P2 down to IPOWER: via P1, and via bob's join IMB (which
        // cites IPOWER and the join rules IJR, which cites IPOWER too).
        expect(conflictedStateSubgraph("12", new Set(["$P2", "$IPOWER"]), getter(room))).toEqual(new Set(["$IPOWER", "$P1", "$P2", "$IMB", "$IJR"]));
      }
    });
  }
});
