export {
  EVENT_ID_FORMATS,
  STATE_RESOLUTION_ALGORITHMS,
  ROOM_VERSIONS,
  DEFAULT_ROOM_VERSION,
  isKnownRoomVersion,
  roomVersionRules,
} from "./room-versions.js";
export type {
  EventIdFormat,
  StateResolutionAlgorithm,
  EventFormatRules,
  RedactionRules,
  AuthorizationRules,
  RoomVersionRules,
} from "./room-versions.js";
export { ERRCODES, MatrixError, isMatrixError } from "./errors.js";
export type { Errcode } from "./errors.js";
export { isStateEvent, referencedEventIds } from "./pdu.js";
export type {
  JsonValue,
  JsonObject,
  EventHashes,
  Signatures,
  EventReferencePair,
  Pdu,
  StatePdu,
} from "./pdu.js";
export {
  MAX_IDENTIFIER_BYTES,
  utf8ByteLength,
  isServerName,
  parseServerName,
  serverNameParts,
  isUserId,
  parseUserId,
  userIdParts,
  buildUserId,
  isRoomId,
  parseRoomId,
  isRoomAlias,
  parseRoomAlias,
  isEventId,
  parseEventId,
  serverNameOf,
} from "./identifiers.js";
export type { UserId, RoomId, EventId, RoomAlias, ServerName, UserIdOptions, ServerNameParts } from "./identifiers.js";
export { redactEvent, protectedContentKeys } from "./redaction.js";
export type { RedactedEvent } from "./redaction.js";
