// Persisting the events this server creates, atomically: one transaction per
// batch holds the room's lock (its summary row, `FOR UPDATE`) so concurrent
// sends never fork the DAG, builds each event on the state before it, and
// writes event, edges, extremities, state group (a delta), current state,
// membership snapshot and summary. The global stream position is allocated in
// the same statement that inserts the event, as late as possible, so the
// stream row's lock is held only for the last round trips before COMMIT.
// https://spec.matrix.org/v1.19/server-server-api/#pdus

import { MatrixError, type Pdu } from "@weft/common";
import { StateMap } from "@weft/event-auth";
import {
  createStateGroup,
  insertEventAtNextPosition,
  insertMessagesIfRoomsAt,
  insertRoom,
  lockRoomSummary,
  markRedacted,
  patchRoomSummary,
  setCurrentState,
  stateKeyOf,
  upsertMembership,
  type OptimisticMessage,
  type PushInStatement,
  type Queryable,
  type SummaryPatch,
} from "@weft/storage-pg";
import type { ServiceContext } from "./index.js";
import { buildEvent, type BuiltEvent, type EventDraft } from "./event-builder.js";
import { MessageBatcher } from "./message-batcher.js";
import { type RoomSnapshot, RoomStateCache } from "./room-state.js";

/** An event after commit. */
export interface PersistedEvent {
  readonly eventId: string;
  readonly roomId: string;
  readonly streamPosition: number;
  readonly pdu: Pdu;
}

/** Drafts, or a function computing them from the locked current state. */
export type DraftsInput = readonly EventDraft[] | ((snapshot: RoomSnapshot) => readonly EventDraft[]);

/** Event types that move a room up the room list (MSC4186 bump stamp). */
const BUMP_TYPES = new Set(["m.room.create", "m.room.message", "m.room.encrypted", "m.sticker", "m.call.invite", "m.poll.start", "m.beacon_info"]);

/** Stripped state shown to invitees and knockers (https://spec.matrix.org/v1.19/client-server-api/#stripped-state). */
const STRIPPED_STATE_TYPES = ["m.room.create", "m.room.name", "m.room.avatar", "m.room.topic", "m.room.join_rules", "m.room.canonical_alias", "m.room.encryption"];

/** Creates, stores and announces room events. */
export class EventPersister {
  readonly cache = new RoomStateCache();
  /** Called after every committed batch (sync wake-ups, caches). */
  readonly #listeners: ((events: readonly PersistedEvent[]) => void)[] = [];
  /**
   * Push (issue 8, notifications-service.ts): called inside the persist
   * transaction after each event row is written, so notifications commit or
   * roll back with the event. Set by services/push-services.ts.
   */
  inTransaction: ((tx: Queryable, snapshot: RoomSnapshot, event: PersistedEvent) => Promise<unknown>) | undefined;
  /**
   * Push: whether {@link inTransaction} could write anything for `pdu` sent on
   * `snapshot` (false when no other local member could be notified). When
   * false the one-statement send runs without a transaction (one round trip).
   */
  inTransactionWanted: ((snapshot: RoomSnapshot, pdu: Pdu) => boolean) | undefined;
  /**
   * Push: the notifications to insert with a message in its own statement
   * (no transaction), or undefined to use {@link inTransaction} instead;
   * `queued` reports the push deliveries committed with it.
   */
  inStatement: { prepare(snapshot: RoomSnapshot, event: Omit<PersistedEvent, "streamPosition">): PushInStatement | undefined; queued(count: number): void } | undefined;

  /**
   * The message sends under way per room, chained: a send in a room starts
   * when the previous one there has committed, so it builds on the cached
   * state that one left instead of losing the race and falling back to the
   * locked path (10 senders in one room: 304 → see the server README).
   */
  readonly #roomTails = new Map<string, Promise<unknown>>();

  /** Group commit for the message fast path. */
  readonly #batcher: MessageBatcher;

  constructor(private readonly ctx: ServiceContext) {
    this.#batcher = new MessageBatcher(ctx.db, (roomIds) => {
      const payload = ctx.notifier.relayPayload(roomIds);
      return payload === undefined ? undefined : { channel: ctx.notifier.channel, payload };
    });
  }

  onPersisted(listener: (events: readonly PersistedEvent[]) => void): void {
    this.#listeners.push(listener);
  }

  /**
   * Builds and persists events in `roomId`, in order, in one transaction.
   *
   * @throws {MatrixError} `M_NOT_FOUND` for an unknown room, `M_FORBIDDEN` when the auth rules reject an event.
   * @example
   * ```ts
   * const [event] = await persister.send(roomId, [{ type: "m.room.message", sender, content: { msgtype: "m.text", body: "hi" } }]);
   * ```
   */
  async send(roomId: string, drafts: DraftsInput): Promise<PersistedEvent[]> {
    const { events, snapshot } = await this.ctx.db.transaction(async (tx) => {
      const summary = await lockRoomSummary(tx, roomId);
      if (!summary) throw new MatrixError("M_NOT_FOUND", `unknown room ${roomId}`);
      const base = await this.cache.load(tx, summary);
      const list = typeof drafts === "function" ? drafts(base) : drafts;
      return this.#persistAll(tx, base, list);
    });
    this.#committed(snapshot, events);
    return events;
  }

  /**
   * Sends one message-like event: the fast path when the room's state is
   * cached, else the locked path. A repeated transaction ID answers with the
   * earlier event (`duplicate`).
   */
  sendMessage(roomId: string, draft: EventDraft): Promise<{ eventId: string; duplicate: boolean }> {
    const previous = this.#roomTails.get(roomId);
    const run = previous ? previous.then(() => this.#sendMessageNow(roomId, draft)) : this.#sendMessageNow(roomId, draft);
    const tail = run.catch(() => undefined);
    this.#roomTails.set(roomId, tail);
    void tail.then(() => {
      if (this.#roomTails.get(roomId) === tail) this.#roomTails.delete(roomId);
    });
    return run;
  }

  async #sendMessageNow(roomId: string, draft: EventDraft): Promise<{ eventId: string; duplicate: boolean }> {
    const fast = await this.#sendOptimistic(roomId, draft);
    if (typeof fast === "string") return { eventId: fast, duplicate: true };
    if (fast) return { eventId: fast.eventId, duplicate: false };
    const [event] = await this.send(roomId, [draft]);
    return { eventId: event!.eventId, duplicate: false };
  }

  /**
   * The fast path for one message event: built on the cached snapshot without
   * a transaction, stored by one statement that only writes if the room is
   * still at the snapshot's position (see `insertMessagesIfRoomsAt`). Returns
   * undefined when it does not apply or another writer got there first.
   */
  async #sendOptimistic(roomId: string, draft: EventDraft): Promise<PersistedEvent | string | undefined> {
    const snap = this.cache.peek(roomId);
    if (!snap || draft.stateKey !== undefined || draft.type === "m.room.redaction") return undefined;
    const built = buildEvent(draft, snap, { serverName: this.ctx.config.server_name, key: this.ctx.signingKey, now: this.ctx.now() });
    const { pdu, eventId } = built;
    const relation = draft.content["m.relates_to"] as Record<string, unknown> | undefined;
    const relType = typeof relation?.rel_type === "string" ? relation.rel_type : null;
    const relatesTo = typeof relation?.event_id === "string" ? relation.event_id : null;
    // Push (issue 8): with the push hook set, the insert and the notifications share one transaction,
    // unless the hook says it has nothing to record (a room without other local members).
    const wanted = this.inTransaction !== undefined && (this.inTransactionWanted?.(snap, pdu) ?? true);
    // The notifications go into the event's own statement when the push side can evaluate them up front.
    const push = wanted ? this.inStatement?.prepare(snap, { eventId, roomId, pdu }) : undefined;
    const hook = wanted && !push ? this.inTransaction : undefined;
    const message: OptimisticMessage = {
      event: {
        eventId,
        roomId,
        type: draft.type,
        sender: draft.sender,
        depth: pdu.depth,
        originServerTs: pdu.origin_server_ts,
        json: built.json,
        stateGroup: snap.stateGroup,
        relatesTo,
        relType: relatesTo ? relType : null,
        threadId: relType === "m.thread" ? relatesTo : null,
        containsUrl: typeof draft.content.url === "string",
        txnDevice: draft.txn?.device ?? null,
        txnId: draft.txn?.txnId ?? null,
        txnScope: draft.txn?.scope ?? null,
        prevEvents: built.prevEventIds,
        authEvents: built.authEventIds,
      },
      expectedPosition: snap.streamPosition,
      bump: BUMP_TYPES.has(draft.type),
      push,
    };
    // Without a hook, concurrent messages to other rooms share one statement (group commit).
    const { outcome, relayed } = hook
      ? await this.ctx.db.transaction(async (tx) => {
          const stored = (await insertMessagesIfRoomsAt(tx, [message]))[0]!;
          if (stored.kind === "stored") await hook(tx, snap, { eventId, roomId, streamPosition: stored.position, pdu });
          return { outcome: stored, relayed: false };
        })
      : await this.#batcher.submit(message);
    if (outcome.kind === "duplicate") return outcome.existing;
    if (outcome.kind === "stale") return undefined;
    const position = outcome.position;
    const next: RoomSnapshot = {
      ...snap,
      streamPosition: position,
      maxDepth: Math.max(snap.maxDepth, pdu.depth),
      extremities: [{ eventId, depth: pdu.depth, sha256: pdu.hashes.sha256 }, ...snap.extremities.filter((e) => !built.prevEventIds.includes(e.eventId))],
    };
    const event: PersistedEvent = { eventId, roomId, streamPosition: position, pdu };
    if (push) this.inStatement?.queued(outcome.queued);
    this.#committed(next, [event], relayed);
    return event;
  }

  /**
   * Creates a room: the create event (whose hash is the room ID from v12;
   * `!random:server` before), then `rest` in the same transaction.
   */
  async createRoom(
    roomVersion: string,
    creator: string,
    createContent: Record<string, unknown>,
    rest: (roomId: string) => readonly EventDraft[],
    legacyRoomId: string,
    // Rooms side: the create event's timestamp (a retry after a v12 room ID collision
    // picks a later one) and work done in the same transaction (aliases, directory).
    options: { originServerTs?: number; inTransaction?: (tx: Queryable, roomId: string) => Promise<void> } = {},
  ): Promise<{ roomId: string; events: PersistedEvent[] }> {
    const empty: RoomSnapshot = {
      roomId: legacyRoomId,
      roomVersion,
      streamPosition: 0,
      stateGroup: null,
      maxDepth: 0,
      extremities: [],
      state: new StateMap(),
      ids: new Map(),
    };
    const createDraft: EventDraft = { type: "m.room.create", sender: creator, stateKey: "", content: createContent };
    const createBuilt = buildEvent(createDraft, empty, { serverName: this.ctx.config.server_name, key: this.ctx.signingKey, now: options.originServerTs ?? this.ctx.now() });
    const roomId = createBuilt.roomId;
    const { events, snapshot } = await this.ctx.db.transaction(async (tx) => {
      await insertRoom(tx, { roomId, roomVersion, creator, createdTs: this.ctx.now() });
      await lockRoomSummary(tx, roomId);
      const base: RoomSnapshot = { ...empty, roomId };
      const persisted = await this.#persistAll(tx, base, [createDraft, ...rest(roomId)], createBuilt);
      await options.inTransaction?.(tx, roomId);
      return persisted;
    });
    this.#committed(snapshot, events);
    return { roomId, events };
  }

  async #persistAll(
    tx: Queryable,
    base: RoomSnapshot,
    drafts: readonly EventDraft[],
    prebuilt?: BuiltEvent,
  ): Promise<{ events: PersistedEvent[]; snapshot: RoomSnapshot }> {
    const changesState = drafts.some((d) => d.stateKey !== undefined);
    // Work on a copy when state changes, so a rollback leaves the cache intact.
    const snap: RoomSnapshot = changesState
      ? { ...base, state: base.state.clone(), ids: new Map(base.ids), extremities: [...base.extremities] }
      : { ...base, extremities: [...base.extremities] };
    const events: PersistedEvent[] = [];
    for (const [i, draft] of drafts.entries()) {
      const built =
        i === 0 && prebuilt ? prebuilt : buildEvent(draft, snap, { serverName: this.ctx.config.server_name, key: this.ctx.signingKey, now: this.ctx.now() });
      events.push(await this.#persistOne(tx, snap, built));
    }
    return { events, snapshot: snap };
  }

  async #persistOne(tx: Queryable, snap: RoomSnapshot, built: BuiltEvent): Promise<PersistedEvent> {
    const { pdu, eventId, draft } = built;
    const roomId = snap.roomId;
    const isState = draft.stateKey !== undefined;
    const key = isState ? stateKeyOf(draft.type, draft.stateKey!) : "";
    let unsigned: Record<string, unknown> | null = null;
    let stateGroupBefore = snap.stateGroup;
    let stateGroupAfter = snap.stateGroup;
    const patch: SummaryPatch = {};
    if (isState) {
      const previous = snap.state.get(draft.type, draft.stateKey!);
      const previousId = snap.ids.get(key);
      if (previous && previousId) unsigned = { prev_content: previous.content, prev_sender: previous.sender, replaces_state: previousId };
      const full = new Map(snap.ids);
      full.set(key, eventId);
      stateGroupAfter = await createStateGroup(tx, roomId, snap.stateGroup, new Map([[key, eventId]]), async () => full);
      stateGroupBefore = snap.stateGroup;
      const membership = draft.type === "m.room.member" ? String(draft.content.membership ?? "") : null;
      await setCurrentState(tx, roomId, { type: draft.type, stateKey: draft.stateKey!, eventId, membership });
      snap.state.set({ ...pdu, event_id: eventId });
      snap.ids.set(key, eventId);
      snap.stateGroup = stateGroupAfter;
      Object.assign(patch, summaryPatchOf(draft));
    }
    const relation = draft.content["m.relates_to"] as Record<string, unknown> | undefined;
    const relType = typeof relation?.rel_type === "string" ? relation.rel_type : null;
    const relatesTo = typeof relation?.event_id === "string" ? relation.event_id : null;
    const redacts = draft.type === "m.room.redaction" ? (draft.redacts ?? (typeof draft.content.redacts === "string" ? draft.content.redacts : undefined)) : undefined;
    const position = await insertEventAtNextPosition(
      tx,
      {
        eventId,
        roomId,
        type: draft.type,
        stateKey: draft.stateKey ?? null,
        sender: draft.sender,
        depth: pdu.depth,
        originServerTs: pdu.origin_server_ts,
        json: built.json,
        unsigned,
        stateGroupBefore,
        stateGroupAfter,
        relatesTo: relatesTo ?? redacts ?? null,
        relType: relatesTo ? relType : redacts ? "m.redaction" : null,
        threadId: relType === "m.thread" ? relatesTo : null,
        containsUrl: typeof draft.content.url === "string",
        txnDevice: draft.txn?.device ?? null,
        txnId: draft.txn?.txnId ?? null,
        txnScope: draft.txn?.scope ?? null,
        prevEvents: built.prevEventIds,
        authEvents: built.authEventIds,
      },
      { bump: BUMP_TYPES.has(draft.type) },
    );
    if (redacts) await markRedacted(tx, redacts, eventId);
    if (draft.type === "m.room.member") {
      const membership = String(draft.content.membership ?? "leave");
      const stripped = membership === "invite" || membership === "knock" ? strippedState(snap) : null;
      await upsertMembership(tx, {
        userId: draft.stateKey!,
        roomId,
        membership,
        eventId,
        sender: draft.sender,
        streamPosition: position,
        displayName: typeof draft.content.displayname === "string" ? draft.content.displayname : null,
        avatarUrl: typeof draft.content.avatar_url === "string" ? draft.content.avatar_url : null,
        strippedState: stripped,
      });
    }
    if (isState) await patchRoomSummary(tx, roomId, { patch, recount: draft.type === "m.room.member" });
    snap.extremities = [{ eventId, depth: pdu.depth, sha256: pdu.hashes.sha256 }, ...snap.extremities.filter((e) => !built.prevEventIds.includes(e.eventId))];
    snap.maxDepth = Math.max(snap.maxDepth, pdu.depth);
    snap.streamPosition = position;
    const persisted: PersistedEvent = { eventId, roomId, streamPosition: position, pdu };
    // Push (issue 8): evaluate push rules and record notifications in this transaction.
    await this.inTransaction?.(tx, snap, persisted);
    return persisted;
  }

  #committed(snapshot: RoomSnapshot, events: readonly PersistedEvent[], relayed = false): void {
    this.cache.set(snapshot);
    const keys = new Set<string>([snapshot.roomId]);
    for (const event of events) if (event.pdu.type === "m.room.member" && typeof event.pdu.state_key === "string") keys.add(event.pdu.state_key);
    this.ctx.notifier.notify([...keys], { relayed });
    for (const listener of this.#listeners) listener(events);
  }
}

/** Stripped state of a room for invites and knocks. */
export function strippedState(snap: RoomSnapshot): unknown[] {
  const out: unknown[] = [];
  for (const type of STRIPPED_STATE_TYPES) {
    const event = snap.state.get(type, "");
    if (event) out.push({ type: event.type, state_key: event.state_key, content: event.content, sender: event.sender });
  }
  return out;
}

function summaryPatchOf(draft: EventDraft): SummaryPatch {
  if (draft.stateKey !== "") return {};
  const c = draft.content;
  const str = (v: unknown): string | null => (typeof v === "string" ? v : null);
  switch (draft.type) {
    case "m.room.name":
      return { name: str(c.name) };
    case "m.room.topic":
      return { topic: str(c.topic) };
    case "m.room.avatar":
      return { avatar_url: str(c.url) };
    case "m.room.canonical_alias":
      return { canonical_alias: str(c.alias) };
    case "m.room.create":
      return { room_type: str(c.type) };
    case "m.room.join_rules":
      return { join_rule: str(c.join_rule) };
    case "m.room.history_visibility":
      return { history_visibility: str(c.history_visibility) };
    case "m.room.guest_access":
      return { guest_access: str(c.guest_access) };
    case "m.room.encryption":
      return { encryption: str(c.algorithm) };
    case "m.room.tombstone":
      return { tombstone_successor: str(c.replacement_room) };
    default:
      return {};
  }
}
