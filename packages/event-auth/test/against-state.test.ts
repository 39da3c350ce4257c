// checkAuthAgainstState: steps 5 and 6 of https://spec.matrix.org/v1.19/server-server-api/#checks-performed-on-receipt-of-a-pdu
// and the iterative auth checks of state resolution (https://spec.matrix.org/v1.19/rooms/v2/#algorithm).

import { describe, expect, it } from "vitest";
import { RoomBuilder, USERS } from "@weft/test-fixtures";
import { AUTH_FAILURE_CODES as C, checkAuthAgainstState, checkEventAuth, stateFromEvents, StateMap } from "../src/index.js";
import { ALL_VERSIONS } from "./helpers.js";

describe("checkAuthAgainstState", () => {
  it.each(ALL_VERSIONS)("soft-fails an event that its auth events allow but the current state does not (v%s)", (v) => {
    const room = RoomBuilder.standard({ version: v });
    const fork = room.last.event_id;
    room.ban("alice", "bob");
    // bob's message on a branch that has not seen the ban.
    const msg = room.draft({ sender: "bob", type: "m.room.message", content: { body: "hi" }, parents: [fork] });
    expect(checkEventAuth(msg, room.events, v)).toEqual({ ok: true });
    expect(checkAuthAgainstState(msg, room.stateAfter(fork), v)).toEqual({ ok: true });
    const current = checkAuthAgainstState(msg, room.currentState(), v);
    expect(current.ok ? "ok" : current.code).toBe(C.SENDER_NOT_JOINED);
  });

  it("rejects without a create event in the state", () => {
    const room = RoomBuilder.standard({ version: "11" });
    const state = room.currentState();
    state.create = undefined;
    const r = checkAuthAgainstState(room.draft({ sender: "bob", type: "m.room.message", content: {} }), state, "11");
    expect(r.ok ? "ok" : r.code).toBe(C.MISSING_CREATE_EVENT);
  });

  it("v12: rejects when the room ID does not match the state's create event", () => {
    const room = RoomBuilder.standard({ version: "12" });
    const msg = room.draft({ sender: "bob", type: "m.room.message", content: {}, extra: { room_id: "!other" } });
    const r = checkAuthAgainstState(msg, room.currentState(), "12");
    expect(r.ok ? "ok" : [r.code, r.rule]).toEqual([C.ROOM_ID_NOT_CREATE_EVENT, "2"]);
  });

  it("checks create events with the create rules only", () => {
    const room = new RoomBuilder();
    const create = room.create({ creator: "alice", version: "12" });
    expect(checkAuthAgainstState(create, new StateMap(), "12")).toEqual({ ok: true });
  });

  it("accepts any AuthState implementation", () => {
    const room = RoomBuilder.standard({ version: "10" });
    const map = stateFromEvents(room.events);
    const custom = { get: (type: string, key: string) => map.get(type, key) };
    const msg = room.draft({ sender: "zara", type: "m.room.message", content: {} });
    const r = checkAuthAgainstState(msg, custom, "10");
    expect(r.ok ? "ok" : r.code).toBe(C.SENDER_NOT_JOINED);
    expect(checkAuthAgainstState(room.draft({ sender: "bob", type: "m.room.message", content: {} }), custom, "10")).toEqual({ ok: true });
  });

  it("accepts auth events as a Map keyed by event ID", () => {
    const room = RoomBuilder.standard({ version: "9" });
    const msg = room.draft({ sender: "bob", type: "m.room.message", content: {} });
    const byId = new Map(room.events.map((e) => [e.event_id, e]));
    expect(checkEventAuth(msg, byId, "9")).toEqual({ ok: true });
    expect(stateFromEvents(room.events).get("m.room.member", USERS.bob)?.event_id).toBe("$bob-join");
  });

  it("throws MatrixError for an unknown room version", () => {
    const room = RoomBuilder.standard({ version: "11" });
    expect(() => checkEventAuth(room.last, room.events, "99")).toThrow(/room version/);
  });
});
