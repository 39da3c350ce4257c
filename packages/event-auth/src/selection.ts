// Auth events selection: https://spec.matrix.org/v1.19/server-server-api/#auth-events-selection
// — the (type, state_key) pairs an event cites in `auth_events`, and the test
// used by auth rule 2.2 (3.2 in room version 12) that a cited entry is one of them.

import { roomVersionRules, type RoomVersionRules } from "@weft/common";

/** One `(type, state_key)` pair an event should cite. */
export interface StateKeyPair {
  readonly type: string;
  readonly stateKey: string;
}

interface SelectableEvent {
  type: string;
  sender: string;
  state_key?: unknown;
  content?: unknown;
}

function contentOf(event: SelectableEvent): Record<string, unknown> {
  const content = event.content;
  return typeof content === "object" && content !== null ? (content as Record<string, unknown>) : {};
}

/** `content.third_party_invite.signed.token` when it is a string. */
export function thirdPartyInviteToken(content: Record<string, unknown>): string | undefined {
  const tpi = content.third_party_invite;
  if (typeof tpi !== "object" || tpi === null) return undefined;
  const signed = (tpi as Record<string, unknown>).signed;
  if (typeof signed !== "object" || signed === null) return undefined;
  const token = (signed as Record<string, unknown>).token;
  return typeof token === "string" ? token : undefined;
}

/**
 * The `(type, state_key)` pairs an event must cite in `auth_events`, so a server
 * can fill them in from the current state (pairs with no event in the state are
 * simply left out). An `m.room.create` event cites nothing.
 *
 * @param event - the event being built (needs `type`, `sender`, `state_key`, `content`).
 * @param roomVersion - the room version identifier, e.g. `"12"`.
 * @returns the pairs, in the order the spec lists them.
 * @throws {MatrixError} `M_UNSUPPORTED_ROOM_VERSION` for an unknown room version.
 * @example
 * ```ts
 * authEventsSelection({ type: "m.room.message", sender: "@alice:example.com", content: {} }, "11");
 * // [{ type: "m.room.create", stateKey: "" }, { type: "m.room.power_levels", stateKey: "" },
 * //  { type: "m.room.member", stateKey: "@alice:example.com" }]
 * ```
 * @see https://spec.matrix.org/v1.19/server-server-api/#auth-events-selection
 */
export function authEventsSelection(event: SelectableEvent, roomVersion: string | RoomVersionRules): StateKeyPair[] {
  const rules = typeof roomVersion === "string" ? roomVersionRules(roomVersion) : roomVersion;
  if (event.type === "m.room.create" && event.state_key === "") return [];
  const pairs: StateKeyPair[] = [];
  // Since room version 12 the create event is implied by the room ID and MUST NOT be selected.
  if (!rules.authorization.createEventImpliedByRoomId) pairs.push({ type: "m.room.create", stateKey: "" });
  pairs.push({ type: "m.room.power_levels", stateKey: "" });
  pairs.push({ type: "m.room.member", stateKey: event.sender });
  if (event.type === "m.room.member" && typeof event.state_key === "string") {
    const content = contentOf(event);
    const membership = content.membership;
    if (event.state_key !== event.sender) pairs.push({ type: "m.room.member", stateKey: event.state_key });
    if (membership === "join" || membership === "invite" || membership === "knock") {
      pairs.push({ type: "m.room.join_rules", stateKey: "" });
    }
    if (membership === "invite") {
      const token = thirdPartyInviteToken(content);
      if (token !== undefined) pairs.push({ type: "m.room.third_party_invite", stateKey: token });
    }
    // Since room version 8 (restricted rooms): the authorising user's membership.
    const via = content.join_authorised_via_users_server;
    if (membership === "join" && rules.authorization.restrictedJoinRule && typeof via === "string") {
      if (via !== event.sender) pairs.push({ type: "m.room.member", stateKey: via });
    }
  }
  return pairs;
}

/**
 * Whether `(type, stateKey)` is one of the pairs {@link authEventsSelection}
 * gives for `event` — the allocation-free form used on the hot path of auth rule 2.2.
 */
export function isSelectedAuthPair(
  event: SelectableEvent,
  rules: RoomVersionRules,
  type: string,
  stateKey: string,
): boolean {
  switch (type) {
    case "m.room.create":
      // Since room version 12 the create event must not be cited.
      return stateKey === "" && !rules.authorization.createEventImpliedByRoomId;
    case "m.room.power_levels":
      return stateKey === "";
    case "m.room.member": {
      if (stateKey === event.sender) return true;
      if (event.type !== "m.room.member") return false;
      if (stateKey === event.state_key) return true;
      const content = contentOf(event);
      // Since room version 8: the user named by join_authorised_via_users_server.
      return (
        rules.authorization.restrictedJoinRule &&
        content.membership === "join" &&
        content.join_authorised_via_users_server === stateKey
      );
    }
    case "m.room.join_rules": {
      if (stateKey !== "" || event.type !== "m.room.member") return false;
      const membership = contentOf(event).membership;
      return membership === "join" || membership === "invite" || membership === "knock";
    }
    case "m.room.third_party_invite": {
      if (event.type !== "m.room.member") return false;
      const content = contentOf(event);
      return content.membership === "invite" && thirdPartyInviteToken(content) === stateKey;
    }
    default:
      return false;
  }
}
