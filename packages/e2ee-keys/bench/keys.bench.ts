// The key logic alone (no HTTP, no database): /keys/query for 1,000 devices and
// /keys/claim for 300 devices over MemoryKeyStore, against a naive baseline
// that reads cross-signing keys one user at a time.
// https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3keysquery
import { bench, describe } from "vitest";
import { E2eeKeys, MemoryKeyStore, crossSigningPublicKey, type CrossSigningKey, type CrossSigningKeyType } from "../src/index.js";
import { makeDevice } from "../test/helpers.js";

const store = new MemoryKeyStore();
const keys = new E2eeKeys(store);
const users: string[] = [];
const now = 1_700_000_000_000;
for (let i = 0; i < 1000; i++) {
  const userId = `@u${i}:example.com`;
  const d = makeDevice(userId, `D${i}`);
  users.push(userId);
  await keys.uploadKeys(userId, `D${i}`, { device_keys: d.deviceKeys, one_time_keys: i < 300 ? d.oneTimeKeys(0, 50) : {}, fallback_keys: d.fallbackKey("FB") }, now);
}
const query = Object.fromEntries(users.map((u) => [u, [] as string[]]));
const claim = Object.fromEntries(users.slice(0, 300).map((u, i) => [u, { [`D${i}`]: "signed_curve25519" }]));

describe("keys", () => {
  bench("queryKeys, 1,000 devices", async () => {
    await keys.queryKeys("@u0:example.com", query);
  });
  bench("naive: cross-signing keys one user at a time, 1,000 users", async () => {
    const out = new Map<string, Partial<Record<CrossSigningKeyType, CrossSigningKey>>>();
    for (const u of users) out.set(u, await store.getCrossSigningKeys(u));
    for (const v of out.values()) if (v.master) crossSigningPublicKey(v.master);
  });
  bench("claimKeys, 300 devices (fallback once one-time keys run out)", async () => {
    await keys.claimKeys(claim, now);
  });
});
