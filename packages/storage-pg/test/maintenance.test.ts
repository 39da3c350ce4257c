import { afterEach, describe, expect, it } from "vitest";
import { testBackends } from "@weft/storage-pg/testing";
import { maintainEmbeddedDatabase, type Database } from "@weft/storage-pg";

describe.each(testBackends())("maintenance on $name", (backend) => {
  let db: Database | undefined;
  afterEach(async () => {
    await db?.close();
    db = undefined;
  });

  it("vacuums and analyzes only the embedded database", async () => {
    db = await backend.open();
    await db.query("INSERT INTO users (user_id, created_ts) SELECT '@u' || g || ':x', g FROM generate_series(1, 200) g");
    await db.query("DELETE FROM users WHERE created_ts <= 100");
    expect(await maintainEmbeddedDatabase(db)).toBe(backend.name === "pglite");
    if (backend.name === "pglite") {
      const { rows } = await db.query<{ n_live_tup: number; n_dead_tup: number }>(
        "SELECT n_live_tup, n_dead_tup FROM pg_stat_user_tables WHERE relname = 'users'",
      );
      expect(Number(rows[0]!.n_dead_tup)).toBe(0);
      expect(Number(rows[0]!.n_live_tup)).toBe(100);
    }
  });
});
