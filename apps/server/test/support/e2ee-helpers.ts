// Helpers for E2EE tests: real ed25519 device and cross-signing keys, signed
// as clients sign them (https://spec.matrix.org/v1.19/appendices/#signing-json).

import { encodeBase64 } from "@weft/canonical-json";
import { generateSigningKey, signedBytes } from "@weft/signing";

/** An ed25519 key with the name clients give it. */
export interface NamedKey {
  readonly publicKeyBase64: string;
  readonly keyId: string;
  sign(message: Uint8Array): Uint8Array;
}

export function namedKey(name?: string): NamedKey {
  const key = generateSigningKey("k");
  return { publicKeyBase64: key.publicKeyBase64, keyId: `ed25519:${name ?? key.publicKeyBase64}`, sign: (m) => key.sign(m) };
}

/** Adds `signatures[userId][key.keyId]` to a copy of `obj`. */
export function signAs<T extends Record<string, unknown>>(obj: T, userId: string, key: NamedKey): T {
  const sig = encodeBase64(key.sign(signedBytes(obj)));
  const existing = (obj.signatures ?? {}) as Record<string, Record<string, string>>;
  return { ...obj, signatures: { ...existing, [userId]: { ...(existing[userId] ?? {}), [key.keyId]: sig } } };
}

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
