// fast-check generators for Matrix identifiers and events, following
// https://spec.matrix.org/v1.19/appendices/#identifier-grammar.

import fc from "fast-check";

const LOWER = "abcdefghijklmnopqrstuvwxyz";
const DIGITS = "0123456789";
const chars = (alphabet: string): fc.Arbitrary<string> => fc.constantFrom(...alphabet.split(""));

const dnsLabel = fc.string({ unit: chars(`${LOWER}${LOWER.toUpperCase()}${DIGITS}-`), minLength: 1, maxLength: 12 });
/** DNS names that are not dotted quads. */
export const dnsName = fc
  .array(dnsLabel, { minLength: 1, maxLength: 4 })
  .map((labels) => labels.join("."))
  .filter((name) => !/^[\d.]+$/.test(name) || name.split(".").length !== 4);
export const ipv4 = fc.ipV4();
export const ipv6 = fc.ipV6().map((a) => `[${a}]`);
export const port = fc.integer({ min: 1, max: 65535 });
export const serverName = fc
  .tuple(fc.oneof(dnsName, ipv4, ipv6), fc.option(port, { nil: undefined }))
  .map(([host, p]) => (p === undefined ? host : `${host}:${p}`));

/** Current-grammar user localparts. */
export const userLocalpart = fc.string({ unit: chars(`${LOWER}${DIGITS}._=-/+`), minLength: 1, maxLength: 30 });
/** Historical localparts: any well-formed Unicode but `:` and NUL, possibly empty. */
export const historicalLocalpart = fc
  .string({ unit: "binary", maxLength: 20 })
  .map((s) => s.replace(/[:\u0000]/g, ""));

const URL_SAFE = `${LOWER}${LOWER.toUpperCase()}${DIGITS}-_`;
/** 43 characters of URL-safe base64 (a v4+ event ID or v12 room ID body). */
export const urlSafeHash = fc.string({ unit: chars(URL_SAFE), minLength: 43, maxLength: 43 });
