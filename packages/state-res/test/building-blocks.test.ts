// Unit tests of the building blocks of https://spec.matrix.org/v1.19/rooms/v2/#definitions:
// state keys, the conflicted/unconflicted split, the lexicographical topological
// sort, the reverse topological power ordering, the conflicted state subgraph,
// and the error contract.

import fc from "fast-check";
import { referencedEventIds, type EventReferencePair } from "@weft/common";
import { describe, expect, it } from "vitest";
import {
  AuthChainCache,
  Heap,
  MissingEventsError,
  isMissingEventsError,
  isPowerEvent,
  lexicographicalTopologicalSort,
  orderByDepthAndSha1,
  parseStateKey,
  resolveState,
  resolveStateSync,
  reverseTopologicalPowerOrdering,
  splitConflictedState,
  stateKey,
} from "../src/index.js";
import { checkAuth } from "./helpers/auth-rules.js";
import { buildRoom, joinRules, member, powerLevels } from "./helpers/dag.js";

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

describe("stateKey", () => {
  it("round-trips any pair of strings without collisions", () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), fc.string(), (t1, k1, t2, k2) => {
        expect(parseStateKey(stateKey(t1, k1))).toEqual([t1, k1]);
        if (t1 !== t2 || k1 !== k2) expect(stateKey(t1, k1)).not.toBe(stateKey(t2, k2));
      }),
    );
    expect(stateKey("a\u0000b", "")).not.toBe(stateKey("a", "b\u0000"));
    expect(() => parseStateKey("nope")).toThrow(TypeError);
  });
});

describe("splitConflictedState", () => {
  const a = new Map([["x", "$1"], ["y", "$2"]]);
  const b = new Map([["x", "$1"], ["y", "$3"], ["z", "$4"]]);
  it("v2: a key missing from one set is conflicted", () => {
    const { unconflicted, conflicted } = splitConflictedState([a, b]);
    expect(unconflicted).toEqual(new Map([["x", "$1"]]));
    expect(conflicted).toEqual(new Map([["y", ["$2", "$3"]], ["z", ["$4"]]]));
  });
  it("v1: a key missing from one set is not a conflict", () => {
    const { unconflicted, conflicted } = splitConflictedState([a, b], "v1");
    expect(unconflicted).toEqual(new Map([["x", "$1"], ["z", "$4"]]));
    expect(conflicted).toEqual(new Map([["y", ["$2", "$3"]]]));
  });
});

describe("lexicographical topological sort", () => {
  it("sorts the classic example", () => {
    const graph = new Map([["l", ["o"]], ["m", ["n", "o"]], ["n", ["o"]], ["o", []], ["p", ["o"]]]);
    expect(lexicographicalTopologicalSort(graph, byString)).toEqual(["o", "l", "n", "m", "p"]);
  });
  it("breaks ties by the comparator only among available nodes", () => {
    const graph = new Map([["a", ["z"]], ["z", []], ["b", []]]);
    expect(lexicographicalTopologicalSort(graph, byString)).toEqual(["b", "z", "a"]);
  });
  it("rejects cycles", () => {
    expect(() => lexicographicalTopologicalSort(new Map([["a", ["b"]], ["b", ["a"]]]), byString)).toThrow(/cycle/);
  });
  it("is the smallest topological order (against a quadratic reference)", () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.nat(19), { maxLength: 4 }), { minLength: 1, maxLength: 20 }), (lists) => {
        // Edges only to smaller indices: a DAG.
        const graph = new Map<string, string[]>();
        lists.forEach((deps, i) => graph.set(`n${String(i).padStart(2, "0")}`, deps.filter((d) => d < i).map((d) => `n${String(d).padStart(2, "0")}`)));
        const reference: string[] = [];
        const left = new Set(graph.keys());
        while (left.size) {
          const ready = [...left].filter((n) => graph.get(n)!.every((d) => !left.has(d))).sort(byString).reverse().sort((x, y) => byString(x, y));
          // the comparator here is reversed string order, to exercise a non-trivial key
          const pick = ready.sort((x, y) => byString(y, x))[0]!;
          reference.push(pick);
          left.delete(pick);
        }
        expect(lexicographicalTopologicalSort(graph, (x, y) => byString(y, x))).toEqual(reference);
      }),
    );
  });
});

describe("Heap", () => {
  it("pops in comparator order", () => {
    fc.assert(fc.property(fc.array(fc.integer()), (xs) => {
      const h = new Heap<number>((a, b) => a - b);
      xs.forEach((x) => h.push(x));
      const out: number[] = [];
      while (h.size) out.push(h.pop()!);
      expect(out).toEqual([...xs].sort((a, b) => a - b));
    }));
  });
});

describe("power events and ordering", () => {
  it("classifies power events", () => {
    const base = { sender: "@a:x", content: {} };
    expect(isPowerEvent({ ...base, type: "m.room.power_levels", state_key: "" })).toBe(true);
    expect(isPowerEvent({ ...base, type: "m.room.member", state_key: "@b:x", content: { membership: "ban" } })).toBe(true);
    expect(isPowerEvent({ ...base, type: "m.room.member", state_key: "@a:x", content: { membership: "leave" } })).toBe(false);
    expect(isPowerEvent({ ...base, type: "m.room.topic", state_key: "" })).toBe(false);
  });

  it("sorts by sender power, then timestamp, then event ID; v12 creators first", () => {
    for (const version of ["11", "12"]) {
      const pl = version === "12" ? powerLevels("PB", "alice", { bob: 100 }) : powerLevels("PB", "alice", { alice: 100, bob: 100 });
      // JB by bob (100) is older than JA by alice; before v12 equal power → timestamp decides.
      const { room } = buildRoom(version, [pl, joinRules("JB", "bob", "invite"), joinRules("JA", "alice", "public")], [["END", "JB", "PB", "START"], ["END", "JA", "PB"]]);
      const order = reverseTopologicalPowerOrdering(version, ["$JA", "$JB"], new Set(["$JA", "$JB"]), room.getEvent);
      expect(order).toEqual(version === "12" ? ["$JA", "$JB"] : ["$JB", "$JA"]);
    }
  });

  it("v1 orders by ascending depth then descending SHA-1", () => {
    const events = [{ event_id: "$a", depth: 2 }, { event_id: "$b", depth: 1 }, { event_id: "$c", depth: 2 }];
    const ordered = orderByDepthAndSha1(events).map((e) => e.event_id);
    expect(ordered[0]).toBe("$b");
    expect(ordered).toHaveLength(3);
  });
});

describe("missing events and caching", () => {
  const { room, endStates } = buildRoom("11", [joinRules("JR", "alice", "private"), member("ME", "ella", "ella", "join")], [["END", "JR", "START"], ["END", "ME", "START"]]);

  it("throws a typed MissingEventsError naming what to fetch", async () => {
    const without = (id: string) => (id === "$ME" ? undefined : room.getEvent(id));
    let caught: unknown;
    try {
      resolveStateSync("11", endStates, without, { authCheck: checkAuth });
    } catch (e) {
      caught = e;
    }
    expect(isMissingEventsError(caught)).toBe(true);
    expect((caught as MissingEventsError).ids).toEqual(["$ME"]);
    await expect(resolveState("11", endStates, { getEvents: (ids) => ids.filter((i) => i !== "$ME").map((i) => room.getEvent(i)!) }, { authCheck: checkAuth })).rejects.toMatchObject({ name: "MissingEventsError", code: "MISSING_EVENTS", ids: ["$ME"] });
  });

  it("does not ask the source again for cached events", async () => {
    const cache = new AuthChainCache();
    const asked: string[] = [];
    const source = { getEvents: (ids: string[]) => { asked.push(...ids); return ids.map((i) => room.getEvent(i)!); } };
    const first = await resolveState("11", endStates, source, { authCheck: checkAuth, cache });
    const n = asked.length;
    expect(await resolveState("11", endStates, source, { authCheck: checkAuth, cache })).toEqual(first);
    expect(asked.length).toBe(n);
  });

  it("honours an aborted signal", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(resolveState("11", endStates, { getEvents: (ids) => ids.map((i) => room.getEvent(i)!) }, { authCheck: checkAuth, signal: controller.signal })).rejects.toThrow();
  });

  it("accepts v1–2 reference pairs in auth_events", () => {
    // The room builder writes room version 2 references as [event_id, hashes] pairs.
    const { room: r2, endStates: s2 } = buildRoom("2", [joinRules("JR", "alice", "private")], [["END", "JR", "START"], ["END", "START"]]);
    expect(Array.isArray(r2.getEvent(r2.id("JR"))!.auth_events[0])).toBe(true);
    const plain = (id: string) => {
      const e = r2.getEvent(id);
      return e && { ...e, auth_events: referencedEventIds(e.auth_events as (string | EventReferencePair)[]) };
    };
    const resolved = resolveStateSync("2", s2, r2.getEvent, { authCheck: checkAuth });
    expect(resolved.get(stateKey("m.room.join_rules", ""))).toBe(r2.id("JR"));
    expect(resolveStateSync("2", s2, plain, { authCheck: checkAuth })).toEqual(resolved);
  });
});
