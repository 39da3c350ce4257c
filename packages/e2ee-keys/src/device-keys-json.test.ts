// Served device keys as text (https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3keysquery):
// the spliced fast path agrees with parsing, merging and serialising.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { assembleDeviceKeysJson, serveDeviceKeysJson } from "./device-keys-json.js";

/** The naive answer: parse, drop unsigned, merge signatures, add the display name. */
function naive(stored: string, sigs: Array<{ signerUserId: string; signerKeyId: string; signature: string }>, name?: string): unknown {
  const { unsigned: _u, ...keys } = JSON.parse(stored) as Record<string, unknown>;
  if (sigs.length > 0) {
    const merged = structuredClone((keys.signatures ?? {}) as Record<string, Record<string, string>>);
    for (const s of sigs) (merged[s.signerUserId] ??= {})[s.signerKeyId] = s.signature;
    keys.signatures = merged;
  }
  return name === undefined ? keys : { ...keys, unsigned: { device_display_name: name } };
}

describe("serveDeviceKeysJson", () => {
  it("splices the display name into the stored text, keeping it byte for byte", () => {
    expect(serveDeviceKeysJson('{"user_id":"@a:x","device_id":"D"}', [], "phone")).toBe('{"unsigned":{"device_display_name":"phone"},"user_id":"@a:x","device_id":"D"}');
    expect(serveDeviceKeysJson('{"b":1,"a":2}')).toBe('{"b":1,"a":2}');
  });

  it("replaces a stored unsigned and merges signatures stored apart", () => {
    const stored = JSON.stringify({ user_id: "@a:x", unsigned: { x: 1 }, signatures: { "@a:x": { "ed25519:D": "d" } } });
    expect(JSON.parse(serveDeviceKeysJson(stored, [{ signerUserId: "@a:x", signerKeyId: "ed25519:ssk", signature: "s" }]))).toEqual({
      user_id: "@a:x",
      signatures: { "@a:x": { "ed25519:D": "d", "ed25519:ssk": "s" } },
    });
  });

  it("agrees with parse-merge-serialise for any key object, signatures and display name", () => {
    const key = fc.dictionary(fc.string({ minLength: 1 }), fc.jsonValue(), { minKeys: 1 });
    const sig = fc.record({ signerUserId: fc.string(), signerKeyId: fc.string(), signature: fc.string() });
    fc.assert(
      fc.property(key, fc.array(sig, { maxLength: 3 }), fc.option(fc.string(), { nil: undefined }), (k, sigs, name) => {
        const stored = JSON.stringify(k);
        expect(JSON.parse(serveDeviceKeysJson(stored, sigs, name))).toEqual(naive(stored, sigs, name));
      }),
    );
  });
});

describe("assembleDeviceKeysJson", () => {
  it("lists every user, with {} for users without devices", () => {
    expect(assembleDeviceKeysJson(["@a:x", "@b:x"], new Map([["@a:x", [['"D"', "{}"]] as const]]))).toBe('{"@a:x":{"D":{}},"@b:x":{}}');
  });
});
