// Tests for the hierarchy pagination tokens (`from`/`next_batch` of
// https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv1roomsroomidhierarchy).

import { isMatrixError } from "@weft/common";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeHierarchyToken, encodeHierarchyToken, type TokenBinding } from "./token.js";

const binding: TokenBinding = { roomId: "!space:example.com", requester: "@alice:example.com", suggestedOnly: false, maxDepth: 100 };

function errcode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return isMatrixError(error) ? error.errcode : "not a MatrixError";
  }
  return undefined;
}

describe("hierarchy tokens", () => {
  it("round-trips any position, URL-safe and small", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 40 }), fc.string({ minLength: 1, maxLength: 255, unit: "binary" }), (emitted, id) => {
        const lastRoomId = `!${id}`;
        const token = encodeHierarchyToken("key", binding, { emitted, lastRoomId });
        expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
        expect(token.length).toBeLessThan(1400);
        expect(decodeHierarchyToken("key", binding, token)).toEqual({ emitted, lastRoomId });
      }),
    );
  });

  it("rejects any altered character", () => {
    const token = encodeHierarchyToken("key", binding, { emitted: 12, lastRoomId: "!room:example.com" });
    fc.assert(
      fc.property(fc.nat(token.length - 1), fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"), (i, c) => {
        fc.pre(token[i] !== c);
        const altered = token.slice(0, i) + c + token.slice(i + 1);
        expect(errcode(() => decodeHierarchyToken("key", binding, altered))).toBe("M_INVALID_PARAM");
      }),
    );
    expect(errcode(() => decodeHierarchyToken("key", binding, token.slice(0, -1)))).toBe("M_INVALID_PARAM");
    expect(errcode(() => decodeHierarchyToken("key", binding, `${token}A`))).toBe("M_INVALID_PARAM");
  });

  it("binds the room, requester, suggested_only and max_depth", () => {
    const token = encodeHierarchyToken("key", binding, { emitted: 3, lastRoomId: "!a:example.com" });
    for (const other of [
      { ...binding, roomId: "!other:example.com" },
      { ...binding, requester: "@bob:example.com" },
      { ...binding, suggestedOnly: true },
      { ...binding, maxDepth: 99 },
    ]) {
      expect(errcode(() => decodeHierarchyToken("key", other, token))).toBe("M_INVALID_PARAM");
    }
    expect(errcode(() => decodeHierarchyToken(new TextEncoder().encode("key"), binding, token))).toBeUndefined();
  });
});
