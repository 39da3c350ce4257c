// The @weft/e2ee-keys conformance suite on the PostgreSQL KeyStore, on every
// test backend (PGlite always; real PostgreSQL when WEFT_TEST_DATABASE_URL is set).
import { runKeyStoreConformance } from "@weft/e2ee-keys/conformance";
import { PgKeyStore } from "../src/e2ee-keys.js";
import { testBackends } from "../src/testing.js";

for (const backend of testBackends()) {
  runKeyStoreConformance(`PgKeyStore on ${backend.name}`, async () => {
    const db = await backend.open();
    return { store: new PgKeyStore(db), close: () => db.close() };
  });
}
