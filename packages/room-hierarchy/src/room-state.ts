// Reads the state events a room summary needs
// (https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv1room_summaryroomidoralias):
// one pass over a room's state, keeping the summary types, the `m.space.child`
// events and a count of joined members.

import type { HierarchyStateEvent } from "./types.js";

/**
 * The state event types a summary and the walk read (plus the requester's own
 * `m.room.member`). A storage adapter may fetch only these.
 */
export const SUMMARY_STATE_TYPES = [
  "m.room.create",
  "m.room.name",
  "m.room.topic",
  "m.room.avatar",
  "m.room.canonical_alias",
  "m.room.join_rules",
  "m.room.history_visibility",
  "m.room.guest_access",
  "m.room.encryption",
  "m.space.child",
] as const;

const SINGLETON_TYPES: ReadonlySet<string> = new Set(SUMMARY_STATE_TYPES.filter((t) => t !== "m.space.child"));

/** A room's state, indexed for the summary: singleton events by type, children, members. */
export interface IndexedRoomState {
  /** Events with an empty `state_key`, by type. */
  readonly singletons: ReadonlyMap<string, HierarchyStateEvent>;
  /** All `m.space.child` events (valid or not). */
  readonly childEvents: readonly HierarchyStateEvent[];
  /** `m.room.member` memberships by user ID. */
  readonly memberships: ReadonlyMap<string, string>;
  /** Number of `m.room.member` events with `membership: "join"`. */
  readonly joinedCount: number;
}

/** Index one room's state events in one pass. */
export function indexRoomState(events: readonly HierarchyStateEvent[]): IndexedRoomState {
  const singletons = new Map<string, HierarchyStateEvent>();
  const childEvents: HierarchyStateEvent[] = [];
  const memberships = new Map<string, string>();
  let joinedCount = 0;
  for (const event of events) {
    const stateKey = event.state_key;
    if (typeof stateKey !== "string") continue;
    if (event.type === "m.space.child") {
      childEvents.push(event);
    } else if (event.type === "m.room.member") {
      const membership = event.content["membership"];
      if (typeof membership === "string") {
        memberships.set(stateKey, membership);
        if (membership === "join") joinedCount += 1;
      }
    } else if (stateKey === "" && SINGLETON_TYPES.has(event.type)) {
      singletons.set(event.type, event);
    }
  }
  return { singletons, childEvents, memberships, joinedCount };
}

/** A string field of a singleton state event's content, if it is a string. */
export function stateString(state: IndexedRoomState, type: string, key: string): string | undefined {
  const value = state.singletons.get(type)?.content[key];
  return typeof value === "string" ? value : undefined;
}

/** The room version from `m.room.create` (`"1"` when absent, as the spec says). */
export function roomVersionOf(state: IndexedRoomState): string {
  return stateString(state, "m.room.create", "room_version") ?? "1";
}

/** The room type from `m.room.create` (`m.space` for spaces), if any. */
export function roomTypeOf(state: IndexedRoomState): string | undefined {
  return stateString(state, "m.room.create", "type");
}
