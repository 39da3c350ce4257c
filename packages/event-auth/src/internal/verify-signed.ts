// Verifying the `signed` block of a third-party invite
// (https://spec.matrix.org/v1.19/client-server-api/#mroommember, auth rule
// "If any signature in signed matches any public key in the
// m.room.third_party_invite event, allow"), with the signing-JSON procedure of
// https://spec.matrix.org/v1.19/appendices/#checking-for-a-signature as
// implemented by `@weft/signing` (strict ed25519).

import { verifyJsonSignature } from "@weft/signing";

/**
 * Whether any ed25519 signature in `signed.signatures` verifies `signed` with
 * any of `publicKeys` (unpadded base64). The identity server that signed is not
 * known in advance, so every (server, key ID) entry is tried against every key.
 */
export function anySignatureMatches(signed: Record<string, unknown>, publicKeys: readonly string[]): boolean {
  const signatures = signed.signatures;
  if (typeof signatures !== "object" || signatures === null || publicKeys.length === 0) return false;
  for (const [server, byKeyId] of Object.entries(signatures as Record<string, unknown>)) {
    if (typeof byKeyId !== "object" || byKeyId === null) continue;
    for (const keyId of Object.keys(byKeyId)) {
      if (!keyId.startsWith("ed25519:")) continue;
      for (const key of publicKeys) if (verifyJsonSignature(signed, server, keyId, key).ok) return true;
    }
  }
  return false;
}
