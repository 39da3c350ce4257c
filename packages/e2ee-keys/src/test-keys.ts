// Test support: real ed25519 keys signed the way clients sign device,
// one-time and cross-signing keys
// (https://spec.matrix.org/v1.19/appendices/#signing-json). Exported with the
// conformance suite from `@weft/e2ee-keys/conformance`, so store and server
// tests build the same signed keys.

import { encodeBase64 } from "@weft/canonical-json";
import { generateSigningKey, signedBytes } from "@weft/signing";

/** An ed25519 key with the name clients give it (`ed25519:<device ID>` or `ed25519:<public key>`). */
export interface NamedKey {
  readonly publicKeyBase64: string;
  readonly keyId: string;
  sign(message: Uint8Array): Uint8Array;
}

/** A fresh key named `ed25519:<name>`, or after its public key when no name is given. */
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
