// The conformance suite every KeyStore must pass (the in-memory store here,
// the PostgreSQL store in @weft/storage-pg on PGlite and real PostgreSQL).
// It checks the storage contract the logic relies on:
// https://spec.matrix.org/v1.19/client-server-api/#end-to-end-encryption
// — above all that one-time key claims are atomic and in upload order
// (https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3keysclaim).
// Import it from `@weft/e2ee-keys/conformance` in a vitest test file.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KeyStore } from "./store.js";
import type { CrossSigningKey, DeviceKeys, KeyBackupData } from "./types.js";

export { namedKey, signAs, type NamedKey } from "./test-keys.js";

/** What `makeStore` returns: a store over empty storage, and how to dispose of it. */
export interface ConformanceStore {
  readonly store: KeyStore;
  /** Called once after the suite. */
  close?(): Promise<void>;
}

const ALICE = "@alice:example.com";
const BOB = "@bob:example.com";

function deviceKeys(userId: string, deviceId: string): DeviceKeys {
  return {
    user_id: userId,
    device_id: deviceId,
    algorithms: ["m.olm.v1.curve25519-aes-sha2", "m.megolm.v1.aes-sha2"],
    keys: { [`curve25519:${deviceId}`]: `curve-${deviceId}`, [`ed25519:${deviceId}`]: `ed-${deviceId}` },
    signatures: { [userId]: { [`ed25519:${deviceId}`]: "sig" } },
  };
}

function otk(n: number, algorithm = "signed_curve25519"): { keyId: string; algorithm: string; key: unknown } {
  return { keyId: `${algorithm}:K${String(n).padStart(4, "0")}`, algorithm, key: { key: `key-${n}`, signatures: {} } };
}

function backupData(isVerified: boolean, firstIndex: number, forwarded: number): KeyBackupData {
  return { is_verified: isVerified, first_message_index: firstIndex, forwarded_count: forwarded, session_data: { ciphertext: `${isVerified}-${firstIndex}-${forwarded}` } };
}

/**
 * Registers a vitest `describe` block checking a {@link KeyStore}
 * implementation against the contract. Each test gets users of its own, so
 * one store serves the whole suite.
 *
 * @param name - the describe block's name.
 * @param makeStore - opens a store over empty storage.
 * @example
 * ```ts
 * import { runKeyStoreConformance } from "@weft/e2ee-keys/conformance";
 * runKeyStoreConformance("MemoryKeyStore", async () => ({ store: new MemoryKeyStore() }));
 * ```
 */
export function runKeyStoreConformance(name: string, makeStore: () => Promise<ConformanceStore>): void {
  describe(name, () => {
    let opened: ConformanceStore;
    let store: KeyStore;
    let counter = 0;
    /** A fresh user ID per test, so tests never see each other's rows. */
    const user = (): string => `@u${++counter}:example.com`;

    beforeAll(async () => {
      opened = await makeStore();
      store = opened.store;
    }, 60_000);
    afterAll(async () => {
      await opened.close?.();
    }, 60_000);

    describe("device keys", () => {
      it("stores, reads and queries device keys", async () => {
        const u = user();
        await store.putDeviceKeys(u, "D1", deviceKeys(u, "D1"));
        await store.putDeviceKeys(u, "D2", deviceKeys(u, "D2"));
        expect(await store.getDeviceKeys(u, "D1")).toEqual(deviceKeys(u, "D1"));
        expect(await store.getDeviceKeys(u, "NOPE")).toBeUndefined();
        const all = await store.queryDeviceKeys(new Map([[u, undefined]]));
        expect(all.map((d) => d.deviceId).sort()).toEqual(["D1", "D2"]);
        const some = await store.queryDeviceKeys(new Map([[u, ["D2", "NOPE"]]]));
        expect(some).toEqual([{ userId: u, deviceId: "D2", keys: deviceKeys(u, "D2") }]);
      });

      it("keeps the exact JSON (key order and unknown fields)", async () => {
        const u = user();
        const keys = { ...deviceKeys(u, "D1"), "org.example.extra": { z: 1, a: [true, null] } } as DeviceKeys;
        await store.putDeviceKeys(u, "D1", keys);
        expect(await store.getDeviceKeys(u, "D1")).toEqual(keys);
      });

      it("answers a query as JSON text: every queried user, the asked devices, stored signatures merged, no stored unsigned", async () => {
        const u = user();
        const v = user();
        const nobody = user();
        const extra = { ...deviceKeys(u, "D2"), "org.example.extra": { z: 1, a: [true, null] } } as DeviceKeys;
        await store.putDeviceKeys(u, "D1", deviceKeys(u, "D1"));
        await store.putDeviceKeys(u, "D2", extra);
        await store.putDeviceKeys(v, "D1", { ...deviceKeys(v, "D1"), unsigned: { device_display_name: "stale" } } as DeviceKeys);
        await store.putDeviceKeys(v, "D2", deviceKeys(v, "D2"));
        await store.addSignatures([
          { targetUserId: u, targetKeyId: "D1", signerUserId: u, signerKeyId: "ed25519:ssk", signature: "by-ssk" },
          { targetUserId: u, targetKeyId: "D1", signerUserId: BOB, signerKeyId: "ed25519:other", signature: "by-bob" },
        ]);
        const text = await store.queryDeviceKeysJson(
          new Map<string, readonly string[] | undefined>([
            [u, undefined],
            [v, ["D1", "D1", "NOPE"]],
            [nobody, undefined],
          ]),
        );
        const { unsigned: _unsigned, ...vD1 } = { ...deviceKeys(v, "D1"), unsigned: {} };
        expect(JSON.parse(text)).toEqual({
          [u]: {
            D1: { ...deviceKeys(u, "D1"), signatures: { [u]: { "ed25519:D1": "sig", "ed25519:ssk": "by-ssk" }, [BOB]: { "ed25519:other": "by-bob" } } },
            D2: extra,
          },
          [v]: { D1: vD1 },
          [nobody]: {},
        });
        expect(await store.queryDeviceKeysJson(new Map())).toBe("{}");
      });

      it("deleteDevice removes keys, one-time and fallback keys, inbox and signatures on the device", async () => {
        const u = user();
        await store.putDeviceKeys(u, "D1", deviceKeys(u, "D1"));
        await store.addOneTimeKeys(u, "D1", [otk(1)]);
        await store.putFallbackKey(u, "D1", { ...otk(99), used: false });
        await store.enqueueToDevice([{ userId: u, deviceId: "D1", message: { sender: ALICE, type: "m.test", content: {} } }]);
        await store.addSignatures([{ targetUserId: u, targetKeyId: "D1", signerUserId: u, signerKeyId: "ed25519:ssk", signature: "s" }]);
        await store.deleteDevice(u, "D1");
        expect(await store.getDeviceKeys(u, "D1")).toBeUndefined();
        expect(await store.countOneTimeKeys(u, "D1")).toEqual({});
        expect(await store.getFallbackKeys(u, "D1")).toEqual([]);
        expect(await store.toDeviceMessages(u, "D1", 0, Number.MAX_SAFE_INTEGER, 100)).toEqual([]);
        expect(await store.getSignatures([{ userId: u, keyId: "D1" }])).toEqual([]);
      });
    });

    describe("one-time keys", () => {
      it("counts per algorithm and skips IDs already stored", async () => {
        const u = user();
        await store.addOneTimeKeys(u, "D", [otk(1), otk(2), otk(3, "curve25519")]);
        await store.addOneTimeKeys(u, "D", [otk(2), otk(4)]);
        expect(await store.countOneTimeKeys(u, "D")).toEqual({ signed_curve25519: 3, curve25519: 1 });
        const found = await store.getOneTimeKeys(u, "D", ["signed_curve25519:K0002", "signed_curve25519:K0009"]);
        expect([...found.keys()]).toEqual(["signed_curve25519:K0002"]);
        expect(found.get("signed_curve25519:K0002")).toEqual(otk(2).key);
      });

      it("claims in upload order (not key-ID order) and remembers issued IDs", async () => {
        const u = user();
        await store.addOneTimeKeys(u, "D", [otk(5), otk(1), otk(3)]);
        const order: string[] = [];
        for (let i = 0; i < 3; i++) {
          const [claimed] = await store.claimOneTimeKeys([{ userId: u, deviceId: "D", algorithm: "signed_curve25519" }], 1000);
          order.push(claimed!.keyId);
          expect(claimed!.fallback).toBe(false);
        }
        expect(order).toEqual(["signed_curve25519:K0005", "signed_curve25519:K0001", "signed_curve25519:K0003"]);
        expect(await store.claimOneTimeKeys([{ userId: u, deviceId: "D", algorithm: "signed_curve25519" }], 1000)).toEqual([]);
        const issued = await store.wasIssued(u, "D", ["signed_curve25519:K0001", "signed_curve25519:K0002"], 0);
        expect([...issued]).toEqual(["signed_curve25519:K0001"]);
        expect(await store.wasIssued(u, "D", ["signed_curve25519:K0001"], 1001)).toEqual(new Set());
        await store.pruneIssuedKeys(1001);
        expect(await store.wasIssued(u, "D", ["signed_curve25519:K0001"], 0)).toEqual(new Set());
      });

      it("claims only the requested algorithm, and several devices in one call", async () => {
        const u = user();
        const v = user();
        await store.addOneTimeKeys(u, "D", [otk(1, "curve25519"), otk(2)]);
        await store.addOneTimeKeys(v, "E", [otk(3)]);
        const claimed = await store.claimOneTimeKeys(
          [
            { userId: u, deviceId: "D", algorithm: "signed_curve25519" },
            { userId: v, deviceId: "E", algorithm: "signed_curve25519" },
            { userId: v, deviceId: "NONE", algorithm: "signed_curve25519" },
          ],
          1,
        );
        expect(claimed.map((c) => [c.userId, c.deviceId, c.keyId]).sort()).toEqual(
          [
            [u, "D", "signed_curve25519:K0002"],
            [v, "E", "signed_curve25519:K0003"],
          ].sort(),
        );
        expect(await store.countOneTimeKeys(u, "D")).toEqual({ curve25519: 1 });
      });

      it("hands out the fallback key when one-time keys run out, and marks it used", async () => {
        const u = user();
        await store.addOneTimeKeys(u, "D", [otk(1)]);
        await store.putFallbackKey(u, "D", { ...otk(100), used: false });
        const claim = [{ userId: u, deviceId: "D", algorithm: "signed_curve25519" }];
        expect((await store.claimOneTimeKeys(claim, 1))[0]).toMatchObject({ keyId: "signed_curve25519:K0001", fallback: false });
        expect((await store.claimOneTimeKeys(claim, 1))[0]).toMatchObject({ keyId: "signed_curve25519:K0100", key: otk(100).key, fallback: true });
        expect((await store.claimOneTimeKeys(claim, 1))[0]).toMatchObject({ keyId: "signed_curve25519:K0100", fallback: true });
        expect(await store.getFallbackKeys(u, "D")).toEqual([{ ...otk(100), used: true }]);
      });

      it("keeps one fallback key per algorithm", async () => {
        const u = user();
        await store.putFallbackKey(u, "D", { ...otk(1), used: true });
        await store.putFallbackKey(u, "D", { ...otk(2), used: false });
        await store.putFallbackKey(u, "D", { ...otk(3, "curve25519"), used: false });
        const keys = (await store.getFallbackKeys(u, "D")).sort((a, b) => (a.keyId < b.keyId ? -1 : 1));
        expect(keys).toEqual([
          { ...otk(3, "curve25519"), used: false },
          { ...otk(2), used: false },
        ]);
      });

      it("50 parallel claims against 20 one-time keys and a fallback: each key once, in upload order, then the fallback", async () => {
        const u = user();
        const keys = Array.from({ length: 20 }, (_, i) => otk(20 - i)); // upload order differs from ID order
        await store.addOneTimeKeys(u, "D", keys);
        await store.putFallbackKey(u, "D", { ...otk(500), used: false });
        const results = await Promise.all(
          Array.from({ length: 50 }, () => store.claimOneTimeKeys([{ userId: u, deviceId: "D", algorithm: "signed_curve25519" }], 5)),
        );
        const claimed = results.map((r) => r[0]!);
        expect(claimed.every(Boolean)).toBe(true);
        const oneTime = claimed.filter((c) => !c.fallback).map((c) => c.keyId);
        expect(oneTime).toHaveLength(20);
        expect(new Set(oneTime).size).toBe(20);
        expect(claimed.filter((c) => c.fallback).every((c) => c.keyId === "signed_curve25519:K0500")).toBe(true);
        expect(claimed.filter((c) => c.fallback)).toHaveLength(30);
        expect(new Set(oneTime)).toEqual(new Set(keys.map((k) => k.keyId)));
        expect(await store.countOneTimeKeys(u, "D")).toEqual({});
      });

      it("10 parallel claims against 20 keys take exactly the first 10 uploaded", async () => {
        const u = user();
        const keys = Array.from({ length: 20 }, (_, i) => otk(100 - i * 3));
        await store.addOneTimeKeys(u, "D", keys);
        const results = await Promise.all(
          Array.from({ length: 10 }, () => store.claimOneTimeKeys([{ userId: u, deviceId: "D", algorithm: "signed_curve25519" }], 5)),
        );
        expect(new Set(results.map((r) => r[0]!.keyId))).toEqual(new Set(keys.slice(0, 10).map((k) => k.keyId)));
        expect(await store.countOneTimeKeys(u, "D")).toEqual({ signed_curve25519: 10 });
      });

      it("sequential claims take keys strictly in upload order", async () => {
        const u = user();
        const keys = Array.from({ length: 10 }, (_, i) => otk((i * 7) % 10));
        await store.addOneTimeKeys(u, "D", keys);
        const got: string[] = [];
        for (let i = 0; i < 10; i++) got.push((await store.claimOneTimeKeys([{ userId: u, deviceId: "D", algorithm: "signed_curve25519" }], 1))[0]!.keyId);
        expect(got).toEqual(keys.map((k) => k.keyId));
      });
    });

    describe("cross-signing keys and signatures", () => {
      it("stores each kind separately and replaces per kind", async () => {
        const u = user();
        const key = (usage: string, pub: string): CrossSigningKey => ({ user_id: u, usage: [usage], keys: { [`ed25519:${pub}`]: pub } });
        expect(await store.getCrossSigningKeys(u)).toEqual({});
        await store.putCrossSigningKey(u, "master", key("master", "m1"));
        await store.putCrossSigningKey(u, "self_signing", key("self_signing", "s1"));
        await store.putCrossSigningKey(u, "master", key("master", "m2"));
        expect(await store.getCrossSigningKeys(u)).toEqual({ master: key("master", "m2"), self_signing: key("self_signing", "s1") });
        const many = await store.getCrossSigningKeysOfUsers([u, user()]);
        expect([...many.entries()]).toEqual([[u, { master: key("master", "m2"), self_signing: key("self_signing", "s1") }]]);
      });

      it("stores signatures by target; the same signer and key replaces", async () => {
        const u = user();
        await store.addSignatures([
          { targetUserId: u, targetKeyId: "D1", signerUserId: u, signerKeyId: "ed25519:ssk", signature: "one" },
          { targetUserId: u, targetKeyId: "master", signerUserId: BOB, signerKeyId: "ed25519:usk", signature: "two" },
        ]);
        await store.addSignatures([{ targetUserId: u, targetKeyId: "D1", signerUserId: u, signerKeyId: "ed25519:ssk", signature: "three" }]);
        expect(await store.getSignatures([{ userId: u, keyId: "D1" }])).toEqual([
          { targetUserId: u, targetKeyId: "D1", signerUserId: u, signerKeyId: "ed25519:ssk", signature: "three" },
        ]);
        expect(await store.getSignatures([{ userId: u, keyId: "D1" }, { userId: u, keyId: "master" }])).toHaveLength(2);
      });
    });

    describe("device-list stream", () => {
      it("allocates increasing positions and answers changes in (after, upTo]", async () => {
        const u = user();
        const v = user();
        const start = await store.currentPosition();
        const p1 = await store.markDeviceListsChanged([u]);
        const p2 = await store.markDeviceListsChanged([v]);
        expect(p1).toBeGreaterThan(start);
        expect(p2).toBeGreaterThan(p1);
        expect(await store.currentPosition()).toBeGreaterThanOrEqual(p2);
        expect((await store.deviceListsChangedBetween([u, v, ALICE], start, p2)).sort()).toEqual([u, v].sort());
        expect(await store.deviceListsChangedBetween([u, v], p1, p2)).toEqual([v]);
        expect(await store.deviceListsChangedBetween([u, v], start, p1)).toEqual([u]);
        expect(await store.deviceListsChangedBetween(undefined, p1, p2)).toContain(v);
      });
    });

    describe("to-device inbox", () => {
      it("queues, pages by position and deletes acknowledged messages", async () => {
        const u = user();
        const before = await store.currentPosition();
        const p1 = await store.enqueueToDevice([{ userId: u, deviceId: "D", message: { sender: ALICE, type: "m.one", content: { n: 1 } } }]);
        const p2 = await store.enqueueToDevice([
          { userId: u, deviceId: "D", message: { sender: BOB, type: "m.two", content: { n: 2 } } },
          { userId: u, deviceId: "E", message: { sender: BOB, type: "m.two", content: { n: 2 } } },
        ]);
        expect(p2).toBeGreaterThan(p1!);
        expect(await store.toDeviceMessages(u, "D", before, p2!, 100)).toEqual([
          { sender: ALICE, type: "m.one", content: { n: 1 }, position: p1 },
          { sender: BOB, type: "m.two", content: { n: 2 }, position: p2 },
        ]);
        expect(await store.toDeviceMessages(u, "D", before, p2!, 1)).toHaveLength(1);
        expect(await store.toDeviceMessages(u, "D", p1!, p2!, 100)).toHaveLength(1);
        expect(await store.deleteToDeviceMessages(u, "D", p1!)).toBe(1);
        expect(await store.toDeviceMessages(u, "D", before, p2!, 100)).toHaveLength(1);
        expect(await store.toDeviceMessages(u, "E", before, p2!, 100)).toHaveLength(1);
      });

      it("stores a transaction once", async () => {
        const u = user();
        const txn = { userId: ALICE, deviceId: "A", txnId: `t-${u}` };
        const delivery = [{ userId: u, deviceId: "D", message: { sender: ALICE, type: "m.x", content: {} } }];
        expect(await store.enqueueToDevice(delivery, txn)).toBeTypeOf("number");
        expect(await store.enqueueToDevice(delivery, txn)).toBeUndefined();
        expect(await store.enqueueToDevice(delivery, { ...txn, deviceId: "B" })).toBeTypeOf("number");
        expect(await store.toDeviceMessages(u, "D", 0, Number.MAX_SAFE_INTEGER, 100)).toHaveLength(2);
      });
    });

    describe("key backup", () => {
      it("numbers versions, and the previous one becomes current after deleting the newest", async () => {
        const u = user();
        expect(await store.getBackupVersion(u, undefined)).toBeUndefined();
        const v1 = await store.createBackupVersion(u, "m.megolm_backup.v1.curve25519-aes-sha2", { public_key: "a" });
        const v2 = await store.createBackupVersion(u, "m.megolm_backup.v1.curve25519-aes-sha2", { public_key: "b" });
        expect(Number(v2)).toBeGreaterThan(Number(v1));
        expect((await store.getBackupVersion(u, undefined))?.version).toBe(v2);
        expect(await store.deleteBackupVersion(u, v2)).toBe(true);
        expect(await store.deleteBackupVersion(u, v2)).toBe(false);
        expect(await store.getBackupVersion(u, v2)).toBeUndefined();
        expect(await store.getBackupVersion(u, undefined)).toMatchObject({ version: v1, auth_data: { public_key: "a" }, count: 0 });
        const v3 = await store.createBackupVersion(u, "m.megolm_backup.v1.curve25519-aes-sha2", {});
        expect(Number(v3)).toBeGreaterThan(Number(v2)); // deleted numbers are not reused
        expect(await store.getBackupVersion(u, "not-a-number")).toBeUndefined();
        expect(await store.updateBackupAuthData(u, v1, { public_key: "c" })).toBe(true);
        expect((await store.getBackupVersion(u, v1))?.auth_data).toEqual({ public_key: "c" });
        expect(await store.updateBackupAuthData(u, "999", {})).toBe(false);
      });

      it("stores sessions, changes the etag on every write, counts them and deletes by room or session", async () => {
        const u = user();
        const v = await store.createBackupVersion(u, "m.megolm_backup.v1.curve25519-aes-sha2", {});
        const e0 = (await store.getBackupVersion(u, v))!.etag;
        await store.putBackupSessions(u, v, [
          { roomId: "!a:example.com", sessionId: "s1", data: backupData(false, 0, 0) },
          { roomId: "!a:example.com", sessionId: "s2", data: backupData(false, 0, 0) },
          { roomId: "!b:example.com", sessionId: "s3", data: backupData(true, 1, 0) },
        ]);
        const after = (await store.getBackupVersion(u, v))!;
        expect(after.count).toBe(3);
        expect(after.etag).not.toBe(e0);
        await store.putBackupSessions(u, v, [{ roomId: "!a:example.com", sessionId: "s1", data: backupData(true, 0, 0) }]);
        expect((await store.getBackupVersion(u, v))!.etag).not.toBe(after.etag);
        expect(await store.getBackupSessions(u, v, "!a:example.com", "s1")).toEqual([{ roomId: "!a:example.com", sessionId: "s1", data: backupData(true, 0, 0) }]);
        expect(await store.getBackupSessions(u, v, "!a:example.com")).toHaveLength(2);
        expect(await store.deleteBackupSessions(u, v, "!a:example.com", "s2")).toBe(1);
        expect(await store.deleteBackupSessions(u, v, "!b:example.com")).toBe(1);
        expect((await store.getBackupVersion(u, v))!.count).toBe(1);
        expect(await store.deleteBackupSessions(u, v)).toBe(1);
        expect(await store.getBackupSessions(u, v)).toEqual([]);
      });

      it("keeps versions of different users apart", async () => {
        const u = user();
        const w = user();
        const v = await store.createBackupVersion(u, "alg", {});
        expect(await store.getBackupVersion(w, v)).toBeUndefined();
        expect(await store.deleteBackupVersion(w, v)).toBe(false);
      });
    });

    describe("transactions", () => {
      it("undoes the writes of a transaction that throws", async () => {
        const u = user();
        await expect(
          store.transaction(async (tx) => {
            await tx.putDeviceKeys(u, "D", deviceKeys(u, "D"));
            await tx.addOneTimeKeys(u, "D", [otk(1)]);
            throw new Error("boom");
          }),
        ).rejects.toThrow("boom");
        expect(await store.getDeviceKeys(u, "D")).toBeUndefined();
        expect(await store.countOneTimeKeys(u, "D")).toEqual({});
      });

      it("commits the writes of a transaction that resolves, nested calls included", async () => {
        const u = user();
        await store.transaction(async (tx) => {
          await tx.putDeviceKeys(u, "D", deviceKeys(u, "D"));
          await tx.transaction((inner) => inner.addOneTimeKeys(u, "D", [otk(1)]));
        });
        expect(await store.getDeviceKeys(u, "D")).toBeDefined();
        expect(await store.countOneTimeKeys(u, "D")).toEqual({ signed_curve25519: 1 });
      });
    });
  });
}
