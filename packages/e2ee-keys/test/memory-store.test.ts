// The KeyStore conformance suite on the in-memory store.
import { runKeyStoreConformance } from "@weft/e2ee-keys/conformance";
import { MemoryKeyStore } from "../src/index.js";

runKeyStoreConformance("MemoryKeyStore", async () => ({ store: new MemoryKeyStore() }));
