// Persistent data units (room events) as exchanged between servers:
// https://spec.matrix.org/v1.19/server-server-api/#pdus and the event format of
// each room version (https://spec.matrix.org/v1.19/rooms/v1/#event-format,
// https://spec.matrix.org/v1.19/rooms/v3/#event-format, …/v12/#event-format).
//
// These types describe the JSON; they never replace it. Hash and sign the
// original object, not a copy rebuilt from these fields (validatePdu in
// pdu-schema.ts checks the shape and hands back that same object).

/** JSON values as they appear in events. */
export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;
export interface JsonObject { [key: string]: JsonValue }

/** `{ "sha256": "<unpadded base64>" }` */
export interface EventHashes { sha256: string; [algorithm: string]: string }

/** `signatures[serverName][keyId] = "<unpadded base64>"` */
export type Signatures = Record<string, Record<string, string>>;

/** v1–2 event references: `[event_id, { sha256 }]`. */
export type EventReferencePair = [eventId: string, hashes: EventHashes];

/**
 * A PDU of any room version. Fields that only some versions have are optional;
 * unknown keys are preserved (they are covered by hashes and signatures).
 */
export interface Pdu {
  /** Present in v1–2 events (server-chosen); absent on the wire from v3 on. */
  event_id?: string;
  /** Absent on v12 `m.room.create` events (the room ID is derived from them). */
  room_id?: string;
  sender: string;
  type: string;
  state_key?: string;
  content: JsonObject;
  origin_server_ts: number;
  depth: number;
  prev_events: string[] | EventReferencePair[];
  auth_events: string[] | EventReferencePair[];
  hashes: EventHashes;
  signatures: Signatures;
  unsigned?: JsonObject;
  /** Top-level `redacts` of `m.room.redaction` in v1–10 (from v11 it is `content.redacts`; servers add a top-level copy only for clients). */
  redacts?: string;
  /** Historical top-level keys kept by redaction before v11. */
  origin?: string;
  membership?: string;
  prev_state?: unknown;
  [key: string]: unknown;
}

/** A state event: a PDU with a `state_key`. */
export type StatePdu = Pdu & { state_key: string };

/**
 * Whether an event is a state event (has a string `state_key`, possibly empty).
 *
 * @example
 * ```ts
 * isStateEvent({ type: "m.room.name", state_key: "" }); // true
 * isStateEvent({ type: "m.room.message" }); // false
 * ```
 * @see https://spec.matrix.org/v1.19/server-server-api/#pdus
 */
export function isStateEvent(event: { state_key?: unknown }): event is { state_key: string } {
  return typeof event.state_key === "string";
}

/**
 * Event IDs from a `prev_events`/`auth_events` list of any room version: v1–2
 * `[event_id, hashes]` pairs become their event ID; malformed entries are skipped.
 *
 * @param refs - the list as found in the event, or `undefined`.
 * @returns the event IDs, in order.
 * @example
 * ```ts
 * referencedEventIds([["$a:example.com", { sha256: "…" }]]); // ["$a:example.com"]
 * referencedEventIds(["$Rqnc-F-dvnEYJTyHq_iKxU2bZ1CI92-kuZq3a5lr5Zg"]); // unchanged
 * ```
 */
export function referencedEventIds(refs: readonly (string | EventReferencePair)[] | undefined): string[] {
  if (!Array.isArray(refs)) return [];
  const ids: string[] = [];
  for (const ref of refs) {
    if (typeof ref === "string") ids.push(ref);
    else if (Array.isArray(ref) && typeof ref[0] === "string") ids.push(ref[0]);
  }
  return ids;
}
