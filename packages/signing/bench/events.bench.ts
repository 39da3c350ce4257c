// Benchmarks for https://spec.matrix.org/v1.19/server-server-api/#validating-hashes-and-signatures-on-received-events
// and #adding-hashes-and-signatures-to-outgoing-events: the whole pipeline
// against a bare node:crypto Ed25519 operation on the same bytes (the floor).
// Run: npx vitest bench --run --project @weft/signing

import { createPrivateKey, createPublicKey, sign as nodeSign, verify as nodeVerify } from "node:crypto";
import { decodeBase64, encodeCanonicalJsonBytes } from "@weft/canonical-json";
import { redactEvent } from "@weft/common";
import { bench, describe } from "vitest";
import { signEvent, signingKeyFromSeed, verifyEventSync } from "../src/index.js";

const seed = decodeBase64("YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1");
const key = signingKeyFromSeed(seed, "1");
const verifyKey = key.toVerifyKey();
const lookup = (server: string, keyId: string) => (server === "example.com" && keyId === key.keyId ? { key: verifyKey } : null);

// Long runs with a warm-up: the machine is shared, so short runs are noisy.
const options = { time: 3000, warmupTime: 500 };

const privateKey = createPrivateKey({
  key: Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), Buffer.from(seed)]),
  format: "der",
  type: "pkcs8",
});
const publicKey = createPublicKey(privateKey);

function message(bodyLength: number): Record<string, unknown> {
  return {
    room_id: "!Rqnc-F-dvnEYJTyHq_iKxU2bZ1CI92-kuZq3a5lr5Zg",
    sender: "@alice:example.com",
    type: "m.room.message",
    content: { msgtype: "m.text", body: "x".repeat(bodyLength), "m.mentions": {} },
    origin_server_ts: 1_700_000_000_000,
    depth: 1234,
    prev_events: ["$acR1l0raoZnm60CBwAVgqbZqoO_mYU81xysh1u7XcJk"],
    auth_events: [
      "$CD66HAED5npg6074c6pDtLKalHjVfYb2q4Q3LZgrW6o",
      "$Rqnc-F-dvnEYJTyHq_iKxU2bZ1CI92-kuZq3a5lr5Zg",
      "$0RgOP-LIp5ZtbfjHsz2e_1Wwk-mZZi3hN0Rq6fzP6ig",
    ],
    unsigned: { age_ts: 1_700_000_000_000 },
  };
}

for (const [label, bodyLength] of [["typical message (100 B body)", 100], ["large message (4 KiB body)", 4096]] as const) {
  const unsigned = message(bodyLength);
  const signed = signEvent(unsigned, "example.com", key, "12");
  const text = JSON.stringify(signed);
  // The bytes the signature covers, and the signature, for the bare baselines.
  const redacted = redactEvent(signed, "12");
  delete redacted["signatures"];
  const signedBytes = encodeCanonicalJsonBytes(redacted);
  const signature = decodeBase64(signed.signatures["example.com"]![key.keyId]!);

  describe(`verify: ${label}`, () => {
    bench("bare node:crypto ed25519 verify (baseline)", () => {
      if (!nodeVerify(null, signedBytes, publicKey, signature)) throw new Error("bad");
    }, options);
    bench("verifyEventSync end to end (JSON.parse → redact → encode → verify → content hash)", () => {
      if (verifyEventSync(JSON.parse(text), "12", lookup).outcome !== "accept") throw new Error("bad");
    }, options);
  });

  describe(`sign: ${label}`, () => {
    bench("bare node:crypto ed25519 sign (baseline)", () => {
      nodeSign(null, signedBytes, privateKey);
    }, options);
    bench("signEvent (content hash → redact → encode → sign)", () => {
      signEvent(unsigned, "example.com", key, "12");
    }, options);
  });
}
