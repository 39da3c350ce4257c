// The space hierarchy walk: https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv1roomsroomidhierarchy
// and https://spec.matrix.org/v1.19/client-server-api/#discovering-rooms-within-spaces ("works in a depth-first
// manner: when it encounters another space as a child it recurses into that space before returning non-space
// children"; loops are broken), with the room summaries of
// https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv1room_summaryroomidoralias.

import { MatrixError } from "@weft/common";
import { isRoomAccessible } from "./access.js";
import { spaceChildren, type SpaceChild } from "./children.js";
import { indexRoomState, roomTypeOf, type IndexedRoomState } from "./room-state.js";
import { summarizeRoom } from "./summary.js";
import { decodeHierarchyToken, encodeHierarchyToken, type TokenBinding } from "./token.js";
import type {
  HierarchyOptions,
  HierarchyPage,
  HierarchyRoom,
  HierarchySource,
  RoomSummaryWithMembership,
} from "./types.js";

/** Rooms per page when the request names no `limit`. */
export const DEFAULT_LIMIT = 50;
/** The largest `limit` honoured; larger values are lowered to it. */
export const MAX_LIMIT = 1000;
/** The default and largest `max_depth`; larger values are lowered to it. */
export const MAX_DEPTH = 100;
const DEFAULT_BATCH_SIZE = 100;
const MIN_BATCH = 8;

/** A room the walk reached and may show: its depth, state and ordered children. */
interface WalkedRoom {
  readonly roomId: string;
  readonly depth: number;
  readonly state: IndexedRoomState;
  readonly children: readonly SpaceChild[];
}

/**
 * A pre-order depth-first walk from the root: a room is emitted, then each of
 * its children (in the spec's order) is walked in full before the next one. A
 * room is processed at most once, so loops and rooms reachable through several
 * spaces are broken; inaccessible rooms are skipped without hiding their
 * siblings (and are not descended into).
 */
class HierarchyWalk {
  /** Indexed state per room, `null` when the source does not know the room. */
  private readonly states = new Map<string, IndexedRoomState | null>();
  private readonly memberships = new Map<string, string | undefined>();
  private readonly stack: { roomId: string; depth: number }[];
  private readonly visited = new Set<string>();
  /** How many rooms this walk has emitted. */
  emitted = 0;
  /**
   * How many more rooms the caller expects to pull: batch reads ask for no
   * more than that (at least {@link MIN_BATCH}), so a first page of 50 does not
   * read 100 rooms, while a re-walk to a deep position reads full windows.
   */
  wanted = Number.POSITIVE_INFINITY;

  constructor(
    private readonly rootId: string,
    private readonly source: HierarchySource,
    private readonly requester: string,
    private readonly suggestedOnly: boolean,
    private readonly maxDepth: number,
    private readonly batchSize: number,
  ) {
    this.stack = [{ roomId: rootId, depth: 0 }];
  }

  async next(): Promise<WalkedRoom | undefined> {
    for (;;) {
      const entry = this.stack.pop();
      if (entry === undefined) return undefined;
      const { roomId, depth } = entry;
      if (this.visited.has(roomId)) continue;
      this.visited.add(roomId);
      const state = await this.load(roomId);
      if (state === null) {
        if (depth === 0) throw new MatrixError("M_NOT_FOUND", `expected a room known to this server, got ${roomId}`);
        continue; // Unknown child: over federation a server would ask the `via` servers; we skip it.
      }
      if (!(await isRoomAccessible(roomId, state, this.requester, (r, u) => this.membership(r, u)))) {
        if (depth === 0) throw new MatrixError("M_FORBIDDEN", "You are not allowed to view this room.");
        continue;
      }
      const children = roomTypeOf(state) === "m.space" ? spaceChildren(state.childEvents, this.suggestedOnly) : [];
      if (depth < this.maxDepth) {
        for (let i = children.length - 1; i >= 0; i--) {
          const child = children[i]!;
          if (!this.visited.has(child.roomId)) this.stack.push({ roomId: child.roomId, depth: depth + 1 });
        }
      }
      this.emitted += 1;
      return { roomId, depth, state, children };
    }
  }

  private async membership(roomId: string, userId: string): Promise<string | undefined> {
    if (userId !== this.requester) return await this.source.getMembership(roomId, userId);
    if (this.memberships.has(roomId)) return this.memberships.get(roomId);
    const membership = await this.source.getMembership(roomId, userId);
    this.memberships.set(roomId, membership);
    return membership;
  }

  /** Reads a room's state; with a batch source, also the next rooms waiting on the stack. */
  private async load(roomId: string): Promise<IndexedRoomState | null> {
    const cached = this.states.get(roomId);
    if (cached !== undefined) return cached;
    if (this.source.getRoomStates === undefined) {
      const events = await this.source.getRoomState(roomId);
      const state = events === undefined ? null : indexRoomState(events);
      this.states.set(roomId, state);
      return state;
    }
    const ids = [roomId];
    const chosen = new Set(ids);
    const size = Math.min(this.batchSize, Math.max(MIN_BATCH, this.wanted));
    for (let i = this.stack.length - 1; i >= 0 && ids.length < size; i--) {
      const id = this.stack[i]!.roomId;
      if (!chosen.has(id) && !this.visited.has(id) && !this.states.has(id)) {
        chosen.add(id);
        ids.push(id);
      }
    }
    const found = await this.source.getRoomStates(ids);
    for (const id of ids) {
      const events = found.get(id);
      this.states.set(id, events === undefined ? null : indexRoomState(events));
    }
    return this.states.get(roomId)!;
  }
}

function integerOption(name: string, value: number | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < min) {
    throw new MatrixError("M_INVALID_PARAM", `expected ${name} to be an integer ≥ ${min}, got ${String(value)}`);
  }
  return Math.min(value, max);
}

/**
 * One page of a space's hierarchy, depth-first from `roomId`, as
 * `GET /_matrix/client/v1/rooms/{roomId}/hierarchy` returns it.
 *
 * Paging is stateless: `next_batch` is an HMAC-signed position (see
 * {@link HierarchyOptions.tokenKey}) that never expires, works in any process
 * sharing the key, and stays a few hundred bytes for any space size. The next
 * page re-walks the space up to that position (reading states, not building
 * summaries), so a room already returned is never returned again.
 *
 * @param roomId The root room (usually a space).
 * @param options Requester, filters, page size, `from` token and token key.
 * @param source Where room states and memberships come from.
 * @returns `{ rooms, next_batch? }`; `next_batch` is absent on the last page.
 * @throws MatrixError `M_NOT_FOUND` when the source does not know the root;
 *   `M_FORBIDDEN` when the requester may not see the root; `M_INVALID_PARAM` for
 *   a bad `limit`/`max_depth` or a `from` token that is malformed, altered, or
 *   from another room, user, `suggested_only` or `max_depth`.
 * @example
 * ```ts
 * const page = await getHierarchy("!space:example.org", { requester: "@alice:example.org", limit: 20, tokenKey }, source);
 * const next = page.next_batch === undefined ? undefined
 *   : await getHierarchy("!space:example.org", { requester: "@alice:example.org", from: page.next_batch, tokenKey }, source);
 * ```
 * @see https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv1roomsroomidhierarchy
 */
export async function getHierarchy(
  roomId: string,
  options: HierarchyOptions,
  source: HierarchySource,
): Promise<HierarchyPage> {
  const limit = integerOption("limit", options.limit, DEFAULT_LIMIT, 1, MAX_LIMIT);
  const maxDepth = integerOption("max_depth", options.maxDepth, MAX_DEPTH, 0, MAX_DEPTH);
  const batchSize = integerOption("batchSize", options.batchSize, DEFAULT_BATCH_SIZE, 1, 10_000);
  const suggestedOnly = options.suggestedOnly === true;
  const binding: TokenBinding = { roomId, requester: options.requester, suggestedOnly, maxDepth };
  const position = options.from === undefined ? undefined : decodeHierarchyToken(options.tokenKey, binding, options.from);
  const startWalk = (): HierarchyWalk =>
    new HierarchyWalk(roomId, source, options.requester, suggestedOnly, maxDepth, batchSize);

  let walk = startWalk();
  if (position !== undefined) {
    // Re-walk to where the previous page ended: normally the room counted
    // `emitted` is `lastRoomId`. If the space changed since, resume after
    // `lastRoomId` wherever it now is; if it is gone, after the same count.
    let last: WalkedRoom | undefined;
    walk.wanted = position.emitted + limit + 1;
    while (walk.emitted < position.emitted && (last = await walk.next()) !== undefined);
    if (last?.roomId !== position.lastRoomId) {
      let found = false;
      while ((last = await walk.next()) !== undefined) {
        if (last.roomId === position.lastRoomId) {
          found = true;
          break;
        }
      }
      if (!found) {
        walk = startWalk();
        walk.wanted = position.emitted + limit + 1;
        while (walk.emitted < position.emitted && (await walk.next()) !== undefined);
      }
    }
  }

  const page: WalkedRoom[] = [];
  while (page.length < limit) {
    walk.wanted = limit + 1 - page.length;
    const room = await walk.next();
    if (room === undefined) break;
    page.push(room);
  }
  // Only promise another page when there is a room to put on it.
  const more = page.length === limit && (await walk.next()) !== undefined;

  const counts = await source.getJoinedMemberCounts?.(page.map((r) => r.roomId));
  const rooms: HierarchyRoom[] = page.map((r) => ({
    ...summarizeRoom(r.roomId, r.state, counts?.get(r.roomId) ?? r.state.joinedCount),
    children_state: r.children.map((c) => c.event),
  }));
  const result: HierarchyPage = { rooms };
  if (more) {
    const last = page[page.length - 1]!;
    result.next_batch = encodeHierarchyToken(options.tokenKey, binding, {
      emitted: walk.emitted - 1,
      lastRoomId: last.roomId,
    });
  }
  return result;
}

/**
 * The summary of one room for `GET /_matrix/client/v1/room_summary/{roomIdOrAlias}`
 * (MSC3266): the same `RoomSummary` as the hierarchy, plus the requester's
 * `membership` (`leave` when they have none; absent when unauthenticated).
 *
 * @param roomId The room (resolve aliases first).
 * @param options `requester`: the user, or undefined for an unauthenticated request.
 * @param source Where the room's state and memberships come from.
 * @throws MatrixError `M_NOT_FOUND` when the room is unknown or the requester may
 *   not see it (the two are not told apart, so the API does not reveal private rooms).
 * @example
 * ```ts
 * const summary = await getRoomSummary("!room:example.org", { requester: "@alice:example.org" }, source);
 * summary.membership; // "join"
 * ```
 * @see https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv1room_summaryroomidoralias
 */
export async function getRoomSummary(
  roomId: string,
  options: { readonly requester?: string | undefined },
  source: HierarchySource,
): Promise<RoomSummaryWithMembership> {
  const events = await source.getRoomState(roomId);
  const notFound = (): MatrixError => new MatrixError("M_NOT_FOUND", "Room not found or not accessible.");
  if (events === undefined) throw notFound();
  const state = indexRoomState(events);
  const { requester } = options;
  const membership = (r: string, u: string): Promise<string | undefined> => Promise.resolve(source.getMembership(r, u));
  if (!(await isRoomAccessible(roomId, state, requester, membership))) throw notFound();
  const counts = await source.getJoinedMemberCounts?.([roomId]);
  const summary: RoomSummaryWithMembership = summarizeRoom(roomId, state, counts?.get(roomId) ?? state.joinedCount);
  if (requester !== undefined) {
    const own = state.memberships.has(requester) ? state.memberships.get(requester) : await membership(roomId, requester);
    summary.membership = own ?? "leave";
  }
  return summary;
}
