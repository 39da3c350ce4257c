// The wire shape of PDUs per room version:
// https://spec.matrix.org/v1.19/server-server-api/#pdus and the event format of
// each room version — v1–2 https://spec.matrix.org/v1.19/rooms/v1/#event-format,
// v3 https://spec.matrix.org/v1.19/rooms/v3/#event-format, v4–5 …/rooms/v4/#event-format,
// v6–10 …/rooms/v6/#event-format, v11 …/rooms/v11/#event-format,
// v12 https://spec.matrix.org/v1.19/rooms/v12/#event-format — and the size limits of
// https://spec.matrix.org/v1.19/client-server-api/#size-limits.
//
// ┌──────────────────────────────────────────────────────────────────────────┐
// │ NEVER hash, sign or store a parsed copy of a PDU. These schemas only      │
// │ CHECK the original JSON: validatePdu returns the very object it was       │
// │ given (same reference), unknown keys included, because hashes and         │
// │ signatures cover every key. Do not use PduSchema.parse(...)'s result for  │
// │ anything but reading.                                                     │
// └──────────────────────────────────────────────────────────────────────────┘
//
// Decisions:
// - Unknown keys are allowed everywhere (z.looseObject): federation may add
//   keys, and they are covered by the signatures.
// - `depth` and `origin_server_ts` must be safe integers (|n| ≤ 2^53−1) in every
//   room version. Room versions 1–5 nominally allow depth up to 2^63−1, but a
//   JavaScript number cannot hold such values exactly, so an event carrying one
//   could not be re-encoded for its hash check anyway.
// - Identifier grammar (sender, room_id, event IDs) is not checked here: the
//   spec's format only says "string"; the auth rules and the signing checks
//   decide about the values. Byte limits are in checkPduSizeLimits.

import { z } from "zod";
import { roomVersionRules } from "./room-versions.js";
import type { RoomVersionRules } from "./room-versions.js";
import type { Pdu } from "./pdu.js";
import { MAX_IDENTIFIER_BYTES, utf8ByteLength } from "./identifiers.js";

/** `prev_events` may list at most this many events. */
export const MAX_PREV_EVENTS = 20;
/** `auth_events` may list at most this many events. */
export const MAX_AUTH_EVENTS = 10;
/** The largest PDU, in bytes of canonical JSON (signatures included). */
export const MAX_PDU_BYTES = 65536;

const HashesSchema = z.looseObject({ sha256: z.string({ error: "expected a string (unpadded base64 SHA-256)" }) });
const SignaturesSchema = z.record(z.string(), z.record(z.string(), z.string()), {
  error: "expected an object of server name → key ID → signature string",
});
const Depth = z.int({ error: "expected a non-negative safe integer" }).min(0, { error: "expected a non-negative safe integer" });
const Timestamp = z.int({ error: "expected a safe integer (milliseconds since the epoch)" });
const EventIdList = z.array(z.string({ error: "expected an event ID string" }));
/** v1–2: `[event_id, { sha256 }]`. */
const ReferencePair = z.tuple([z.string({ error: "expected an event ID string" }), HashesSchema], {
  error: "expected an [event_id, { sha256 }] pair",
});
const ReferencePairList = z.array(ReferencePair);

/** Keys every room version's PDU has (https://spec.matrix.org/v1.19/server-server-api/#pdus, `pdu_base`). */
const baseShape = {
  sender: z.string({ error: "expected a user ID string" }),
  origin_server_ts: Timestamp,
  type: z.string({ error: "expected an event type string" }),
  state_key: z.string({ error: "expected a string" }).optional(),
  content: z.looseObject({}, { error: "expected an object" }),
  depth: Depth,
  hashes: HashesSchema,
  signatures: SignaturesSchema,
  unsigned: z.looseObject({}, { error: "expected an object" }).optional(),
};

/**
 * The PDU shape common to every room version: required keys and their types,
 * `prev_events`/`auth_events` as either form, `room_id` and `event_id`
 * optional. Unknown keys are allowed. Prefer {@link validatePdu}, which applies
 * the room version's rules and returns the original object.
 *
 * @example
 * ```ts
 * if (!PduSchema.safeParse(json).success) { ... } // do not keep the parsed copy
 * ```
 * @see https://spec.matrix.org/v1.19/server-server-api/#pdus
 */
export const PduSchema = z.looseObject({
  ...baseShape,
  room_id: z.string({ error: "expected a room ID string" }).optional(),
  event_id: z.string({ error: "expected an event ID string" }).optional(),
  prev_events: z.union([EventIdList, ReferencePairList], { error: "expected a list of event IDs or [event_id, hashes] pairs" }),
  auth_events: z.union([EventIdList, ReferencePairList], { error: "expected a list of event IDs or [event_id, hashes] pairs" }),
});

/**
 * Room versions 1–2: `event_id` required, references as `[event_id, hashes]` pairs.
 *
 * @see https://spec.matrix.org/v1.19/rooms/v1/#event-format
 */
export const PduV1Schema = z.looseObject({
  ...baseShape,
  room_id: z.string({ error: "expected a room ID string" }),
  event_id: z.string({ error: "expected an event ID string" }),
  redacts: z.string({ error: "expected an event ID string" }).optional(),
  prev_events: ReferencePairList.max(MAX_PREV_EVENTS, { error: `expected at most ${MAX_PREV_EVENTS} prev_events` }),
  auth_events: ReferencePairList.max(MAX_AUTH_EVENTS, { error: `expected at most ${MAX_AUTH_EVENTS} auth_events` }),
});

/**
 * Room versions 3–10: references are event ID strings; top-level `redacts`.
 *
 * @see https://spec.matrix.org/v1.19/rooms/v4/#event-format
 */
export const PduV3Schema = z.looseObject({
  ...baseShape,
  room_id: z.string({ error: "expected a room ID string" }),
  redacts: z.string({ error: "expected an event ID string" }).optional(),
  prev_events: EventIdList.max(MAX_PREV_EVENTS, { error: `expected at most ${MAX_PREV_EVENTS} prev_events` }),
  auth_events: EventIdList.max(MAX_AUTH_EVENTS, { error: `expected at most ${MAX_AUTH_EVENTS} auth_events` }),
});

/**
 * Room version 11: as v3–10, but `redacts` moved into `content` (a top-level
 * `redacts` is just an unknown key).
 *
 * @see https://spec.matrix.org/v1.19/rooms/v11/#event-format
 */
export const PduV11Schema = z.looseObject({
  ...baseShape,
  room_id: z.string({ error: "expected a room ID string" }),
  prev_events: EventIdList.max(MAX_PREV_EVENTS, { error: `expected at most ${MAX_PREV_EVENTS} prev_events` }),
  auth_events: EventIdList.max(MAX_AUTH_EVENTS, { error: `expected at most ${MAX_AUTH_EVENTS} auth_events` }),
});

/**
 * Room version 12: as v11, but `m.room.create` events carry no `room_id` (the
 * room ID is derived from their reference hash) while every other event must.
 *
 * @see https://spec.matrix.org/v1.19/rooms/v12/#event-format
 */
export const PduV12Schema = z
  .looseObject({
    ...baseShape,
    room_id: z.string({ error: "expected a room ID string" }).optional(),
    prev_events: EventIdList.max(MAX_PREV_EVENTS, { error: `expected at most ${MAX_PREV_EVENTS} prev_events` }),
    auth_events: EventIdList.max(MAX_AUTH_EVENTS, { error: `expected at most ${MAX_AUTH_EVENTS} auth_events` }),
  })
  .check((ctx) => {
    const pdu = ctx.value;
    // Auth rule 1.2 of v12 keys on the type alone ("If type is m.room.create … If the event has a room_id, reject").
    const isCreate = pdu.type === "m.room.create";
    if (isCreate && "room_id" in pdu) {
      ctx.issues.push({ code: "custom", path: ["room_id"], input: pdu.room_id, message: "expected no room_id on an m.room.create event (room version 12), got one" });
    } else if (!isCreate && pdu.room_id === undefined) {
      ctx.issues.push({ code: "custom", path: ["room_id"], input: undefined, message: "expected a room ID string, got nothing" });
    }
  });

/**
 * The schema for a room version's PDUs.
 *
 * @param roomVersion - a room version identifier or its rules.
 * @returns {@link PduV1Schema}, {@link PduV3Schema}, {@link PduV11Schema} or {@link PduV12Schema}.
 * @throws {MatrixError} `M_UNSUPPORTED_ROOM_VERSION` for an unknown room version string.
 * @example
 * ```ts
 * pduSchemaFor("12") === PduV12Schema; // true
 * ```
 */
export function pduSchemaFor(
  roomVersion: string | RoomVersionRules,
): typeof PduV1Schema | typeof PduV3Schema | typeof PduV11Schema | typeof PduV12Schema {
  const rules = typeof roomVersion === "string" ? roomVersionRules(roomVersion) : roomVersion;
  if (rules.eventFormat.referencePairs) return PduV1Schema;
  if (rules.eventFormat.roomIdIsCreateEventHash) return PduV12Schema;
  if (rules.eventFormat.redactsInContent) return PduV11Schema;
  return PduV3Schema;
}

/** One reason a PDU does not match its room version's format. */
export interface PduValidationIssue {
  /** JSON path of the offending value, e.g. `$.prev_events[0]`. */
  readonly path: string;
  /** "expected …, got …" style description. */
  readonly message: string;
}

/**
 * The result of {@link validatePdu}: the ORIGINAL object (same reference) when
 * valid, or the list of problems.
 */
export type PduValidationResult =
  | { readonly ok: true; readonly pdu: Pdu }
  | { readonly ok: false; readonly errors: readonly PduValidationIssue[] };

function jsonPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (acc, key) => (typeof key === "number" ? `${acc}[${key}]` : /^[A-Za-z_][A-Za-z0-9_]*$/.test(String(key)) ? `${acc}.${String(key)}` : `${acc}[${JSON.stringify(String(key))}]`),
    "$",
  );
}

function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "number") return Number.isInteger(value) ? `the integer ${value}` : `the number ${value}`;
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = root;
  for (const key of path) {
    if (typeof v !== "object" || v === null) return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

/**
 * Checks that `json` has the event format of `roomVersion`: required keys and
 * their types, `prev_events`/`auth_events` as pairs (v1–2) or strings (v3+) and
 * at most 20/10 of them, `event_id` present in v1–2, `room_id` absent on v12
 * `m.room.create` events and present otherwise, `state_key` a string when
 * present, `depth` a non-negative safe integer.
 *
 * The returned `pdu` is `json` ITSELF (same reference, unknown keys intact):
 * hash and sign that object, never a copy rebuilt from a schema. Size limits are
 * separate: see {@link checkPduSizeLimits}.
 *
 * @param json - a parsed JSON value from the wire or from storage.
 * @param roomVersion - the room's version identifier or its rules.
 * @returns `{ ok: true, pdu }` or `{ ok: false, errors }`.
 * @throws {MatrixError} `M_UNSUPPORTED_ROOM_VERSION` for an unknown room version string.
 * @example
 * ```ts
 * const result = validatePdu(JSON.parse(body), "12");
 * if (!result.ok) return reject(result.errors);
 * result.pdu === parsedBody; // true — the original object
 * ```
 * @see https://spec.matrix.org/v1.19/server-server-api/#pdus
 */
export function validatePdu(json: unknown, roomVersion: string | RoomVersionRules): PduValidationResult {
  const schema = pduSchemaFor(roomVersion);
  const result = schema.safeParse(json);
  if (result.success) return { ok: true, pdu: json as Pdu };
  const errors = result.error.issues.map((issue): PduValidationIssue => {
    const path = jsonPath(issue.path);
    const message = issue.message.includes(", got ")
      ? issue.message
      : `${issue.message.replace(/^Invalid input: /, "")}, got ${describeValue(valueAt(json, issue.path))}`;
    return { path, message };
  });
  return { ok: false, errors };
}

/** One size limit a PDU exceeds. */
export interface PduSizeIssue {
  /** The key over its limit, or `"event"` for the whole event. */
  readonly key: "event" | "sender" | "room_id" | "state_key" | "type" | "event_id";
  /** The limit in bytes. */
  readonly limit: number;
  /** The actual size in bytes. */
  readonly bytes: number;
  readonly message: string;
}

/** The result of {@link checkPduSizeLimits}. */
export type PduSizeResult = { readonly ok: true } | { readonly ok: false; readonly errors: readonly PduSizeIssue[] };

const LIMITED_KEYS = ["sender", "room_id", "state_key", "type", "event_id"] as const;

/**
 * Checks the spec's size limits: at most 255 bytes (UTF-8) for `sender`,
 * `room_id`, `state_key`, `type` and `event_id`, and at most 65,536 bytes for
 * the whole event as canonical JSON (signatures included). This package does
 * not encode canonical JSON: pass the byte length you computed (e.g. with
 * `@weft/canonical-json`); without it only the per-key limits are checked.
 *
 * @param pdu - the event JSON.
 * @param canonicalJsonBytes - byte length of the event's canonical JSON encoding, if known.
 * @returns `{ ok: true }` or `{ ok: false, errors }` (report them as `M_TOO_LARGE`).
 * @example
 * ```ts
 * const bytes = new TextEncoder().encode(encodeCanonicalJson(pdu)).length;
 * const size = checkPduSizeLimits(pdu, bytes);
 * if (!size.ok) throw new MatrixError("M_TOO_LARGE", size.errors[0].message);
 * ```
 * @see https://spec.matrix.org/v1.19/client-server-api/#size-limits
 */
export function checkPduSizeLimits(pdu: object, canonicalJsonBytes?: number): PduSizeResult {
  const errors: PduSizeIssue[] = [];
  if (canonicalJsonBytes !== undefined && canonicalJsonBytes > MAX_PDU_BYTES) {
    errors.push({
      key: "event",
      limit: MAX_PDU_BYTES,
      bytes: canonicalJsonBytes,
      message: `expected an event of at most ${MAX_PDU_BYTES} bytes of canonical JSON, got ${canonicalJsonBytes}`,
    });
  }
  for (const key of LIMITED_KEYS) {
    const value = (pdu as Readonly<Record<string, unknown>>)[key];
    if (typeof value !== "string") continue;
    const bytes = utf8ByteLength(value);
    if (bytes > MAX_IDENTIFIER_BYTES) {
      errors.push({ key, limit: MAX_IDENTIFIER_BYTES, bytes, message: `expected $.${key} of at most ${MAX_IDENTIFIER_BYTES} bytes, got ${bytes}` });
    }
  }
  return errors.length === 0 ? { ok: true } : { ok: false, errors };
}
