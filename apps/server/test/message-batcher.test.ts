// The group-commit queue on its own: a lone message goes at once, messages
// that arrive while a statement is under way go together in the next one, and
// a batch statement that fails is retried message by message so one bad
// message cannot fail the rest. The database is a stand-in that records each
// statement and answers like the lone-message statement.

import { describe, expect, it } from "vitest";
import type { OptimisticMessage, Queryable } from "@weft/storage-pg";
import { MessageBatcher } from "../src/services/message-batcher.js";

function message(roomId: string, eventId: string): OptimisticMessage {
  return {
    event: {
      eventId, roomId, type: "m.room.message", sender: "@a:example.com", depth: 2, originServerTs: 0, json: "{}", stateGroup: null,
      relatesTo: null, relType: null, threadId: null, containsUrl: false, txnDevice: null, txnScope: null, txnId: null,
      prevEvents: ["$root"], authEvents: [],
    },
    expectedPosition: 1,
    bump: true,
  };
}

/** A database whose statements take one macrotask, record their event IDs, and fail for `poisoned`. */
function fakeDatabase(poisoned: string): { db: Queryable; statements: string[][] } {
  const statements: string[][] = [];
  let position = 10;
  const db: Queryable = {
    async query<Row>(_sql: string, params: readonly unknown[] = []) {
      await new Promise((resolve) => setImmediate(resolve));
      // A batch statement's first parameter is its rows as a JSON array; a lone message's is its event ID.
      const first = params[0] as string;
      const ids = first.startsWith("[") ? (JSON.parse(first) as { event_id: string }[]).map((row) => row.event_id) : [first];
      statements.push(ids);
      if (ids.includes(poisoned)) throw new Error(`cannot store ${poisoned}`);
      const rows = ids.map((_, i) => ({ n: i + 1, position: ++position, existing: null, queued: 0 }));
      return { rows: rows as Row[], rowCount: rows.length } as Awaited<ReturnType<Queryable["query"]>> & { rows: Row[] };
    },
  };
  return { db, statements };
}

describe("MessageBatcher", () => {
  it("sends a lone message at once and queues the rest of a burst into one statement", async () => {
    const { db, statements } = fakeDatabase("$none");
    const batcher = new MessageBatcher(db, () => undefined);
    const results = await Promise.all(["a", "b", "c"].map((r) => batcher.submit(message(`!${r}:x`, `$${r}`))));
    expect(statements).toEqual([["$a"], ["$b", "$c"]]);
    expect(results.map((r) => r.outcome.kind)).toEqual(["stored", "stored", "stored"]);
  });

  it("retries a failed batch message by message: the bad one fails, the others are stored", async () => {
    const { db, statements } = fakeDatabase("$c");
    const batcher = new MessageBatcher(db, () => undefined);
    const settled = await Promise.allSettled(["a", "b", "c", "d"].map((r) => batcher.submit(message(`!${r}:x`, `$${r}`))));
    expect(settled.map((s) => s.status)).toEqual(["fulfilled", "fulfilled", "rejected", "fulfilled"]);
    expect((settled[2] as PromiseRejectedResult).reason).toBeInstanceOf(Error);
    expect(statements).toEqual([["$a"], ["$b", "$c", "$d"], ["$b"], ["$c"], ["$d"]]);
  });
});
