// Serving room events to clients: https://spec.matrix.org/v1.19/client-server-api/#room-event-format
// (ClientEvent: no hashes, signatures, DAG fields; `unsigned` with `age`,
// `prev_content`, `transaction_id` for the sending device, `redacted_because`).
// Redacted events are served redacted per their room version's algorithm
// (https://spec.matrix.org/v1.19/client-server-api/#redactions). Bundled
// aggregations (`unsigned.m.relations`: m.thread, m.replace, m.reference) per
// https://spec.matrix.org/v1.19/client-server-api/#aggregations-of-child-events.

import { redactEvent, roomVersionRules, type Pdu } from "@weft/common";
import { childAggregations, getEventsById, type Queryable, type StoredEvent } from "@weft/storage-pg";
import { parsePdu } from "./room-state.js";

/** A room event in the client format. */
export interface ClientEvent {
  content: Record<string, unknown>;
  event_id: string;
  origin_server_ts: number;
  room_id: string;
  sender: string;
  type: string;
  state_key?: string;
  redacts?: string;
  unsigned?: Record<string, unknown>;
}

/** Options for formatting. */
export interface FormatOptions {
  readonly now: number;
  /** The requesting device, to add `transaction_id` to its own events. */
  readonly requester?: { readonly userId: string; readonly deviceId: string } | undefined;
  /** Room versions by room ID (the formatter needs each room's redaction rules). */
  readonly roomVersion: (roomId: string) => string;
  /** Users the requester ignores: left out of thread summaries and references. */
  readonly ignored?: ReadonlySet<string> | undefined;
}

/**
 * Formats stored events for clients, serving redacted ones redacted (with
 * `redacted_because`).
 *
 * @example
 * ```ts
 * const events = await formatEvents(db, rows, { now: Date.now(), roomVersion: () => "12" });
 * ```
 */
export async function formatEvents(db: Queryable, rows: readonly StoredEvent[], options: FormatOptions): Promise<ClientEvent[]> {
  const redactionIds = rows.map((r) => r.redacted_by).filter((id): id is string => id !== null);
  const redactions = redactionIds.length > 0 ? await getEventsById(db, redactionIds) : new Map<string, StoredEvent>();
  return rows.map((row) => {
    const because = row.redacted_by ? redactions.get(row.redacted_by) : undefined;
    return formatEvent(row, options, because ? formatEvent(because, options) : undefined);
  });
}

/** Formats one stored event (see {@link formatEvents}). */
export function formatEvent(row: StoredEvent, options: FormatOptions, redactedBecause?: ClientEvent): ClientEvent {
  let pdu = parsePdu(row.json) as Pdu;
  const version = options.roomVersion(row.room_id);
  if (redactedBecause) pdu = redactEvent(pdu, version) as unknown as Pdu;
  const event: ClientEvent = {
    content: (pdu.content ?? {}) as Record<string, unknown>,
    event_id: row.event_id,
    origin_server_ts: pdu.origin_server_ts,
    room_id: row.room_id,
    sender: pdu.sender,
    type: pdu.type,
  };
  if (typeof pdu.state_key === "string") event.state_key = pdu.state_key;
  if (pdu.type === "m.room.redaction") {
    // Clients read `redacts` at the top level in every version; since v11 it lives in content.
    const redacts = typeof pdu.redacts === "string" ? pdu.redacts : (pdu.content as Record<string, unknown>).redacts;
    if (typeof redacts === "string") {
      event.redacts = redacts;
      if (!roomVersionRules(version).eventFormat.redactsInContent && !redactedBecause) event.content = { ...event.content, redacts };
    }
  }
  const unsigned: Record<string, unknown> = { ...(row.unsigned ?? {}) };
  unsigned.age = Math.max(0, options.now - pdu.origin_server_ts);
  if (redactedBecause) unsigned.redacted_because = redactedBecause;
  if (options.requester && row.txn_id && row.sender === options.requester.userId && row.txn_device === options.requester.deviceId) {
    unsigned.transaction_id = row.txn_id;
  }
  if (pdu.type === "m.room.member" && unsigned.prev_content === undefined) delete unsigned.prev_content;
  event.unsigned = unsigned;
  return event;
}

/**
 * Adds bundled aggregations to `events` (the formatted `rows`, same order), in
 * place: `m.thread` (`latest_event` with its own aggregations, `count`,
 * `current_user_participated`), `m.replace` (the most recent valid edit,
 * omitted when the original is redacted) and `m.reference` (`chunk` of event
 * IDs). State events receive none (spec). One query per room, plus one for
 * the thread summaries' latest events.
 *
 * @example
 * ```ts
 * const events = await formatEvents(db, rows, options);
 * await bundleAggregations(db, rows, events, options);
 * events[0]?.unsigned?.["m.relations"];
 * ```
 */
export async function bundleAggregations(db: Queryable, rows: readonly StoredEvent[], events: ClientEvent[], options: FormatOptions, depth = 0): Promise<void> {
  const userId = options.requester?.userId ?? "";
  const byRoom = new Map<string, string[]>();
  for (const row of rows) if (row.state_key === null) (byRoom.get(row.room_id) ?? byRoom.set(row.room_id, []).get(row.room_id)!).push(row.event_id);
  const bundles = new Map<string, Record<string, unknown>>();
  const latestRows: StoredEvent[] = [];
  const latestOf = new Map<string, string>();
  for (const [roomId, ids] of byRoom) {
    const aggregations = await childAggregations(db, roomId, ids, userId, [...(options.ignored ?? [])]);
    for (const [parent, agg] of aggregations) {
      const bundle: Record<string, unknown> = {};
      if (agg.replace) bundle["m.replace"] = formatEvent(agg.replace, options);
      if (agg.references) bundle["m.reference"] = { chunk: agg.references.map((event_id: string) => ({ event_id })) };
      if (agg.thread) {
        const root = rows.find((r) => r.event_id === parent);
        bundle["m.thread"] = { count: agg.thread.count, current_user_participated: agg.thread.participated || root?.sender === userId };
        latestRows.push(agg.thread.latest);
        latestOf.set(parent, agg.thread.latest.event_id);
      }
      if (Object.keys(bundle).length > 0) bundles.set(parent, bundle);
    }
  }
  if (latestRows.length > 0) {
    // The latest event is served like any other event, with its own aggregations (one level: threads do not nest).
    const latest = await formatEvents(db, latestRows, options);
    if (depth === 0) await bundleAggregations(db, latestRows, latest, options, depth + 1);
    const byId = new Map(latest.map((e) => [e.event_id, e]));
    for (const [parent, latestId] of latestOf) {
      const thread = bundles.get(parent)?.["m.thread"] as Record<string, unknown> | undefined;
      if (thread) bundles.set(parent, { ...bundles.get(parent), "m.thread": { latest_event: byId.get(latestId), ...thread } });
    }
  }
  for (const event of events) {
    const bundle = bundles.get(event.event_id);
    if (bundle) event.unsigned = { ...event.unsigned, "m.relations": { ...((event.unsigned?.["m.relations"] as object | undefined) ?? {}), ...bundle } };
  }
}

/** The stripped form of a state event (https://spec.matrix.org/v1.19/client-server-api/#stripped-state). */
export function strippedEvent(row: StoredEvent): { type: string; state_key: string; content: unknown; sender: string } {
  const pdu = parsePdu(row.json);
  return { type: pdu.type, state_key: pdu.state_key ?? "", content: pdu.content, sender: pdu.sender };
}
