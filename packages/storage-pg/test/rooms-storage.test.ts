// Storage of rooms: stream positions, state groups as deltas, auth chains.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testBackends } from "../src/testing.js";
import type { Database } from "../src/database.js";
import { allocateStreamPosition, currentStreamPosition } from "../src/stream.js";
import { createStateGroup, stateGroupIds, stateKeyOf, MAX_STATE_GROUP_CHAIN } from "../src/state-groups.js";
import { insertEvent, authChainIds } from "../src/events.js";

describe.each(testBackends())("rooms storage on $name", (backend) => {
  let db: Database;
  beforeAll(async () => {
    db = await backend.open();
  });
  afterAll(async () => {
    await db.close();
  });

  it("allocates increasing stream positions inside transactions", async () => {
    const start = await currentStreamPosition(db);
    const a = await db.transaction((tx) => allocateStreamPosition(tx));
    const b = await db.transaction((tx) => allocateStreamPosition(tx));
    expect(b).toBe(a + 1);
    expect(await currentStreamPosition(db)).toBe(start + 2);
    await expect(db.transaction(async (tx) => { await allocateStreamPosition(tx); throw new Error("rollback"); })).rejects.toThrow();
    expect(await currentStreamPosition(db)).toBe(start + 2);
  });

  it("stores state as deltas and resolves any group, with periodic snapshots", async () => {
    const groups: number[] = [];
    let prev: number | null = null;
    const full = new Map<string, string>();
    for (let i = 0; i < MAX_STATE_GROUP_CHAIN + 5; i++) {
      const key = stateKeyOf("m.room.member", `@u${i % 7}:example.com`);
      full.set(key, `$e${i}`);
      const snapshot = new Map(full);
      prev = await db.transaction((tx) => createStateGroup(tx, "!r:example.com", prev, new Map([[key, `$e${i}`]]), async () => snapshot));
      groups.push(prev);
    }
    expect(await stateGroupIds(db, groups.at(-1)!)).toEqual(full);
    const early = await stateGroupIds(db, groups[2]!);
    expect(early.size).toBe(3);
    expect(early.get(stateKeyOf("m.room.member", "@u2:example.com"))).toBe("$e2");
  });

  it("walks auth chains recursively", async () => {
    const base = { roomId: "!a:example.com", streamPosition: null, type: "m.room.message", stateKey: null, sender: "@alice:example.com", depth: 1, originServerTs: 0, json: "{}", unsigned: null, stateGroupBefore: null, stateGroupAfter: null, relatesTo: null, relType: null, threadId: null, containsUrl: false, txnDevice: null, txnScope: null, txnId: null, prevEvents: [] };
    await db.transaction(async (tx) => {
      await insertEvent(tx, { ...base, eventId: "$create", authEvents: [] });
      await insertEvent(tx, { ...base, eventId: "$join", authEvents: ["$create"] });
      await insertEvent(tx, { ...base, eventId: "$pl", authEvents: ["$create", "$join"] });
      await insertEvent(tx, { ...base, eventId: "$msg", authEvents: ["$pl", "$join"] });
    });
    expect((await authChainIds(db, ["$msg"])).sort()).toEqual(["$create", "$join", "$pl"]);
  });
});
