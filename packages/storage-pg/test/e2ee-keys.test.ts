// The @weft/e2ee-keys conformance suite on the PostgreSQL KeyStore, on every
// test backend (PGlite always; real PostgreSQL when WEFT_TEST_DATABASE_URL is set),
// and what only this store does: `unsigned.device_display_name` from the
// `devices` table in /keys/query answers
// (https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3keysquery).
import { runKeyStoreConformance } from "@weft/e2ee-keys/conformance";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../src/database.js";
import { PgKeyStore } from "../src/e2ee-keys.js";
import { testBackends } from "../src/testing.js";

for (const backend of testBackends()) {
  runKeyStoreConformance(`PgKeyStore on ${backend.name}`, async () => {
    const db = await backend.open();
    return { store: new PgKeyStore(db), close: () => db.close() };
  });

  describe(`PgKeyStore device display names on ${backend.name}`, () => {
    let db: Database;
    let store: PgKeyStore;
    const alice = "@alice:example.com";
    const keys = (deviceId: string, extra: Record<string, unknown> = {}) => ({
      user_id: alice,
      device_id: deviceId,
      algorithms: ["m.megolm.v1.aes-sha2"],
      keys: { [`ed25519:${deviceId}`]: `ed-${deviceId}` },
      signatures: { [alice]: { [`ed25519:${deviceId}`]: "sig" } },
      ...extra,
    });
    beforeAll(async () => {
      db = await backend.open();
      store = new PgKeyStore(db);
      await db.query("INSERT INTO users (user_id, created_ts) VALUES ($1, 0)", [alice]);
      await db.query(
        `INSERT INTO devices (user_id, device_id, display_name, created_ts) VALUES
         ($1, 'NAMED', 'Alice''s "phone" ☎', 0), ($1, 'SIGNED', 'laptop', 0), ($1, 'UNNAMED', NULL, 0), ($1, 'OLDUNSIGNED', 'tablet', 0)`,
        [alice],
      );
    }, 60_000);
    afterAll(() => db.close());

    it("adds unsigned.device_display_name on both the spliced and the merged path, and keeps the stored text otherwise", async () => {
      await store.putDeviceKeys(alice, "NAMED", keys("NAMED"));
      await store.putDeviceKeys(alice, "SIGNED", keys("SIGNED"));
      await store.putDeviceKeys(alice, "UNNAMED", keys("UNNAMED", { "org.example": { z: 1, a: 2 } }));
      await store.putDeviceKeys(alice, "OLDUNSIGNED", keys("OLDUNSIGNED", { unsigned: { device_display_name: "stale", other: 1 } }));
      await store.addSignatures([{ targetUserId: alice, targetKeyId: "SIGNED", signerUserId: alice, signerKeyId: "ed25519:ssk", signature: "s" }]);
      const text = await store.queryDeviceKeysJson(new Map([[alice, undefined]]));
      const answer = JSON.parse(text) as Record<string, Record<string, unknown>>;
      expect(answer[alice]).toEqual({
        NAMED: { ...keys("NAMED"), unsigned: { device_display_name: 'Alice\'s "phone" ☎' } },
        SIGNED: { ...keys("SIGNED"), signatures: { [alice]: { "ed25519:SIGNED": "sig", "ed25519:ssk": "s" } }, unsigned: { device_display_name: "laptop" } },
        UNNAMED: keys("UNNAMED", { "org.example": { z: 1, a: 2 } }),
        OLDUNSIGNED: { ...keys("OLDUNSIGNED"), unsigned: { device_display_name: "tablet" } },
      });
      // Spliced, not re-serialised: the stored text (key order included) is in the answer.
      expect(text).toContain(JSON.stringify(keys("UNNAMED", { "org.example": { z: 1, a: 2 } })));
    });
  });
}
