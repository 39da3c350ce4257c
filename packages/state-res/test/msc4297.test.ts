// The state-reset cases of MSC4297 (state resolution v2.1,
// https://spec.matrix.org/v1.19/rooms/v12/#state-resolution): state sets obtained
// by partial synchronisation hold an *older* event than their auth chains know
// about. Room version 11 (v2) resets the state; room version 12 (v2.1) does not.

import { describe, expect, it } from "vitest";
import { conflictedStateSubgraph, resolveStateSync, stateKey } from "../src/index.js";
import { checkAuth } from "./helpers/auth-rules.js";
import { buildRoom, joinRules, member, powerLevels, topic, type EventSpec } from "./helpers/dag.js";

const JOIN_RULES = stateKey("m.room.join_rules", "");
const POWER_LEVELS = stateKey("m.room.power_levels", "");

function line(names: string[]): string[][] {
  return [["END", ...[...names].reverse(), "START"]];
}

describe("problem A: conflicting events unauthorised by the unconflicted state", () => {
  // Bob (an admin) changes the join rules twice and then leaves. One state set is
  // correct (JR2); the other, from a stale /state response, still has JR1. Both
  // agree bob has left, so the unconflicted state says bob is not in the room.
  for (const [version, expected] of [["11", undefined], ["12", "$JR2"]] as const) {
    it(`room version ${version}: ${expected === undefined ? "the join rules are reset away (v2)" : "JR2 survives (v2.1 replays on the auth chains)"}`, () => {
      const promote: EventSpec = version === "12" ? powerLevels("PB", "alice", { bob: 100 }) : powerLevels("PB", "alice", { alice: 100, bob: 100 });
      const events = [promote, joinRules("JR1", "bob", "invite"), joinRules("JR2", "bob", "knock"), member("LB", "bob", "bob", "leave")];
      const { room } = buildRoom(version, events, line(["PB", "JR1", "JR2", "LB"]));
      const good = room.stateAfter.get("$LB")!;
      const stale = new Map(good);
      stale.set(JOIN_RULES, "$JR1");
      const resolved = resolveStateSync(version, [good, stale], room.getEvent, { authCheck: checkAuth });
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
      const events = version === "12"
        ? [powerLevels("P1", "alice", { bob: 100 }), powerLevels("P2", "bob", { bob: 100, charlie: 50 }), topic("T", "charlie")]
        : [powerLevels("P1", "alice", { alice: 100, bob: 100 }), powerLevels("P2", "bob", { alice: 100, bob: 100, charlie: 50 }), topic("T", "charlie")];
      const { room } = buildRoom(version, events, line(["P1", "P2", "T"]));
      const good = room.stateAfter.get("$T")!;
      const stale = new Map(good);
      stale.set(POWER_LEVELS, "$IPOWER");
      const resolved = resolveStateSync(version, [good, stale], room.getEvent, { authCheck: checkAuth });
      expect(resolved.get(POWER_LEVELS)).toBe(expected);
      if (version === "12") {
        // Every auth path from P2 down to IPOWER: via P1, and via bob's join IMB (which
        // cites IPOWER and the join rules IJR, which cites IPOWER too).
        expect(conflictedStateSubgraph("12", new Set(["$P2", "$IPOWER"]), room.getEvent)).toEqual(new Set(["$IPOWER", "$P1", "$P2", "$IMB", "$IJR"]));
      }
    });
  }
});
