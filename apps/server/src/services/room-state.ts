// The current state of each room, cached per process: the auth rules need the
// state before every new event (https://spec.matrix.org/v1.19/server-server-api/#authorization-rules),
// and reading it from the database for each message would dominate the send
// path. Each entry remembers the room's stream position when it was loaded;
// a writer holding the room lock compares it with the summary row's position,
// so an entry made stale by another process is reloaded, never trusted.

import { StateMap } from "@weft/event-auth";
import type { Pdu } from "@weft/common";
import { currentStateEvents, getEventsById, stateKeyOf, type Queryable, type RoomSummary } from "@weft/storage-pg";

/** A forward extremity with what v1–2 references need. */
export interface Extremity {
  readonly eventId: string;
  readonly depth: number;
  readonly sha256: string;
}

/** A room's current state and DAG tips at one stream position. */
export interface RoomSnapshot {
  readonly roomId: string;
  readonly roomVersion: string;
  /** The room's stream position this snapshot reflects. */
  streamPosition: number;
  stateGroup: number | null;
  maxDepth: number;
  extremities: Extremity[];
  /** Current state events. */
  state: StateMap;
  /** Event ID per `stateKeyOf(type, state_key)`. */
  ids: Map<string, string>;
}

/** Parses stored event JSON (the signed text). */
export function parsePdu(json: string): Pdu {
  return JSON.parse(json) as Pdu;
}

/** A per-process cache of room snapshots (bounded; correct when emptied). */
export class RoomStateCache {
  readonly #entries = new Map<string, RoomSnapshot>();
  constructor(readonly maxRooms = 2000) {}

  /**
   * The snapshot matching `summary` (the locked summary row): the cached one
   * when its position matches, otherwise loaded through `tx`.
   */
  async load(tx: Queryable, summary: RoomSummary): Promise<RoomSnapshot> {
    const cached = this.#entries.get(summary.room_id);
    if (cached && cached.streamPosition === Number(summary.stream_position)) return cached;
    const snapshot = await loadSnapshot(tx, summary);
    this.set(snapshot);
    return snapshot;
  }

  /** The cached snapshot, if any (may be stale: only for reads that tolerate it). */
  peek(roomId: string): RoomSnapshot | undefined {
    return this.#entries.get(roomId);
  }

  set(snapshot: RoomSnapshot): void {
    this.#entries.delete(snapshot.roomId);
    this.#entries.set(snapshot.roomId, snapshot);
    if (this.#entries.size > this.maxRooms) this.#entries.delete(this.#entries.keys().next().value!);
  }

  invalidate(roomId: string): void {
    this.#entries.delete(roomId);
  }
}

async function loadSnapshot(tx: Queryable, summary: RoomSummary): Promise<RoomSnapshot> {
  const rows = await currentStateEvents(tx, summary.room_id);
  const extremityIds = summary.forward_extremities;
  const state = new StateMap();
  const ids = new Map<string, string>();
  for (const row of rows) {
    // The auth rules compare event IDs (e.g. the creator's first join cites the create event).
    const pdu = { ...parsePdu(row.json), event_id: row.event_id };
    state.set(pdu);
    ids.set(stateKeyOf(pdu.type, pdu.state_key ?? ""), row.event_id);
  }
  const extremityRows = await getEventsById(tx, extremityIds);
  const extremities: Extremity[] = [];
  for (const [eventId, row] of extremityRows) {
    const pdu = parsePdu(row.json);
    extremities.push({ eventId, depth: Number(row.depth), sha256: String(pdu.hashes?.sha256 ?? "") });
  }
  return {
    roomId: summary.room_id,
    roomVersion: summary.room_version,
    streamPosition: Number(summary.stream_position),
    stateGroup: summary.state_group === null ? null : Number(summary.state_group),
    maxDepth: Number(summary.max_depth),
    extremities,
    state,
    ids,
  };
}

/** The membership of `userId` in a snapshot's state ("leave" when absent). */
export function membershipIn(snapshot: RoomSnapshot, userId: string): string {
  const content = snapshot.state.get("m.room.member", userId)?.content as Record<string, unknown> | undefined;
  return typeof content?.membership === "string" ? content.membership : "leave";
}
