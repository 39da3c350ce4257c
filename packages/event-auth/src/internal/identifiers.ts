// Identifier helpers the authorization rules need: the domain of an identifier
// (https://spec.matrix.org/v1.19/appendices/#common-identifier-format) and byte
// lengths for the size limits of https://spec.matrix.org/v1.19/client-server-api/#size-limits.
//
// `@weft/common`'s `serverNameOf` validates the whole identifier; the auth rules
// only compare domains of IDs that passed event-format checks, so the hot path
// here just splits at the first `:` (a user ID's localpart never contains one).

import { utf8ByteLength } from "@weft/common";

/**
 * The part after the first `:` of a Matrix identifier (`@user:server` →
 * `server`), or `undefined` when there is none.
 */
export function domainPart(id: string): string | undefined {
  const colon = id.indexOf(":");
  return colon < 0 ? undefined : id.slice(colon + 1);
}

/** The domain of an identifier, as compared by the auth rules ("the domain of the sender"). */
export function domainOf(id: unknown): string | undefined {
  return typeof id === "string" ? domainPart(id) : undefined;
}

/** Whether `s` is longer than `limit` bytes as UTF-8, without counting short strings. */
export function exceedsBytes(s: string, limit: number): boolean {
  // Each UTF-16 code unit is at most 3 UTF-8 bytes, and at least 1.
  if (s.length * 3 <= limit) return false;
  if (s.length > limit) return true;
  return utf8ByteLength(s) > limit;
}
