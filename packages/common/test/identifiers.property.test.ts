// Property tests for https://spec.matrix.org/v1.19/appendices/#identifier-grammar:
// building then parsing round-trips, and arbitrary input never makes a parser
// throw anything but MatrixError.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  buildUserId,
  isEventId,
  isMatrixError,
  isRoomAlias,
  isRoomId,
  isServerName,
  isUserId,
  parseEventId,
  parseRoomAlias,
  parseRoomId,
  parseServerName,
  parseUserId,
  serverNameOf,
  serverNameParts,
  userIdParts,
  utf8ByteLength,
} from "../src/index.js";
import { historicalLocalpart, serverName, urlSafeHash, userLocalpart } from "./arbitraries.js";

const RUNS = { numRuns: 300 };

describe("round trips", () => {
  it("server names: parse returns the input; parts rebuild it", () => {
    fc.assert(
      fc.property(serverName, (s) => {
        expect(parseServerName(s)).toBe(s);
        const { host, port } = serverNameParts(s);
        expect(port === undefined ? host : `${host}:${port}`).toBe(s);
      }),
      RUNS,
    );
  });

  it("user IDs: userIdParts ∘ buildUserId is the identity (current grammar)", () => {
    fc.assert(
      fc.property(userLocalpart, serverName, (localpart, server) => {
        fc.pre(utf8ByteLength(`@${localpart}:${server}`) <= 255);
        const id = buildUserId(localpart, server);
        expect(parseUserId(id)).toBe(id);
        expect(userIdParts(id)).toEqual({ localpart, serverName: server });
        expect(serverNameOf(id)).toBe(server);
      }),
      RUNS,
    );
  });

  it("user IDs: historical localparts round-trip with { historical: true }", () => {
    fc.assert(
      fc.property(historicalLocalpart, serverName, (localpart, server) => {
        fc.pre(utf8ByteLength(`@${localpart}:${server}`) <= 255);
        const id = buildUserId(localpart, server, { historical: true });
        expect(isUserId(id, { historical: true })).toBe(true);
        expect(userIdParts(id)).toEqual({ localpart, serverName: server });
      }),
      RUNS,
    );
  });

  it("a current-grammar user ID is also a historical one", () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        if (isUserId(s)) expect(isUserId(s, { historical: true })).toBe(true);
      }),
      RUNS,
    );
  });

  it("room IDs, aliases and v1–2 event IDs with a domain", () => {
    fc.assert(
      fc.property(historicalLocalpart, serverName, (localpart, server) => {
        fc.pre(utf8ByteLength(`!${localpart}:${server}`) <= 255);
        for (const [sigil, parse] of [["!", parseRoomId], ["#", parseRoomAlias], ["$", parseEventId]] as const) {
          const id = `${sigil}${localpart}:${server}`;
          expect(parse(id)).toBe(id);
          expect(serverNameOf(id)).toBe(server);
        }
      }),
      RUNS,
    );
  });

  it("v12 room IDs and v4+ event IDs have no server name", () => {
    fc.assert(
      fc.property(urlSafeHash, (hash) => {
        expect(parseRoomId(`!${hash}`)).toBe(`!${hash}`);
        expect(parseEventId(`$${hash}`)).toBe(`$${hash}`);
        expect(serverNameOf(`!${hash}`)).toBeUndefined();
        expect(serverNameOf(`$${hash}`)).toBeUndefined();
      }),
      RUNS,
    );
  });
});

describe("robustness", () => {
  const parsers: [string, (s: unknown) => unknown, (s: unknown) => boolean][] = [
    ["parseUserId", (s) => parseUserId(s), (s) => isUserId(s)],
    ["parseUserId historical", (s) => parseUserId(s, { historical: true }), (s) => isUserId(s, { historical: true })],
    ["parseRoomId", parseRoomId, isRoomId],
    ["parseRoomAlias", parseRoomAlias, isRoomAlias],
    ["parseEventId", parseEventId, isEventId],
    ["parseServerName", parseServerName, isServerName],
    ["serverNameOf", (s) => serverNameOf(s as string), (s) => typeof s === "string" && [isUserId(s, { historical: true }), isRoomAlias(s), isRoomId(s), isEventId(s)].some(Boolean)],
  ];
  // Strings biased towards the identifier alphabet, plus fully arbitrary values.
  const idLike = fc
    .tuple(fc.constantFrom("@", "!", "#", "$", ""), fc.string({ unit: "binary", maxLength: 40 }), fc.constantFrom("", ":", ":example.com", ":[::1]:80", ":1.2.3.4:99999"))
    .map(([a, b, c]) => a + b + c);
  const input = fc.oneof(idLike, fc.string({ unit: "binary" }), fc.anything());

  it.each(parsers)("%s throws only MatrixError, exactly when isX is false", (_name, parse, is) => {
    fc.assert(
      fc.property(input, (s) => {
        let threw: unknown;
        try {
          parse(s);
        } catch (e) {
          threw = e;
        }
        if (threw !== undefined) {
          expect(isMatrixError(threw)).toBe(true);
          expect((threw as { errcode: string }).errcode).toBe("M_INVALID_PARAM");
        }
        expect(threw === undefined).toBe(is(s));
      }),
      { numRuns: 500 },
    );
  });
});
