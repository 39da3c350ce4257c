// Relationships: https://spec.matrix.org/v1.19/client-server-api/#relationships-api
// (/relations with rel_type and event type, both directions, `recurse`) and
// threads (https://spec.matrix.org/v1.19/client-server-api/#threads, /threads).

import { MatrixError } from "@weft/common";
import { getEventById, relatedEvents, threadRoots, type StoredEvent } from "@weft/storage-pg";
import type { Requester } from "../http/route.js";
import type { ServiceContext } from "./index.js";
import type { ClientEvent } from "./client-events.js";
import { parsePosition, type RoomsService } from "./rooms-service.js";

/** Relations and threads. */
export class RelationsService {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly rooms: RoomsService,
  ) {}

  /** `/relations/{eventId}[/{relType}[/{eventType}]]`. */
  async relations(
    requester: Requester,
    roomId: string,
    eventId: string,
    q: { relType?: string | undefined; eventType?: string | undefined; from?: string | undefined; to?: string | undefined; limit?: number | undefined; dir?: "b" | "f" | undefined; recurse?: boolean | undefined },
  ): Promise<{ chunk: ClientEvent[]; next_batch?: string; recursion_depth?: number }> {
    const vis = await this.rooms.visibility(requester.userId, roomId);
    const parent = await getEventById(this.ctx.db, eventId);
    if (!parent || parent.room_id !== roomId) throw new MatrixError("M_NOT_FOUND", "event not found");
    if ((await this.rooms.serveEvents(requester, [parent], { membership: vis.membership })).rows.length === 0) throw new MatrixError("M_NOT_FOUND", "event not found");
    const limit = Math.min(Math.max(q.limit ?? 50, 1), 100);
    const dir = q.dir ?? "b";
    const from = parsePosition(q.from);
    const to = parsePosition(q.to);
    const cap = vis.current ? undefined : vis.upTo;
    const fetch = (parentId: string, lim: number): Promise<StoredEvent[]> =>
      relatedEvents(this.ctx.db, {
        roomId,
        eventId: parentId,
        relType: q.relType,
        eventType: q.eventType,
        direction: dir === "b" ? "backward" : "forward",
        before: dir === "b" ? min(from, cap) : min(to, cap),
        after: dir === "b" ? to : from,
        limit: lim,
      });
    let rows = await fetch(eventId, limit);
    let depth = 0;
    if (q.recurse) {
      // Follow relations of relations up to 3 levels (as Synapse does).
      let frontier = rows;
      for (depth = 1; depth <= 3 && frontier.length > 0 && rows.length < limit; depth++) {
        const next: StoredEvent[] = [];
        for (const e of frontier) next.push(...(await fetch(e.event_id, limit - rows.length)));
        rows = [...rows, ...next].slice(0, limit);
        frontier = next;
      }
      rows.sort((a, b) => (dir === "b" ? Number(b.stream_position) - Number(a.stream_position) : Number(a.stream_position) - Number(b.stream_position)));
    }
    // History visibility applies to the children too; they carry their own bundled aggregations.
    const { events } = await this.rooms.serveEvents(requester, rows, { membership: vis.membership, aggregate: true });
    const out: { chunk: ClientEvent[]; next_batch?: string; recursion_depth?: number } = { chunk: events };
    const last = rows.at(-1);
    if (last && rows.length === limit) out.next_batch = `s${dir === "b" ? Number(last.stream_position) - 1 : Number(last.stream_position)}`;
    if (q.recurse) out.recursion_depth = Math.max(1, depth - 1);
    return out;
  }

  /** `/threads`: thread roots by latest activity. */
  async threads(requester: Requester, roomId: string, q: { include?: "all" | "participated" | undefined; from?: string | undefined; limit?: number | undefined }): Promise<{ chunk: ClientEvent[]; next_batch?: string }> {
    const vis = await this.rooms.visibility(requester.userId, roomId);
    const limit = Math.min(Math.max(q.limit ?? 50, 1), 100);
    const threads = await threadRoots(this.ctx.db, {
      roomId,
      before: parsePosition(q.from),
      limit,
      participant: q.include === "participated" ? requester.userId : undefined,
    });
    // Roots the user may see, each with its m.thread summary (latest event, count, participation).
    const { events: chunk } = await this.rooms.serveEvents(requester, threads.map((t) => t.root), { membership: vis.membership, aggregate: true });
    const out: { chunk: ClientEvent[]; next_batch?: string } = { chunk };
    if (threads.length === limit) out.next_batch = `s${threads.at(-1)!.latest - 1}`;
    return out;
  }
}

function min(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}
