import { describe, expect, it } from "vitest";
import { generateSigningKey, signJson, verifyJsonSignature } from "./index.js";

const key = generateSigningKey("1");
const other = generateSigningKey("2");

describe("signJson / verifyJsonSignature", () => {
  it("adds a signature, keeping others and unsigned, without mutating the input", () => {
    const input = { a: 1, unsigned: { age: 5 }, signatures: { "x.org": { "ed25519:0": "abc" } } };
    const copy = structuredClone(input);
    const signed = signJson(input, "example.org", key);
    expect(input).toEqual(copy);
    expect(signed.unsigned).toEqual({ age: 5 });
    expect(signed.signatures["x.org"]).toEqual({ "ed25519:0": "abc" });
    expect(Object.keys(signed.signatures["example.org"]!)).toEqual(["ed25519:1"]);
    const twice = signJson(signed, "example.org", other);
    expect(Object.keys(twice.signatures["example.org"]!).sort()).toEqual(["ed25519:1", "ed25519:2"]);
    expect(verifyJsonSignature(twice, "example.org", "ed25519:1", key.publicKey)).toEqual({ ok: true });
    expect(verifyJsonSignature(twice, "example.org", "ed25519:2", other.publicKeyBase64)).toEqual({ ok: true });
  });

  it("ignores changes to unsigned and other signatures", () => {
    const signed = signJson({ a: 1 }, "example.org", key);
    const changed = { ...signed, unsigned: { anything: true }, signatures: { ...signed.signatures, "y.org": { "ed25519:9": "zz" } } };
    expect(verifyJsonSignature(changed, "example.org", "ed25519:1", key.toVerifyKey()).ok).toBe(true);
  });

  it.each([
    ["not an object", null, "example.org", "ed25519:1", "malformed_json"],
    ["an array", [], "example.org", "ed25519:1", "malformed_json"],
    ["no signatures", { a: 1 }, "example.org", "ed25519:1", "missing_signature"],
    ["another server", "SIGNED", "other.org", "ed25519:1", "missing_signature"],
    ["another key", "SIGNED", "example.org", "ed25519:2", "missing_signature"],
    ["a non-string signature", { signatures: { "example.org": { "ed25519:1": 5 } } }, "example.org", "ed25519:1", "missing_signature"],
    ["an unknown algorithm", { signatures: { "example.org": { "curve:1": "AAAA" } } }, "example.org", "curve:1", "unsupported_algorithm"],
    ["bad base64", { signatures: { "example.org": { "ed25519:1": "!!!" } } }, "example.org", "ed25519:1", "malformed_signature"],
    ["a short signature", { signatures: { "example.org": { "ed25519:1": "AAAA" } } }, "example.org", "ed25519:1", "malformed_signature"],
    ["a float (strict JSON)", "FLOAT", "example.org", "ed25519:1", "malformed_json"],
    ["a tampered value", "TAMPERED", "example.org", "ed25519:1", "bad_signature"],
  ])("fails with a reason, never throwing: %s", (_name, obj, server, keyId, reason) => {
    const signed = signJson({ a: 1 }, "example.org", key);
    const value =
      obj === "SIGNED" ? signed : obj === "TAMPERED" ? { ...signed, a: 2 } : obj === "FLOAT" ? { ...signed, f: 1.5 } : obj;
    expect(verifyJsonSignature(value, server as string, keyId as string, key.publicKey)).toMatchObject({ ok: false, reason });
  });

  it("reports a malformed public key", () => {
    const signed = signJson({ a: 1 }, "example.org", key);
    expect(verifyJsonSignature(signed, "example.org", "ed25519:1", "AAAA")).toMatchObject({ ok: false, reason: "malformed_key" });
  });

  it("throws on values that cannot be signed", () => {
    expect(() => signJson({ f: 1.5 }, "example.org", key)).toThrow(expect.objectContaining({ code: "INVALID_JSON" }));
    expect(() => signJson([] as unknown as Record<string, unknown>, "example.org", key)).toThrow(expect.objectContaining({ code: "INVALID_JSON" }));
  });

  it("signs legacy numbers when asked (room versions 1–5)", () => {
    const signed = signJson({ f: 1.5 }, "example.org", key, { legacyNumbers: true });
    expect(verifyJsonSignature(signed, "example.org", "ed25519:1", key.publicKey, { legacyNumbers: true })).toEqual({ ok: true });
  });
});
