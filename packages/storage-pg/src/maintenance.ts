// Routine maintenance the embedded database needs. A PostgreSQL server runs
// autovacuum and refreshes planner statistics by itself; PGlite runs in the
// server's process with no background workers, so dead rows (claimed one-time
// keys, consumed to-device messages, rotated tokens) pile up in indexes and
// the planner keeps the statistics of an empty database — which turns index
// lookups into full scans as tables grow.

import type { Database } from "./database.js";

/** How often {@link maintainEmbeddedDatabase} should run. */
export const EMBEDDED_MAINTENANCE_INTERVAL_MS = 15 * 60 * 1000;

/**
 * Reclaims dead rows and refreshes planner statistics on an embedded (PGlite)
 * database. A no-op on PostgreSQL, whose autovacuum does the same.
 *
 * @returns whether anything ran.
 */
export async function maintainEmbeddedDatabase(db: Database): Promise<boolean> {
  if (db.kind !== "pglite") return false;
  await db.query("VACUUM (ANALYZE)");
  return true;
}
