// Reporting content: https://spec.matrix.org/v1.19/client-server-api/#reporting-content

import type { Queryable } from "./database.js";

/** Stores a report of an event (or of a whole room when `eventId` is null). */
export async function insertReport(
  db: Queryable,
  r: { roomId: string; eventId: string | null; userId: string; reason: string | null; score: number | null; ts: number },
): Promise<void> {
  await db.query(
    "INSERT INTO event_reports (room_id, event_id, user_id, reason, score, received_ts) VALUES ($1, $2, $3, $4, $5, $6)",
    [r.roomId, r.eventId, r.userId, r.reason, r.score, r.ts],
  );
}
