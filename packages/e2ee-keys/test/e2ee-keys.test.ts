// E2eeKeys over the in-memory store, with real ed25519 signatures:
// https://spec.matrix.org/v1.19/client-server-api/#key-management-api and
// https://spec.matrix.org/v1.19/client-server-api/#cross-signing
import { signAs as signJson } from "./helpers.js";
import { describe, expect, it } from "vitest";
import { E2eeKeys, ISSUED_KEY_MEMORY_MS, MemoryKeyStore, backupSessionsByRoom, isE2eeKeysError } from "../src/index.js";
import { makeCrossSigning, makeDevice } from "./helpers.js";

const ALICE = "@alice:example.com";
const BOB = "@bob:example.com";
const NOW = 1_700_000_000_000;

async function rejects(promise: Promise<unknown>): Promise<{ code: string; errcode: string; extra: Record<string, unknown> }> {
  try {
    await promise;
  } catch (error) {
    if (isE2eeKeysError(error)) return { code: error.code, errcode: error.errcode, extra: { ...error.extra } };
    throw error;
  }
  throw new Error("expected a rejection");
}

describe("uploadKeys: device keys", () => {
  it("accepts self-signed device keys and records a device-list change", async () => {
    const keys = new E2eeKeys(new MemoryKeyStore());
    const d = makeDevice(ALICE, "DEV1");
    expect(await keys.uploadKeys(ALICE, "DEV1", { device_keys: d.deviceKeys }, NOW)).toEqual({ one_time_key_counts: {} });
    expect(await keys.deviceListChanges([ALICE], 0, await keys.store.currentPosition())).toEqual([ALICE]);
    expect((await keys.queryKeys(BOB, { [ALICE]: [] })).device_keys[ALICE]).toEqual({ DEV1: d.deviceKeys });
  });

  it.each([
    ["another user's ID", (k: Record<string, unknown>) => ({ ...k, user_id: BOB }), "MISMATCHED_ID", "M_INVALID_PARAM"],
    ["another device's ID", (k: Record<string, unknown>) => ({ ...k, device_id: "OTHER" }), "MISMATCHED_ID", "M_INVALID_PARAM"],
    ["a changed key (signature no longer verifies)", (k: Record<string, unknown>) => ({ ...k, algorithms: ["x"] }), "INVALID_SIGNATURE", "M_INVALID_SIGNATURE"],
    ["no signatures", (k: Record<string, unknown>) => ({ ...k, signatures: {} }), "INVALID_SIGNATURE", "M_INVALID_SIGNATURE"],
    ["no ed25519 key", (k: Record<string, unknown>) => ({ ...k, keys: {} }), "BAD_JSON", "M_BAD_JSON"],
    ["algorithms not an array", (k: Record<string, unknown>) => ({ ...k, algorithms: "x" }), "BAD_JSON", "M_BAD_JSON"],
  ])("rejects device keys with %s", async (_why, mutate, code, errcode) => {
    const keys = new E2eeKeys(new MemoryKeyStore());
    const d = makeDevice(ALICE, "DEV1");
    expect(await rejects(keys.uploadKeys(ALICE, "DEV1", { device_keys: mutate(d.deviceKeys) }, NOW))).toMatchObject({ code, errcode });
  });

  it("accepts an identical re-upload (cross-signing signatures kept) and refuses a changed key", async () => {
    const keys = new E2eeKeys(new MemoryKeyStore());
    const d = makeDevice(ALICE, "DEV1");
    const cs = makeCrossSigning(ALICE);
    await keys.uploadKeys(ALICE, "DEV1", { device_keys: d.deviceKeys }, NOW);
    await keys.uploadCrossSigningKeys(ALICE, { master_key: cs.masterKey, self_signing_key: cs.selfSigningKey, user_signing_key: cs.userSigningKey });
    const signed = signJson(d.deviceKeys, ALICE, cs.selfSigning);
    expect(await keys.uploadSignatures(ALICE, { [ALICE]: { DEV1: signed } })).toEqual({ failures: {} });
    await keys.uploadKeys(ALICE, "DEV1", { device_keys: d.deviceKeys }, NOW);
    const queried = (await keys.queryKeys(ALICE, { [ALICE]: ["DEV1"] })).device_keys[ALICE]!.DEV1!;
    expect(queried.signatures?.[ALICE]?.[`ed25519:${cs.selfSigning.publicKeyBase64}`]).toBeTypeOf("string");
    const other = makeDevice(ALICE, "DEV1");
    expect(await rejects(keys.uploadKeys(ALICE, "DEV1", { device_keys: other.deviceKeys }, NOW))).toMatchObject({ code: "KEY_CONFLICT" });
  });

  it("refuses a device ID equal to a cross-signing public key", async () => {
    const keys = new E2eeKeys(new MemoryKeyStore());
    const cs = makeCrossSigning(ALICE);
    await keys.uploadCrossSigningKeys(ALICE, { master_key: cs.masterKey });
    const d = makeDevice(ALICE, cs.master.publicKeyBase64);
    expect(await rejects(keys.uploadKeys(ALICE, d.deviceId, { device_keys: d.deviceKeys }, NOW))).toMatchObject({ code: "DEVICE_ID_COLLISION" });
  });
});

describe("uploadKeys: one-time and fallback keys", () => {
  it("stores signed one-time keys, counts them, and ignores identical re-uploads", async () => {
    const keys = new E2eeKeys(new MemoryKeyStore());
    const d = makeDevice(ALICE, "DEV1");
    const otks = d.oneTimeKeys(0, 5);
    expect(await keys.uploadKeys(ALICE, "DEV1", { device_keys: d.deviceKeys, one_time_keys: otks }, NOW)).toEqual({ one_time_key_counts: { signed_curve25519: 5 } });
    expect(await keys.uploadKeys(ALICE, "DEV1", { one_time_keys: otks }, NOW)).toEqual({ one_time_key_counts: { signed_curve25519: 5 } });
  });

  it("rejects a badly signed one-time key, an unsigned signed_ key, and a key ID reused with other content", async () => {
    const keys = new E2eeKeys(new MemoryKeyStore());
    const d = makeDevice(ALICE, "DEV1");
    const other = makeDevice(ALICE, "DEV1");
    await keys.uploadKeys(ALICE, "DEV1", { device_keys: d.deviceKeys, one_time_keys: d.oneTimeKeys(0, 1) }, NOW);
    expect(await rejects(keys.uploadKeys(ALICE, "DEV1", { one_time_keys: other.oneTimeKeys(5, 1) }, NOW))).toMatchObject({ errcode: "M_INVALID_SIGNATURE" });
    expect(await rejects(keys.uploadKeys(ALICE, "DEV1", { one_time_keys: { "signed_curve25519:X": "plain" } }, NOW))).toMatchObject({ errcode: "M_BAD_JSON" });
    expect(await rejects(keys.uploadKeys(ALICE, "DEV1", { one_time_keys: { nocolon: "plain" } }, NOW))).toMatchObject({ errcode: "M_BAD_JSON" });
    const reused = { "signed_curve25519:K0000": signJson({ key: "different" }, ALICE, d.key) };
    expect(await rejects(keys.uploadKeys(ALICE, "DEV1", { one_time_keys: reused }, NOW))).toMatchObject({ code: "KEY_CONFLICT" });
    // Nothing of a rejected upload is stored.
    expect(await keys.oneTimeKeyCounts(ALICE, "DEV1")).toEqual({ signed_curve25519: 1 });
  });

  it("refuses signed keys from a device without device keys (nothing to check them with)", async () => {
    const keys = new E2eeKeys(new MemoryKeyStore());
    const d = makeDevice(ALICE, "DEV1");
    expect(await rejects(keys.uploadKeys(ALICE, "DEV1", { one_time_keys: d.oneTimeKeys(0, 1) }, NOW))).toMatchObject({ errcode: "M_INVALID_SIGNATURE" });
  });

  it("a retried upload cannot put a claimed key back for 7 days", async () => {
    const keys = new E2eeKeys(new MemoryKeyStore());
    const d = makeDevice(ALICE, "DEV1");
    const otks = d.oneTimeKeys(0, 2);
    await keys.uploadKeys(ALICE, "DEV1", { device_keys: d.deviceKeys, one_time_keys: otks }, NOW);
    const claimed = await keys.claimKeys({ [ALICE]: { DEV1: "signed_curve25519" } }, NOW);
    expect(Object.keys(claimed.one_time_keys[ALICE]!.DEV1!)).toEqual(["signed_curve25519:K0000"]);
    expect(await keys.uploadKeys(ALICE, "DEV1", { one_time_keys: otks }, NOW + 1000)).toEqual({ one_time_key_counts: { signed_curve25519: 1 } });
    expect(await keys.uploadKeys(ALICE, "DEV1", { one_time_keys: otks }, NOW + ISSUED_KEY_MEMORY_MS + 1)).toEqual({ one_time_key_counts: { signed_curve25519: 2 } });
  });

  it("claims in upload order, then the fallback, whose used flag survives an identical re-upload", async () => {
    const keys = new E2eeKeys(new MemoryKeyStore());
    const d = makeDevice(ALICE, "DEV1");
    await keys.uploadKeys(ALICE, "DEV1", { device_keys: d.deviceKeys, one_time_keys: { ...d.oneTimeKeys(7, 1), ...d.oneTimeKeys(2, 1) }, fallback_keys: d.fallbackKey("FB1") }, NOW);
    expect(await keys.unusedFallbackKeyTypes(ALICE, "DEV1")).toEqual(["signed_curve25519"]);
    const claim = { [ALICE]: { DEV1: "signed_curve25519" } };
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push(...Object.keys((await keys.claimKeys(claim, NOW)).one_time_keys[ALICE]!.DEV1!));
    expect(ids).toEqual(["signed_curve25519:K0007", "signed_curve25519:K0002", "signed_curve25519:FB1"]);
    expect(await keys.unusedFallbackKeyTypes(ALICE, "DEV1")).toEqual([]);
    await keys.uploadKeys(ALICE, "DEV1", { fallback_keys: d.fallbackKey("FB1") }, NOW);
    expect(await keys.unusedFallbackKeyTypes(ALICE, "DEV1")).toEqual([]);
    await keys.uploadKeys(ALICE, "DEV1", { fallback_keys: d.fallbackKey("FB2") }, NOW);
    expect(await keys.unusedFallbackKeyTypes(ALICE, "DEV1")).toEqual(["signed_curve25519"]);
  });

  it("leaves devices without keys out of a claim", async () => {
    const keys = new E2eeKeys(new MemoryKeyStore());
    expect(await keys.claimKeys({ [ALICE]: { NOPE: "signed_curve25519" } }, NOW)).toEqual({ one_time_keys: {} });
  });
});

describe("cross-signing", () => {
  async function setup(): Promise<{ keys: E2eeKeys; cs: ReturnType<typeof makeCrossSigning>; d: ReturnType<typeof makeDevice> }> {
    const keys = new E2eeKeys(new MemoryKeyStore());
    const d = makeDevice(ALICE, "DEV1");
    await keys.uploadKeys(ALICE, "DEV1", { device_keys: d.deviceKeys }, NOW);
    const cs = makeCrossSigning(ALICE);
    await keys.uploadCrossSigningKeys(ALICE, { master_key: cs.masterKey, self_signing_key: cs.selfSigningKey, user_signing_key: cs.userSigningKey });
    return { keys, cs, d };
  }

  it("shows user-signing keys only to their owner", async () => {
    const { keys, cs } = await setup();
    const own = await keys.queryKeys(ALICE, { [ALICE]: [] });
    expect(own.master_keys[ALICE]).toEqual(cs.masterKey);
    expect(own.self_signing_keys[ALICE]).toEqual(cs.selfSigningKey);
    expect(own.user_signing_keys[ALICE]).toEqual(cs.userSigningKey);
    const theirs = await keys.queryKeys(BOB, { [ALICE]: [] });
    expect(theirs.master_keys[ALICE]).toEqual(cs.masterKey);
    expect(theirs.user_signing_keys).toEqual({});
  });

  it("requires self-signing and user-signing keys to be signed by the master key", async () => {
    const keys = new E2eeKeys(new MemoryKeyStore());
    const cs = makeCrossSigning(ALICE);
    const stranger = makeCrossSigning(ALICE);
    expect(await rejects(keys.uploadCrossSigningKeys(ALICE, { self_signing_key: cs.selfSigningKey }))).toMatchObject({ code: "MISSING_MASTER_KEY" });
    expect(await rejects(keys.uploadCrossSigningKeys(ALICE, { master_key: cs.masterKey, self_signing_key: stranger.selfSigningKey }))).toMatchObject({
      errcode: "M_INVALID_SIGNATURE",
    });
    expect(await keys.hasMasterKey(ALICE)).toBe(false);
    expect(await rejects(keys.uploadCrossSigningKeys(ALICE, { master_key: { ...cs.masterKey, user_id: BOB } }))).toMatchObject({ errcode: "M_INVALID_PARAM" });
    expect(await rejects(keys.uploadCrossSigningKeys(ALICE, { master_key: { ...cs.masterKey, usage: ["self_signing"] } }))).toMatchObject({ errcode: "M_BAD_JSON" });
    expect(await rejects(keys.uploadCrossSigningKeys(ALICE, { master_key: { ...cs.masterKey, keys: { "ed25519:a": "b" } } }))).toMatchObject({ errcode: "M_BAD_JSON" });
  });

  it("refuses a cross-signing key equal to a device ID", async () => {
    const keys = new E2eeKeys(new MemoryKeyStore());
    const cs = makeCrossSigning(ALICE);
    const d = makeDevice(ALICE, cs.master.publicKeyBase64);
    await keys.uploadKeys(ALICE, d.deviceId, { device_keys: d.deviceKeys }, NOW);
    expect(await rejects(keys.uploadCrossSigningKeys(ALICE, { master_key: cs.masterKey }))).toMatchObject({ code: "DEVICE_ID_COLLISION" });
  });

  it("signatures/upload: own device by self-signing key, own master by device, other master by user-signing key, with per-key failures", async () => {
    const { keys, cs, d } = await setup();
    const bobDevice = makeDevice(BOB, "BOBDEV");
    await keys.uploadKeys(BOB, "BOBDEV", { device_keys: bobDevice.deviceKeys }, NOW);
    const bobCs = makeCrossSigning(BOB);
    await keys.uploadCrossSigningKeys(BOB, { master_key: bobCs.masterKey, self_signing_key: bobCs.selfSigningKey, user_signing_key: bobCs.userSigningKey });
    const masterPub = cs.master.publicKeyBase64;
    const bobMasterPub = bobCs.master.publicKeyBase64;
    const result = await keys.uploadSignatures(ALICE, {
      [ALICE]: {
        DEV1: signJson(d.deviceKeys, ALICE, cs.selfSigning),
        [masterPub]: signJson(cs.masterKey, ALICE, d.key),
        UNKNOWN: signJson(d.deviceKeys, ALICE, cs.selfSigning),
      },
      [BOB]: {
        [bobMasterPub]: signJson(bobCs.masterKey, ALICE, cs.userSigning),
        BOBDEV: signJson(bobDevice.deviceKeys, ALICE, cs.userSigning),
      },
    });
    expect(result.failures).toEqual({
      [ALICE]: { UNKNOWN: { errcode: "M_NOT_FOUND", error: expect.any(String) } },
      [BOB]: { BOBDEV: { errcode: "M_NOT_FOUND", error: expect.any(String) } },
    });
    const aliceView = await keys.queryKeys(ALICE, { [ALICE]: [], [BOB]: [] });
    expect(Object.keys(aliceView.device_keys[ALICE]!.DEV1!.signatures![ALICE]!)).toContain(`ed25519:${cs.selfSigning.publicKeyBase64}`);
    expect(Object.keys(aliceView.master_keys[ALICE]!.signatures![ALICE]!)).toContain("ed25519:DEV1");
    expect(aliceView.master_keys[BOB]!.signatures?.[ALICE]).toBeDefined();
    // A third user does not see Alice's user-signing signature on Bob's master key.
    const charlieView = await keys.queryKeys("@charlie:example.com", { [BOB]: [] });
    expect(charlieView.master_keys[BOB]!.signatures?.[ALICE]).toBeUndefined();
  });

  it("signatures/upload: bad signatures and mismatching objects fail per key", async () => {
    const { keys, cs, d } = await setup();
    const stranger = makeCrossSigning(ALICE);
    const result = await keys.uploadSignatures(ALICE, {
      [ALICE]: {
        DEV1: signJson(d.deviceKeys, ALICE, stranger.selfSigning),
        [cs.master.publicKeyBase64]: signJson({ ...cs.masterKey, usage: ["master", "x"] }, ALICE, d.key),
      },
      "@nobody:example.com": "not an object",
    });
    expect(result.failures[ALICE]!.DEV1!.errcode).toBe("M_INVALID_SIGNATURE");
    expect(result.failures[ALICE]![cs.master.publicKeyBase64]!.errcode).toBe("M_INVALID_SIGNATURE");
    expect(result.failures["@nobody:example.com"]!["*"]!.errcode).toBe("M_BAD_JSON");
  });
});

describe("devices, to-device and device lists", () => {
  it("deleteDevice removes keys and records a change", async () => {
    const keys = new E2eeKeys(new MemoryKeyStore());
    const d = makeDevice(ALICE, "DEV1");
    await keys.uploadKeys(ALICE, "DEV1", { device_keys: d.deviceKeys, one_time_keys: d.oneTimeKeys(0, 3) }, NOW);
    const before = await keys.store.currentPosition();
    await keys.deleteDevice(ALICE, "DEV1");
    expect((await keys.queryKeys(BOB, { [ALICE]: [] })).device_keys[ALICE]).toEqual({});
    expect(await keys.oneTimeKeyCounts(ALICE, "DEV1")).toEqual({});
    expect(await keys.deviceListChanges([ALICE], before, await keys.store.currentPosition())).toEqual([ALICE]);
  });

  it("sends to-device messages once per transaction, expands * and deletes acknowledged ones", async () => {
    const keys = new E2eeKeys(new MemoryKeyStore());
    const devicesOf = async (u: string): Promise<string[]> => (u === BOB ? ["B1", "B2"] : []);
    const sender = { userId: ALICE, deviceId: "A1" };
    const sent = await keys.sendToDevice(sender, "m.room_key_request", "txn1", { [BOB]: { "*": { n: 1 } } }, devicesOf);
    expect(sent?.recipients).toEqual([BOB]);
    expect(await keys.sendToDevice(sender, "m.room_key_request", "txn1", { [BOB]: { "*": { n: 1 } } }, devicesOf)).toBeUndefined();
    const upTo = await keys.store.currentPosition();
    const first = await keys.toDeviceForSync(BOB, "B1", undefined, upTo);
    expect(first.events).toEqual([{ sender: ALICE, type: "m.room_key_request", content: { n: 1 } }]);
    // Not acknowledged yet: the same since gives the message again.
    expect((await keys.toDeviceForSync(BOB, "B1", 0, upTo)).events).toHaveLength(1);
    // Acknowledged by syncing with since = upTo: gone for good.
    expect((await keys.toDeviceForSync(BOB, "B1", upTo, upTo)).events).toHaveLength(0);
    expect((await keys.toDeviceForSync(BOB, "B1", 0, upTo)).events).toHaveLength(0);
    expect((await keys.toDeviceForSync(BOB, "B2", 0, upTo)).events).toHaveLength(1);
  });
});

describe("key backup", () => {
  const ALG = "m.megolm_backup.v1.curve25519-aes-sha2";
  const data = (v: boolean, i: number, f: number, tag = "") => ({ is_verified: v, first_message_index: i, forwarded_count: f, session_data: { ciphertext: `${v}${i}${f}${tag}` } });

  it("creates, reads, updates and deletes versions; the previous becomes current", async () => {
    const keys = new E2eeKeys(new MemoryKeyStore());
    expect(await rejects(keys.getBackupVersion(ALICE))).toMatchObject({ errcode: "M_NOT_FOUND" });
    const v1 = await keys.createBackupVersion(ALICE, ALG, { public_key: "a" });
    const v2 = await keys.createBackupVersion(ALICE, ALG, { public_key: "b" });
    expect(await keys.getBackupVersion(ALICE)).toMatchObject({ version: v2, algorithm: ALG, auth_data: { public_key: "b" }, count: 0 });
    await keys.updateBackupVersion(ALICE, v2, { algorithm: ALG, auth_data: { public_key: "c" } });
    expect((await keys.getBackupVersion(ALICE, v2)).auth_data).toEqual({ public_key: "c" });
    expect(await rejects(keys.updateBackupVersion(ALICE, v2, { algorithm: "other", auth_data: {} }))).toMatchObject({ errcode: "M_INVALID_PARAM" });
    expect(await rejects(keys.updateBackupVersion(ALICE, v2, { algorithm: ALG, auth_data: {}, version: v1 }))).toMatchObject({ errcode: "M_INVALID_PARAM" });
    expect(await rejects(keys.updateBackupVersion(ALICE, "77", { algorithm: ALG, auth_data: {} }))).toMatchObject({ errcode: "M_NOT_FOUND" });
    await keys.deleteBackupVersion(ALICE, v2);
    expect((await keys.getBackupVersion(ALICE)).version).toBe(v1);
    expect(await rejects(keys.deleteBackupVersion(ALICE, v2))).toMatchObject({ errcode: "M_NOT_FOUND" });
  });

  it("writes only to the current version (M_WRONG_ROOM_KEYS_VERSION with current_version)", async () => {
    const keys = new E2eeKeys(new MemoryKeyStore());
    const v1 = await keys.createBackupVersion(ALICE, ALG, {});
    const v2 = await keys.createBackupVersion(ALICE, ALG, {});
    expect(await rejects(keys.putBackupKeys(ALICE, v1, { "!r:example.com": { s: data(true, 0, 0) } }))).toEqual({
      code: "WRONG_ROOM_KEYS_VERSION",
      errcode: "M_WRONG_ROOM_KEYS_VERSION",
      extra: { current_version: v2 },
    });
    expect(await rejects(keys.putBackupKeys(ALICE, "99", { "!r:example.com": { s: data(true, 0, 0) } }))).toMatchObject({ errcode: "M_NOT_FOUND" });
    expect(await rejects(keys.putBackupKeys(ALICE, v2, { "!r:example.com": { s: { is_verified: true } } }))).toMatchObject({ errcode: "M_BAD_JSON" });
  });

  it.each([
    ["unverified never replaces verified", data(true, 5, 5), data(false, 0, 0), false],
    ["verified replaces unverified even with a higher index", data(false, 0, 0), data(true, 9, 9), true],
    ["lower first_message_index wins", data(true, 5, 0), data(true, 4, 9), true],
    ["higher first_message_index loses", data(true, 4, 0), data(true, 5, 0), false],
    ["same index: lower forwarded_count wins", data(false, 3, 2), data(false, 3, 1), true],
    ["same index: higher forwarded_count loses", data(false, 3, 1), data(false, 3, 2), false],
    ["all equal: the existing key stays", data(true, 1, 1, "old"), data(true, 1, 1, "new"), false],
  ])("replacement order: %s", async (_why, existing, candidate, replaced) => {
    const keys = new E2eeKeys(new MemoryKeyStore());
    const v = await keys.createBackupVersion(ALICE, ALG, {});
    const first = await keys.putBackupKeys(ALICE, v, { "!r:example.com": { s: existing } });
    const second = await keys.putBackupKeys(ALICE, v, { "!r:example.com": { s: candidate } });
    const [stored] = await keys.getBackupKeys(ALICE, v, "!r:example.com", "s");
    expect(stored!.data).toEqual(replaced ? candidate : existing);
    expect(second.count).toBe(1);
    expect(second.etag !== first.etag).toBe(replaced);
  });

  it("reads and deletes by room and session; etag and count follow", async () => {
    const keys = new E2eeKeys(new MemoryKeyStore());
    const v = await keys.createBackupVersion(ALICE, ALG, {});
    const put = await keys.putBackupKeys(ALICE, v, { "!a:example.com": { s1: data(true, 0, 0), s2: data(true, 0, 0) }, "!b:example.com": { s3: data(false, 0, 0) } });
    expect(put.count).toBe(3);
    expect(backupSessionsByRoom(await keys.getBackupKeys(ALICE, v))).toEqual({
      "!a:example.com": { sessions: { s1: data(true, 0, 0), s2: data(true, 0, 0) } },
      "!b:example.com": { sessions: { s3: data(false, 0, 0) } },
    });
    expect(await rejects(keys.getBackupKeys(ALICE, v, "!a:example.com", "nope"))).toMatchObject({ errcode: "M_NOT_FOUND" });
    expect(await keys.getBackupKeys(ALICE, v, "!none:example.com")).toEqual([]);
    const del = await keys.deleteBackupKeys(ALICE, v, "!a:example.com");
    expect(del.count).toBe(1);
    expect(del.etag).not.toBe(put.etag);
    expect(await rejects(keys.deleteBackupKeys(ALICE, "99"))).toMatchObject({ errcode: "M_NOT_FOUND" });
  });
});
