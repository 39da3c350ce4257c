import { afterEach, describe, expect, it } from "vitest";
import { testBackends } from "@weft/storage-pg/testing";
import { authChainIds, forwardExtremities, migrate, MIGRATIONS, type Database } from "@weft/storage-pg";

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

  it("upgrades a 0005 database: extremities move into the summary rows, sent transactions get their scope, edges move into the events", async () => {
    db = await backend.open(MIGRATIONS.filter((m) => m.id < "0006"));
    await db.query("INSERT INTO rooms (room_id, room_version, creator, created_ts) VALUES ('!a:x', '12', '@a:x', 0), ('!b:x', '12', '@a:x', 0)");
    await db.query("INSERT INTO room_summaries (room_id, room_version, stream_position, bump_stamp) VALUES ('!a:x', '12', 2, 2), ('!b:x', '12', 0, 0)");
    await db.query("INSERT INTO room_forward_extremities (room_id, event_id) VALUES ('!a:x', '$m2'), ('!a:x', '$m1')");
    const event = (id: string, type: string, json: object) =>
      db!.query(
        "INSERT INTO events (event_id, room_id, stream_position, type, sender, depth, origin_server_ts, json, txn_device, txn_id) VALUES ($1, '!a:x', NULL, $2, '@a:x', 1, 0, $3, 'DEV', $1)",
        [id, type, JSON.stringify(json)],
      );
    await event("$m1", "m.room.message", { content: { body: "hi" } });
    await event("$r1", "m.room.redaction", { redacts: "$m1", content: {} });
    await event("$r2", "m.room.redaction", { content: { redacts: "$m1" } });
    await db.query("INSERT INTO event_edges (event_id, prev_event_id) VALUES ('$r1', '$m1'), ('$r2', '$r1'), ('$r2', '$m1')");
    await db.query("INSERT INTO event_auth_edges (event_id, auth_event_id) VALUES ('$m1', '$c'), ('$r1', '$m1'), ('$r1', '$c')");
    expect(await migrate(db)).toEqual(MIGRATIONS.map((m) => m.id).filter((id) => id >= "0006").sort());
    expect(await forwardExtremities(db, "!a:x")).toEqual(["$m1", "$m2"]);
    expect(await forwardExtremities(db, "!b:x")).toEqual([]);
    const { rows } = await db.query("SELECT event_id, txn_scope, prev_events, auth_events FROM events ORDER BY event_id");
    expect(rows).toEqual([
      { event_id: "$m1", txn_scope: "send/m.room.message", prev_events: [], auth_events: ["$c"] },
      { event_id: "$r1", txn_scope: "redact/$m1", prev_events: ["$m1"], auth_events: ["$c", "$m1"] },
      { event_id: "$r2", txn_scope: "redact/$m1", prev_events: ["$m1", "$r1"], auth_events: [] },
    ]);
    expect((await authChainIds(db, ["$r1"])).sort()).toEqual(["$c", "$m1"]);
    const tables = await db.query("SELECT tablename FROM pg_tables WHERE tablename IN ('event_edges', 'event_auth_edges')");
    expect(tables.rows).toEqual([]);
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
