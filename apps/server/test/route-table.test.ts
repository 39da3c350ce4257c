import { describe, expect, it } from "vitest";
import type { IncomingMessage } from "node:http";
import { clientAddress } from "../src/http/client-address.js";
import { defineRoute, type AnyRoute } from "../src/http/route.js";
import { RouteTable } from "../src/http/route-table.js";

const route = (method: AnyRoute["method"], path: string): AnyRoute => defineRoute({ method, path, auth: "none", handler: async () => ({ path }) });

describe("RouteTable", () => {
  const state = route("GET", "/r/:roomId/state/:eventType/:stateKey");
  const any = route("GET", "/r/:roomId/:a/:b/:c");
  const literal = route("GET", "/r/:roomId/members");
  const rules = route("GET", "/pushrules/");
  const table = new RouteTable([state, any, literal, rules, route("PUT", "/r/:roomId/members"), route("GET", "/r/:roomId/members")]);

  it("matches literal segments before parameters and decodes parameters", () => {
    expect(table.lookup("GET", "/r/!a%3Ab/members")).toEqual({ kind: "route", route: literal, params: { roomId: "!a:b" } });
    expect(table.lookup("GET", "/r/!a%2Fb/state/m.room.name/x")).toEqual({ kind: "route", route: state, params: { roomId: "!a/b", eventType: "m.room.name", stateKey: "x" } });
  });

  it("backtracks to a parameter when the literal branch has no route", () => {
    expect(table.lookup("GET", "/r/x/state/y/z/")).toMatchObject({ kind: "route", route: state });
    expect(table.lookup("GET", "/r/x/members/y/z")).toEqual({ kind: "route", route: any, params: { roomId: "x", a: "members", b: "y", c: "z" } });
  });

  it("ignores a trailing slash, serves HEAD with GET, keeps the first declaration", () => {
    expect(table.lookup("GET", "/pushrules")).toMatchObject({ kind: "route", route: rules });
    expect(table.lookup("HEAD", "/r/x/members")).toMatchObject({ kind: "route", route: literal });
  });

  it("tells a wrong method (405) from an unknown path (404) and rejects bad percent-encoding", () => {
    expect(table.lookup("DELETE", "/r/x/members")).toEqual({ kind: "method-not-allowed" });
    expect(table.lookup("GET", "/r/x")).toEqual({ kind: "not-found" });
    expect(table.lookup("GET", "/r//members")).toEqual({ kind: "not-found" });
    expect(table.lookup("GET", "/r/%E0%A4%A/members")).toEqual({ kind: "bad-param", name: "roomId" });
  });
});

describe("clientAddress", () => {
  const req = (remoteAddress: string, forwarded?: string): IncomingMessage =>
    ({ socket: { remoteAddress }, headers: forwarded === undefined ? {} : { "x-forwarded-for": forwarded } }) as unknown as IncomingMessage;

  it("trusts X-Forwarded-For only through loopback hops", () => {
    expect(clientAddress(req("203.0.113.9", "198.51.100.1"))).toBe("203.0.113.9");
    expect(clientAddress(req("127.0.0.1", "198.51.100.1, 203.0.113.7"))).toBe("203.0.113.7");
    expect(clientAddress(req("::1", "198.51.100.1, 127.0.0.1"))).toBe("198.51.100.1");
    expect(clientAddress(req("127.0.0.1", "not-an-ip"))).toBe("127.0.0.1");
    expect(clientAddress(req("::ffff:127.0.0.1"))).toBe("::ffff:127.0.0.1");
  });
});
