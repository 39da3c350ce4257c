/**
 * Canonical JSON encoding speed (https://spec.matrix.org/v1.19/appendices/#canonical-json):
 * ours vs a naive sorted-keys JSON.stringify and `another-json`, on a ~1 KB PDU and
 * a power levels event with 2,000 users.
 * Run: npx vitest bench --run --project @weft/canonical-json
 */
import { stringify as anotherJson } from "another-json";
import { bench, describe } from "vitest";
import { encodeCanonicalJson } from "../src/index.js";
import { messagePdu, naiveSortedStringify, powerLevelsPdu } from "./inputs.js";

const small = messagePdu();
const large = powerLevelsPdu(2000);

// Same output, or the comparison is meaningless.
for (const v of [small, large]) {
  const ours = encodeCanonicalJson(v);
  if (ours !== naiveSortedStringify(v) || ours !== anotherJson(v)) throw new Error("encoders disagree");
}

const options = { time: 1000, warmupTime: 300 };

describe(`~1 KB m.room.message PDU (${encodeCanonicalJson(small).length} chars)`, () => {
  bench("@weft/canonical-json", () => void encodeCanonicalJson(small), options);
  bench("naive sorted JSON.stringify", () => void naiveSortedStringify(small), options);
  bench("another-json", () => void anotherJson(small), options);
});

describe(`power levels with 2,000 users (${encodeCanonicalJson(large).length} chars)`, () => {
  bench("@weft/canonical-json", () => void encodeCanonicalJson(large), options);
  bench("naive sorted JSON.stringify", () => void naiveSortedStringify(large), options);
  bench("another-json", () => void anotherJson(large), options);
});
