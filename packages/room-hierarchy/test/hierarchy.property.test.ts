// Properties of the hierarchy walk (https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv1roomsroomidhierarchy)
// on random space graphs, loops and shared children included: the walk equals a
// naive recursive pre-order walk, every room appears at most once, and paging
// with any limit concatenates to the unpaged walk.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { getHierarchy } from "../src/index.js";
import { alice, SpaceBuilder } from "./space-builder.js";

const tokenKey = new Uint8Array([1, 2, 3, 4]);

interface ChildLink {
  target: number;
  order: string | undefined;
  ts: number;
  suggested: boolean;
  validVia: boolean;
}
interface RoomModel {
  space: boolean;
  access: "public" | "invite" | "joined";
  known: boolean;
  children: ChildLink[];
}

/** true with probability weight/(weight+1). */
const mostlyTrue = (weight: number): fc.Arbitrary<boolean> =>
  fc.oneof({ arbitrary: fc.constant(true), weight }, { arbitrary: fc.constant(false), weight: 1 });

const linkArb = (n: number): fc.Arbitrary<ChildLink> =>
  fc.record({
    target: fc.nat(n - 1),
    order: fc.option(fc.constantFrom("a", "b", "c", " ", "~", "é", "x".repeat(60)), { nil: undefined }),
    ts: fc.integer({ min: 0, max: 3 }),
    suggested: fc.boolean(),
    validVia: mostlyTrue(3),
  });

const graphArb = fc.integer({ min: 1, max: 18 }).chain((n) =>
  fc.array(
    fc.record({
      space: fc.boolean(),
      access: fc.constantFrom<RoomModel["access"]>("public", "public", "invite", "joined"),
      known: mostlyTrue(9),
      children: fc.array(linkArb(n), { maxLength: 5 }),
    }),
    { minLength: n, maxLength: n },
  ),
);

const roomId = (i: number): string => `!r${i}:example.com`;

function build(model: RoomModel[]): SpaceBuilder {
  const b = new SpaceBuilder();
  model.forEach((room, i) => {
    if (i !== 0 && !room.known) return;
    b.room(roomId(i), {
      space: i === 0 || room.space,
      joinRule: room.access === "public" ? "public" : "invite",
      members: room.access === "joined" ? { [alice]: "join" } : {},
    });
  });
  model.forEach((room, i) => {
    if (i !== 0 && !room.known) return;
    for (const link of room.children) {
      b.child(roomId(i), roomId(link.target), {
        order: link.order,
        ts: link.ts,
        suggested: link.suggested,
        via: link.validVia ? ["example.com"] : [],
      });
    }
  });
  return b;
}

/** A naive recursive pre-order walk over the model, with its own child ordering. */
function reference(model: RoomModel[], maxDepth: number, suggestedOnly: boolean): string[] {
  const out: string[] = [];
  const visited = new Set<number>();
  const validOrder = (o: string | undefined): boolean => o !== undefined && /^[\x20-\x7e]{0,50}$/.test(o);
  const visit = (i: number, depth: number): void => {
    if (visited.has(i)) return;
    visited.add(i);
    const room = model[i]!;
    if (i !== 0 && (!room.known || room.access === "invite")) return;
    out.push(roomId(i));
    if (!(i === 0 || room.space) || depth >= maxDepth) return;
    // The latest link per target wins (state is keyed by state_key).
    const latest = new Map<number, ChildLink>();
    for (const link of room.children) latest.set(link.target, link);
    const links = [...latest.values()].filter((l) => l.validVia && (!suggestedOnly || l.suggested));
    links.sort((a, b) => {
      const oa = validOrder(a.order) ? a.order! : undefined;
      const ob = validOrder(b.order) ? b.order! : undefined;
      if (oa !== undefined && ob === undefined) return -1;
      if (oa === undefined && ob !== undefined) return 1;
      if (oa !== undefined && ob !== undefined && oa !== ob) return oa < ob ? -1 : 1;
      if (a.ts !== b.ts) return a.ts - b.ts;
      return roomId(a.target) < roomId(b.target) ? -1 : roomId(a.target) > roomId(b.target) ? 1 : 0;
    });
    for (const link of links) visit(link.target, depth + 1);
  };
  visit(0, 0);
  return out;
}

describe("getHierarchy properties", () => {
  it("matches a naive recursive walk and lists each room at most once", async () => {
    await fc.assert(
      fc.asyncProperty(graphArb, fc.integer({ min: 0, max: 6 }), fc.boolean(), async (model, maxDepth, suggestedOnly) => {
        model[0]!.access = "joined";
        const page = await getHierarchy(
          roomId(0),
          { requester: alice, maxDepth, suggestedOnly, limit: 1000, tokenKey },
          build(model).source(),
        );
        const rooms = page.rooms.map((r) => r.room_id);
        expect(new Set(rooms).size).toBe(rooms.length);
        expect(rooms).toEqual(reference(model, maxDepth, suggestedOnly));
      }),
      { numRuns: 200 },
    );
  });

  it("paging with any limit concatenates to the unpaged walk", async () => {
    await fc.assert(
      fc.asyncProperty(graphArb, fc.integer({ min: 1, max: 7 }), fc.boolean(), async (model, limit, batch) => {
        model[0]!.access = "joined";
        const b = build(model);
        const source = batch ? b.batchSource() : b.source();
        const full = (await getHierarchy(roomId(0), { requester: alice, limit: 1000, tokenKey }, source)).rooms.map((r) => r.room_id);
        const paged: string[] = [];
        let from: string | undefined;
        do {
          const page = await getHierarchy(roomId(0), { requester: alice, limit, from, tokenKey }, source);
          expect(page.rooms.length).toBeGreaterThan(0);
          paged.push(...page.rooms.map((r) => r.room_id));
          from = page.next_batch;
        } while (from !== undefined);
        expect(paged).toEqual(full);
      }),
      { numRuns: 150 },
    );
  });
});
