import { describe, expect, it } from "vitest";
import { generateSigningKey, parseXMatrixHeader, signRequest, verifyRequest, verifyRequestSync } from "./index.js";

const key = generateSigningKey("key1");
const lookup = (server: string, keyId: string) =>
  server === "origin.hs.example.com" && keyId === key.keyId ? { key: key.toVerifyKey(), validUntilTs: 2_000 } : null;
const request = {
  method: "POST",
  uri: "/_matrix/federation/v1/send/123?x=1",
  origin: "origin.hs.example.com",
  destination: "destination.hs.example.com",
  content: { pdus: [], edus: [] },
};

describe("signRequest", () => {
  it("produces the spec's header shape", () => {
    const header = signRequest(request, key);
    expect(header).toMatch(
      /^X-Matrix origin="origin\.hs\.example\.com",destination="destination\.hs\.example\.com",key="ed25519:key1",sig="[A-Za-z0-9+/]{86}"$/,
    );
  });
});

describe("parseXMatrixHeader", () => {
  it.each([
    ["the spec's form", 'X-Matrix origin="o.example",destination="d.example",key="ed25519:1",sig="ABC"', { origin: "o.example", destination: "d.example", key: "ed25519:1", sig: "ABC" }],
    ["unquoted values with colons", "X-Matrix origin=o.example:8448,key=ed25519:1,sig=AB/C+", { origin: "o.example:8448", key: "ed25519:1", sig: "AB/C+" }],
    ["escapes in quoted values", 'X-Matrix origin="o\\"x\\\\",key="ed25519:1",sig="A"', { origin: 'o"x\\', key: "ed25519:1", sig: "A" }],
    ["spaces and tabs around commas, any case", 'x-matrix   ORIGIN="o" ,\tKey = "ed25519:1" , Sig="A"', { origin: "o", key: "ed25519:1", sig: "A" }],
    ["unknown parameters", 'X-Matrix origin="o",foo="bar",key="ed25519:1",sig="A"', { origin: "o", key: "ed25519:1", sig: "A" }],
  ])("parses %s", (_name, header, expected) => {
    const result = parseXMatrixHeader(header);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.authorization).toEqual(expected);
  });

  it.each([
    ["another scheme", "Bearer abc", "not_x_matrix"],
    ["no header", undefined, "not_x_matrix"],
    ["a scheme prefix only", "X-Matrixorigin=o", "not_x_matrix"],
    ["an unclosed quote", 'X-Matrix origin="o,key="k",sig="s', "malformed_header"],
    ["a duplicated parameter", 'X-Matrix origin="o",origin="p",key="k",sig="s"', "malformed_header"],
    ["a trailing comma", 'X-Matrix origin="o",key="k",sig="s",', "malformed_header"],
    ["garbage", "X-Matrix ===", "malformed_header"],
    ["no sig", 'X-Matrix origin="o",key="k"', "missing_parameter"],
  ])("refuses %s", (_name, header, reason) => {
    expect(parseXMatrixHeader(header)).toMatchObject({ ok: false, reason });
  });
});

describe("verifyRequest", () => {
  const received = (overrides: Record<string, unknown> = {}) => ({
    method: request.method,
    uri: request.uri,
    destination: request.destination,
    content: request.content,
    authorization: signRequest(request, key),
    ...overrides,
  });

  it("accepts a signed request", async () => {
    expect(await verifyRequest(received(), lookup, 1_000)).toEqual({ ok: true, origin: request.origin, keyId: "ed25519:key1" });
    expect(verifyRequestSync(received(), lookup, 1_000).ok).toBe(true);
  });

  it("accepts a header without destination (older servers), checking it was signed for us", async () => {
    const header = signRequest(request, key).replace(/destination="[^"]*",/, "");
    expect((await verifyRequest(received({ authorization: header }), lookup, 1_000)).ok).toBe(true);
    expect(await verifyRequest(received({ authorization: header, destination: "else.example" }), lookup, 1_000)).toMatchObject({
      reason: "bad_signature",
    });
  });

  it.each([
    ["another destination", { destination: "else.example" }, "wrong_destination"],
    ["a changed body", { content: { pdus: [1] } }, "bad_signature"],
    ["a missing body", { content: undefined }, "bad_signature"],
    ["a changed URI", { uri: "/_matrix/federation/v1/send/124" }, "bad_signature"],
    ["a changed method", { method: "PUT" }, "bad_signature"],
    ["no header", { authorization: undefined }, "not_x_matrix"],
  ])("refuses %s", async (_name, overrides, reason) => {
    expect(await verifyRequest(received(overrides), lookup, 1_000)).toMatchObject({ ok: false, reason });
  });

  it("refuses unknown and expired keys", async () => {
    expect(await verifyRequest(received(), () => null, 1_000)).toMatchObject({ reason: "unknown_key" });
    expect(await verifyRequest(received(), lookup, 3_000)).toMatchObject({ reason: "expired_key" });
  });

  it("uses the first X-Matrix header among several", async () => {
    expect((await verifyRequest(received({ authorization: ["Bearer x", signRequest(request, key)] }), lookup, 1_000)).ok).toBe(true);
  });
});
