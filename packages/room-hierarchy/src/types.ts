// Types of the space hierarchy (https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv1roomsroomidhierarchy)
// and room summary (https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv1room_summaryroomidoralias) APIs,
// and the port through which the walk reads rooms.

/** A value or a promise of it: every port method may answer synchronously or not. */
export type Awaitable<T> = T | Promise<T>;

/**
 * A room state event as the walk needs it: client-format state events and PDUs
 * both fit. Only `type`, `state_key`, `content`, `sender` and `origin_server_ts`
 * are read.
 */
export interface HierarchyStateEvent {
  readonly type: string;
  readonly state_key?: string | undefined;
  readonly content: Readonly<Record<string, unknown>>;
  readonly sender: string;
  /** A number (or a legacy number wrapper that `Number()` understands). */
  readonly origin_server_ts: number | { valueOf(): number };
}

/**
 * Where the walk reads rooms from (the *port*). Supply `getRoomStates` when a
 * batch read is cheaper than one read per room (a database): the walk then asks
 * for a window of upcoming rooms at once instead of one room at a time.
 *
 * @example
 * ```ts
 * const source: HierarchySource = {
 *   getRoomState: (roomId) => states.get(roomId),
 *   getMembership: (roomId, userId) => memberships.get(`${roomId} ${userId}`),
 * };
 * ```
 */
export interface HierarchySource {
  /** The room's current state events, or `undefined` when the server does not know the room. */
  getRoomState(roomId: string): Awaitable<readonly HierarchyStateEvent[] | undefined>;
  /**
   * The user's membership in the room (`join`, `invite`, `leave`, `ban`, `knock`),
   * or `undefined` when they have none. Consulted when the room state given by
   * the source holds no `m.room.member` event for the user (for instance a state
   * filtered to {@link SUMMARY_STATE_TYPES}), and for the rooms named by a
   * restricted room's `allow` conditions.
   */
  getMembership(roomId: string, userId: string): Awaitable<string | undefined>;
  /** Optional batch form of `getRoomState`: rooms missing from the map are unknown. */
  getRoomStates?(roomIds: readonly string[]): Awaitable<ReadonlyMap<string, readonly HierarchyStateEvent[]>>;
  /**
   * Optional batch count of joined members. Without it the walk counts the
   * `m.room.member` events with `membership: "join"` in each room's state, which
   * requires the state to hold every member event.
   */
  getJoinedMemberCounts?(roomIds: readonly string[]): Awaitable<ReadonlyMap<string, number>>;
}

/** Options of {@link getHierarchy}; the snake_case query parameters of the endpoint, camelCased. */
export interface HierarchyOptions {
  /** The user asking; visibility is computed for them, and tokens are bound to them. */
  readonly requester: string;
  /** Only follow `m.space.child` events whose content has `suggested: true` (default false). */
  readonly suggestedOnly?: boolean | undefined;
  /** How deep to go below the root (0 = only the root). Default and maximum: {@link MAX_DEPTH}. */
  readonly maxDepth?: number | undefined;
  /** Rooms per page. Default {@link DEFAULT_LIMIT}, capped at {@link MAX_LIMIT}. */
  readonly limit?: number | undefined;
  /** A `next_batch` token from a previous page. */
  readonly from?: string | undefined;
  /** The secret that signs pagination tokens (keep it the same across processes and restarts). */
  readonly tokenKey: Uint8Array | string;
  /**
   * How many upcoming rooms one `getRoomStates` call may ask for (default 100).
   * Has no effect without `getRoomStates`.
   */
  readonly batchSize?: number | undefined;
}

/** A stripped `m.space.child` event with its `origin_server_ts`, as `children_state` lists it. */
export interface StrippedChildStateEvent {
  readonly type: "m.space.child";
  readonly state_key: string;
  readonly content: Readonly<Record<string, unknown>>;
  readonly sender: string;
  readonly origin_server_ts: number;
}

/** The spec's `RoomSummary` (shared by the hierarchy and room summary endpoints). */
export interface RoomSummary {
  room_id: string;
  name?: string;
  topic?: string;
  avatar_url?: string;
  canonical_alias?: string;
  num_joined_members: number;
  join_rule?: string;
  room_type?: string;
  encryption?: string;
  room_version?: string;
  guest_can_join: boolean;
  world_readable: boolean;
  allowed_room_ids?: string[];
}

/** One entry of the hierarchy's `rooms`. */
export interface HierarchyRoom extends RoomSummary {
  children_state: StrippedChildStateEvent[];
}

/** The response body of `GET /rooms/{roomId}/hierarchy`. */
export interface HierarchyPage {
  rooms: HierarchyRoom[];
  next_batch?: string;
}

/** The response body of `GET /room_summary/{roomIdOrAlias}`. */
export interface RoomSummaryWithMembership extends RoomSummary {
  membership?: string;
}
