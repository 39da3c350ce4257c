// Helpers for E2EE tests: real ed25519 device and cross-signing keys, signed
// as clients sign them (https://spec.matrix.org/v1.19/appendices/#signing-json).

import { namedKey, signAs, type NamedKey } from "@weft/e2ee-keys/conformance";

export { namedKey, signAs, type NamedKey };

/** A device's keys and helpers to make its one-time and fallback keys. */
export interface TestDeviceKeys {
  readonly key: NamedKey;
  readonly deviceKeys: Record<string, unknown>;
  oneTimeKeys(from: number, count: number): Record<string, unknown>;
  fallbackKey(id: string): Record<string, unknown>;
}

export function deviceKeysFor(userId: string, deviceId: string): TestDeviceKeys {
  const key = namedKey(deviceId);
  const signedOtk = (id: string, fallback = false): unknown => signAs({ key: `otk-${id}`, ...(fallback ? { fallback: true } : {}) }, userId, key);
  return {
    key,
    deviceKeys: signAs(
      {
        user_id: userId,
        device_id: deviceId,
        algorithms: ["m.olm.v1.curve25519-aes-sha2", "m.megolm.v1.aes-sha2"],
        keys: { [`curve25519:${deviceId}`]: `curve-${deviceId}`, [`ed25519:${deviceId}`]: key.publicKeyBase64 },
      },
      userId,
      key,
    ),
    oneTimeKeys(from, count) {
      const out: Record<string, unknown> = {};
      for (let i = from; i < from + count; i++) out[`signed_curve25519:K${String(i).padStart(4, "0")}`] = signedOtk(`K${i}`);
      return out;
    },
    fallbackKey(id) {
      return { [`signed_curve25519:${id}`]: signedOtk(id, true) };
    },
  };
}

/** Master, self-signing and user-signing keys, the latter two signed by the master key. */
export function crossSigningFor(userId: string): {
  master: NamedKey;
  selfSigning: NamedKey;
  userSigning: NamedKey;
  master_key: Record<string, unknown>;
  self_signing_key: Record<string, unknown>;
  user_signing_key: Record<string, unknown>;
} {
  const master = namedKey();
  const selfSigning = namedKey();
  const userSigning = namedKey();
  const csKey = (usage: string, k: NamedKey): Record<string, unknown> => ({ user_id: userId, usage: [usage], keys: { [`ed25519:${k.publicKeyBase64}`]: k.publicKeyBase64 } });
  return {
    master,
    selfSigning,
    userSigning,
    master_key: csKey("master", master),
    self_signing_key: signAs(csKey("self_signing", selfSigning), userId, master),
    user_signing_key: signAs(csKey("user_signing", userSigning), userId, master),
  };
}
