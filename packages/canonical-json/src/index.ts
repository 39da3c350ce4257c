/**
 * `@weft/canonical-json`: Matrix canonical JSON, strict number validation, legacy
 * numbers for room versions 1–5, and unpadded base64.
 *
 * Implements the [Canonical JSON](https://spec.matrix.org/v1.19/appendices/#canonical-json)
 * and [Unpadded Base64](https://spec.matrix.org/v1.19/appendices/#unpadded-base64)
 * appendices of the Matrix spec v1.19.
 *
 * @packageDocumentation
 */

export {
  encodeCanonicalJson,
  encodeCanonicalJsonBytes,
  compareByCodePoint,
  hasLoneSurrogate,
  type EncodeCanonicalJsonOptions,
} from "./encode.js";
export {
  parseStrictJson,
  validateStrictJsonText,
  parseLegacyJson,
  type ParseJsonOptions,
  type StrictJsonResult,
} from "./parse.js";
export { LegacyNumber, formatLegacyNumber, formatPythonFloat } from "./legacy-number.js";
export { encodeBase64, encodeBase64Url, decodeBase64 } from "./base64.js";
export {
  CanonicalJsonError,
  isCanonicalJsonError,
  CANONICAL_JSON_ERROR_CODES,
  type CanonicalJsonErrorCode,
  type CanonicalJsonErrorOptions,
} from "./errors.js";
export type { JsonValue, JsonObject, LegacyJsonValue, LegacyJsonObject } from "./types.js";
