// Rule numbers per room version (https://spec.matrix.org/v1.19/rooms/v1/#authorization-rules,
// …/v3/, …/v6/, …/v8/, …/v10/, …/v11/, …/v12/#authorisation-rules).

import { describe, expect, it } from "vitest";
import { roomVersionRules } from "@weft/common";
import { AUTH_FAILURE_CODES as C, ruleNumber } from "./codes.js";

const n = (code: (typeof C)[keyof typeof C], v: string): string => ruleNumber(code, roomVersionRules(v));

describe("ruleNumber", () => {
  it("numbers the membership rules as each version's list does", () => {
    expect([n(C.JOIN_BANNED, "1"), n(C.JOIN_BANNED, "6"), n(C.JOIN_BANNED, "8"), n(C.JOIN_BANNED, "12")]).toEqual(["5.2.3", "4.2.3", "4.3.3", "5.3.3"]);
    expect([n(C.JOIN_NOT_ALLOWED, "7"), n(C.JOIN_NOT_ALLOWED, "8")]).toEqual(["4.2.6", "4.3.7"]);
    expect([n(C.KNOCK_ALREADY_MEMBER, "7"), n(C.KNOCK_ALREADY_MEMBER, "10"), n(C.KNOCK_ALREADY_MEMBER, "12")]).toEqual(["4.6.4", "4.7.4", "5.7.4"]);
    expect([n(C.UNKNOWN_MEMBERSHIP, "1"), n(C.UNKNOWN_MEMBERSHIP, "7"), n(C.UNKNOWN_MEMBERSHIP, "8")]).toEqual(["5.6", "4.7", "4.8"]);
    expect(n(C.JOIN_AUTHORISED_VIA_NOT_SIGNED, "8")).toBe("4.2.1");
    expect(n(C.THIRD_PARTY_INVITE_BAD_SIGNATURE, "12")).toBe("5.4.1.8");
    expect(n(C.KICK_INSUFFICIENT_POWER, "3")).toBe("5.4.5");
  });

  it("numbers the top-level rules", () => {
    expect([n(C.SENDER_NOT_JOINED, "1"), n(C.SENDER_NOT_JOINED, "6"), n(C.SENDER_NOT_JOINED, "12")]).toEqual(["6", "5", "6"]);
    expect([n(C.INSUFFICIENT_POWER, "2"), n(C.INSUFFICIENT_POWER, "11")]).toEqual(["8", "7"]);
    expect([n(C.STATE_KEY_NOT_SENDER, "5"), n(C.STATE_KEY_NOT_SENDER, "9")]).toEqual(["9", "8"]);
    expect([n(C.NOT_FEDERATED, "1"), n(C.NOT_FEDERATED, "12")]).toEqual(["3", "4"]);
    expect(n(C.ALIASES_DOMAIN_MISMATCH, "5")).toBe("4.2");
    expect(n(C.REDACTION_NOT_ALLOWED, "1")).toBe("11.3");
    expect([n(C.THIRD_PARTY_INVITE_INSUFFICIENT_POWER, "4"), n(C.THIRD_PARTY_INVITE_INSUFFICIENT_POWER, "6")]).toEqual(["7.1", "6.1"]);
  });

  it("numbers the create, room ID and auth events rules", () => {
    expect([n(C.CREATE_ROOM_ID_DOMAIN_MISMATCH, "11"), n(C.CREATE_HAS_ROOM_ID, "12")]).toEqual(["1.2", "1.2"]);
    expect([n(C.CREATE_MISSING_CREATOR, "10"), n(C.CREATE_INVALID_ADDITIONAL_CREATORS, "12")]).toEqual(["1.4", "1.4"]);
    expect(n(C.ROOM_ID_NOT_CREATE_EVENT, "12")).toBe("2");
    expect([n(C.DUPLICATE_AUTH_EVENT, "11"), n(C.DUPLICATE_AUTH_EVENT, "12")]).toEqual(["2.1", "3.1"]);
    expect([n(C.AUTH_EVENT_WRONG_ROOM, "1"), n(C.AUTH_EVENT_WRONG_ROOM, "12")]).toEqual(["2.5", "3.5"]);
    expect([n(C.MISSING_CREATE_EVENT, "11"), n(C.MISSING_CREATE_EVENT, "12")]).toEqual(["2.4", "2"]);
    expect(n(C.EVENT_TOO_LARGE, "12")).toBe("size-limits");
  });

  it("numbers the power levels rules", () => {
    expect([n(C.POWER_LEVELS_INVALID_USERS, "9"), n(C.POWER_LEVELS_INVALID_USERS, "10"), n(C.POWER_LEVELS_INVALID_USERS, "12")]).toEqual(["9.1", "9.3", "10.3"]);
    expect([n(C.POWER_LEVELS_INVALID_LEVEL, "5"), n(C.POWER_LEVELS_INVALID_LEVEL, "10")]).toEqual(["10", "9.1"]);
    expect(n(C.POWER_LEVELS_CREATOR_IN_USERS, "12")).toBe("10.4");
    expect([n(C.POWER_LEVELS_OLD_LEVEL_TOO_HIGH, "1"), n(C.POWER_LEVELS_NEW_LEVEL_TOO_HIGH, "11"), n(C.POWER_LEVELS_NEW_LEVEL_TOO_HIGH, "12")]).toEqual(["10.3.1", "9.5.2", "10.6.2"]);
    expect([n(C.POWER_LEVELS_USER_NOT_BELOW_SENDER, "6"), n(C.POWER_LEVELS_NEW_USER_LEVEL_TOO_HIGH, "12")]).toEqual(["9.6.1", "10.10.1"]);
  });
});
