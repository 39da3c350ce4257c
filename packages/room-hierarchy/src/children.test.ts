// Tests for the ordering of space children: https://spec.matrix.org/v1.19/client-server-api/#ordering-of-children-within-a-space

import { describe, expect, it } from "vitest";
import { compareCodePoints, isValidOrder, spaceChildren } from "./children.js";
import type { HierarchyStateEvent } from "./types.js";

function child(roomId: string, ts: number, content: Record<string, unknown>): HierarchyStateEvent {
  return { type: "m.space.child", state_key: roomId, origin_server_ts: ts, sender: "@alice:example.org", content };
}

describe("spaceChildren ordering", () => {
  it("orders the spec's worked example b, a, c, e, d", () => {
    // The example of the spec section "Ordering of children within a space".
    const events = [
      child("!b:example.org", 1640341000000, { order: " ", via: ["example.org"] }),
      child("!a:example.org", 1640141000000, { order: "aaaa", via: ["example.org"] }),
      child("!c:example.org", 1640841000000, { order: "first", via: ["example.org"] }),
      child("!e:example.org", 1640641000000, { via: ["example.org"] }),
      child("!d:example.org", 1640741000000, { via: ["example.org"] }),
    ];
    expect(spaceChildren(events, false).map((c) => c.roomId)).toEqual([
      "!b:example.org",
      "!a:example.org",
      "!c:example.org",
      "!e:example.org",
      "!d:example.org",
    ]);
  });

  it("breaks equal orders by timestamp, then equal timestamps by room ID", () => {
    const events = [
      child("!z:example.org", 5, { order: "x", via: ["example.org"] }),
      child("!y:example.org", 3, { order: "x", via: ["example.org"] }),
      child("!c:example.org", 7, { via: ["example.org"] }),
      child("!b:example.org", 7, { via: ["example.org"] }),
      child("!a:example.org", 9, { via: ["example.org"] }),
      child("!x:example.org", 3, { order: "x", via: ["example.org"] }),
    ];
    expect(spaceChildren(events, false).map((c) => c.roomId)).toEqual([
      "!x:example.org",
      "!y:example.org",
      "!z:example.org",
      "!b:example.org",
      "!c:example.org",
      "!a:example.org",
    ]);
  });

  it("treats invalid order values as absent (sorted among the unordered by timestamp)", () => {
    const events = [
      child("!long:example.org", 1, { order: "a".repeat(51), via: ["example.org"] }),
      child("!accent:example.org", 2, { order: "é", via: ["example.org"] }),
      child("!number:example.org", 3, { order: 1, via: ["example.org"] }),
      child("!control:example.org", 4, { order: "a\n", via: ["example.org"] }),
      child("!del:example.org", 5, { order: "\x7f", via: ["example.org"] }),
      child("!fifty:example.org", 100, { order: "~".repeat(50), via: ["example.org"] }),
    ];
    expect(spaceChildren(events, false).map((c) => c.roomId)).toEqual([
      "!fifty:example.org",
      "!long:example.org",
      "!accent:example.org",
      "!number:example.org",
      "!control:example.org",
      "!del:example.org",
    ]);
  });

  it("ignores children without a non-empty via array, or with a non-room state key", () => {
    const events = [
      child("!ok:example.org", 1, { via: ["example.org"] }),
      child("!none:example.org", 2, {}),
      child("!empty:example.org", 3, { via: [] }),
      child("!string:example.org", 4, { via: "example.org" }),
      child("not-a-room", 5, { via: ["example.org"] }),
    ];
    expect(spaceChildren(events, false).map((c) => c.roomId)).toEqual(["!ok:example.org"]);
  });

  it("keeps only suggested children with suggestedOnly", () => {
    const events = [
      child("!a:example.org", 1, { via: ["example.org"], suggested: true }),
      child("!b:example.org", 2, { via: ["example.org"], suggested: "true" }),
      child("!c:example.org", 3, { via: ["example.org"] }),
    ];
    expect(spaceChildren(events, true).map((c) => c.roomId)).toEqual(["!a:example.org"]);
    expect(spaceChildren(events, false)).toHaveLength(3);
  });

  it("strips children to type, state_key, content, sender, origin_server_ts", () => {
    const event = { ...child("!a:example.org", 7, { via: ["example.org"] }), event_id: "$x", unsigned: { age: 1 } };
    expect(spaceChildren([event], false)[0]!.event).toEqual({
      type: "m.space.child",
      state_key: "!a:example.org",
      content: { via: ["example.org"] },
      sender: "@alice:example.org",
      origin_server_ts: 7,
    });
  });
});

describe("isValidOrder / compareCodePoints", () => {
  it("accepts printable ASCII up to 50 characters", () => {
    expect(isValidOrder("")).toBe(true);
    expect(isValidOrder(" ~")).toBe(true);
    expect(isValidOrder("a".repeat(50))).toBe(true);
    expect(isValidOrder("a".repeat(51))).toBe(false);
    expect(isValidOrder(null)).toBe(false);
    expect(isValidOrder(["a"])).toBe(false);
  });

  it("compares by code point, not UTF-16 code unit", () => {
    // U+FF5E (one unit 0xFF5E) sorts before U+1F600 (surrogates 0xD83D…) by code point.
    expect(compareCodePoints("!\uFF5E", "!\u{1F600}")).toBe(-1);
    expect("!\uFF5E" < "!\u{1F600}").toBe(false);
    expect(compareCodePoints("!a", "!a")).toBe(0);
    expect(compareCodePoints("!a", "!ab")).toBe(-1);
  });
});
