// Matrix identifiers: https://spec.matrix.org/v1.19/appendices/#identifier-grammar
// (server names, user IDs incl. historical user IDs, room IDs, room aliases and
// event IDs), with the room-version specific forms of
// https://spec.matrix.org/v1.19/rooms/v1/#event-ids,
// https://spec.matrix.org/v1.19/rooms/v3/#event-ids,
// https://spec.matrix.org/v1.19/rooms/v4/#event-ids and
// https://spec.matrix.org/v1.19/rooms/v12/#event-format (domain-less room IDs).
//
// Every `parseX` throws a MatrixError with errcode `M_INVALID_PARAM` and a
// message "expected …, got …"; every `isX` returns a boolean and never throws.
// Parsing never normalises: the branded value is the input string itself
// (server names are case-sensitive, per the spec).

import { MatrixError } from "./errors.js";

declare const BRAND: unique symbol;
/** A string known to satisfy the grammar named by `B`. */
type Branded<B extends string> = string & { readonly [BRAND]: B };

/** A user ID, `@localpart:server.name` (see {@link parseUserId}). */
export type UserId = Branded<"UserId">;
/** A room ID: `!opaque:server.name` (v1–11) or `!<43 chars URL-safe base64>` (v12+). */
export type RoomId = Branded<"RoomId">;
/** An event ID: `$opaque:server.name` (v1–2) or `$<43 chars base64>` (v3+). */
export type EventId = Branded<"EventId">;
/** A room alias, `#localpart:server.name`. */
export type RoomAlias = Branded<"RoomAlias">;
/** A server name: DNS name, IPv4 literal or bracketed IPv6 literal, with an optional port. */
export type ServerName = Branded<"ServerName">;

/** Options for {@link parseUserId} and {@link isUserId}. */
export interface UserIdOptions {
  /**
   * Accept historical user IDs
   * (https://spec.matrix.org/v1.19/appendices/#historical-user-ids): any
   * localpart that contains neither `:` nor NUL nor a lone surrogate, including
   * the empty string. Servers MUST accept such senders in received events, so
   * code that checks federation input passes `{ historical: true }`; code that
   * creates new users leaves it off. Default `false`: the current grammar,
   * localpart `[a-z0-9._=\-/+]+`.
   */
  readonly historical?: boolean;
}

/** The longest user ID, room ID, room alias or event ID in bytes (UTF-8), sigil and domain included. */
export const MAX_IDENTIFIER_BYTES = 255;

// --- helpers -----------------------------------------------------------------

function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.length > 300 ? `${value.slice(0, 300)}…` : value);
  if (value === null) return "null";
  return typeof value;
}

function invalid(expected: string, value: unknown): MatrixError {
  return new MatrixError("M_INVALID_PARAM", `expected ${expected}, got ${describe(value)}`);
}

/** UTF-8 byte length of a string (lone surrogates count as U+FFFD, 3 bytes, like TextEncoder). */
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

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Localpart of historical user IDs, room aliases and v1–11 room IDs: no `:`, no NUL, no lone surrogate. */
function isOpaqueLocalpart(s: string): boolean {
  return !s.includes(":") && !s.includes("\u0000") && !LONE_SURROGATE.test(s);
}

const USER_LOCALPART = /^[a-z0-9._=\-/+]+$/;
const DNS_NAME = /^[A-Za-z0-9.-]{1,255}$/;
const DOTTED_QUAD = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const ALL_DIGITS_DOTTED = /^[\d.]+$/;
const PORT = /^\d{1,5}$/;
const HEX_GROUP = /^[0-9A-Fa-f]{1,4}$/;
/** 32-byte hashes as unpadded base64 are 43 characters; v3 uses the standard alphabet, v4+ the URL-safe one. */
const HASH_STANDARD = /^[A-Za-z0-9+/]{43}$/;
const HASH_URL_SAFE = /^[A-Za-z0-9_-]{43}$/;

function isIpv4(s: string): boolean {
  const m = DOTTED_QUAD.exec(s);
  return m !== null && m.slice(1).every((part) => Number(part) <= 255);
}

/** RFC 3513 §2.2 text forms: eight 16-bit hex groups, `::` at most once, optional trailing dotted quad. */
function isIpv6(s: string): boolean {
  if (s.length < 2 || s.length > 45) return false;
  const lastColon = s.lastIndexOf(":");
  if (lastColon < 0) return false;
  let text = s;
  const lastPiece = s.slice(lastColon + 1);
  if (lastPiece.includes(".")) {
    // An embedded IPv4 address stands for the last two groups.
    if (!isIpv4(lastPiece)) return false;
    text = `${s.slice(0, lastColon + 1)}0:0`;
  }
  const countGroups = (part: string): number | undefined => {
    if (part === "") return 0;
    const groups = part.split(":");
    return groups.every((g) => HEX_GROUP.test(g)) ? groups.length : undefined;
  };
  const halves = text.split("::");
  if (halves.length > 2) return false;
  if (halves.length === 1) return countGroups(text) === 8;
  const head = countGroups(halves[0]!);
  const tail = countGroups(halves[1]!);
  return head !== undefined && tail !== undefined && head + tail <= 7;
}

/** The parts of a server name: host (brackets kept for IPv6) and optional port. */
export interface ServerNameParts {
  /** `example.com`, `1.2.3.4` or `[::1]` (brackets kept). */
  readonly host: string;
  /** The explicit port, or `undefined` when none was given. */
  readonly port: number | undefined;
  /** Which kind of host this is. */
  readonly hostKind: "dns" | "ipv4" | "ipv6";
}

function splitServerName(s: string): ServerNameParts | undefined {
  let host: string;
  let portText: string | undefined;
  let hostKind: ServerNameParts["hostKind"];
  if (s.startsWith("[")) {
    const close = s.indexOf("]");
    if (close < 0) return undefined;
    host = s.slice(0, close + 1);
    const rest = s.slice(close + 1);
    if (rest !== "") {
      if (!rest.startsWith(":")) return undefined;
      portText = rest.slice(1);
    }
    if (!isIpv6(host.slice(1, -1))) return undefined;
    hostKind = "ipv6";
  } else {
    const colon = s.indexOf(":");
    host = colon < 0 ? s : s.slice(0, colon);
    portText = colon < 0 ? undefined : s.slice(colon + 1);
    if (isIpv4(host)) hostKind = "ipv4";
    // A dotted all-digit name that is not a valid IPv4 literal (e.g. 1.2.3.999)
    // matches neither production sensibly; the spec requires IPv4 octets ≤ 255.
    else if (DNS_NAME.test(host) && !(DOTTED_QUAD.test(host) && ALL_DIGITS_DOTTED.test(host))) hostKind = "dns";
    else return undefined;
  }
  let port: number | undefined;
  if (portText !== undefined) {
    if (!PORT.test(portText)) return undefined;
    port = Number(portText);
    if (port < 1 || port > 65535) return undefined;
  }
  return { host, port, hostKind };
}

/** `&localpart:server` → parts, splitting at the first `:` (localparts never contain one). */
function splitSigilled(s: string, sigil: string): { localpart: string; serverName: string } | undefined {
  if (s[0] !== sigil) return undefined;
  const colon = s.indexOf(":");
  if (colon < 0) return undefined;
  return { localpart: s.slice(1, colon), serverName: s.slice(colon + 1) };
}

// --- server names ------------------------------------------------------------

/**
 * Whether `s` is a valid server name
 * (`hostname [ ":" port ]`, hostname = DNS name / IPv4 / `[` IPv6 `]`, port 1–65535).
 *
 * @example
 * ```ts
 * isServerName("matrix.org:8448"); // true
 * isServerName("[1234:5678::abcd]"); // true
 * isServerName("exa mple.org"); // false
 * ```
 * @see https://spec.matrix.org/v1.19/appendices/#server-name
 */
export function isServerName(s: unknown): s is ServerName {
  return typeof s === "string" && splitServerName(s) !== undefined;
}

/**
 * Parses a server name. Case is preserved (server names are case-sensitive).
 *
 * @param s - the candidate server name.
 * @returns `s`, branded.
 * @throws {MatrixError} `M_INVALID_PARAM` when `s` is not a server name.
 * @example
 * ```ts
 * const server = parseServerName("example.com:8448");
 * ```
 * @see https://spec.matrix.org/v1.19/appendices/#server-name
 */
export function parseServerName(s: unknown): ServerName {
  if (!isServerName(s)) throw invalid("a server name (host[:port])", s);
  return s;
}

/**
 * Splits a server name into host and port.
 *
 * @param serverName - a server name.
 * @returns `{ host, port, hostKind }`; `port` is `undefined` when not given.
 * @throws {MatrixError} `M_INVALID_PARAM` when `serverName` is not a server name.
 * @example
 * ```ts
 * serverNameParts("[::1]:8448"); // { host: "[::1]", port: 8448, hostKind: "ipv6" }
 * ```
 * @see https://spec.matrix.org/v1.19/appendices/#server-name
 */
export function serverNameParts(serverName: string): ServerNameParts {
  const parts = typeof serverName === "string" ? splitServerName(serverName) : undefined;
  if (parts === undefined) throw invalid("a server name (host[:port])", serverName);
  return parts;
}

// --- user IDs ----------------------------------------------------------------

function checkUserId(s: unknown, historical: boolean): s is UserId {
  if (typeof s !== "string" || utf8ByteLength(s) > MAX_IDENTIFIER_BYTES) return false;
  const parts = splitSigilled(s, "@");
  if (parts === undefined || !isServerName(parts.serverName)) return false;
  return historical ? isOpaqueLocalpart(parts.localpart) : USER_LOCALPART.test(parts.localpart);
}

/**
 * Whether `s` is a user ID. See {@link UserIdOptions} for historical user IDs.
 *
 * @example
 * ```ts
 * isUserId("@alice:example.com"); // true
 * isUserId("@Alice:example.com"); // false
 * isUserId("@Alice:example.com", { historical: true }); // true
 * ```
 * @see https://spec.matrix.org/v1.19/appendices/#user-identifiers
 */
export function isUserId(s: unknown, options?: UserIdOptions): s is UserId {
  return checkUserId(s, options?.historical === true);
}

/**
 * Parses a user ID: `@localpart:server_name`, at most 255 bytes.
 *
 * @param s - the candidate user ID.
 * @param options - `{ historical: true }` to accept historical localparts (use it for received events).
 * @returns `s`, branded.
 * @throws {MatrixError} `M_INVALID_PARAM` when `s` is not a user ID.
 * @example
 * ```ts
 * const alice = parseUserId("@alice:example.com");
 * const old = parseUserId("@Old_User!:example.com", { historical: true });
 * ```
 * @see https://spec.matrix.org/v1.19/appendices/#user-identifiers
 */
export function parseUserId(s: unknown, options?: UserIdOptions): UserId {
  const historical = options?.historical === true;
  if (!checkUserId(s, historical)) {
    throw invalid(historical ? "a user ID (@localpart:server, historical localparts allowed)" : "a user ID (@localpart:server, localpart [a-z0-9._=-/+])", s);
  }
  return s;
}

/**
 * Splits a user ID into localpart and server name (at the first `:`).
 *
 * @param userId - a user ID (current or historical grammar).
 * @returns `{ localpart, serverName }`.
 * @throws {MatrixError} `M_INVALID_PARAM` when `userId` is not even a historical user ID.
 * @example
 * ```ts
 * userIdParts(parseUserId("@alice:example.com:8448")); // { localpart: "alice", serverName: "example.com:8448" }
 * ```
 * @see https://spec.matrix.org/v1.19/appendices/#user-identifiers
 */
export function userIdParts(userId: string): { localpart: string; serverName: ServerName } {
  const parts = checkUserId(userId, true) ? splitSigilled(userId, "@") : undefined;
  if (parts === undefined) throw invalid("a user ID (@localpart:server)", userId);
  return { localpart: parts.localpart, serverName: parts.serverName as ServerName };
}

/**
 * Builds a user ID from a localpart and server name, checking the result.
 *
 * @param localpart - e.g. `alice`.
 * @param serverName - e.g. `example.com`.
 * @param options - `{ historical: true }` to allow historical localparts.
 * @returns `@localpart:serverName`, branded.
 * @throws {MatrixError} `M_INVALID_PARAM` when the result is not a valid user ID.
 * @example
 * ```ts
 * buildUserId("alice", "example.com"); // "@alice:example.com"
 * ```
 * @see https://spec.matrix.org/v1.19/appendices/#user-identifiers
 */
export function buildUserId(localpart: string, serverName: string, options?: UserIdOptions): UserId {
  return parseUserId(`@${localpart}:${serverName}`, options);
}

// --- room IDs ----------------------------------------------------------------

/**
 * Whether `s` is a room ID in either form: `!opaque:server` (room versions 1–11)
 * or `!` + 43 characters of URL-safe unpadded base64 (room version 12+, the
 * create event's reference hash).
 *
 * @example
 * ```ts
 * isRoomId("!abc:example.com"); // true
 * isRoomId("!31hneApxJ_1o-63DmFrpeqnkFfWppnzWso1JvH3ogLM"); // true
 * isRoomId("#abc:example.com"); // false
 * ```
 * @see https://spec.matrix.org/v1.19/appendices/#room-ids
 */
export function isRoomId(s: unknown): s is RoomId {
  if (typeof s !== "string" || s[0] !== "!" || utf8ByteLength(s) > MAX_IDENTIFIER_BYTES) return false;
  const parts = splitSigilled(s, "!");
  if (parts === undefined) return HASH_URL_SAFE.test(s.slice(1));
  return isOpaqueLocalpart(parts.localpart) && isServerName(parts.serverName);
}

/**
 * Parses a room ID (either form, see {@link isRoomId}).
 *
 * @param s - the candidate room ID.
 * @returns `s`, branded.
 * @throws {MatrixError} `M_INVALID_PARAM` when `s` is not a room ID.
 * @example
 * ```ts
 * const room = parseRoomId("!abc:example.com");
 * ```
 * @see https://spec.matrix.org/v1.19/appendices/#room-ids
 */
export function parseRoomId(s: unknown): RoomId {
  if (!isRoomId(s)) throw invalid("a room ID (!opaque:server or !<43 chars URL-safe base64>)", s);
  return s;
}

// --- room aliases ------------------------------------------------------------

/**
 * Whether `s` is a room alias, `#localpart:server` (localpart: no `:`, no NUL), at most 255 bytes.
 *
 * @example
 * ```ts
 * isRoomAlias("#room:example.com"); // true
 * ```
 * @see https://spec.matrix.org/v1.19/appendices/#room-aliases
 */
export function isRoomAlias(s: unknown): s is RoomAlias {
  if (typeof s !== "string" || utf8ByteLength(s) > MAX_IDENTIFIER_BYTES) return false;
  const parts = splitSigilled(s, "#");
  return parts !== undefined && isOpaqueLocalpart(parts.localpart) && isServerName(parts.serverName);
}

/**
 * Parses a room alias.
 *
 * @param s - the candidate room alias.
 * @returns `s`, branded.
 * @throws {MatrixError} `M_INVALID_PARAM` when `s` is not a room alias.
 * @example
 * ```ts
 * const alias = parseRoomAlias("#room:example.com");
 * ```
 * @see https://spec.matrix.org/v1.19/appendices/#room-aliases
 */
export function parseRoomAlias(s: unknown): RoomAlias {
  if (!isRoomAlias(s)) throw invalid("a room alias (#localpart:server)", s);
  return s;
}

// --- event IDs ---------------------------------------------------------------

/**
 * Whether `s` is an event ID in either form: `$opaque:server` (room versions 1–2)
 * or `$` + 43 characters of unpadded base64 (standard alphabet for v3, URL-safe
 * for v4+). At most 255 bytes.
 *
 * @example
 * ```ts
 * isEventId("$0:domain"); // true (v1–2)
 * isEventId("$Rqnc-F-dvnEYJTyHq_iKxU2bZ1CI92-kuZq3a5lr5Zg"); // true (v4+)
 * isEventId("$abc"); // false
 * ```
 * @see https://spec.matrix.org/v1.19/appendices/#event-ids
 */
export function isEventId(s: unknown): s is EventId {
  if (typeof s !== "string" || s[0] !== "$" || utf8ByteLength(s) > MAX_IDENTIFIER_BYTES) return false;
  const parts = splitSigilled(s, "$");
  if (parts === undefined) {
    const hash = s.slice(1);
    return HASH_URL_SAFE.test(hash) || HASH_STANDARD.test(hash);
  }
  return isOpaqueLocalpart(parts.localpart) && isServerName(parts.serverName);
}

/**
 * Parses an event ID (either form, see {@link isEventId}).
 *
 * @param s - the candidate event ID.
 * @returns `s`, branded.
 * @throws {MatrixError} `M_INVALID_PARAM` when `s` is not an event ID.
 * @example
 * ```ts
 * const id = parseEventId("$Rqnc-F-dvnEYJTyHq_iKxU2bZ1CI92-kuZq3a5lr5Zg");
 * ```
 * @see https://spec.matrix.org/v1.19/appendices/#event-ids
 */
export function parseEventId(s: unknown): EventId {
  if (!isEventId(s)) throw invalid("an event ID ($opaque:server or $<43 chars base64>)", s);
  return s;
}

// --- server name of an identifier ----------------------------------------------

/**
 * The server name inside an identifier: a user ID (historical grammar
 * accepted), a room alias, a v1–11 room ID or a v1–2 event ID.
 *
 * @param id - a user ID, room alias, room ID or event ID.
 * @returns the server name, or `undefined` for identifiers without one (v12
 *   room IDs, v3+ event IDs).
 * @throws {MatrixError} `M_INVALID_PARAM` when `id` is none of those identifiers.
 * @example
 * ```ts
 * serverNameOf("@alice:example.com"); // "example.com"
 * serverNameOf("$Rqnc-F-dvnEYJTyHq_iKxU2bZ1CI92-kuZq3a5lr5Zg"); // undefined
 * ```
 * @see https://spec.matrix.org/v1.19/appendices/#common-identifier-format
 */
export function serverNameOf(id: string): ServerName | undefined {
  const valid =
    typeof id === "string" &&
    (id[0] === "@" ? isUserId(id, { historical: true }) : id[0] === "#" ? isRoomAlias(id) : id[0] === "!" ? isRoomId(id) : id[0] === "$" ? isEventId(id) : false);
  if (!valid) throw invalid("a user ID, room alias, room ID or event ID", id);
  const colon = id.indexOf(":");
  return colon < 0 ? undefined : (id.slice(colon + 1) as ServerName);
}

// --- v12 room IDs and create events --------------------------------------------

/**
 * The room ID of a room version 12+ room: its create event's ID with the sigil
 * `!` instead of `$`.
 *
 * @param createEventId - the `m.room.create` event's ID (`$` + 43 URL-safe base64 characters).
 * @returns the room ID.
 * @throws {MatrixError} `M_INVALID_PARAM` when the argument is not a URL-safe hash event ID.
 * @example
 * ```ts
 * roomIdFromCreateEventId("$31hneApxJ_1o-63DmFrpeqnkFfWppnzWso1JvH3ogLM"); // "!31hneApxJ_1o-63DmFrpeqnkFfWppnzWso1JvH3ogLM"
 * ```
 * @see https://spec.matrix.org/v1.19/appendices/#room-ids
 */
export function roomIdFromCreateEventId(createEventId: string): RoomId {
  if (typeof createEventId !== "string" || createEventId[0] !== "$" || !HASH_URL_SAFE.test(createEventId.slice(1))) {
    throw invalid("a create event ID ($ + 43 chars URL-safe base64)", createEventId);
  }
  return `!${createEventId.slice(1)}` as RoomId;
}

/**
 * The create event ID a room version 12+ room ID stands for (`!` → `$`), or
 * `undefined` for a room ID with a server name (room versions 1–11).
 *
 * @param roomId - a room ID.
 * @returns the `m.room.create` event ID, or `undefined`.
 * @throws {MatrixError} `M_INVALID_PARAM` when `roomId` is not a room ID.
 * @example
 * ```ts
 * createEventIdFromRoomId("!31hneApxJ_1o-63DmFrpeqnkFfWppnzWso1JvH3ogLM"); // "$31hneApxJ_1o-63DmFrpeqnkFfWppnzWso1JvH3ogLM"
 * createEventIdFromRoomId("!abc:example.com"); // undefined
 * ```
 * @see https://spec.matrix.org/v1.19/rooms/v12/#authorisation-rules
 */
export function createEventIdFromRoomId(roomId: string): EventId | undefined {
  if (!isRoomId(roomId)) throw invalid("a room ID (!opaque:server or !<43 chars URL-safe base64>)", roomId);
  return roomId.includes(":") ? undefined : (`$${roomId.slice(1)}` as EventId);
}
