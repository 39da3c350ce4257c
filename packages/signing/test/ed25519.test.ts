// RFC 8032 test vectors (https://datatracker.ietf.org/doc/html/rfc8032#section-7.1)
// and libsodium's strictness rules (non-canonical S, small-order A and R,
// non-canonical encodings), on both backends.

import { readFileSync } from "node:fs";
import * as ed from "@noble/ed25519";
import { sha512 } from "@noble/hashes/sha2.js";
import { describe, expect, it } from "vitest";
import {
  type Ed25519Backend,
  VerifyKey,
  ed25519Verify,
  isStrictPublicKey,
  isStrictSignature,
  nobleBackend,
  nodeBackend,
  signingKeyFromSeed,
} from "../src/index.js";
import { SMALL_ORDER_ENCODINGS, hasSmallOrder, isCanonicalPointEncoding, isCanonicalScalar } from "../src/ed25519/strict.js";

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, "hex"));
const L = 2n ** 252n + 27742317777372353535851937790883648493n;
const P = 2n ** 255n - 19n;
const le = (n: bigint): Uint8Array => {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = Number((n >> BigInt(8 * i)) & 0xffn);
  return out;
};
const fromLe = (b: Uint8Array): bigint => b.reduceRight((acc, byte) => (acc << 8n) | BigInt(byte), 0n);
const concat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};

interface Vector { name: string; secretKey: string; publicKey: string; message: string; signature: string }
const rfc = JSON.parse(readFileSync(new URL("./fixtures/rfc8032-ed25519.json", import.meta.url), "utf8")) as { cases: Vector[] };

const backends: Array<[string, Ed25519Backend]> = [
  ["node", nodeBackend()!],
  ["noble", nobleBackend()],
];

ed.hashes.sha512 ??= sha512;
const seed = hex(rfc.cases[0]!.secretKey);
const { scalar: a, pointBytes: A } = ed.utils.getExtendedPublicKey(seed);
const message = new TextEncoder().encode("edge case");

/** A signature with R = the identity (small order) that passes the cofactorless equation: S = k·a. */
function identityRSignature(): Uint8Array {
  const R = SMALL_ORDER_ENCODINGS[1]!; // y = 1: the identity
  const k = fromLe(sha512(concat(R, A, message))) % L;
  return concat(R, le((k * a) % L));
}

describe.each(backends)("Ed25519 on the %s backend", (_name, backend) => {
  describe.each(rfc.cases)("RFC 8032 $name", (v) => {
    it("derives the public key and signs deterministically", () => {
      const key = signingKeyFromSeed(hex(v.secretKey), "1", { backend });
      expect(Buffer.from(key.publicKey).toString("hex")).toBe(v.publicKey);
      expect(Buffer.from(key.sign(hex(v.message))).toString("hex")).toBe(v.signature);
    });
    it("verifies, and rejects a flipped bit", () => {
      expect(ed25519Verify(hex(v.publicKey), hex(v.message), hex(v.signature), { backend })).toBe(true);
      const bad = hex(v.signature);
      bad[5]! ^= 1;
      expect(ed25519Verify(hex(v.publicKey), hex(v.message), bad, { backend })).toBe(false);
      const otherMessage = concat(hex(v.message), Uint8Array.of(0));
      expect(ed25519Verify(hex(v.publicKey), otherMessage, hex(v.signature), { backend })).toBe(false);
    });
  });

  const key = signingKeyFromSeed(seed, "1", { backend });
  const good = key.sign(message);

  it("rejects a non-canonical S (S + L), which the bare equation accepts", () => {
    const s = fromLe(good.subarray(32));
    const malleable = concat(good.subarray(0, 32), le(s + L));
    expect(s + L < 2n ** 256n).toBe(true);
    expect(ed25519Verify(key.publicKey, message, malleable, { backend })).toBe(false);
    expect(key.toVerifyKey().verify(message, malleable)).toBe(false);
  });

  it("rejects S = L exactly", () => {
    expect(ed25519Verify(key.publicKey, message, concat(good.subarray(0, 32), le(L)), { backend })).toBe(false);
  });

  it("rejects a small-order R even when the cofactorless equation holds", () => {
    const sig = identityRSignature();
    // The equation holds: a verifier without the small-order check would accept.
    if (backend.name === "noble") expect(backend.createVerifier(A)(message, sig)).toBe(true);
    expect(ed25519Verify(A, message, sig, { backend })).toBe(false);
  });

  it.each(SMALL_ORDER_ENCODINGS.map((p, i) => [i, p] as const))("rejects small-order public key #%i (and its sign-bit twin)", (_i, point) => {
    // With A and R of small order and S = 0, [S]B − [k]A = −[k]A is small order too; strict verify must refuse.
    const twin = Uint8Array.from(point);
    twin[31]! ^= 0x80;
    for (const pk of [point, twin]) {
      expect(ed25519Verify(pk, message, concat(SMALL_ORDER_ENCODINGS[1]!, new Uint8Array(32)), { backend })).toBe(false);
      expect(ed25519Verify(pk, message, good, { backend })).toBe(false);
      expect(new VerifyKey(pk, { backend }).isStrictlyValid).toBe(false);
    }
  });

  it("accepts the identity-R forgery for the identity key only without strict checks (noble raw)", () => {
    const identity = SMALL_ORDER_ENCODINGS[1]!;
    const forged = concat(identity, new Uint8Array(32)); // R = identity, S = 0
    if (backend.name === "noble") expect(backend.createVerifier(identity)(message, forged)).toBe(true);
    expect(ed25519Verify(identity, message, forged, { backend })).toBe(false);
  });

  it("rejects a non-canonical R encoding (y + p)", () => {
    const r = fromLe(good.subarray(0, 32)) & ((1n << 255n) - 1n);
    if (r + P < 2n ** 255n) {
      const sig = concat(le(r + P), good.subarray(32));
      expect(ed25519Verify(key.publicKey, message, sig, { backend })).toBe(false);
    }
    const nonCanonical = concat(le(P + 3n), good.subarray(32));
    expect(ed25519Verify(key.publicKey, message, nonCanonical, { backend })).toBe(false);
  });

  it("rejects wrong lengths and non-bytes without throwing", () => {
    expect(ed25519Verify(key.publicKey.subarray(1), message, good, { backend })).toBe(false);
    expect(ed25519Verify(key.publicKey, message, good.subarray(1), { backend })).toBe(false);
    expect(ed25519Verify("x" as unknown as Uint8Array, message, good, { backend })).toBe(false);
  });

  it("rejects a public key that is not on the curve", () => {
    // The first small y with no x on edwards25519.
    let y = 2n;
    for (; ; y++) {
      try {
        ed.Point.fromBytes(le(y));
      } catch {
        break;
      }
    }
    expect(ed25519Verify(le(y), message, good, { backend })).toBe(false);
    expect(new VerifyKey(le(y), { backend }).verify(message, good)).toBe(false);
  });
});

describe("strict encoding predicates", () => {
  it("knows the small-order encodings, ignoring the sign bit", () => {
    expect(SMALL_ORDER_ENCODINGS).toHaveLength(7);
    for (const p of SMALL_ORDER_ENCODINGS) {
      expect(hasSmallOrder(p)).toBe(true);
      const twin = Uint8Array.from(p);
      twin[31]! ^= 0x80;
      expect(hasSmallOrder(twin)).toBe(true);
    }
    expect(hasSmallOrder(A)).toBe(false);
  });

  it("the order-8 encodings are points whose 8th multiple is the identity", () => {
    for (const p of SMALL_ORDER_ENCODINGS.slice(2, 4)) {
      const point = ed.Point.fromBytes(p);
      expect(point.is0()).toBe(false);
      expect(point.multiply(8n, false).is0()).toBe(true);
    }
  });

  it("y ≥ p is non-canonical", () => {
    expect(isCanonicalPointEncoding(le(P - 1n))).toBe(true);
    expect(isCanonicalPointEncoding(le(P))).toBe(false);
    expect(isCanonicalPointEncoding(le(P + 18n))).toBe(false);
    const signBit = le(P - 1n);
    signBit[31]! |= 0x80;
    expect(isCanonicalPointEncoding(signBit)).toBe(true);
  });

  it("S < L is canonical", () => {
    expect(isCanonicalScalar(le(0n))).toBe(true);
    expect(isCanonicalScalar(le(L - 1n))).toBe(true);
    expect(isCanonicalScalar(le(L))).toBe(false);
    expect(isCanonicalScalar(le(2n ** 256n - 1n))).toBe(false);
  });

  it("combines into key and signature checks", () => {
    expect(isStrictPublicKey(A)).toBe(true);
    expect(isStrictPublicKey(SMALL_ORDER_ENCODINGS[0]!)).toBe(false);
    expect(isStrictSignature(new Uint8Array(63))).toBe(false);
    expect(isStrictSignature(identityRSignature())).toBe(false);
  });
});
