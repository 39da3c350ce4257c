/**
 * JSON value types.
 *
 * The value space of [Canonical JSON](https://spec.matrix.org/v1.19/appendices/#canonical-json):
 * objects, arrays, strings, integers, booleans and null.
 */

import type { LegacyNumber } from "./legacy-number.js";

/** Any JSON value as `JSON.parse` returns it. In canonical JSON, numbers are safe integers. */
export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;

/** A JSON object. */
export interface JsonObject {
  [key: string]: JsonValue;
}

/**
 * A JSON value from {@link parseLegacyJson}: like {@link JsonValue}, except that number
 * tokens which a double cannot hold exactly or which Python reads as floats are
 * {@link LegacyNumber}s.
 */
export type LegacyJsonValue = null | boolean | number | string | LegacyNumber | LegacyJsonValue[] | LegacyJsonObject;

/** A JSON object from {@link parseLegacyJson}. */
export interface LegacyJsonObject {
  [key: string]: LegacyJsonValue;
}
