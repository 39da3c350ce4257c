// Identifier helpers the authorization rules need: the server name of a user ID,
// user ID validity (https://spec.matrix.org/v1.19/appendices/#user-identifiers,
// including historical user IDs) and UTF-8 byte lengths for the size limits of
// https://spec.matrix.org/v1.19/client-server-api/#size-limits.
//
// Private stand-ins: `@weft/common` is gaining `serverNameOf` / `isUserId`; swap
// these for those once they land (same semantics: lenient, grammar-level checks).

/**
 * The part after the first `:` of a Matrix identifier (`@user:server` →
 * `server`), or `undefined` when there is none.
 */
export function serverNameOf(id: string): string | undefined {
  const colon = id.indexOf(":");
  return colon < 0 ? undefined : id.slice(colon + 1);
}

/** The domain of an identifier, as compared by the auth rules ("the domain of the sender"). */
export function domainOf(id: unknown): string | undefined {
  return typeof id === "string" ? serverNameOf(id) : undefined;
}

// server-name = hostname [ ":" port ]; hostname = IPv4 / "[" IPv6 "]" / dns-name
const SERVER_NAME = /^(?:\[[0-9A-Fa-f:.]{2,45}\]|[A-Za-z0-9.-]{1,255})(?::[0-9]{1,5})?$/;

/**
 * Whether `value` passes the user ID validation applied to `sender`: `@`, a
 * non-empty localpart without `:` (historical characters are accepted, as
 * servers must), `:`, a grammatical server name, at most 255 bytes.
 */
export function isValidUserId(value: unknown): value is string {
  if (typeof value !== "string" || value.length < 4 || value.charCodeAt(0) !== 0x40 /* @ */) return false;
  const colon = value.indexOf(":");
  if (colon < 2) return false;
  if (utf8ByteLength(value) > 255) return false;
  return SERVER_NAME.test(value.slice(colon + 1));
}

/** The number of bytes `s` takes as UTF-8 (lone surrogates count as U+FFFD, 3 bytes). */
export function utf8ByteLength(s: string): number {
  let bytes = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

/** Whether `s` is longer than `limit` bytes as UTF-8, without counting short strings. */
export function exceedsBytes(s: string, limit: number): boolean {
  // Each UTF-16 code unit is at most 3 UTF-8 bytes, and at least 1.
  if (s.length * 3 <= limit) return false;
  if (s.length > limit) return true;
  return utf8ByteLength(s) > limit;
}
