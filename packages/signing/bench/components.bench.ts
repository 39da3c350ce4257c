// Where the time of verifying an event goes (see events.bench.ts), one step at a time.
// Run: npx vitest bench --run --project @weft/signing

import { createHash } from "node:crypto";
import { decodeBase64, encodeCanonicalJsonBytes } from "@weft/canonical-json";
import { redactEvent } from "@weft/common";
import { bench, describe } from "vitest";
import { signEvent, signingKeyFromSeed } from "../src/index.js";

const key = signingKeyFromSeed(decodeBase64("YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1"), "1");
const verifyKey = key.toVerifyKey();
const signed = signEvent(
  {
    room_id: "!Rqnc-F-dvnEYJTyHq_iKxU2bZ1CI92-kuZq3a5lr5Zg",
    sender: "@alice:example.com",
    type: "m.room.message",
    content: { msgtype: "m.text", body: "x".repeat(100), "m.mentions": {} },
    origin_server_ts: 1_700_000_000_000,
    depth: 1234,
    prev_events: ["$acR1l0raoZnm60CBwAVgqbZqoO_mYU81xysh1u7XcJk"],
    auth_events: ["$CD66HAED5npg6074c6pDtLKalHjVfYb2q4Q3LZgrW6o", "$Rqnc-F-dvnEYJTyHq_iKxU2bZ1CI92-kuZq3a5lr5Zg", "$0RgOP-LIp5ZtbfjHsz2e_1Wwk-mZZi3hN0Rq6fzP6ig"],
    unsigned: { age_ts: 1_700_000_000_000 },
  },
  "example.com",
  key,
  "12",
);
const text = JSON.stringify(signed);
const redacted = redactEvent(signed, "12");
delete redacted["signatures"];
const bytes = encodeCanonicalJsonBytes(redacted);
const sig = decodeBase64(signed.signatures["example.com"]![key.keyId]!);

describe("verify steps (typical message)", () => {
  bench("JSON.parse", () => {
    JSON.parse(text);
  });
  bench("redactEvent", () => {
    redactEvent(signed, "12");
  });
  bench("encodeCanonicalJsonBytes (full event)", () => {
    encodeCanonicalJsonBytes(signed);
  });
  bench("sha256", () => {
    createHash("sha256").update(bytes).digest();
  });
  bench("decodeBase64 (signature)", () => {
    decodeBase64(signed.signatures["example.com"]![key.keyId]!);
  });
  bench("VerifyKey.verify (strict checks + node verify)", () => {
    verifyKey.verify(bytes, sig);
  });
});
