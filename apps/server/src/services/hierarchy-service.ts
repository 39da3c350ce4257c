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
// - Each request reads, per window of up to 100 upcoming rooms, the summary
//   state types plus the requester's own membership event in one query, and
//   the requester's memberships (for `restricted` allow rules) in one more.
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
import { hierarchyRoomStates, membershipsByRoom, type HierarchyRoomRow } from "@weft/storage-pg";
import type { ServiceContext } from "./index.js";

/** The query of `GET /hierarchy`, parsed. */
export interface HierarchyQuery {
  readonly suggestedOnly?: boolean | undefined;
  readonly maxDepth?: number | undefined;
  readonly limit?: number | undefined;
  readonly from?: string | undefined;
}

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
    return await getRoomSummary(roomId, { requester: userId }, this.#source(userId));
  }

  /** A per-request source: batch state reads, cached counts, the requester's memberships read once. */
  #source(userId: string | undefined): HierarchySource {
    const { db } = this.ctx;
    const rows = new Map<string, HierarchyRoomRow>();
    let memberships: Promise<Map<string, string>> | undefined;
    const read = async (roomIds: readonly string[]): Promise<Map<string, HierarchyStateEvent[]>> => {
      const found = await hierarchyRoomStates(db, roomIds, SUMMARY_STATE_TYPES, userId);
      const out = new Map<string, HierarchyStateEvent[]>();
      for (const [roomId, row] of found) {
        rows.set(roomId, row);
        out.set(roomId, row.events.map((e) => toStateEvent(e.json, e.redacted, row.room_version)));
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
      getJoinedMemberCounts: (roomIds) => {
        const counts = new Map<string, number>();
        for (const id of roomIds) {
          const row = rows.get(id);
          if (row !== undefined) counts.set(id, row.joined_count);
        }
        return counts;
      },
    };
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
