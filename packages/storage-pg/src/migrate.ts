// Versioned schema migrations, applied in order at start-up. Several server
// processes may start at once against one PostgreSQL: an advisory lock makes
// the first one migrate and the others wait, and each migration commits with
// its bookkeeping row in one transaction, so a crash never leaves half a schema.

import type { Database } from "./database.js";
import { MIGRATIONS, type Migration } from "./migrations/index.js";

/** Arbitrary constant identifying Weft's migration lock (`pg_advisory_lock`). */
const MIGRATION_LOCK_KEY = 0x77656674; // "weft"

/**
 * Applies every migration not yet recorded in `weft_schema_migrations`.
 * @returns the IDs applied by this call.
 */
export async function migrate(db: Database, migrations: readonly Migration[] = MIGRATIONS): Promise<string[]> {
  return db.transaction(async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK_KEY]);
    await tx.query(
      "CREATE TABLE IF NOT EXISTS weft_schema_migrations (id TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
    );
    const done = new Set((await tx.query<{ id: string }>("SELECT id FROM weft_schema_migrations")).rows.map((r) => r.id));
    const applied: string[] = [];
    for (const migration of [...migrations].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
      if (done.has(migration.id)) continue;
      for (const statement of splitStatements(migration.sql)) await tx.query(statement);
      await tx.query("INSERT INTO weft_schema_migrations (id) VALUES ($1)", [migration.id]);
      applied.push(migration.id);
    }
    return applied;
  });
}

// Extended-protocol queries take one statement each; migrations are written
// as plain SQL files with `;` at line ends, and never contain `;` elsewhere
// (no functions with bodies), which this split relies on.
function splitStatements(sql: string): string[] {
  return sql
    .split(/;\s*$/m)
    .map((s) => s.replace(/^\s*--.*$/gm, "").trim())
    .filter((s) => s.length > 0);
}
