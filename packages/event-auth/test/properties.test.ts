// Property tests of the authorization rules (https://spec.matrix.org/v1.19/server-server-api/#authorization-rules):
// well-behaved rooms authorize every event, in every room version; and the
// fields the power rules read flip the result exactly where the spec says.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RoomBuilder, USERS, type UserName } from "@weft/test-fixtures";
import { AUTH_FAILURE_CODES as C, checkAuthAgainstState, checkEventAuth } from "../src/index.js";
import { ALL_VERSIONS, powerLevels } from "./helpers.js";

const OTHERS: UserName[] = ["bob", "charlie", "ella", "zara"];

type Action =
  | { kind: "join"; user: UserName }
  | { kind: "leave"; user: UserName }
  | { kind: "invite"; user: UserName }
  | { kind: "message"; user: UserName }
  | { kind: "joinRule"; rule: "public" | "invite" }
  | { kind: "promote"; user: UserName; level: number }
  | { kind: "topic"; user: UserName };

const user = fc.constantFrom(...OTHERS);
const action: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ kind: fc.constant("join" as const), user }),
  fc.record({ kind: fc.constant("leave" as const), user }),
  fc.record({ kind: fc.constant("invite" as const), user }),
  fc.record({ kind: fc.constant("message" as const), user }),
  fc.record({ kind: fc.constant("joinRule" as const), rule: fc.constantFrom("public" as const, "invite" as const) }),
  fc.record({ kind: fc.constant("promote" as const), user, level: fc.integer({ min: 0, max: 100 }) }),
  fc.record({ kind: fc.constant("topic" as const), user }),
);

describe("a well-behaved room authorizes every event", () => {
  it("for random sequences in random room versions", () => {
    fc.assert(
      fc.property(fc.constantFrom(...ALL_VERSIONS), fc.array(action, { maxLength: 25 }), (version, actions) => {
        const room = new RoomBuilder();
        room.create({ creator: "alice", version });
        room.join("alice");
        const levels: Record<string, number> = {};
        room.setPowerLevels("alice", powerLevels(room, levels));
        room.setJoinRules("alice", "public");
        // A model of who is where, to choose only actions the rules allow.
        const membership = new Map<UserName, string>();
        let joinRule = "public";
        for (const a of actions) {
          switch (a.kind) {
            case "join":
              if (membership.get(a.user) !== "join" && (joinRule === "public" || membership.get(a.user) === "invite")) {
                room.join(a.user);
                membership.set(a.user, "join");
              }
              break;
            case "leave":
              if (membership.get(a.user) === "join" || membership.get(a.user) === "invite") {
                room.leave(a.user);
                membership.set(a.user, "leave");
              }
              break;
            case "invite":
              if (membership.get(a.user) !== "join") {
                room.invite("alice", a.user);
                membership.set(a.user, "invite");
              }
              break;
            case "message":
              if (membership.get(a.user) === "join") room.message(a.user, "hello");
              break;
            case "joinRule":
              room.setJoinRules("alice", a.rule);
              joinRule = a.rule;
              break;
            case "promote":
              // Alice (100) may change only entries below her own level (rule 10.6.1).
              if ((levels[USERS[a.user]] ?? 0) >= 100) break;
              levels[USERS[a.user]] = a.level;
              room.setPowerLevels("alice", powerLevels(room, levels));
              break;
            case "topic":
              if (membership.get(a.user) === "join" && (levels[USERS[a.user]] ?? 0) >= 50) {
                room.state(a.user, "m.room.topic", "", { topic: "t" });
              }
              break;
          }
        }
        const events = room.events;
        for (let i = 0; i < events.length; i++) {
          const event = events[i]!;
          expect(checkEventAuth(event, events, version), event.event_id).toEqual({ ok: true });
          if (i > 0) expect(checkAuthAgainstState(event, room.stateAfter(events[i - 1]!.event_id), version)).toEqual({ ok: true });
        }
      }),
      { numRuns: 60 },
    );
  });

  it("keeps a user's entry once it reaches the sender's level (regression: seed -393078500)", () => {
    const room = new RoomBuilder();
    room.create({ creator: "alice", version: "1" });
    room.join("alice");
    room.setPowerLevels("alice", powerLevels(room, { [USERS.zara]: 100 }));
    const demote = room.draft({ sender: "alice", type: "m.room.power_levels", stateKey: "", content: powerLevels(room, { [USERS.zara]: 0 }) });
    const r = checkEventAuth(demote, room.events, "1");
    expect(r.ok ? "ok" : r.code).toBe(C.POWER_LEVELS_USER_NOT_BELOW_SENDER);
  });
});

describe("changing a field a rule reads flips the result", () => {
  const level = fc.integer({ min: -10, max: 120 });

  it("required power level: allowed iff the sender's level ≥ the event type's level", () => {
    fc.assert(
      fc.property(fc.constantFrom(...ALL_VERSIONS), level, level, (version, senderLevel, required) => {
        const room = RoomBuilder.standard({ version });
        room.setPowerLevels("alice", powerLevels(room, { [USERS.bob]: senderLevel }, { events: { "com.example.x": required } }));
        const event = room.draft({ sender: "bob", type: "com.example.x", stateKey: "", content: {} });
        const r = checkEventAuth(event, room.events, version);
        expect(r.ok ? "ok" : r.code).toBe(senderLevel >= required ? "ok" : C.INSUFFICIENT_POWER);
      }),
      { numRuns: 80 },
    );
  });

  it("ban: allowed iff sender ≥ ban level and target < sender", () => {
    fc.assert(
      fc.property(fc.constantFrom(...ALL_VERSIONS), level, level, level, (version, senderLevel, targetLevel, banLevel) => {
        const room = RoomBuilder.standard({ version });
        room.setPowerLevels("alice", powerLevels(room, { [USERS.bob]: senderLevel, [USERS.charlie]: targetLevel }, { ban: banLevel }));
        const event = room.draft({ sender: "bob", type: "m.room.member", stateKey: USERS.charlie, content: { membership: "ban" } });
        const r = checkEventAuth(event, room.events, version);
        const allowed = senderLevel >= banLevel && targetLevel < senderLevel;
        expect(r.ok ? "ok" : r.code).toBe(allowed ? "ok" : C.BAN_INSUFFICIENT_POWER);
      }),
      { numRuns: 80 },
    );
  });

  it("power levels users: another user's entry changes iff it is below the sender's and the new value is not above", () => {
    fc.assert(
      fc.property(fc.constantFrom(...ALL_VERSIONS), fc.integer({ min: 50, max: 100 }), level, level, (version, senderLevel, before, after) => {
        const room = RoomBuilder.standard({ version });
        const users = { [USERS.bob]: senderLevel, [USERS.charlie]: before };
        room.setPowerLevels("alice", powerLevels(room, users, { events: { "m.room.power_levels": 50 } }));
        const content = powerLevels(room, { ...users, [USERS.charlie]: after }, { events: { "m.room.power_levels": 50 } });
        const event = room.draft({ sender: "bob", type: "m.room.power_levels", stateKey: "", content });
        const r = checkEventAuth(event, room.events, version);
        const expected = before === after ? "ok" : before >= senderLevel ? C.POWER_LEVELS_USER_NOT_BELOW_SENDER : after > senderLevel ? C.POWER_LEVELS_NEW_USER_LEVEL_TOO_HIGH : "ok";
        expect(r.ok ? "ok" : r.code).toBe(expected);
      }),
      { numRuns: 80 },
    );
  });

  it("membership: a message is allowed iff its sender is joined", () => {
    fc.assert(
      fc.property(fc.constantFrom(...ALL_VERSIONS), fc.constantFrom("join", "invite", "leave", "ban", undefined), (version, m) => {
        const room = RoomBuilder.standard({ version, members: [] });
        if (m !== undefined) room.member(m === "join" || m === "leave" ? "zara" : "alice", "zara", m);
        const r = checkEventAuth(room.draft({ sender: "zara", type: "m.room.message", content: {} }), room.events, version);
        expect(r.ok ? "ok" : r.code).toBe(m === "join" ? "ok" : C.SENDER_NOT_JOINED);
      }),
      { numRuns: 60 },
    );
  });
});
