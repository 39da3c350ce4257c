// Server-side search storage (https://spec.matrix.org/v1.19/client-server-api/#server-side-search):
// the lazily caught-up full-text index and keyset pagination.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testBackends } from "../src/testing.js";
import type { Database } from "../src/database.js";
import { allocateStreamPosition } from "../src/stream.js";
import { insertEvent } from "../src/events.js";
import { indexSearchableEvents, searchEvents, type SearchHit } from "../src/search.js";

const ROOM = "!search:example.com";

describe.each(testBackends())("search storage on $name", (backend) => {
  let db: Database;
  let n = 0;
  async function send(type: string, content: Record<string, unknown> | string, roomId = ROOM): Promise<string> {
    const eventId = `$e${++n}`;
    await db.transaction(async (tx) => {
      const position = await allocateStreamPosition(tx);
      const json = typeof content === "string" ? content : JSON.stringify({ type, room_id: roomId, content });
      await insertEvent(tx, {
        eventId, roomId, streamPosition: position, type, stateKey: type === "m.room.message" ? null : "", sender: "@alice:example.com", depth: n,
        originServerTs: n, json, unsigned: null, stateGroupBefore: null, stateGroupAfter: null, relatesTo: null, relType: null,
        threadId: null, containsUrl: false, txnDevice: null, txnScope: null, txnId: null, prevEvents: [], authEvents: [],
      });
    });
    return eventId;
  }
  beforeAll(async () => {
    db = await backend.open();
  });
  afterAll(async () => {
    await db.close();
  });

  it("indexes each event once, even with concurrent catch-ups, and skips what has no text", async () => {
    for (let i = 0; i < 12; i++) await send("m.room.message", { msgtype: "m.text", body: `apple number ${i}${i % 3 === 0 ? " apple" : ""}` });
    await send("m.room.name", { name: "Apple orchard" });
    await send("m.room.topic", { topic: "apples and pears" });
    await send("m.room.message", { msgtype: "m.text", body: "nul\u0000apple" });
    await send("m.room.message", { msgtype: "m.image", url: "mxc://x/y" });
    await send("m.room.message", "{not json");
    await send("m.reaction", { "m.relates_to": { key: "apple" } });
    const added = await Promise.all([indexSearchableEvents(db), indexSearchableEvents(db), indexSearchableEvents(db)]);
    expect(added.reduce((a, b) => a + b, 0)).toBe(15);
    expect(await indexSearchableEvents(db)).toBe(0);
    const all = await searchEvents(db, { roomIds: [ROOM], term: "apple", keys: ["content.body", "content.name", "content.topic"], order: "rank", limit: 100 });
    // "apples" does not match "apple": the simple configuration does not stem.
    expect(all.count).toBe(14);
    expect(all.hits.map((h) => h.type)).toContain("m.room.name");
    const bodyOnly = await searchEvents(db, { roomIds: [ROOM], term: "apple", keys: ["content.body"], order: "recent", limit: 100 });
    expect(bodyOnly.count).toBe(13);
    expect(await searchEvents(db, { roomIds: ["!other:example.com"], term: "apple", keys: ["content.body"], order: "rank", limit: 10 })).toEqual({ hits: [], count: 0 });
  });

  it("pages through every match exactly once in order, for any page size (keyset pagination)", async () => {
    await indexSearchableEvents(db);
    const keys = ["content.body", "content.name", "content.topic"] as const;
    for (const order of ["rank", "recent"] as const) {
      const { hits: everything } = await searchEvents(db, { roomIds: [ROOM], term: "apple", keys, order, limit: 1000 });
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 1, max: 6 }), async (limit) => {
          const seen: SearchHit[] = [];
          let after: { rank: number; position: number } | undefined;
          for (let guard = 0; guard < 100; guard++) {
            const { hits } = await searchEvents(db, { roomIds: [ROOM], term: "apple", keys, order, limit, after });
            seen.push(...hits);
            if (hits.length < limit) break;
            const last = hits.at(-1)!;
            after = { rank: last.rank, position: Number(last.stream_position) };
          }
          expect(seen.map((h) => h.event_id)).toEqual(everything.map((h) => h.event_id));
        }),
        { numRuns: 6 },
      );
    }
  });
});
