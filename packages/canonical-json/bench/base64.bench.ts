/**
 * Unpadded base64 speed (https://spec.matrix.org/v1.19/appendices/#unpadded-base64):
 * the portable encoder vs Node's Buffer at key, signature, hash and media sizes,
 * which sets BUFFER_THRESHOLD in src/base64.ts; and validating decode vs Buffer
 * (which does not validate).
 * Run: npx vitest bench --run --project @weft/canonical-json bench/base64.bench.ts
 */
import { bench, describe } from "vitest";
import { encodeBase64Portable } from "../src/base64.js";
import { decodeBase64, encodeBase64 } from "../src/index.js";

const options = { time: 500, warmupTime: 100 };

for (const size of [32, 64, 256, 1024, 65536]) {
  const bytes = new Uint8Array(size).map((_, i) => (i * 131 + 7) & 255);
  const text = encodeBase64(bytes);
  describe(`encode ${size} bytes`, () => {
    bench("portable", () => void encodeBase64Portable(bytes), options);
    bench("Buffer (then strip =)", () => void Buffer.from(bytes.buffer, bytes.byteOffset, size).toString("base64").replace(/=+$/, ""), options);
    bench("encodeBase64", () => void encodeBase64(bytes), options);
  });
  describe(`decode ${size} bytes`, () => {
    bench("decodeBase64 (validating)", () => void decodeBase64(text), options);
    bench("Buffer.from (no validation)", () => void Buffer.from(text, "base64"), options);
  });
}
