// Building the PDUs this server originates: https://spec.matrix.org/v1.19/server-server-api/#pdus.
// Each event cites the room's forward extremities as `prev_events` (depth =
// deepest + 1), cites the auth events the spec's selection names from the
// state before it (https://spec.matrix.org/v1.19/server-server-api/#auth-events-selection),
// is authorized against that state, then hashed and signed. Event and room
// IDs follow the room version's format: server-chosen in v1–2 (which also use
// `[event_id, {sha256}]` reference pairs), reference hashes from v3, and the
// create event's hash as room ID from v12.

import { MatrixError, roomVersionRules, type Pdu } from "@weft/common";
import { authEventsSelection } from "@weft/event-auth";
import { computeRoomIdV12, generateLegacyEventId, signEventWithId, type SigningKey } from "@weft/signing";
import { encodeCanonicalJson } from "@weft/canonical-json";
import { stateKeyOf } from "@weft/storage-pg";
import { authorizeEvent } from "./event-authorizer.js";
import type { RoomSnapshot } from "./room-state.js";

/** What a caller asks to send. */
export interface EventDraft {
  readonly type: string;
  readonly sender: string;
  readonly content: Record<string, unknown>;
  readonly stateKey?: string | undefined;
  /** Redactions before room version 11 carry `redacts` at the top level. */
  readonly redacts?: string | undefined;
  /**
   * Transaction ID idempotency: the sending device, its txn ID and the
   * endpoint the ID is scoped to besides the room (`send/{type}`, `redact/{eventId}`).
   */
  readonly txn?: { readonly device: string; readonly txnId: string; readonly scope: string } | undefined;
}

/** A built, signed event. */
export interface BuiltEvent {
  readonly eventId: string;
  readonly roomId: string;
  readonly pdu: Pdu;
  /** The signed event as canonical JSON (what is stored and served to federation). */
  readonly json: string;
  readonly draft: EventDraft;
  readonly prevEventIds: readonly string[];
  readonly authEventIds: readonly string[];
}

/** Most `prev_events` an event cites (the spec recommends a small bound). */
const MAX_PREV_EVENTS = 10;

/**
 * Builds, authorizes and signs an event on top of `snapshot` (not modified).
 *
 * @throws {MatrixError} `M_FORBIDDEN` when the auth rules reject it.
 * @example
 * ```ts
 * const built = buildEvent({ type: "m.room.message", sender, content }, snapshot, { serverName, key, now: Date.now() });
 * ```
 */
export function buildEvent(draft: EventDraft, snapshot: RoomSnapshot, ctx: { serverName: string; key: SigningKey; now: number }): BuiltEvent {
  const rules = roomVersionRules(snapshot.roomVersion);
  const isCreate = draft.type === "m.room.create" && draft.stateKey === "";
  const pairs = rules.eventFormat.referencePairs;
  const extremities = [...snapshot.extremities].sort((a, b) => b.depth - a.depth).slice(0, MAX_PREV_EVENTS);
  const prevEventIds = extremities.map((e) => e.eventId);
  const authEventIds: string[] = [];
  const authRefs: unknown[] = [];
  for (const pair of authEventsSelection({ type: draft.type, sender: draft.sender, state_key: draft.stateKey, content: draft.content }, rules)) {
    const id = snapshot.ids.get(stateKeyOf(pair.type, pair.stateKey));
    const event = snapshot.state.get(pair.type, pair.stateKey);
    if (!id || !event) continue;
    authEventIds.push(id);
    authRefs.push(pairs ? [id, { sha256: event.hashes.sha256 }] : id);
  }
  const unsignedEvent: Record<string, unknown> = {};
  if (rules.eventFormat.eventIdFormat === "server_chosen") unsignedEvent.event_id = generateLegacyEventId(ctx.serverName);
  // Room version 12 create events have no room_id: the room ID derives from them.
  if (!(isCreate && rules.eventFormat.roomIdIsCreateEventHash)) unsignedEvent.room_id = snapshot.roomId;
  unsignedEvent.type = draft.type;
  unsignedEvent.sender = draft.sender;
  if (draft.stateKey !== undefined) unsignedEvent.state_key = draft.stateKey;
  unsignedEvent.content = draft.content;
  unsignedEvent.origin_server_ts = ctx.now;
  unsignedEvent.depth = snapshot.maxDepth + 1;
  unsignedEvent.prev_events = pairs ? extremities.map((e) => [e.eventId, { sha256: e.sha256 }]) : prevEventIds;
  unsignedEvent.auth_events = authRefs;
  if (draft.redacts !== undefined && !rules.eventFormat.redactsInContent) unsignedEvent.redacts = draft.redacts;
  // Before room version 11, PDUs carried an `origin`; harmless and expected by older servers.
  if (rules.redaction.keepOriginMembershipPrevState) unsignedEvent.origin = ctx.serverName;

  // Signed before the auth check: restricted joins need the authorising server's signature.
  const { event, eventId } = signEventWithId(unsignedEvent, ctx.serverName, ctx.key, rules);
  const signed = event as unknown as Pdu;
  const auth = authorizeEvent(signed, snapshot.state, snapshot.roomVersion);
  if (!auth.ok) throw new MatrixError("M_FORBIDDEN", auth.message);
  const roomId = isCreate && rules.eventFormat.roomIdIsCreateEventHash ? computeRoomIdV12(signed) : snapshot.roomId;
  return { eventId, roomId, pdu: signed, json: encodeCanonicalJson(signed), draft, prevEventIds, authEventIds };
}
