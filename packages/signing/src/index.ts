/**
 * `@weft/signing`: Matrix signing and hashing — signed JSON, event content and
 * reference hashes, event and room IDs, event signatures, X-Matrix request
 * authentication, server key responses, a key ring, and strict Ed25519.
 *
 * Implements https://spec.matrix.org/v1.19/appendices/#signing-json and
 * https://spec.matrix.org/v1.19/server-server-api/#signing-events,
 * #request-authentication and #retrieving-server-keys.
 *
 * @packageDocumentation
 */

export { SigningError, isSigningError, SIGNING_ERROR_CODES } from "./errors.js";
export type { SigningErrorCode } from "./errors.js";
export { nodeBackend, nobleBackend, defaultBackend } from "./ed25519/backend.js";
export type { Ed25519Backend, RawSigner, RawVerifier } from "./ed25519/backend.js";
export { ed25519Verify, VerifierCache } from "./ed25519/verify.js";
export type { Ed25519VerifyOptions } from "./ed25519/verify.js";
export { isStrictPublicKey, isStrictSignature } from "./ed25519/strict.js";
export {
  SigningKey,
  VerifyKey,
  generateSigningKey,
  signingKeyFromSeed,
  parseSigningKeyFile,
  formatSigningKeyFile,
} from "./keys.js";
export type { KeyOptions, PublicKeyInput } from "./keys.js";
export { signJson, verifyJsonSignature, signedBytes, JSON_SIGNATURE_FAILURES } from "./sign-json.js";
export type { SignJsonOptions, JsonSignatureResult, JsonSignatureFailure } from "./sign-json.js";
export {
  computeContentHash,
  computeReferenceHash,
  computeEventId,
  computeRoomIdV12,
  generateLegacyEventId,
} from "./event-hashes.js";
export type { RoomVersionInput } from "./event-hashes.js";
export { signEvent, signEventWithId, verifyEvent, verifyEventSync, EVENT_REJECT_REASONS } from "./event-signing.js";
export type {
  KeyLookup,
  SyncKeyLookup,
  KeyLookupResult,
  EventVerification,
  EventRejectReason,
} from "./event-signing.js";
export { signRequest, parseXMatrixHeader, verifyRequest, verifyRequestSync, X_MATRIX_FAILURES } from "./x-matrix.js";
export type {
  XMatrixRequest,
  XMatrixAuthorization,
  XMatrixParseResult,
  XMatrixFailure,
  ReceivedRequest,
  RequestVerification,
} from "./x-matrix.js";
export {
  buildServerKeysResponse,
  verifyServerKeysResponse,
  MAX_KEY_VALIDITY_MS,
  SERVER_KEYS_FAILURES,
} from "./server-keys.js";
export type {
  ServerKeysResponse,
  OldVerifyKeyInput,
  BuildServerKeysOptions,
  VerifiedKey,
  VerifiedServerKeys,
  ServerKeysFailure,
  ServerKeysVerification,
} from "./server-keys.js";
export { Keyring } from "./keyring.js";
export type { KeyringOptions, FetchServerKeys } from "./keyring.js";
