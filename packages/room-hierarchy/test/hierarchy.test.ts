// Tests for the hierarchy walk of https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv1roomsroomidhierarchy:
// depth-first order, loops, max_depth, suggested_only, visibility, pagination and tokens.

import { isMatrixError } from "@weft/common";
import { describe, expect, it } from "vitest";
import { getHierarchy, type HierarchyOptions, type HierarchyPage, type HierarchySource } from "../src/index.js";
import { alice, bob, charlie, newCalls, SpaceBuilder } from "./space-builder.js";

const tokenKey = "test-token-key";

function ids(page: HierarchyPage): string[] {
  return page.rooms.map((r) => r.room_id);
}

async function errcodeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (isMatrixError(error)) return error.errcode;
    throw error;
  }
  throw new Error("expected a MatrixError");
}

/** Pages through the whole hierarchy, returning the room IDs and the tokens. */
async function pageAll(
  root: string,
  source: HierarchySource,
  options: Omit<HierarchyOptions, "tokenKey" | "from">,
): Promise<{ rooms: string[]; tokens: string[]; pages: number }> {
  const rooms: string[] = [];
  const tokens: string[] = [];
  let from: string | undefined;
  let pages = 0;
  do {
    const page = await getHierarchy(root, { ...options, from, tokenKey }, source);
    pages += 1;
    rooms.push(...ids(page));
    from = page.next_batch;
    if (from !== undefined) tokens.push(from);
  } while (from !== undefined);
  return { rooms, tokens, pages };
}

/**
 * !space
 *   !a          (order "1")
 *   !sub        (order "2", a space)
 *     !b
 *     !c
 *   !d          (no order)
 */
function nested(): SpaceBuilder {
  return new SpaceBuilder()
    .room("!space:example.com", { space: true, name: "Space" })
    .room("!a:example.com")
    .room("!sub:example.com", { space: true })
    .room("!b:example.com")
    .room("!c:example.com")
    .room("!d:example.com")
    .child("!space:example.com", "!d:example.com")
    .child("!space:example.com", "!sub:example.com", { order: "2" })
    .child("!space:example.com", "!a:example.com", { order: "1" })
    .child("!sub:example.com", "!b:example.com")
    .child("!sub:example.com", "!c:example.com");
}

describe("getHierarchy: order", () => {
  it("walks depth-first: a child space is recursed into before the remaining children", async () => {
    const page = await getHierarchy("!space:example.com", { requester: alice, tokenKey }, nested().source());
    expect(ids(page)).toEqual([
      "!space:example.com",
      "!a:example.com",
      "!sub:example.com",
      "!b:example.com",
      "!c:example.com",
      "!d:example.com",
    ]);
    expect(page.next_batch).toBeUndefined();
    const root = page.rooms[0]!;
    expect(root.children_state.map((e) => e.state_key)).toEqual(["!a:example.com", "!sub:example.com", "!d:example.com"]);
    expect(page.rooms[1]!.children_state).toEqual([]);
  });

  it("visits each room once when spaces form a loop or share children", async () => {
    const b = nested()
      .child("!sub:example.com", "!space:example.com") // loop back to the root
      .child("!sub:example.com", "!a:example.com") // already seen
      .room("!sub2:example.com", { space: true })
      .child("!sub2:example.com", "!sub:example.com")
      .child("!sub:example.com", "!sub2:example.com")
      .child("!space:example.com", "!sub2:example.com");
    const page = await getHierarchy("!space:example.com", { requester: alice, tokenKey }, b.source());
    expect(ids(page)).toEqual([
      "!space:example.com",
      "!a:example.com",
      "!sub:example.com",
      "!b:example.com",
      "!c:example.com",
      "!sub2:example.com",
      "!d:example.com",
    ]);
  });

  it("ignores m.space.child links of rooms that are not spaces", async () => {
    const b = nested().child("!a:example.com", "!d:example.com", { order: "0" });
    const page = await getHierarchy("!space:example.com", { requester: alice, tokenKey }, b.source());
    expect(ids(page).slice(0, 3)).toEqual(["!space:example.com", "!a:example.com", "!sub:example.com"]);
    expect(page.rooms[1]!.children_state).toEqual([]);
  });

  it("skips children the server does not know, keeping their siblings", async () => {
    const b = nested().child("!space:example.com", "!unknown:example.com", { order: "15" });
    const page = await getHierarchy("!space:example.com", { requester: alice, tokenKey }, b.source());
    expect(ids(page)).not.toContain("!unknown:example.com");
    expect(ids(page)).toHaveLength(6);
  });
});

describe("getHierarchy: max_depth and suggested_only", () => {
  it("max_depth 0 returns only the root, with its children_state", async () => {
    const page = await getHierarchy("!space:example.com", { requester: alice, maxDepth: 0, tokenKey }, nested().source());
    expect(ids(page)).toEqual(["!space:example.com"]);
    expect(page.rooms[0]!.children_state).toHaveLength(3);
  });

  it("max_depth 1 returns the root and its children, not grandchildren", async () => {
    const page = await getHierarchy("!space:example.com", { requester: alice, maxDepth: 1, tokenKey }, nested().source());
    expect(ids(page)).toEqual(["!space:example.com", "!a:example.com", "!sub:example.com", "!d:example.com"]);
    expect(page.rooms[2]!.children_state.map((e) => e.state_key)).toEqual(["!b:example.com", "!c:example.com"]);
  });

  it("suggested_only follows only suggested links (the root is always returned)", async () => {
    const b = nested()
      .child("!space:example.com", "!sub:example.com", { order: "2", suggested: true })
      .child("!sub:example.com", "!c:example.com", { suggested: true });
    const page = await getHierarchy("!space:example.com", { requester: alice, suggestedOnly: true, tokenKey }, b.source());
    expect(ids(page)).toEqual(["!space:example.com", "!sub:example.com", "!c:example.com"]);
    expect(page.rooms[0]!.children_state.map((e) => e.state_key)).toEqual(["!sub:example.com"]);
  });

  it("rejects a negative or fractional max_depth and a limit below 1", async () => {
    const source = nested().source();
    expect(await errcodeOf(getHierarchy("!space:example.com", { requester: alice, maxDepth: -1, tokenKey }, source))).toBe("M_INVALID_PARAM");
    expect(await errcodeOf(getHierarchy("!space:example.com", { requester: alice, maxDepth: 1.5, tokenKey }, source))).toBe("M_INVALID_PARAM");
    expect(await errcodeOf(getHierarchy("!space:example.com", { requester: alice, limit: 0, tokenKey }, source))).toBe("M_INVALID_PARAM");
  });
});

describe("getHierarchy: visibility", () => {
  function mixed(): SpaceBuilder {
    return new SpaceBuilder()
      .room("!space:example.com", { space: true })
      .room("!public:example.com")
      .room("!invite-only:example.com", { joinRule: "invite", members: { [alice]: "join" } })
      .room("!invited:example.com", { joinRule: "invite", members: { [bob]: "invite" } })
      .room("!readable:example.com", { joinRule: "invite", historyVisibility: "world_readable" })
      .room("!knock:example.com", { joinRule: "knock", version: "7" })
      .room("!knock-v6:example.com", { joinRule: "knock", version: "6" })
      .room("!knock-restricted:example.com", { joinRule: "knock_restricted", version: "10" })
      .room("!restricted:example.com", {
        joinRule: "restricted",
        allow: ["!club:example.com"],
        version: "8",
        members: { "@zara:example.com": "join" },
      })
      .room("!banned:example.com", { members: { [bob]: "ban" } })
      .room("!private-space:example.com", { space: true, joinRule: "invite" })
      .room("!hidden-child:example.com")
      .room("!club:example.com", { joinRule: "invite", members: { [charlie]: "join" } })
      .child("!private-space:example.com", "!hidden-child:example.com")
      .child("!space:example.com", "!public:example.com", { order: "a" })
      .child("!space:example.com", "!invite-only:example.com", { order: "b" })
      .child("!space:example.com", "!invited:example.com", { order: "c" })
      .child("!space:example.com", "!readable:example.com", { order: "d" })
      .child("!space:example.com", "!knock:example.com", { order: "e" })
      .child("!space:example.com", "!knock-v6:example.com", { order: "f" })
      .child("!space:example.com", "!knock-restricted:example.com", { order: "g" })
      .child("!space:example.com", "!restricted:example.com", { order: "h" })
      .child("!space:example.com", "!banned:example.com", { order: "i" })
      .child("!space:example.com", "!private-space:example.com", { order: "j" });
  }

  it("shows joined/invited, world-readable, public, knockable and permitted restricted rooms only", async () => {
    const source = mixed().source();
    const forBob = ids(await getHierarchy("!space:example.com", { requester: bob, tokenKey }, source));
    expect(forBob).toEqual([
      "!space:example.com",
      "!public:example.com",
      "!invited:example.com",
      "!readable:example.com",
      "!knock:example.com",
      "!knock-restricted:example.com",
    ]);
    const forCharlie = ids(await getHierarchy("!space:example.com", { requester: charlie, tokenKey }, source));
    expect(forCharlie).toContain("!restricted:example.com"); // joined to !club, named by the allow list
    expect(forCharlie).toContain("!banned:example.com");
    expect(forCharlie).not.toContain("!invite-only:example.com");
    expect(forCharlie).not.toContain("!hidden-child:example.com"); // not descended into the hidden space
    const forAlice = ids(await getHierarchy("!space:example.com", { requester: alice, tokenKey }, source));
    expect(forAlice).toContain("!invite-only:example.com");
    expect(forAlice).toContain("!private-space:example.com");
    expect(forAlice).toContain("!hidden-child:example.com");
    expect(forAlice).not.toContain("!restricted:example.com"); // alice is not in !club
  });

  it("refuses an inaccessible root with M_FORBIDDEN and an unknown root with M_NOT_FOUND", async () => {
    const source = mixed().source();
    expect(await errcodeOf(getHierarchy("!private-space:example.com", { requester: bob, tokenKey }, source))).toBe("M_FORBIDDEN");
    expect(await errcodeOf(getHierarchy("!banned:example.com", { requester: bob, tokenKey }, source))).toBe("M_FORBIDDEN");
    expect(await errcodeOf(getHierarchy("!nowhere:example.com", { requester: bob, tokenKey }, source))).toBe("M_NOT_FOUND");
  });

  it("gives the summary fields and allowed_room_ids of restricted rooms", async () => {
    const page = await getHierarchy("!space:example.com", { requester: charlie, tokenKey }, mixed().source());
    const restricted = page.rooms.find((r) => r.room_id === "!restricted:example.com")!;
    expect(restricted).toMatchObject({
      join_rule: "restricted",
      allowed_room_ids: ["!club:example.com"],
      room_version: "8",
      num_joined_members: 1,
      guest_can_join: false,
      world_readable: false,
    });
    const space = page.rooms[0]!;
    expect(space.room_type).toBe("m.space");
    expect(space.allowed_room_ids).toBeUndefined();
  });
});

describe("getHierarchy: pagination", () => {
  it("pages through the walk, each page continuing where the previous ended", async () => {
    const source = nested().source();
    const full = ids(await getHierarchy("!space:example.com", { requester: alice, tokenKey }, source));
    for (const limit of [1, 2, 3, 4, 5, 6, 7]) {
      const { rooms, pages } = await pageAll("!space:example.com", source, { requester: alice, limit });
      expect(rooms).toEqual(full);
      expect(pages).toBe(Math.ceil(full.length / limit)); // never an empty last page
    }
  });

  it("rejects tampered, foreign and mismatched tokens with M_INVALID_PARAM", async () => {
    const b = nested().room("!other:example.com", { space: true }).child("!other:example.com", "!a:example.com");
    const source = b.source();
    const first = await getHierarchy("!space:example.com", { requester: alice, limit: 2, tokenKey }, source);
    const from = first.next_batch!;
    const base = { requester: alice, limit: 2, from, tokenKey };
    const flipped = from.slice(0, 5) + (from[5] === "A" ? "B" : "A") + from.slice(6);
    const cases: [string, Promise<unknown>][] = [
      ["tampered", getHierarchy("!space:example.com", { ...base, from: flipped }, source)],
      ["garbage", getHierarchy("!space:example.com", { ...base, from: "not a token!" }, source)],
      ["empty", getHierarchy("!space:example.com", { ...base, from: "" }, source)],
      ["other room", getHierarchy("!other:example.com", base, source)],
      ["other user", getHierarchy("!space:example.com", { ...base, requester: bob }, source)],
      ["changed suggested_only", getHierarchy("!space:example.com", { ...base, suggestedOnly: true }, source)],
      ["changed max_depth", getHierarchy("!space:example.com", { ...base, maxDepth: 3 }, source)],
      ["other key", getHierarchy("!space:example.com", { ...base, tokenKey: "another key" }, source)],
    ];
    for (const [label, promise] of cases) expect([label, await errcodeOf(promise)]).toEqual([label, "M_INVALID_PARAM"]);
    // The limit may change between pages.
    const next = await getHierarchy("!space:example.com", { ...base, limit: 10 }, source);
    expect(ids(next)).toEqual(["!sub:example.com", "!b:example.com", "!c:example.com", "!d:example.com"]);
  });

  it("resumes after the last returned room when the space changed between pages", async () => {
    const b = nested();
    const source = b.source();
    const first = await getHierarchy("!space:example.com", { requester: alice, limit: 3, tokenKey }, source);
    expect(ids(first)).toEqual(["!space:example.com", "!a:example.com", "!sub:example.com"]);
    // A new child sorted first shifts every position by one; the walk still resumes after !sub.
    b.room("!new:example.com").child("!space:example.com", "!new:example.com", { order: "0" });
    const second = await getHierarchy("!space:example.com", { requester: alice, from: first.next_batch, tokenKey }, source);
    expect(ids(second)).toEqual(["!b:example.com", "!c:example.com", "!d:example.com"]);
    // If the last room disappears, the walk resumes after the same count.
    b.unlink("!space:example.com", "!sub:example.com");
    const third = await getHierarchy("!space:example.com", { requester: alice, from: first.next_batch, tokenKey }, source);
    expect(ids(third)).toEqual(["!d:example.com"]);
  });

  it("keeps tokens small and reads states in batches for a 1,000-room space", async () => {
    const b = new SpaceBuilder().room("!space:example.com", { space: true });
    for (let s = 0; s < 10; s++) {
      const sub = `!sub-${s}-${"x".repeat(200)}:example.com`; // long room IDs: the token must still be small
      b.room(sub, { space: true }).child("!space:example.com", sub);
      for (let r = 0; r < 99; r++) {
        const room = `!room-${s}-${r}:example.com`;
        b.room(room).child(sub, room);
      }
    }
    const calls = newCalls();
    const source = b.batchSource(calls);
    const first = await getHierarchy("!space:example.com", { requester: alice, tokenKey }, source);
    expect(first.rooms).toHaveLength(50);
    expect(calls.getRoomState).toBe(0);
    expect(calls.getRoomStates).toBeLessThanOrEqual(3);
    expect(calls.roomsRequested).toBeLessThanOrEqual(1 + 10 + 51); // root, sub-spaces, the page and one more
    expect(first.rooms[1]!.num_joined_members).toBe(1); // counted by getJoinedMemberCounts, state has no members
    const { rooms, tokens } = await pageAll("!space:example.com", source, { requester: alice, limit: 37 });
    expect(rooms).toHaveLength(1001);
    expect(new Set(rooms).size).toBe(1001);
    for (const token of tokens) expect(token.length).toBeLessThan(2048);
    expect(Math.max(...tokens.map((t) => t.length))).toBeLessThan(400);
  });

  it("clamps limit at 1000 and max_depth at 100", async () => {
    const b = new SpaceBuilder().room("!r0:example.com", { space: true });
    for (let i = 1; i <= 150; i++) b.room(`!r${i}:example.com`, { space: true }).child(`!r${i - 1}:example.com`, `!r${i}:example.com`);
    const page = await getHierarchy("!r0:example.com", { requester: alice, limit: 5000, maxDepth: 1000, tokenKey }, b.source());
    expect(page.rooms).toHaveLength(101); // depths 0..100
  });
});
