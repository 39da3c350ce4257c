import { describe, expect, it } from "vitest";
import { isMatrixError } from "./errors.js";
import { DEFAULT_ROOM_VERSION, ROOM_VERSIONS, isKnownRoomVersion, roomVersionRules } from "./room-versions.js";

const VERSIONS = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"];

/**
 * Each boolean flag, the versions where it holds, and where the spec says so.
 * A flag either starts at some version ("since") or ends before one ("until").
 */
const FLAGS: [path: string, holdsIn: (v: number) => boolean, source: string][] = [
  ["eventFormat.referencePairs", (v) => v <= 2, "rooms/v3 event format"],
  ["eventFormat.signedByEventIdServer", (v) => v <= 2, "rooms/v3 auth rules preamble"],
  ["eventFormat.redactsInContent", (v) => v >= 11, "rooms/v11 event format"],
  ["eventFormat.roomIdIsCreateEventHash", (v) => v >= 12, "rooms/v12 event format"],
  ["enforceKeyValidity", (v) => v >= 5, "rooms/v5 signing key validity period"],
  ["strictCanonicalJson", (v) => v >= 6, "rooms/v6 canonical JSON"],
  ["redaction.keepAliasesContent", (v) => v <= 5, "rooms/v6 redactions"],
  ["redaction.keepJoinRulesAllow", (v) => v >= 8, "rooms/v8 redactions"],
  ["redaction.keepJoinAuthorisedViaUsersServer", (v) => v >= 9, "rooms/v9 redactions"],
  ["redaction.keepOriginMembershipPrevState", (v) => v <= 10, "rooms/v11 redactions"],
  ["redaction.keepAllCreateContent", (v) => v >= 11, "rooms/v11 redactions"],
  ["redaction.keepRedactionRedacts", (v) => v >= 11, "rooms/v11 redactions"],
  ["redaction.keepPowerLevelsInvite", (v) => v >= 11, "rooms/v11 redactions"],
  ["redaction.keepThirdPartyInviteSigned", (v) => v >= 11, "rooms/v11 redactions"],
  ["authorization.specialCaseAliasesAuth", (v) => v <= 5, "rooms/v6 auth rules (rule 4 removed)"],
  ["authorization.specialCaseRedactionAuth", (v) => v <= 2, "rooms/v3 auth rules (rule 11 removed)"],
  ["authorization.checkNotificationsPowerLevels", (v) => v >= 6, "rooms/v6 auth rules 9.4/9.5"],
  ["authorization.floatPowerLevels", (v) => v <= 5, "rooms/v1 deprecated content schemas; absent from v6"],
  ["authorization.knocking", (v) => v >= 7, "rooms/v7 auth rules"],
  ["authorization.restrictedJoinRule", (v) => v >= 8, "rooms/v8 auth rules"],
  ["authorization.knockRestrictedJoinRule", (v) => v >= 10, "rooms/v10 auth rules"],
  ["authorization.integerPowerLevels", (v) => v >= 10, "rooms/v10 power levels must be integers"],
  ["authorization.implicitRoomCreator", (v) => v >= 11, "rooms/v11 auth rules 1 and 4.2.1"],
  ["authorization.privilegedCreators", (v) => v >= 12, "rooms/v12 auth rules 10.4"],
  ["authorization.additionalCreators", (v) => v >= 12, "rooms/v12 auth rules 1.4"],
  ["authorization.createEventImpliedByRoomId", (v) => v >= 12, "rooms/v12 auth rules 2 and 3.2"],
];

function flag(version: string, path: string): unknown {
  return path.split(".").reduce<unknown>((obj, key) => (obj as Record<string, unknown>)[key], roomVersionRules(version));
}

describe("room version rules (rooms/v1 … rooms/v12)", () => {
  it("knows exactly versions 1–12, all stable, default 12", () => {
    expect(Object.keys(ROOM_VERSIONS).sort((a, b) => Number(a) - Number(b))).toEqual(VERSIONS);
    for (const v of VERSIONS) {
      expect(roomVersionRules(v).id).toBe(v);
      expect(roomVersionRules(v).stable).toBe(true);
    }
    expect(DEFAULT_ROOM_VERSION).toBe("12");
  });

  describe.each(FLAGS)("%s", (path, holdsIn, source) => {
    it.each(VERSIONS)(`v%s matches the spec (${source})`, (v) => {
      expect(flag(v, path)).toBe(holdsIn(Number(v)));
    });
  });

  it("covers every boolean flag in the table", () => {
    const rules = roomVersionRules("1") as unknown as Record<string, unknown>;
    const paths: string[] = [];
    for (const [key, value] of Object.entries(rules)) {
      if (typeof value === "boolean" && key !== "stable") paths.push(key);
      if (typeof value === "object" && value !== null) {
        for (const [sub, subValue] of Object.entries(value)) if (typeof subValue === "boolean") paths.push(`${key}.${sub}`);
      }
    }
    expect(paths.sort()).toEqual(FLAGS.map(([p]) => p).sort());
  });

  it.each([
    ["1", "v1"], ["2", "v2"], ["3", "v2"], ["10", "v2"], ["11", "v2"], ["12", "v2.1"],
  ])("v%s uses state resolution %s", (v, algorithm) => {
    expect(roomVersionRules(v).stateResolution).toBe(algorithm);
  });

  it.each([
    ["1", "server_chosen"], ["2", "server_chosen"], ["3", "reference_hash_base64"], ["4", "reference_hash_url_safe"], ["12", "reference_hash_url_safe"],
  ])("v%s forms event IDs as %s", (v, format) => {
    expect(roomVersionRules(v).eventFormat.eventIdFormat).toBe(format);
  });

  it("rules are frozen", () => {
    expect(Object.isFrozen(roomVersionRules("12"))).toBe(true);
    expect(Object.isFrozen(roomVersionRules("12").authorization)).toBe(true);
  });

  it.each(["0", "13", "1.0", "", "org.example.custom"])("rejects unknown version %j with M_UNSUPPORTED_ROOM_VERSION", (v) => {
    expect(isKnownRoomVersion(v)).toBe(false);
    try {
      roomVersionRules(v);
      expect.unreachable();
    } catch (e) {
      expect(isMatrixError(e) && e.errcode).toBe("M_UNSUPPORTED_ROOM_VERSION");
    }
  });
});
