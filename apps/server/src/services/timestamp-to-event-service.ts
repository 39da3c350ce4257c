// Jumping to a date: https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv1roomsroomidtimestamp_to_event
// — the event closest to a timestamp in one direction, among those the
// requester may see.

import { MatrixError } from "@weft/common";
import { eventsNearTimestamp } from "@weft/storage-pg";
import type { Requester } from "../http/route.js";
import type { ServiceContext } from "./index.js";
import type { RoomsService } from "./rooms-service.js";

/** Candidates read per round while history visibility hides events. */
const BATCH = 20;
/** Rounds at most (then: not found). */
const ROUNDS = 5;

/** `timestamp_to_event`. */
export class TimestampToEventService {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly rooms: RoomsService,
  ) {}

  /**
   * The closest visible event at or after (`f`) / at or before (`b`) `ts`.
   *
   * @throws {MatrixError} `M_FORBIDDEN` when the requester cannot read the room; `M_NOT_FOUND` when no event qualifies.
   * @example
   * ```ts
   * const { event_id } = await byTimestamp.find(requester, roomId, Date.parse("2026-01-01"), "f");
   * ```
   */
  async find(requester: Requester, roomId: string, ts: number, dir: "f" | "b"): Promise<{ event_id: string; origin_server_ts: number }> {
    const vis = await this.rooms.visibility(requester.userId, roomId);
    let cursor = ts;
    const seen = new Set<string>();
    for (let round = 0; round < ROUNDS; round++) {
      const rows = (await eventsNearTimestamp(this.ctx.db, roomId, cursor, dir, BATCH)).filter((r) => !seen.has(r.event_id));
      if (rows.length === 0) break;
      for (const r of rows) seen.add(r.event_id);
      const readable = rows.filter((r) => vis.current || vis.upTo === undefined || Number(r.stream_position) <= vis.upTo);
      const { rows: visible } = await this.rooms.serveEvents(requester, readable, { membership: vis.membership });
      const first = visible[0];
      if (first) return { event_id: first.event_id, origin_server_ts: Number(first.origin_server_ts) };
      cursor = Number(rows.at(-1)!.origin_server_ts);
    }
    throw new MatrixError("M_NOT_FOUND", `no event found ${dir === "f" ? "from" : "up to"} ${ts} in ${roomId}`);
  }
}
