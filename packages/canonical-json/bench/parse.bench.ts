/**
 * Checking received JSON text against the strict number rules of room versions 6+
 * (https://spec.matrix.org/v1.19/rooms/v6/#canonical-json), and the lossless legacy
 * parser for room versions 1–5, against plain JSON.parse.
 * Run: npx vitest bench --run --project @weft/canonical-json bench/parse.bench.ts
 */
import { bench, describe } from "vitest";
import { parseLegacyJson, parseStrictJson } from "../src/index.js";
import { messagePdu, powerLevelsPdu } from "./inputs.js";

const small = JSON.stringify(messagePdu());
const large = JSON.stringify(powerLevelsPdu(2000));
// A room version 1–5 event with floats: every number becomes a LegacyNumber-aware parse.
const legacy = small.replace('"depth":12345', '"depth":12345,"score":1.0,"big":12345678901234567890');
const options = { time: 1000, warmupTime: 300 };

describe(`~1 KB PDU text (${small.length} chars)`, () => {
  bench("JSON.parse (no checks)", () => void JSON.parse(small), options);
  bench("parseStrictJson", () => void parseStrictJson(small), options);
  bench("parseStrictJson, rejectDuplicateKeys", () => void parseStrictJson(small, { rejectDuplicateKeys: true }), options);
  bench("parseLegacyJson, text with floats", () => void parseLegacyJson(legacy), options);
});

describe(`power levels text with 2,000 users (${large.length} chars)`, () => {
  bench("JSON.parse (no checks)", () => void JSON.parse(large), options);
  bench("parseStrictJson", () => void parseStrictJson(large), options);
  bench("parseStrictJson, rejectDuplicateKeys", () => void parseStrictJson(large, { rejectDuplicateKeys: true }), options);
});
