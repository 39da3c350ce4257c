// Event hashes and identifiers:
// - content hash: https://spec.matrix.org/v1.19/server-server-api/#calculating-the-content-hash-for-an-event
// - reference hash: https://spec.matrix.org/v1.19/server-server-api/#calculating-the-reference-hash-for-an-event
// - event IDs: v1–2 server-chosen https://spec.matrix.org/v1.19/rooms/v1/#event-ids,
//   v3 https://spec.matrix.org/v1.19/rooms/v3/#event-ids (unpadded base64),
//   v4+ https://spec.matrix.org/v1.19/rooms/v4/#event-ids (URL-safe unpadded base64)
// - v12 room IDs: https://spec.matrix.org/v1.19/rooms/v12/ and
//   https://spec.matrix.org/v1.19/appendices/#room-ids ("!" + the create event's ID without "$").

import { encodeBase64, encodeBase64Url } from "@weft/canonical-json";
import { EVENT_ID_FORMATS, isKnownRoomVersion, redactEvent, roomVersionRules } from "@weft/common";
import type { RoomVersionRules } from "@weft/common";
import { defaultBackend } from "./ed25519/backend.js";
import { SigningError } from "./errors.js";
import { canonicalBytes, isJsonObject, withoutKeys } from "./internal.js";

/** A room version identifier or its rules. */
export type RoomVersionInput = string | RoomVersionRules;

/** @internal */
export function rulesOf(roomVersion: RoomVersionInput): RoomVersionRules {
  return typeof roomVersion === "string" ? roomVersionRules(roomVersion) : roomVersion;
}

function requireEvent(event: unknown, what: string): Record<string, unknown> {
  if (!isJsonObject(event)) {
    throw new SigningError("INVALID_EVENT", `expected an event object to ${what}, got ${event === null ? "null" : Array.isArray(event) ? "an array" : typeof event}`, {
      errcode: "M_BAD_JSON",
    });
  }
  return event;
}

function encodeOrThrow(value: unknown, legacyNumbers: boolean): Uint8Array {
  try {
    return canonicalBytes(value, legacyNumbers);
  } catch (cause) {
    throw new SigningError("INVALID_EVENT", `expected an event with a canonical JSON form, got one that fails: ${(cause as Error).message}`, {
      cause,
      errcode: "M_BAD_JSON",
    });
  }
}

/** The bytes the content hash covers: the event without `unsigned`, `signatures`, `hashes`. @internal */
export function contentHashBytes(event: Readonly<Record<string, unknown>>, legacyNumbers: boolean): Uint8Array {
  return canonicalBytes(withoutKeys(event, "unsigned", "signatures", "hashes"), legacyNumbers);
}

/** The bytes the signatures and reference hash cover: the redacted event without `signatures`, `unsigned`. @internal */
export function redactedSignedBytes(redacted: Readonly<Record<string, unknown>>, legacyNumbers: boolean): Uint8Array {
  return canonicalBytes(withoutKeys(redacted, "signatures", "unsigned"), legacyNumbers);
}

/**
 * The SHA-256 content hash of an event: canonical JSON of the event without
 * `unsigned`, `signatures` and `hashes`.
 *
 * @param event - the event (not modified).
 * @param roomVersion - optional; for room versions 1–5 numbers are encoded in legacy mode.
 * @returns the 32-byte hash (`hashes.sha256` is its unpadded base64).
 * @throws {SigningError} `INVALID_EVENT` for a non-object or a value with no canonical JSON form.
 * @example
 * ```ts
 * encodeBase64(computeContentHash(event)); // compare with event.hashes.sha256
 * ```
 * @see https://spec.matrix.org/v1.19/server-server-api/#calculating-the-content-hash-for-an-event
 */
export function computeContentHash(event: Readonly<Record<string, unknown>>, roomVersion?: RoomVersionInput): Uint8Array {
  const legacy = roomVersion === undefined ? false : !rulesOf(roomVersion).strictCanonicalJson;
  const target = requireEvent(event, "hash");
  const bytes = encodeOrThrow(withoutKeys(target, "unsigned", "signatures", "hashes"), legacy);
  return defaultBackend().sha256(bytes);
}

/**
 * The reference hash of an event: SHA-256 of the canonical JSON of the
 * redacted event without `signatures` and `unsigned`.
 *
 * @param event - the event (not modified).
 * @param roomVersion - the room version (selects the redaction algorithm).
 * @returns the 32-byte hash.
 * @throws {SigningError} `INVALID_EVENT`; {@link MatrixError} `M_UNSUPPORTED_ROOM_VERSION`.
 * @example
 * ```ts
 * const hash = computeReferenceHash(event, "10");
 * ```
 * @see https://spec.matrix.org/v1.19/server-server-api/#calculating-the-reference-hash-for-an-event
 */
export function computeReferenceHash(event: Readonly<Record<string, unknown>>, roomVersion: RoomVersionInput): Uint8Array {
  const rules = rulesOf(roomVersion);
  const target = requireEvent(event, "hash");
  const bytes = encodeOrThrow(withoutKeys(redactEvent(target, rules), "signatures", "unsigned"), !rules.strictCanonicalJson);
  return defaultBackend().sha256(bytes);
}

/**
 * The event ID of an event in a room version.
 *
 * - v1–2: IDs are chosen by the origin server, so this returns the event's own
 *   `event_id` (make one for a new event with {@link generateLegacyEventId}).
 * - v3: `$` + unpadded standard base64 of the reference hash.
 * - v4+: `$` + unpadded URL-safe base64 of the reference hash.
 *
 * @param event - the event (signed or not: signatures and `unsigned` are not covered).
 * @param roomVersion - the room version.
 * @returns the event ID.
 * @throws {SigningError} `INVALID_EVENT` (v1–2 event without a string `event_id`, or a non-object);
 *   {@link MatrixError} `M_UNSUPPORTED_ROOM_VERSION`.
 * @example
 * ```ts
 * computeEventId(pdu, "12"); // "$Rqnc-F-dvnEYJTyHq_iKxU2bZ1CI92-kuZq3a5lr5Zg"-like
 * ```
 * @see https://spec.matrix.org/v1.19/rooms/v4/#event-ids
 */
export function computeEventId(event: Readonly<Record<string, unknown>>, roomVersion: RoomVersionInput): string {
  const rules = rulesOf(roomVersion);
  const target = requireEvent(event, "identify");
  switch (rules.eventFormat.eventIdFormat) {
    case EVENT_ID_FORMATS.SERVER_CHOSEN: {
      const id = target["event_id"];
      if (typeof id !== "string") {
        throw new SigningError("INVALID_EVENT", `expected a string event_id in a room version ${rules.id} event, got ${typeof id}`, {
          errcode: "M_BAD_JSON",
        });
      }
      return id;
    }
    default:
      return eventIdOfReferenceHash(computeReferenceHash(target, rules), rules);
  }
}

/** The event ID a reference hash gives in a hash-ID room version (v3: standard base64, v4+: URL-safe). @internal */
export function eventIdOfReferenceHash(hash: Uint8Array, rules: RoomVersionRules): string {
  return rules.eventFormat.eventIdFormat === EVENT_ID_FORMATS.REFERENCE_HASH_BASE64 ? `$${encodeBase64(hash)}` : `$${encodeBase64Url(hash)}`;
}

/**
 * The room ID of a room version 12+ room: `!` + URL-safe unpadded base64 of the
 * reference hash of its `m.room.create` event (which has no `room_id`).
 * Uses the rules of `content.room_version` when that is a known version whose
 * room IDs are create-event hashes, otherwise those of version 12.
 *
 * @param createEvent - the `m.room.create` event.
 * @returns the room ID.
 * @throws {SigningError} `INVALID_EVENT` for a non-object or a value with no canonical JSON form.
 * @example
 * ```ts
 * const roomId = computeRoomIdV12(signedCreateEvent); // "!…" (43 characters after "!")
 * ```
 * @see https://spec.matrix.org/v1.19/rooms/v12/
 */
export function computeRoomIdV12(createEvent: Readonly<Record<string, unknown>>): string {
  const target = requireEvent(createEvent, "derive a room ID from");
  const content = target["content"];
  const declared = isJsonObject(content) ? content["room_version"] : undefined;
  const rules =
    isKnownRoomVersion(declared) && roomVersionRules(declared).eventFormat.roomIdIsCreateEventHash
      ? roomVersionRules(declared)
      : roomVersionRules("12");
  return `!${encodeBase64Url(computeReferenceHash(target, rules))}`;
}

const LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

/**
 * A new server-chosen event ID for room versions 1–2: `$<18 random letters>:<serverName>`.
 *
 * @param serverName - the creating server's name.
 * @param random - optional random bytes (one letter per byte; default 18 from `crypto.getRandomValues`).
 * @returns the event ID.
 * @example
 * ```ts
 * generateLegacyEventId("example.org"); // "$GkqLpTnVwxYzAbCdEf:example.org"-like
 * ```
 * @see https://spec.matrix.org/v1.19/rooms/v1/#event-ids
 */
export function generateLegacyEventId(serverName: string, random?: Uint8Array): string {
  const bytes = random ?? globalThis.crypto.getRandomValues(new Uint8Array(18));
  let id = "";
  for (const b of bytes) id += LETTERS[b % LETTERS.length];
  return `$${id}:${serverName}`;
}
