// Laws of https://spec.matrix.org/v1.19/appendices/#signing-json and
// https://spec.matrix.org/v1.19/server-server-api/#signing-events, checked with fast-check:
// sign-then-verify holds; changing any one value breaks the signature; events
// accept, turn into accept_redacted when content changes, reject when a
// protected key changes; both Ed25519 backends agree.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  ed25519Verify,
  generateSigningKey,
  nobleBackend,
  nodeBackend,
  computeEventId,
  signEvent,
  signEventWithId,
  signJson,
  signingKeyFromSeed,
  verifyEventSync,
  verifyJsonSignature,
} from "../src/index.js";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const { json } = fc.letrec<{ json: Json; leaf: Json }>((tie) => ({
  leaf: fc.oneof(
    fc.string(),
    fc.string({ unit: "grapheme" }),
    fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
    fc.boolean(),
    fc.constant(null),
  ),
  json: fc.oneof(
    { depthSize: "small" },
    tie("leaf"),
    fc.array(tie("json"), { maxLength: 4 }),
    fc.dictionary(fc.string(), tie("json"), { maxKeys: 4 }),
  ),
}));
const topLevel = fc
  .dictionary(fc.string(), json, { minKeys: 1, maxKeys: 6 })
  .filter((o) => !("signatures" in o) && !("unsigned" in o));

type Path = Array<string | number>;
function leafPaths(value: Json, path: Path = []): Path[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => leafPaths(v, [...path, i]));
  if (value !== null && typeof value === "object") return Object.keys(value).flatMap((k) => leafPaths(value[k]!, [...path, k]));
  return [path];
}
function changed(value: Json, at: number): Json {
  if (typeof value === "string") {
    // Replace one code point (never split a surrogate pair).
    const chars = [...value];
    if (chars.length === 0) return "x";
    const i = at % chars.length;
    chars[i] = chars[i] === "a" ? "b" : "a";
    return chars.join("");
  }
  if (typeof value === "number") return value === Number.MAX_SAFE_INTEGER ? value - 1 : value + 1;
  if (typeof value === "boolean") return !value;
  return 0; // null
}
function withChange(root: Json, path: Path, at: number): Json {
  if (path.length === 0) return changed(root, at);
  const [head, ...rest] = path;
  if (Array.isArray(root)) return root.map((v, i) => (i === head ? withChange(v, rest, at) : v));
  const obj = root as { [key: string]: Json };
  return { ...obj, [head as string]: withChange(obj[head as string]!, rest, at) };
}

const key = generateSigningKey("1");

describe("signed JSON", () => {
  it("sign-then-verify holds", () => {
    fc.assert(
      fc.property(topLevel, (obj) => {
        const signed = signJson(obj, "example.com", key);
        expect(verifyJsonSignature(signed, "example.com", key.keyId, key.publicKey)).toEqual({ ok: true });
        // unsigned is not covered
        expect(verifyJsonSignature({ ...signed, unsigned: obj }, "example.com", key.keyId, key.publicKey).ok).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it("changing any one value breaks the signature", () => {
    const withLeaf = topLevel.filter((obj) => leafPaths(obj).length > 0).chain((obj) => {
      const paths = leafPaths(obj);
      return fc.tuple(fc.constant(obj), fc.constantFrom(...paths), fc.nat());
    });
    fc.assert(
      fc.property(withLeaf, ([obj, path, at]) => {
        const signed = signJson(obj, "example.com", key);
        const tampered = { ...(withChange(obj, path, at) as object), signatures: signed.signatures };
        expect(verifyJsonSignature(tampered, "example.com", key.keyId, key.publicKey)).toMatchObject({ ok: false, reason: "bad_signature" });
      }),
      { numRuns: 150 },
    );
  });

  it("changing any byte of the signature breaks it", () => {
    fc.assert(
      fc.property(topLevel, fc.nat(63), fc.integer({ min: 1, max: 255 }), (obj, index, mask) => {
        const signed = signJson(obj, "example.com", key);
        const sig = Buffer.from(signed.signatures["example.com"]![key.keyId]!, "base64");
        sig[index]! ^= mask;
        const tampered = { ...signed, signatures: { "example.com": { [key.keyId]: sig.toString("base64").replace(/=+$/, "") } } };
        expect(verifyJsonSignature(tampered, "example.com", key.keyId, key.publicKey).ok).toBe(false);
      }),
      { numRuns: 100 },
    );
  });
});

describe("signed events", () => {
  const lookup = (server: string, keyId: string) => (server === "example.com" && keyId === key.keyId ? { key: key.toVerifyKey() } : null);
  const event = fc.record({
    room_id: fc.constant("!room:example.com"),
    sender: fc.constantFrom("@alice:example.com", "@bob:example.com"),
    type: fc.constantFrom("m.room.message", "m.reaction", "org.example.custom"),
    content: fc.dictionary(fc.string(), json, { maxKeys: 4 }),
    origin_server_ts: fc.integer({ min: 0, max: 2 ** 42 }),
    depth: fc.integer({ min: 1, max: 1000 }),
    prev_events: fc.array(fc.constantFrom("$a", "$b", "$c"), { maxLength: 3 }),
    auth_events: fc.array(fc.constantFrom("$create", "$power", "$member"), { maxLength: 3 }),
  });
  const version = fc.constantFrom("3", "6", "10", "11", "12");

  it("sign → verify accepts", () => {
    fc.assert(
      fc.property(event, version, (e, v) => {
        expect(verifyEventSync(signEvent(e, "example.com", key, v), v, lookup).outcome).toBe("accept");
      }),
      { numRuns: 100 },
    );
  });

  it("signEventWithId gives signEvent's event and computeEventId's ID", () => {
    const anyVersion = fc.constantFrom("1", "2", "3", "4", "6", "10", "11", "12");
    fc.assert(
      fc.property(event, anyVersion, (e, v) => {
        const input = v === "1" || v === "2" ? { ...e, event_id: "$legacy:example.com" } : e;
        const { event: signed, eventId } = signEventWithId(input, "example.com", key, v);
        expect(signed).toEqual(signEvent(input, "example.com", key, v));
        expect(eventId).toBe(computeEventId(signed, v));
      }),
      { numRuns: 100 },
    );
  });

  it("changed content → accept_redacted with the redacted form", () => {
    fc.assert(
      fc.property(event, version, fc.string(), (e, v, extra) => {
        const signed = signEvent(e, "example.com", key, v);
        const result = verifyEventSync({ ...signed, content: { ...signed.content, [`x${extra}`]: "changed" } }, v, lookup);
        expect(result.outcome).toBe("accept_redacted");
        if (result.outcome === "accept_redacted") expect(result.event["content"]).toEqual({});
      }),
      { numRuns: 100 },
    );
  });

  it("a changed protected key → reject", () => {
    const field = fc.constantFrom("type", "room_id", "origin_server_ts", "depth", "prev_events", "auth_events", "hashes");
    fc.assert(
      fc.property(event, version, field, (e, v, f) => {
        const signed = signEvent(e, "example.com", key, v);
        const replacement: unknown =
          f === "origin_server_ts" || f === "depth" ? (signed[f] as number) + 1 : f === "hashes" ? { sha256: "AAAA" } : f.endsWith("events") ? ["$zzz"] : `${String(signed[f])}!`;
        expect(verifyEventSync({ ...signed, [f]: replacement }, v, lookup)).toMatchObject({ outcome: "reject", reason: "bad_signature" });
      }),
      { numRuns: 100 },
    );
  });
});

describe("backends agree", () => {
  const node = nodeBackend()!;
  const noble = nobleBackend();
  it("on signatures made by either, and on tampered ones", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ maxLength: 64 }), fc.nat(63), (seed, msg, flip) => {
        const byNode = signingKeyFromSeed(seed, "1", { backend: node });
        const byNoble = signingKeyFromSeed(seed, "1", { backend: noble });
        expect(byNoble.publicKey).toEqual(byNode.publicKey);
        const sig = byNode.sign(msg);
        expect(byNoble.sign(msg)).toEqual(sig);
        const bad = Uint8Array.from(sig);
        bad[flip]! ^= 0x10;
        for (const backend of [node, noble]) {
          expect(ed25519Verify(byNode.publicKey, msg, sig, { backend })).toBe(true);
          expect(ed25519Verify(byNode.publicKey, msg, bad, { backend })).toBe(false);
        }
      }),
      { numRuns: 30 },
    );
  });

  it("on random signatures and keys", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ minLength: 64, maxLength: 64 }), (pk, sig) => {
        const msg = Uint8Array.of(1, 2, 3);
        expect(ed25519Verify(pk, msg, sig, { backend: node })).toBe(ed25519Verify(pk, msg, sig, { backend: noble }));
      }),
      { numRuns: 50 },
    );
  });
});

describe("never throws on malformed input", () => {
  const anything = fc.anything({ withNullPrototype: true, withBigInt: true, withBoxedValues: true, withMap: true, withSet: true, withTypedArray: true, withSparseArray: true });
  const lookup = () => ({ key: key.toVerifyKey() });
  it("verifyJsonSignature, verifyEventSync and parseXMatrixHeader answer with a value", async () => {
    const { parseXMatrixHeader } = await import("../src/index.js");
    fc.assert(
      fc.property(anything, fc.string(), (value, text) => {
        expect(verifyJsonSignature(value, "example.com", key.keyId, key.publicKey).ok).toBe(false);
        const asEvent = typeof value === "object" && value !== null ? { sender: "@a:example.com", signatures: { "example.com": { [key.keyId]: "AAAA" } }, ...value } : value;
        expect(["reject", "accept_redacted", "accept"]).toContain(verifyEventSync(asEvent, "10", lookup).outcome);
        expect(typeof parseXMatrixHeader(`X-Matrix ${text}`).ok).toBe("boolean");
      }),
      { numRuns: 300 },
    );
  });
});
