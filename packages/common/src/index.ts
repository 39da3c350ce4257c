// @weft/common — the public surface. Spec: https://spec.matrix.org/v1.19/
// (room versions: /rooms/, identifiers: /appendices/#identifier-grammar,
// redactions: /client-server-api/#redactions, PDUs: /server-server-api/#pdus).
// Only what is named here is public.

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
  roomIdFromCreateEventId,
  createEventIdFromRoomId,
} from "./identifiers.js";
export type { UserId, RoomId, EventId, RoomAlias, ServerName, UserIdOptions, ServerNameParts } from "./identifiers.js";
export { redactEvent, protectedContentKeys } from "./redaction.js";
export type { RedactedEvent } from "./redaction.js";
export {
  STATE_EVENT_TYPES,
  AUTH_STATE_EVENT_TYPES,
  MEMBERSHIPS,
  isMembership,
  JOIN_RULES,
  isJoinRule,
  HISTORY_VISIBILITIES,
} from "./state-events.js";
export type { StateEventType, Membership, JoinRule, HistoryVisibility } from "./state-events.js";
export { POWER_LEVEL_DEFAULTS, parsePowerLevel } from "./power-levels.js";
export type { PowerLevelsContent } from "./power-levels.js";
export {
  MAX_PREV_EVENTS,
  MAX_AUTH_EVENTS,
  MAX_PDU_BYTES,
  PduSchema,
  PduV1Schema,
  PduV3Schema,
  PduV11Schema,
  PduV12Schema,
  pduSchemaFor,
  validatePdu,
  checkPduSizeLimits,
} from "./pdu-schema.js";
export type { PduValidationIssue, PduValidationResult, PduSizeIssue, PduSizeResult } from "./pdu-schema.js";
