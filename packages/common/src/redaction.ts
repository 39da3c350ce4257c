// The redaction algorithm: https://spec.matrix.org/v1.19/client-server-api/#redactions
// as specified per room version:
//   v1–5  https://spec.matrix.org/v1.19/rooms/v1/#redactions
//   v6–7  https://spec.matrix.org/v1.19/rooms/v6/#redactions  (m.room.aliases no longer protected)
//   v8    https://spec.matrix.org/v1.19/rooms/v8/#redactions  (join_rules keeps `allow`)
//   v9–10 https://spec.matrix.org/v1.19/rooms/v9/#redactions  (member keeps `join_authorised_via_users_server`)
//   v11+  https://spec.matrix.org/v1.19/rooms/v11/#redactions (origin/membership/prev_state dropped;
//         whole create content; redaction `redacts`; power levels `invite`; third_party_invite.signed)
//
// The differences are the `redaction` flags of RoomVersionRules; this file
// never compares version numbers.
//
// Decisions:
// - `unsigned` is stripped, exactly as the algorithm's key list says. Servers
//   that show a redacted event to clients add their own `unsigned` afterwards
//   (e.g. `redacted_because`); hashing and signing strip `unsigned` anyway.
// - `content` is present in the result iff it was present in the input; a
//   non-object `content` becomes `{}`. So redaction never adds a key.
// - `m.room.member` `third_party_invite` (v11+) is kept as `{ signed }` only
//   when it is an object that has a `signed` key; otherwise it is removed.
// - Kept values are deep-copied: the result shares nothing with the input, so
//   either can be mutated freely.

import { roomVersionRules } from "./room-versions.js";
import type { RedactionRules, RoomVersionRules } from "./room-versions.js";

/** An event after redaction: only the keys the room version protects. */
export interface RedactedEvent {
  content?: Record<string, unknown>;
  [key: string]: unknown;
}

/** Top-level keys every room version keeps. */
const ALWAYS_KEPT_KEYS = [
  "event_id", "type", "room_id", "sender", "state_key", "content", "hashes", "signatures",
  "depth", "prev_events", "auth_events", "origin_server_ts",
] as const;
/** Top-level keys kept before room version 11. */
const PRE_V11_KEPT_KEYS = ["origin", "membership", "prev_state"] as const;

// Only JSON objects (plain or null-prototype) are copied key by key. Anything
// else — notably the number wrappers of @weft/canonical-json's lossless legacy
// parser for room versions 1–5 — is passed through untouched, so reference
// hashes of old events with floats or big integers stay exact.
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  // `__proto__` may be an own key of parsed JSON; plain assignment would change the prototype.
  if (key === "__proto__") Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/** Deep copy of a JSON value (other values are returned as they are). */
function cloneJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(cloneJson);
  if (isPlainObject(value)) {
    const copy: Record<string, unknown> = {};
    for (const key of Object.keys(value)) setOwn(copy, key, cloneJson(value[key]));
    return copy;
  }
  return value;
}

const has = (obj: object, key: string): boolean => Object.prototype.hasOwnProperty.call(obj, key);

/**
 * The `content` keys the room version protects for an event type, or `"all"`,
 * per the redaction algorithm. `m.room.member`'s `third_party_invite.signed`
 * (v11+) is handled separately by {@link redactEvent}.
 *
 * @param type - the event `type`.
 * @param rules - the room version's redaction rules.
 * @returns the protected content keys (empty when none), or `"all"`.
 * @example
 * ```ts
 * protectedContentKeys("m.room.join_rules", roomVersionRules("8").redaction); // ["join_rule", "allow"]
 * ```
 * @see https://spec.matrix.org/v1.19/client-server-api/#redactions
 */
export function protectedContentKeys(type: unknown, rules: RedactionRules): readonly string[] | "all" {
  switch (type) {
    case "m.room.member":
      return rules.keepJoinAuthorisedViaUsersServer ? ["membership", "join_authorised_via_users_server"] : ["membership"];
    case "m.room.create":
      return rules.keepAllCreateContent ? "all" : ["creator"];
    case "m.room.join_rules":
      return rules.keepJoinRulesAllow ? ["join_rule", "allow"] : ["join_rule"];
    case "m.room.power_levels":
      return [
        "ban", "events", "events_default", "kick", "redact", "state_default", "users", "users_default",
        ...(rules.keepPowerLevelsInvite ? ["invite"] : []),
      ];
    case "m.room.history_visibility":
      return ["history_visibility"];
    case "m.room.aliases":
      return rules.keepAliasesContent ? ["aliases"] : [];
    case "m.room.redaction":
      return rules.keepRedactionRedacts ? ["redacts"] : [];
    default:
      return [];
  }
}

/**
 * Redacts an event: returns a NEW object with only the keys the room version's
 * redaction algorithm protects. The input is never modified and the result
 * shares no objects with it. `unsigned` is removed (see the file header).
 *
 * Use it for content hashes, reference hashes and signatures (which are
 * computed over the redacted event) and to apply an accepted redaction.
 *
 * @param event - the event JSON object (a PDU, or a client-format event).
 * @param roomVersion - the room version identifier (`"1"`…`"12"`) or its rules.
 * @returns the redacted copy.
 * @throws {MatrixError} `M_UNSUPPORTED_ROOM_VERSION` for an unknown room version string.
 * @example
 * ```ts
 * redactEvent(
 *   { type: "m.room.message", content: { body: "hi" }, sender: "@alice:example.com", unsigned: { age: 1 } },
 *   "12",
 * ); // { type: "m.room.message", content: {}, sender: "@alice:example.com" }
 * ```
 * @see https://spec.matrix.org/v1.19/client-server-api/#redactions
 */
export function redactEvent(event: object, roomVersion: string | RoomVersionRules): RedactedEvent {
  const source = event as Readonly<Record<string, unknown>>;
  const rules = (typeof roomVersion === "string" ? roomVersionRules(roomVersion) : roomVersion).redaction;
  const redacted: RedactedEvent = {};

  // 1. Strip every top-level key not in the version's list.
  const keptKeys: readonly string[] = rules.keepOriginMembershipPrevState
    ? [...ALWAYS_KEPT_KEYS, ...PRE_V11_KEPT_KEYS]
    : ALWAYS_KEPT_KEYS;
  for (const key of keptKeys) {
    if (key !== "content" && has(source, key)) redacted[key] = cloneJson(source[key]);
  }

  // 2. Strip every content key, except those protected for the event type.
  if (has(source, "content")) {
    const content = isPlainObject(source["content"]) ? source["content"] : {};
    const newContent: Record<string, unknown> = {};
    const allowed = protectedContentKeys(source["type"], rules);
    if (allowed === "all") {
      for (const key of Object.keys(content)) setOwn(newContent, key, cloneJson(content[key]));
    } else {
      for (const key of allowed) if (has(content, key)) newContent[key] = cloneJson(content[key]);
    }
    // Since v11: m.room.member keeps `third_party_invite`, reduced to its `signed` key.
    if (rules.keepThirdPartyInviteSigned && source["type"] === "m.room.member") {
      const invite = content["third_party_invite"];
      if (isPlainObject(invite) && has(invite, "signed")) {
        newContent["third_party_invite"] = { signed: cloneJson(invite["signed"]) };
      }
    }
    redacted.content = newContent;
  }
  return redacted;
}
