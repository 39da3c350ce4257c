// Spaces: https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv1roomsroomidhierarchy and
// https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv1room_summaryroomidoralias (MSC3266),
// over @weft/room-hierarchy with batch reads from storage.
//
// Decisions:
// - Pagination tokens are signed with a key derived from the server's signing
//   key seed (HMAC-SHA256 of a fixed label): every process of the server and
//   every restart derive the same key, so `next_batch` tokens never expire and
//   need no table. Rotating the signing key invalidates outstanding tokens,
//   which clients answer by starting over.
// - Each request reads, per window of up to 100 upcoming rooms, the rooms'
//   stream positions (and joined counts) in one query; the summary state of
//   the rooms whose position changed since this process last read them in one
//   more (a bounded per-process cache keyed by room, checked against the
//   position on every use, so a stale entry is never served); and the
//   requester's memberships (own membership, `restricted` allow rules) once.
// - Rooms this server does not know are skipped (no federation yet).

import { createHmac } from "node:crypto";
import { isRoomAlias, isRoomId, MatrixError, redactEvent, type Pdu } from "@weft/common";
import {
  getHierarchy,
  getRoomSummary,
  SUMMARY_STATE_TYPES,
  type HierarchyPage,
  type HierarchySource,
  type HierarchyStateEvent,
  type RoomSummaryWithMembership,
} from "@weft/room-hierarchy";
import { hierarchyRoomStates, membershipsByRoom, roomPositions } from "@weft/storage-pg";
import type { ServiceContext } from "./index.js";

/** The query of `GET /hierarchy`, parsed. */
export interface HierarchyQuery {
  readonly suggestedOnly?: boolean | undefined;
  readonly maxDepth?: number | undefined;
  readonly limit?: number | undefined;
  readonly from?: string | undefined;
}

const SUMMARY_ONLY_TYPES = SUMMARY_STATE_TYPES.filter((type) => type !== "m.space.child");

/** Label of the pagination-token key derivation; change it to invalidate every token. */
const TOKEN_KEY_LABEL = "weft room-hierarchy pagination token key v1";

/**
 * Serves the space hierarchy and room summaries.
 *
 * @example
 * ```ts
 * const spaces = new HierarchyService(ctx, async (alias) => (await directory.getAlias(alias)).room_id);
 * const page = await spaces.hierarchy("@alice:example.org", "!space:example.org", { limit: 20 });
 * ```
 */
export class HierarchyService {
  readonly #tokenKey: Uint8Array;
  /** Summary state of recently walked rooms, validated by stream position on every use. */
  readonly #cache = new StateCache(10_000);

  constructor(
    private readonly ctx: ServiceContext,
    private readonly resolveAlias: (alias: string) => Promise<string>,
  ) {
    this.#tokenKey = new Uint8Array(createHmac("sha256", ctx.signingKey.exportSeed()).update(TOKEN_KEY_LABEL).digest());
  }

  /** One page of the hierarchy below `roomId`, as `userId` may see it. */
  async hierarchy(userId: string, roomId: string, query: HierarchyQuery): Promise<HierarchyPage> {
    if (!isRoomId(roomId)) throw new MatrixError("M_INVALID_PARAM", `expected a room ID, got ${JSON.stringify(roomId)}`);
    return await getHierarchy(
      roomId,
      {
        requester: userId,
        suggestedOnly: query.suggestedOnly,
        maxDepth: query.maxDepth,
        limit: query.limit,
        from: query.from,
        tokenKey: this.#tokenKey,
      },
      this.#source(userId),
    );
  }

  /** The summary of a room (by ID or local alias); `userId` is undefined for unauthenticated requests. */
  async summary(userId: string | undefined, roomIdOrAlias: string): Promise<RoomSummaryWithMembership> {
    let roomId: string;
    if (isRoomAlias(roomIdOrAlias)) roomId = await this.resolveAlias(roomIdOrAlias);
    else if (isRoomId(roomIdOrAlias)) roomId = roomIdOrAlias;
    else throw new MatrixError("M_INVALID_PARAM", `expected a room ID or alias, got ${JSON.stringify(roomIdOrAlias)}`);
    // A summary has no children_state: skip the (possibly many) m.space.child events.
    return await getRoomSummary(roomId, { requester: userId }, this.#source(userId, SUMMARY_ONLY_TYPES));
  }

  /**
   * A per-request source. State comes from the per-process cache when the
   * room's stream position is unchanged (one small query for a window of
   * rooms), otherwise from one batch read of the stale rooms; member counts
   * come with the positions; the requester's memberships are read once.
   */
  #source(userId: string | undefined, types: readonly string[] = SUMMARY_STATE_TYPES): HierarchySource {
    const { db } = this.ctx;
    const counts = new Map<string, number>();
    const withChildren = types.includes("m.space.child");
    let memberships: Promise<Map<string, string>> | undefined;
    const read = async (roomIds: readonly string[]): Promise<Map<string, readonly HierarchyStateEvent[]>> => {
      const positions = await roomPositions(db, roomIds);
      const out = new Map<string, readonly HierarchyStateEvent[]>();
      const stale: string[] = [];
      for (const [roomId, position] of positions) {
        counts.set(roomId, position.joined_count);
        const cached = this.#cache.get(roomId);
        // A cached entry holding child events also serves summaries.
        if (cached?.position === position.stream_position && (cached.withChildren || !withChildren)) out.set(roomId, cached.events);
        else stale.push(roomId);
      }
      if (stale.length > 0) {
        const found = await hierarchyRoomStates(db, stale, types);
        for (const [roomId, row] of found) {
          const events = row.events.map((e) => toStateEvent(e.json, e.redacted, row.room_version));
          out.set(roomId, events);
          const position = positions.get(roomId)!.stream_position;
          this.#cache.set(roomId, { position, withChildren, events });
        }
      }
      return out;
    };
    return {
      getRoomState: async (roomId) => (await read([roomId])).get(roomId),
      getRoomStates: read,
      getMembership: async (roomId, user) => {
        if (user !== userId) return undefined;
        memberships ??= membershipsByRoom(db, user);
        return (await memberships).get(roomId);
      },
      getJoinedMemberCounts: (roomIds) => new Map(roomIds.flatMap((id) => (counts.has(id) ? [[id, counts.get(id)!] as const] : []))),
    };
  }
}

interface CachedState {
  /** The room's stream position the events reflect. */
  readonly position: number;
  /** Whether `m.space.child` events were read too. */
  readonly withChildren: boolean;
  readonly events: readonly HierarchyStateEvent[];
}

/** A bounded least-recently-used map (correct when emptied: every entry is checked against the room's position). */
class StateCache {
  readonly #entries = new Map<string, CachedState>();
  constructor(readonly maxRooms: number) {}

  get(roomId: string): CachedState | undefined {
    const entry = this.#entries.get(roomId);
    if (entry !== undefined) {
      this.#entries.delete(roomId);
      this.#entries.set(roomId, entry);
    }
    return entry;
  }

  set(roomId: string, entry: CachedState): void {
    this.#entries.delete(roomId);
    this.#entries.set(roomId, entry);
    if (this.#entries.size > this.maxRooms) this.#entries.delete(this.#entries.keys().next().value!);
  }
}

/** Parses a stored PDU for the walk, applying its redaction if it was redacted. */
function toStateEvent(json: string, redacted: boolean, roomVersion: string): HierarchyStateEvent {
  const pdu = JSON.parse(json) as Pdu;
  if (!redacted) return pdu as unknown as HierarchyStateEvent;
  try {
    return redactEvent(pdu, roomVersion) as unknown as HierarchyStateEvent;
  } catch {
    return { ...(pdu as unknown as HierarchyStateEvent), content: {} };
  }
}
