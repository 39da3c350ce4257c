import { afterEach, describe, expect, it } from "vitest";
import { testBackends } from "@weft/storage-pg/testing";
import { migrate, MIGRATIONS, type Database } from "@weft/storage-pg";

describe.each(testBackends())("migrations on $name", (backend) => {
  let db: Database | undefined;
  afterEach(async () => {
    await db?.close();
    db = undefined;
  });

  it("applies every migration once and is idempotent", async () => {
    db = await backend.open();
    const rows = await db.query<{ id: string }>("SELECT id FROM weft_schema_migrations ORDER BY id");
    expect(rows.rows.map((r) => r.id)).toEqual(MIGRATIONS.map((m) => m.id).sort());
    expect(await migrate(db)).toEqual([]);
  });

  it("rolls a failed transaction back completely", async () => {
    db = await backend.open();
    const database = db;
    await expect(
      database.transaction(async (tx) => {
        await tx.query("INSERT INTO users (user_id, created_ts) VALUES ('@a:x', 1)");
        await tx.query("INSERT INTO users (user_id, created_ts) VALUES ('@a:x', 2)");
      }),
    ).rejects.toThrow();
    const { rows } = await database.query("SELECT * FROM users");
    expect(rows).toEqual([]);
  });

  it("returns BIGINT columns as numbers", async () => {
    db = await backend.open();
    const { rows } = await db.query<{ n: number }>("SELECT 9007199254740991::bigint AS n");
    expect(rows[0]!.n).toBe(9007199254740991);
  });
});
