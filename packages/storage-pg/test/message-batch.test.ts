// The batched one-statement message send (group commit): several rooms per
// statement, each stored only if still at the state its message was built on.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testBackends } from "../src/testing.js";
import type { Database } from "../src/database.js";
import { allocateStreamPosition, currentStreamPosition } from "../src/stream.js";
import { insertRoom, getRoomSummary, forwardExtremities } from "../src/rooms.js";
import { insertMessagesIfRoomsAt, type OptimisticMessage } from "../src/message-batch.js";
import { setMemberBit } from "../src/notifications.js";

let counter = 0;

/** A room with one forward extremity `$root-<room>`, at stream position `at`. */
async function room(db: Database): Promise<{ roomId: string; root: string; at: number }> {
  const roomId = `!r${++counter}:example.com`;
  const root = `$root-${counter}`;
  await db.transaction(async (tx) => {
    await insertRoom(tx, { roomId, roomVersion: "12", creator: "@alice:example.com", createdTs: 0 });
    await tx.query("UPDATE room_summaries SET forward_extremities = ARRAY[$2] WHERE room_id = $1", [roomId, root]);
  });
  return { roomId, root, at: 0 };
}

function message(r: { roomId: string; root: string; at: number }, id: string, extra: Partial<OptimisticMessage> = {}): OptimisticMessage {
  return {
    event: {
      eventId: id,
      roomId: r.roomId,
      type: "m.room.message",
      sender: "@alice:example.com",
      depth: 2,
      originServerTs: 1000,
      json: `{"event":"${id}"}`,
      stateGroup: null,
      relatesTo: null,
      relType: null,
      threadId: null,
      containsUrl: false,
      txnDevice: "DEV",
      txnId: `txn-${id}`,
      txnScope: "send/m.room.message",
      prevEvents: [r.root],
      authEvents: ["$create", "$member"],
    },
    expectedPosition: r.at,
    bump: true,
    ...extra,
  };
}

describe.each(testBackends())("batched message sends on $name", (backend) => {
  let db: Database;
  beforeAll(async () => {
    db = await backend.open();
  });
  afterAll(async () => {
    await db.close();
  });

  it("stores messages of several rooms at consecutive positions, in order, with their edges", async () => {
    const rooms = [await room(db), await room(db), await room(db)];
    const before = await currentStreamPosition(db);
    const outcomes = await insertMessagesIfRoomsAt(db, rooms.map((r, i) => message(r, `$m${counter}-${i}`, { bump: i !== 1 })));
    expect(outcomes).toEqual([
      { kind: "stored", position: before + 1, queued: 0 },
      { kind: "stored", position: before + 2, queued: 0 },
      { kind: "stored", position: before + 3, queued: 0 },
    ]);
    expect(await currentStreamPosition(db)).toBe(before + 3);
    for (const [i, r] of rooms.entries()) {
      const id = `$m${counter}-${i}`;
      const summary = await getRoomSummary(db, r.roomId);
      expect(summary).toMatchObject({ stream_position: before + 1 + i, bump_stamp: i === 1 ? 0 : before + 1 + i, max_depth: 2 });
      expect(await forwardExtremities(db, r.roomId)).toEqual([id]);
      const { rows } = await db.query("SELECT json, stream_position FROM events WHERE event_id = $1", [id]);
      expect(rows).toEqual([{ json: `{"event":"${id}"}`, stream_position: before + 1 + i }]);
      const edges = await db.query("SELECT prev_events, auth_events FROM events WHERE event_id = $1", [id]);
      expect(edges.rows).toEqual([{ prev_events: [r.root], auth_events: ["$create", "$member"] }]);
    }
  });

  it("leaves out a room that moved on and a repeated transaction ID, storing the rest", async () => {
    const [a, b, c] = [await room(db), await room(db), await room(db)];
    const [first] = await insertMessagesIfRoomsAt(db, [message(c, "$earlier")]);
    expect(first!.kind).toBe("stored");
    const before = await currentStreamPosition(db);
    const outcomes = await insertMessagesIfRoomsAt(db, [
      message({ ...a, at: 99 }, "$stale"),
      message(b, "$fresh"),
      message({ ...c, at: (first as { position: number }).position, root: "$earlier" }, "$again", { event: { ...message(c, "$again").event, txnId: "txn-$earlier" } }),
    ]);
    expect(outcomes).toEqual([{ kind: "stale" }, { kind: "stored", position: before + 1, queued: 0 }, { kind: "duplicate", existing: "$earlier" }]);
    const { rows } = await db.query("SELECT event_id FROM events WHERE event_id = ANY($1::text[])", [["$stale", "$again"]]);
    expect(rows).toEqual([]);
    expect(await forwardExtremities(db, a.roomId)).toEqual([a.root]);
    expect(await forwardExtremities(db, c.roomId)).toEqual(["$earlier"]);
  });

  it("scopes a transaction ID to its room and endpoint: the same ID elsewhere is a new message", async () => {
    const [a, b] = [await room(db), await room(db)];
    const [first] = await insertMessagesIfRoomsAt(db, [message(a, "$first")]);
    expect(first!.kind).toBe("stored");
    const reuse = (r: typeof a, id: string, scope = "send/m.room.message") => message(r, id, { event: { ...message(r, id).event, txnId: "txn-$first", txnScope: scope } });
    // Lone statement: another room, then another event type in the same room.
    expect((await insertMessagesIfRoomsAt(db, [reuse(b, "$otherRoom")]))[0]!.kind).toBe("stored");
    const atA = (first as { position: number }).position;
    expect((await insertMessagesIfRoomsAt(db, [reuse({ ...a, at: atA, root: "$first" }, "$otherType", "send/m.reaction")]))[0]!.kind).toBe("stored");
    // Batch statement: one new room and one repeat of the original endpoint (a repeat is
    // answered before the room's position is looked at).
    const c = await room(db);
    const outcomes = await insertMessagesIfRoomsAt(db, [reuse(c, "$batched"), reuse(a, "$repeat")]);
    expect(outcomes[0]!.kind).toBe("stored");
    expect(outcomes[1]).toEqual({ kind: "duplicate", existing: "$first" });
  });

  it("records each message's notification groups and queues deliveries for HTTP pushers", async () => {
    const [a, b] = [await room(db), await room(db)];
    await db.query("INSERT INTO push_members (room_id, user_id, ordinal) VALUES ($1, '@bob:example.com', 0), ($2, '@bob:example.com', 3)", [a.roomId, b.roomId]);
    await db.query(
      `INSERT INTO pushers (user_id, app_id, pushkey, kind, app_display_name, device_display_name, lang, data, pushkey_ts)
       VALUES ('@bob:example.com', 'app', 'key', 'http', 'App', 'Phone', 'en', '{}', 0)`,
    );
    const groups = (ordinal: number) => [
      { highlight: false, actions: ["notify"], members: setMemberBit(new Uint8Array(0), ordinal) },
      { highlight: true, actions: ["notify", { set_tweak: "highlight" }], members: setMemberBit(new Uint8Array(0), 7) },
    ];
    const push = (ordinal: number) => ({ rulesEpoch: 0, threadId: null, ts: 5, groups: groups(ordinal) });
    const outcomes = await insertMessagesIfRoomsAt(db, [message(a, "$pa", { push: push(0) }), message(b, "$pb", { push: push(3) })]);
    expect(outcomes.map((o) => (o.kind === "stored" ? o.queued : o.kind))).toEqual([1, 1]);
    const { rows } = await db.query<{ event_id: string; grp: number; highlight: boolean; actions: unknown }>(
      "SELECT event_id, grp, highlight, actions FROM notification_groups WHERE event_id = ANY($1::text[]) ORDER BY event_id, grp",
      [["$pa", "$pb"]],
    );
    expect(rows).toEqual([
      { event_id: "$pa", grp: 0, highlight: false, actions: ["notify"] },
      { event_id: "$pa", grp: 1, highlight: true, actions: ["notify", { set_tweak: "highlight" }] },
      { event_id: "$pb", grp: 0, highlight: false, actions: ["notify"] },
      { event_id: "$pb", grp: 1, highlight: true, actions: ["notify", { set_tweak: "highlight" }] },
    ]);
  });

  it("leaves out a message whose push decisions predate a push rule change", async () => {
    const r = await room(db);
    const epoch = await currentStreamPosition(db);
    const changed = await db.transaction((tx) => allocateStreamPosition(tx));
    await db.query("INSERT INTO push_rules (user_id, ruleset, stream_position) VALUES ('@carol:example.com', '{}', $1)", [changed]);
    const [outcome] = await insertMessagesIfRoomsAt(db, [message(r, "$late", { push: { rulesEpoch: epoch, threadId: null, ts: 0, groups: [] } })]);
    expect(outcome).toEqual({ kind: "stale" });
  });

  it("gives a lone message (its own leaner statement) the same outcomes and rows", async () => {
    const r = await room(db);
    await db.query("INSERT INTO push_members (room_id, user_id, ordinal) VALUES ($1, '@bob:example.com', 2)", [r.roomId]);
    const before = await currentStreamPosition(db);
    const push = { rulesEpoch: before, threadId: null, ts: 9, groups: [{ highlight: false, actions: ["notify"], members: setMemberBit(new Uint8Array(0), 2) }] };
    expect(await insertMessagesIfRoomsAt(db, [message(r, "$lone", { push, bump: false })])).toEqual([{ kind: "stored", position: before + 1, queued: 1 }]);
    expect(await getRoomSummary(db, r.roomId)).toMatchObject({ stream_position: before + 1, bump_stamp: 0 });
    expect(await forwardExtremities(db, r.roomId)).toEqual(["$lone"]);
    const groups = await db.query("SELECT grp, actions FROM notification_groups WHERE event_id = '$lone'");
    expect(groups.rows).toEqual([{ grp: 0, actions: ["notify"] }]);
    expect(await insertMessagesIfRoomsAt(db, [message({ ...r, at: before + 1, root: "$lone" }, "$other", { event: { ...message(r, "$other").event, txnId: "txn-$lone" } })])).toEqual([
      { kind: "duplicate", existing: "$lone" },
    ]);
    expect(await insertMessagesIfRoomsAt(db, [message(r, "$behind")])).toEqual([{ kind: "stale" }]);
  });

  it("refuses two messages of one room in one batch", async () => {
    const r = await room(db);
    await expect(insertMessagesIfRoomsAt(db, [message(r, "$x1"), message(r, "$x2")])).rejects.toThrow(RangeError);
  });

  it("for any mix of fresh and stale rooms, stores exactly the fresh ones at consecutive positions in input order", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }), async (fresh) => {
        const rooms = [];
        for (const _ of fresh) rooms.push(await room(db));
        const before = await currentStreamPosition(db);
        const outcomes = await insertMessagesIfRoomsAt(db, rooms.map((r, i) => message({ ...r, at: fresh[i] ? 0 : 1 }, `$p${counter}-${i}`)));
        let next = before;
        outcomes.forEach((o, i) => expect(o).toEqual(fresh[i] ? { kind: "stored", position: ++next, queued: 0 } : { kind: "stale" }));
        expect(await currentStreamPosition(db)).toBe(next);
      }),
      { numRuns: 15 },
    );
  });
});
