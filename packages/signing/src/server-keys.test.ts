import { describe, expect, it } from "vitest";
import { MAX_KEY_VALIDITY_MS, buildServerKeysResponse, generateSigningKey, signJson, verifyServerKeysResponse } from "./index.js";

const key = generateSigningKey("new");
const second = generateSigningKey("second");
const old = generateSigningKey("old");
const now = 1_700_000_000_000;
const body = buildServerKeysResponse({
  serverName: "example.com",
  keys: [key, second],
  oldVerifyKeys: [{ keyId: old.keyId, publicKey: old.publicKey, expiredTs: now - 1000 }],
  validUntilTs: now + 86_400_000,
});

describe("buildServerKeysResponse", () => {
  it("lists current and old keys and is signed by every current key", () => {
    expect(body.verify_keys).toEqual({ [key.keyId]: { key: key.publicKeyBase64 }, [second.keyId]: { key: second.publicKeyBase64 } });
    expect(body.old_verify_keys).toEqual({ [old.keyId]: { key: old.publicKeyBase64, expired_ts: now - 1000 } });
    expect(Object.keys(body.signatures["example.com"]!).sort()).toEqual([key.keyId, second.keyId].sort());
  });
});

describe("verifyServerKeysResponse", () => {
  it("accepts a self-signed response, with validity capped at 7 days", () => {
    const result = verifyServerKeysResponse(body, "example.com", now);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.keys.keys.get(key.keyId)).toMatchObject({ validUntilTs: now + 86_400_000, old: false });
    expect(result.keys.keys.get(old.keyId)).toMatchObject({ validUntilTs: now - 1000, old: true });
    const long = buildServerKeysResponse({ serverName: "example.com", keys: key, validUntilTs: now + 30 * 86_400_000 });
    const capped = verifyServerKeysResponse(long, "example.com", now);
    expect(capped.ok && capped.keys.keys.get(key.keyId)!.validUntilTs).toBe(now + MAX_KEY_VALIDITY_MS);
  });

  it("accepts an extra signature by a notary", () => {
    const notary = generateSigningKey("n");
    expect(verifyServerKeysResponse(signJson(body, "notary.org", notary), "example.com", now).ok).toBe(true);
  });

  it.each([
    ["not an object", () => "nope", "malformed_response"],
    ["another server", () => body, "wrong_server_name", "other.com"],
    ["no valid_until_ts", () => ({ ...body, valid_until_ts: "later" }), "malformed_response"],
    ["no verify keys", () => ({ ...body, verify_keys: {} }), "no_verify_keys"],
    ["no self-signature", () => ({ ...body, signatures: {} }), "missing_signature"],
    ["a tampered field", () => ({ ...body, valid_until_ts: body.valid_until_ts + 1 }), "bad_signature"],
    ["a signature by an old key only", () => signJson({ ...body, signatures: {} }, "example.com", old), "missing_signature"],
  ])("refuses %s", (_name, make, reason, server = "example.com") => {
    expect(verifyServerKeysResponse(make(), server, now)).toMatchObject({ ok: false, reason });
  });
});
