import { describe, expect, it } from "vitest";
import { isMatrixError } from "./errors.js";
import {
  buildUserId,
  createEventIdFromRoomId,
  isEventId,
  isRoomAlias,
  isRoomId,
  isServerName,
  isUserId,
  parseEventId,
  parseRoomAlias,
  parseRoomId,
  parseServerName,
  parseUserId,
  roomIdFromCreateEventId,
  serverNameOf,
  serverNameParts,
  userIdParts,
  utf8ByteLength,
} from "./identifiers.js";

function errcodeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return isMatrixError(e) ? e.errcode : "not a MatrixError";
  }
  return undefined;
}

describe("server names (appendices#server-name)", () => {
  // The spec's own examples.
  it.each(["matrix.org", "matrix.org:8888", "1.2.3.4", "1.2.3.4:1234", "[1234:5678::abcd]", "[1234:5678::abcd]:5678"])(
    "accepts the spec example %s",
    (s) => {
      expect(isServerName(s)).toBe(true);
      expect(parseServerName(s)).toBe(s);
    },
  );

  it.each([
    ["localhost", true],
    ["EXAMPLE.com", true],
    ["example.com:1", true],
    ["example.com:65535", true],
    ["[::1]", true],
    ["[::]", true],
    ["[::ffff:1.2.3.4]:8448", true],
    ["[1:2:3:4:5:6:7:8]", true],
    ["[1:2:3:4:5:6:1.2.3.4]", true],
    ["", false],
    ["example.com:", false],
    ["example.com:0", false],
    ["example.com:65536", false],
    ["example.com:123456", false],
    ["example.com:80a", false],
    ["exa mple.com", false],
    ["exa_mple.com", false],
    ["1.2.3.256", false],
    ["[1:2:3:4:5:6:7:8:9]", false],
    ["[1::2::3]", false],
    ["[12345::]", false],
    ["[:1]", false],
    ["[1.2.3.4]", false],
    ["[::1", false],
    ["[::1]8448", false],
    ["::1", false],
    ["a".repeat(256), false],
  ])("isServerName(%j) = %s", (s, ok) => {
    expect(isServerName(s)).toBe(ok);
  });

  it("splits host and port", () => {
    expect(serverNameParts("example.com")).toEqual({ host: "example.com", port: undefined, hostKind: "dns" });
    expect(serverNameParts("1.2.3.4:1234")).toEqual({ host: "1.2.3.4", port: 1234, hostKind: "ipv4" });
    expect(serverNameParts("[::1]:8448")).toEqual({ host: "[::1]", port: 8448, hostKind: "ipv6" });
  });

  it("throws M_INVALID_PARAM with an 'expected …, got …' message", () => {
    expect(() => parseServerName("bad host")).toThrow(/^expected a server name .*, got "bad host"$/);
    expect(errcodeOf(() => parseServerName(42))).toBe("M_INVALID_PARAM");
  });
});

describe("user IDs (appendices#user-identifiers)", () => {
  it.each([
    "@alice:example.com",
    "@a.b_c=d-e/f+g:example.com",
    "@0:1.2.3.4:8448",
    "@bob:[::1]:8448",
  ])("accepts %s", (s) => {
    expect(isUserId(s)).toBe(true);
    expect(parseUserId(s)).toBe(s);
  });

  it.each([
    ["@Alice:example.com", "upper case"],
    ["@alice!:example.com", "punctuation outside the set"],
    ["@:example.com", "empty localpart"],
    ["@alice", "no server name"],
    ["alice:example.com", "no sigil"],
    ["@alice:exa mple.com", "bad server name"],
    ["@alice:example.com:99999", "bad port"],
  ])("rejects %s (%s) in the current grammar", (s) => {
    expect(isUserId(s)).toBe(false);
    expect(errcodeOf(() => parseUserId(s))).toBe("M_INVALID_PARAM");
  });

  it.each(["@Alice:example.com", "@alice!:example.com", "@:example.com", "@ünïcödé:example.com", "@a\u0001b:example.com"])(
    "accepts historical user ID %j with { historical: true }",
    (s) => {
      expect(isUserId(s, { historical: true })).toBe(true);
      expect(parseUserId(s, { historical: true })).toBe(s);
    },
  );

  it.each(["@a\u0000b:example.com", "@a\uD800b:example.com", "@alice"])("rejects %j even historically", (s) => {
    expect(isUserId(s, { historical: true })).toBe(false);
  });

  it("limits the whole ID to 255 bytes", () => {
    const server = ":example.com";
    const max = `@${"a".repeat(255 - 1 - server.length)}${server}`;
    expect(utf8ByteLength(max)).toBe(255);
    expect(isUserId(max)).toBe(true);
    expect(isUserId(`@a${max.slice(1)}`)).toBe(false);
    // Bytes, not characters: 2-byte characters count twice.
    const wide = `@${"é".repeat(122)}${server}`;
    expect(wide.length).toBeLessThan(255);
    expect(isUserId(wide, { historical: true })).toBe(false);
  });

  it("splits and builds", () => {
    expect(userIdParts("@alice:example.com:8448")).toEqual({ localpart: "alice", serverName: "example.com:8448" });
    expect(userIdParts("@Old:example.com")).toEqual({ localpart: "Old", serverName: "example.com" });
    expect(buildUserId("alice", "example.com")).toBe("@alice:example.com");
    expect(errcodeOf(() => buildUserId("Alice", "example.com"))).toBe("M_INVALID_PARAM");
    expect(buildUserId("Alice", "example.com", { historical: true })).toBe("@Alice:example.com");
    expect(errcodeOf(() => userIdParts("#room:example.com"))).toBe("M_INVALID_PARAM");
  });
});

describe("room IDs (appendices#room-ids)", () => {
  it.each([
    ["!abc:example.com", true],
    ["!AbC123:example.com:8448", true],
    ["!31hneApxJ_1o-63DmFrpeqnkFfWppnzWso1JvH3ogLM", true], // v12, 43 URL-safe chars
    ["!31hneApxJ_1o-63DmFrpeqnkFfWppnzWso1JvH3ogL", false], // 42 chars
    ["!31hneApxJ/1o+63DmFrpeqnkFfWppnzWso1JvH3ogLM", false], // standard alphabet is not a v12 room ID
    ["!abc", false],
    ["!abc:bad host", false],
    ["$abc:example.com", false],
    ["!a\u0000b:example.com", false],
  ])("isRoomId(%j) = %s", (s, ok) => {
    expect(isRoomId(s)).toBe(ok);
    if (ok) expect(parseRoomId(s)).toBe(s);
    else expect(errcodeOf(() => parseRoomId(s))).toBe("M_INVALID_PARAM");
  });
});

describe("room aliases (appendices#room-aliases)", () => {
  it.each([
    ["#room:example.com", true],
    ["#Ünicode room!:example.com", true],
    ["#room", false],
    ["#ro\u0000om:example.com", false],
    ["room:example.com", false],
  ])("isRoomAlias(%j) = %s", (s, ok) => {
    expect(isRoomAlias(s)).toBe(ok);
    if (ok) expect(parseRoomAlias(s)).toBe(s);
    else expect(errcodeOf(() => parseRoomAlias(s))).toBe("M_INVALID_PARAM");
  });
});

describe("event IDs (appendices#event-ids, rooms v1/v3/v4)", () => {
  it.each([
    ["$0:domain", true], // v1–2 (appendices signing example)
    ["$CD66HAED5npg6074c6pDtLKalHjVfYb2q4Q3LZgrW6o", true], // v3 example
    ["$acR1l0raoZnm60CBwAVgqbZqoO/mYU81xysh1u7XcJk", true], // v3, standard alphabet with '/'
    ["$Rqnc-F-dvnEYJTyHq_iKxU2bZ1CI92-kuZq3a5lr5Zg", true], // v4 example
    ["$abc", false],
    ["$Rqnc-F-dvnEYJTyHq_iKxU2bZ1CI92-kuZq3a5lr5Zg=", false],
    ["!abc:example.com", false],
    ["$abc:bad host", false],
  ])("isEventId(%j) = %s", (s, ok) => {
    expect(isEventId(s)).toBe(ok);
    if (ok) expect(parseEventId(s)).toBe(s);
    else expect(errcodeOf(() => parseEventId(s))).toBe("M_INVALID_PARAM");
  });
});

describe("serverNameOf", () => {
  it.each([
    ["@alice:example.com", "example.com"],
    ["@Historical:example.com:8448", "example.com:8448"],
    ["#room:[::1]", "[::1]"],
    ["!abc:example.com", "example.com"],
    ["$0:domain", "domain"],
    ["!31hneApxJ_1o-63DmFrpeqnkFfWppnzWso1JvH3ogLM", undefined],
    ["$Rqnc-F-dvnEYJTyHq_iKxU2bZ1CI92-kuZq3a5lr5Zg", undefined],
  ])("serverNameOf(%j) = %j", (id, server) => {
    expect(serverNameOf(id)).toBe(server);
  });

  it.each(["alice", "@alice", "!abc", "+group:example.com", ""])("throws for %j", (id) => {
    expect(errcodeOf(() => serverNameOf(id))).toBe("M_INVALID_PARAM");
  });
});

describe("v12 room ID ↔ create event ID", () => {
  const hash = "31hneApxJ_1o-63DmFrpeqnkFfWppnzWso1JvH3ogLM";
  it("swaps the sigil", () => {
    expect(roomIdFromCreateEventId(`$${hash}`)).toBe(`!${hash}`);
    expect(createEventIdFromRoomId(`!${hash}`)).toBe(`$${hash}`);
    expect(createEventIdFromRoomId("!abc:example.com")).toBeUndefined();
  });
  it("rejects non-hash IDs", () => {
    expect(errcodeOf(() => roomIdFromCreateEventId("$abc:example.com"))).toBe("M_INVALID_PARAM");
    expect(errcodeOf(() => roomIdFromCreateEventId("$31hneApxJ/1o+63DmFrpeqnkFfWppnzWso1JvH3ogLM"))).toBe("M_INVALID_PARAM");
    expect(errcodeOf(() => createEventIdFromRoomId("#a:b"))).toBe("M_INVALID_PARAM");
  });
});
