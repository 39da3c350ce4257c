// Test helpers: real ed25519 keys for devices and cross-signing keys, signed
// the way clients sign them (https://spec.matrix.org/v1.19/appendices/#signing-json).

import { namedKey, signAs, type NamedKey } from "../src/test-keys.js";

export { namedKey, signAs, type NamedKey };
import type { CrossSigningKey, DeviceKeys } from "../src/index.js";

export interface TestDevice {
  readonly userId: string;
  readonly deviceId: string;
  readonly key: NamedKey;
  readonly deviceKeys: DeviceKeys;
  /** `count` signed one-time keys with IDs `signed_curve25519:<prefix><n>`. */
  oneTimeKeys(from: number, count: number, prefix?: string): Record<string, unknown>;
  fallbackKey(id: string): Record<string, unknown>;
}

export function makeDevice(userId: string, deviceId: string): TestDevice {
  const key = namedKey(deviceId);
  const unsigned = {
    user_id: userId,
    device_id: deviceId,
    algorithms: ["m.olm.v1.curve25519-aes-sha2", "m.megolm.v1.aes-sha2"],
    keys: { [`curve25519:${deviceId}`]: `curve-${deviceId}`, [`ed25519:${deviceId}`]: key.publicKeyBase64 },
  };
  const signedOtk = (id: string, fallback = false): unknown => signAs({ key: `otk-${id}`, ...(fallback ? { fallback: true } : {}) }, userId, key);
  return {
    userId,
    deviceId,
    key,
    deviceKeys: signAs(unsigned, userId, key) as DeviceKeys,
    oneTimeKeys(from, count, prefix = "K") {
      const out: Record<string, unknown> = {};
      for (let i = from; i < from + count; i++) out[`signed_curve25519:${prefix}${String(i).padStart(4, "0")}`] = signedOtk(`${prefix}${i}`);
      return out;
    },
    fallbackKey(id) {
      return { [`signed_curve25519:${id}`]: signedOtk(id, true) };
    },
  };
}

export interface TestCrossSigning {
  readonly master: NamedKey;
  readonly selfSigning: NamedKey;
  readonly userSigning: NamedKey;
  readonly masterKey: CrossSigningKey;
  readonly selfSigningKey: CrossSigningKey;
  readonly userSigningKey: CrossSigningKey;
}

export function makeCrossSigning(userId: string): TestCrossSigning {
  const master = namedKey();
  const selfSigning = namedKey();
  const userSigning = namedKey();
  const csKey = (usage: string, k: NamedKey): CrossSigningKey => ({ user_id: userId, usage: [usage], keys: { [`ed25519:${k.publicKeyBase64}`]: k.publicKeyBase64 } });
  return {
    master,
    selfSigning,
    userSigning,
    masterKey: csKey("master", master),
    selfSigningKey: signAs(csKey("self_signing", selfSigning), userId, master),
    userSigningKey: signAs(csKey("user_signing", userSigning), userId, master),
  };
}
