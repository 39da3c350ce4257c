// A small in-memory server for hierarchy tests: rooms with the state a summary
// reads, `m.space.child` links, and memberships. Users are alice, bob, charlie
// on example.com (STYLE.md §7).

import type { HierarchySource, HierarchyStateEvent } from "../src/index.js";

export const alice = "@alice:example.com";
export const bob = "@bob:example.com";
export const charlie = "@charlie:example.com";

export interface RoomSpec {
  space?: boolean;
  version?: string;
  joinRule?: string;
  allow?: string[];
  historyVisibility?: string;
  name?: string;
  members?: Record<string, string>;
}

export interface ChildSpec {
  order?: unknown;
  ts?: number;
  via?: unknown;
  suggested?: boolean;
}

/** Counts of port calls, to assert batching. */
export interface CallCounts {
  getRoomState: number;
  getRoomStates: number;
  getMembership: number;
  roomsRequested: number;
}

export class SpaceBuilder {
  readonly states = new Map<string, HierarchyStateEvent[]>();
  private ts = 1_000;

  room(roomId: string, spec: RoomSpec = {}): this {
    const state: HierarchyStateEvent[] = [];
    const creator = alice;
    const ev = (type: string, content: Record<string, unknown>, stateKey = ""): void => {
      state.push({ type, state_key: stateKey, content, sender: creator, origin_server_ts: this.ts++ });
    };
    ev("m.room.create", { room_version: spec.version ?? "11", ...(spec.space === true ? { type: "m.space" } : {}) });
    const joinRule = spec.joinRule ?? "public";
    ev("m.room.join_rules", {
      join_rule: joinRule,
      ...(spec.allow === undefined ? {} : { allow: spec.allow.map((room_id) => ({ type: "m.room_membership", room_id })) }),
    });
    ev("m.room.history_visibility", { history_visibility: spec.historyVisibility ?? "shared" });
    if (spec.name !== undefined) ev("m.room.name", { name: spec.name });
    for (const [user, membership] of Object.entries(spec.members ?? { [alice]: "join" })) {
      ev("m.room.member", { membership }, user);
    }
    this.states.set(roomId, state);
    return this;
  }

  /** Adds (or replaces) an `m.space.child` link; `via` defaults to `["example.com"]`. */
  child(parent: string, child: string, spec: ChildSpec = {}): this {
    const state = this.states.get(parent);
    if (state === undefined) throw new Error(`unknown parent ${parent}`);
    const content: Record<string, unknown> = { via: "via" in spec ? spec.via : ["example.com"] };
    if (spec.order !== undefined) content["order"] = spec.order;
    if (spec.suggested !== undefined) content["suggested"] = spec.suggested;
    const event = { type: "m.space.child", state_key: child, content, sender: alice, origin_server_ts: spec.ts ?? this.ts++ };
    const i = state.findIndex((e) => e.type === "m.space.child" && e.state_key === child);
    if (i >= 0) state[i] = event;
    else state.push(event);
    return this;
  }

  /** Removes an `m.space.child` link the way a client does: content without `via`. */
  unlink(parent: string, child: string): this {
    return this.child(parent, child, { via: undefined });
  }

  membership(roomId: string, userId: string): string | undefined {
    const event = this.states.get(roomId)?.find((e) => e.type === "m.room.member" && e.state_key === userId);
    const membership = event?.content["membership"];
    return typeof membership === "string" ? membership : undefined;
  }

  /** A source answering synchronously, one room per call. */
  source(calls?: CallCounts): HierarchySource {
    return {
      getRoomState: (roomId) => {
        if (calls) calls.getRoomState += 1;
        return this.states.get(roomId);
      },
      getMembership: (roomId, userId) => {
        if (calls) calls.getMembership += 1;
        return this.membership(roomId, userId);
      },
    };
  }

  /** A source answering with promises and a batch read, stripping member events from state. */
  batchSource(calls?: CallCounts): HierarchySource {
    const strip = (events: HierarchyStateEvent[]): HierarchyStateEvent[] => events.filter((e) => e.type !== "m.room.member");
    return {
      getRoomState: async (roomId) => {
        if (calls) calls.getRoomState += 1;
        const s = this.states.get(roomId);
        return s === undefined ? undefined : strip(s);
      },
      getRoomStates: async (roomIds) => {
        if (calls) {
          calls.getRoomStates += 1;
          calls.roomsRequested += roomIds.length;
        }
        const out = new Map<string, HierarchyStateEvent[]>();
        for (const id of roomIds) {
          const s = this.states.get(id);
          if (s !== undefined) out.set(id, strip(s));
        }
        return out;
      },
      getMembership: async (roomId, userId) => {
        if (calls) calls.getMembership += 1;
        return this.membership(roomId, userId);
      },
      getJoinedMemberCounts: async (roomIds) =>
        new Map(roomIds.map((id) => [id, (this.states.get(id) ?? []).filter((e) => e.type === "m.room.member" && e.content["membership"] === "join").length])),
    };
  }
}

export function newCalls(): CallCounts {
  return { getRoomState: 0, getRoomStates: 0, getMembership: 0, roomsRequested: 0 };
}
