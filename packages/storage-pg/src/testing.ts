// Test support: a fresh, migrated database per test file, on every backend the
// environment offers. PGlite (in memory) always; a real PostgreSQL too when
// WEFT_TEST_DATABASE_URL names one (CI starts PostgreSQL 15 and sets it). Each
// PostgreSQL test database is created empty under a unique name and dropped
// afterwards, so test files never see each other's rows.

import { randomBytes } from "node:crypto";
import pg from "pg";
import { connectPostgres, openPglite, type Database } from "./database.js";
import { migrate } from "./migrate.js";
import { MIGRATIONS, type Migration } from "./migrations/index.js";

/** A backend tests can run against. */
export interface TestBackend {
  readonly name: "pglite" | "postgres";
  /**
   * Opens a new empty database migrated with `migrations` (all of them by
   * default; fewer to test an upgrade); `close()` drops it.
   */
  open(migrations?: readonly Migration[]): Promise<Database>;
}

/** The backends available in this environment. */
export function testBackends(env: NodeJS.ProcessEnv = process.env): TestBackend[] {
  const backends: TestBackend[] = [
    {
      name: "pglite",
      async open(migrations = MIGRATIONS) {
        const db = await openPglite();
        await migrate(db, migrations);
        return db;
      },
    },
  ];
  const adminUrl = env.WEFT_TEST_DATABASE_URL;
  if (adminUrl) {
    backends.push({
      name: "postgres",
      async open(migrations = MIGRATIONS) {
        const name = `weft_test_${randomBytes(6).toString("hex")}`;
        const admin = new pg.Client({ connectionString: adminUrl });
        await admin.connect();
        await admin.query(`CREATE DATABASE ${name}`);
        await admin.end();
        const url = new URL(adminUrl);
        url.pathname = `/${name}`;
        const db = await connectPostgres({ url: url.toString() });
        await migrate(db, migrations);
        const close = db.close.bind(db);
        return {
          ...db,
          query: db.query.bind(db),
          transaction: db.transaction.bind(db),
          listen: db.listen.bind(db),
          async close() {
            await close();
            const cleanup = new pg.Client({ connectionString: adminUrl });
            await cleanup.connect();
            await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
            await cleanup.end();
          },
        };
      },
    });
  }
  return backends;
}
