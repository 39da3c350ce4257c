// The README's example, run as a test so it stays true.
import { encodeBase64 } from "@weft/canonical-json";
import { generateSigningKey, signedBytes } from "@weft/signing";
import { expect, it } from "vitest";
import { E2eeKeys, MemoryKeyStore } from "../src/index.js";

it("README example", async () => {
  const userId = "@alice:example.com";
  const deviceId = "JLAFKJWSCS";
  const key = generateSigningKey("k");
  const sign = <T extends object>(obj: T): T & { signatures: Record<string, Record<string, string>> } => ({
    ...obj,
    signatures: { [userId]: { [`ed25519:${deviceId}`]: encodeBase64(key.sign(signedBytes(obj as Record<string, unknown>))) } },
  });

  const keys = new E2eeKeys(new MemoryKeyStore());
  const device_keys = sign({
    user_id: userId,
    device_id: deviceId,
    algorithms: ["m.olm.v1.curve25519-aes-sha2", "m.megolm.v1.aes-sha2"],
    keys: { [`curve25519:${deviceId}`]: "3C5BFWi2Y8MaVvjM8M22DBmh24PmgR0nPvJOIArzgyI", [`ed25519:${deviceId}`]: key.publicKeyBase64 },
  });
  const one_time_keys = { "signed_curve25519:AAAAHg": sign({ key: "zKbLg+NrIjpnagy+pIY6uPL4ZwEG2v+8F9lmgsnlZzs" }) };
  const now = Date.now();

  const { one_time_key_counts } = await keys.uploadKeys(userId, deviceId, { device_keys, one_time_keys }, now);
  expect(one_time_key_counts).toEqual({ signed_curve25519: 1 });

  const claimed = await keys.claimKeys({ [userId]: { [deviceId]: "signed_curve25519" } }, now);
  expect(Object.keys(claimed.one_time_keys[userId]![deviceId]!)).toEqual(["signed_curve25519:AAAAHg"]);

  const version = await keys.createBackupVersion(userId, "m.megolm_backup.v1.curve25519-aes-sha2", { public_key: "abc" });
  const session = { first_message_index: 0, forwarded_count: 0, is_verified: true, session_data: { ciphertext: "…" } };
  expect(await keys.putBackupKeys(userId, version, { "!room:example.com": { sessionid: session } })).toMatchObject({ count: 1 });
});
