// Power level helpers: https://spec.matrix.org/v1.19/client-server-api/#mroompower_levels,
// https://spec.matrix.org/v1.19/rooms/v1/#mroompower_levels-events-accept-values-as-strings,
// https://spec.matrix.org/v1.19/rooms/v12/#authorisation-rules (creators).

import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { roomVersionRules, type Pdu } from "@weft/common";
import { RoomBuilder, USERS } from "@weft/test-fixtures";
import { creators, diffLevelMaps, parsePowerLevels, readPowerLevel, requiredPowerLevel, userPowerLevel } from "./power-levels.js";
import { stateFromEvents } from "./state.js";

describe("readPowerLevel", () => {
  it("reads integers in every version, strings before v10, floats before v6", () => {
    const v1 = roomVersionRules("1"), v6 = roomVersionRules("6"), v10 = roomVersionRules("10");
    expect([readPowerLevel(50, v1), readPowerLevel(50, v10)]).toEqual([50, 50]);
    expect([readPowerLevel(" +0050 ", v6), readPowerLevel("-7", v6), readPowerLevel("50", v10)]).toEqual([50, -7, undefined]);
    expect([readPowerLevel("5.0", v6), readPowerLevel("", v6), readPowerLevel(true, v1)]).toEqual([undefined, undefined, undefined]);
    expect([readPowerLevel(50.9, v1), readPowerLevel(-1.5, v1), readPowerLevel(50.9, v6)]).toEqual([50, -1, undefined]);
    expect(readPowerLevel(Infinity, v1)).toBeUndefined();
  });
});

describe("parsePowerLevels", () => {
  it("applies the defaults with and without an event", () => {
    const none = parsePowerLevels(undefined, "12");
    expect([none.stateDefault, none.eventsDefault, none.ban, none.kick, none.redact, none.invite]).toEqual([0, 0, 50, 50, 50, 0]);
    const empty = parsePowerLevels({ content: {} } as Pdu, "12");
    expect([empty.stateDefault, empty.usersDefault, empty.invite]).toEqual([50, 0, 0]);
  });
  it("caches per event object and per reading", () => {
    const event = { content: { ban: "75" } } as unknown as Pdu;
    expect(parsePowerLevels(event, "9")).toBe(parsePowerLevels(event, "8"));
    expect(parsePowerLevels(event, "9").ban).toBe(75);
    expect(parsePowerLevels(event, "10").ban).toBe(50);
  });
});

describe("userPowerLevel and creators", () => {
  it("gives the creator 100 without a power levels event, before v12", () => {
    for (const v of ["1", "10", "11"]) {
      const room = new RoomBuilder();
      room.create({ creator: "alice", version: v });
      const state = stateFromEvents(room.events);
      expect(userPowerLevel(USERS.alice, state, v)).toBe(100);
      expect(userPowerLevel(USERS.bob, state, v)).toBe(0);
    }
  });
  it("gives v12 creators infinite power, whatever the power levels say", () => {
    const room = new RoomBuilder();
    room.create({ creator: "alice", version: "12", additionalCreators: ["bob"] });
    room.join("alice");
    room.setPowerLevels("alice", { users: { [USERS.charlie]: 100 }, users_default: 5 });
    const state = room.currentState();
    expect(userPowerLevel(USERS.alice, state, "12")).toBe(Infinity);
    expect(userPowerLevel(USERS.bob, state, "12")).toBe(Infinity);
    expect(userPowerLevel(USERS.charlie, state, "12")).toBe(100);
    expect(userPowerLevel(USERS.zara, state, "12")).toBe(5);
    expect(creators(room.createEvent, "12")).toEqual([USERS.alice, USERS.bob]);
    expect(creators(room.createEvent, "11")).toEqual([USERS.alice]);
  });
  it("reads content.creator before v11 and the sender since", () => {
    const event = { sender: USERS.alice, content: { creator: USERS.bob } } as unknown as Pdu;
    expect(creators(event, "10")).toEqual([USERS.bob]);
    expect(creators(event, "11")).toEqual([USERS.alice]);
  });
});

describe("requiredPowerLevel", () => {
  it("uses events, else state_default or events_default", () => {
    const room = RoomBuilder.standard({ version: "11" });
    const state = room.currentState();
    expect(requiredPowerLevel("m.room.tombstone", true, state, "11")).toBe(100);
    expect(requiredPowerLevel("m.room.topic", true, state, "11")).toBe(50);
    expect(requiredPowerLevel("m.room.message", false, state, "11")).toBe(0);
    expect(requiredPowerLevel("m.room.topic", true, parsePowerLevels(undefined, "11"))).toBe(0);
  });
});

describe("the spec's worked examples", () => {
  // https://spec.matrix.org/v1.19/rooms/v1/#mroompower_levels-events-accept-values-as-strings
  const stringy = {
    content: {
      ban: "50",
      events: { "m.room.power_levels": "100" },
      events_default: "0",
      state_default: "50",
      users: { "@example:localhost": "100" },
      users_default: "0",
    },
    origin_server_ts: 1432735824653,
    room_id: "!jEsUZKDJdhlrceRyVU:example.org",
    sender: "@example:example.org",
    state_key: "",
    type: "m.room.power_levels",
  } as unknown as Pdu;
  // https://spec.matrix.org/v1.19/rooms/v1/#mroompower_levels-events-accept-values-as-floats
  const floaty = {
    content: {
      ban: 50,
      events: { "m.room.power_levels": 100 },
      events_default: 0,
      state_default: 50,
      users: { "@example:example.org": 100, "@alice:localhost": 50, "@bob:localhost": 50.57 },
      users_default: 0,
    },
    sender: "@example:example.org",
    state_key: "",
    type: "m.room.power_levels",
  } as unknown as Pdu;

  it("reads string values before room version 10", () => {
    for (const v of ["1", "9"]) {
      const pl = parsePowerLevels(stringy, v);
      expect([pl.ban, pl.events.get("m.room.power_levels"), pl.users.get("@example:localhost"), pl.stateDefault]).toEqual([50, 100, 100, 50]);
    }
    const v10 = parsePowerLevels(stringy, "10");
    expect([v10.ban, v10.users.get("@example:localhost")]).toEqual([50, undefined]);
  });

  it("truncates floats before room version 6: alice and bob both have 50", () => {
    const pl = parsePowerLevels(floaty, "5");
    expect([pl.users.get("@alice:localhost"), pl.users.get("@bob:localhost")]).toEqual([50, 50]);
    expect(parsePowerLevels(floaty, "6").users.get("@bob:localhost")).toBeUndefined();
  });
});

describe("diffLevelMaps (the lockstep comparison of rule 10)", () => {
  // The law: the one-pass lockstep walk gives exactly what a separate walk over
  // each map with lookups gives, in the same order, whatever the key orders.
  const naive = (before: Map<string, number>, after: Map<string, number>) => {
    const old = [...before].filter(([k, v]) => after.get(k) !== v);
    const now = [...after].filter(([k, v]) => before.get(k) !== v);
    return { oldKeys: old.map(([k]) => k), oldValues: old.map(([, v]) => v), newKeys: now.map(([k]) => k), newValues: now.map(([, v]) => v) };
  };
  const entries = fc.array(fc.tuple(fc.constantFrom("@a:x", "@b:x", "@c:x", "@d:x", "@e:x", "@f:x", "@g:x"), fc.integer({ min: -2, max: 2 })), { maxLength: 8 });
  it("agrees with the naive comparison for maps in any order", () => {
    fc.assert(
      fc.property(entries, entries, fc.boolean(), (a, b, edit) => {
        const before = new Map(a);
        // Either an unrelated map, or one edited from `before` (the common, in-step case).
        const after = edit ? new Map([...before, ...b]) : new Map(b);
        expect(diffLevelMaps(before, after)).toEqual(naive(before, after));
      }),
    );
  });
  it("finds the one change in a 2,000-entry map edited from another", () => {
    const before = new Map<string, number>(Array.from({ length: 2000 }, (_, i) => [`@user${i}:example.com`, i % 40] as const));
    const after = new Map(before).set("@user1999:example.com", 5).set("@new:example.com", 1);
    after.delete("@user7:example.com");
    expect(diffLevelMaps(before, after)).toEqual({
      oldKeys: ["@user7:example.com", "@user1999:example.com"],
      oldValues: [7, 39],
      newKeys: ["@user1999:example.com", "@new:example.com"],
      newValues: [5, 1],
    });
    expect(diffLevelMaps(before, before).oldKeys).toEqual([]);
  });
  it("remembers the last comparison per map, and only for the same pair", () => {
    const a = new Map([["@a:x", 1]]);
    const b = new Map([["@a:x", 2]]);
    const c = new Map([["@a:x", 2], ["@b:x", 3]]);
    const first = diffLevelMaps(a, c);
    expect(diffLevelMaps(a, c)).toBe(first);
    expect(diffLevelMaps(b, c)).toEqual({ oldKeys: [], oldValues: [], newKeys: ["@b:x"], newValues: [3] });
    expect(diffLevelMaps(a, c)).toEqual(first);
  });
});
