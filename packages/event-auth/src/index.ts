// @weft/event-auth — the authorization rules of Matrix room versions 1–12:
// https://spec.matrix.org/v1.19/server-server-api/#authorization-rules and the
// "Authorization rules" section of each room version page (https://spec.matrix.org/v1.19/rooms/).

export { checkEventAuth, checkAuthAgainstState, checkCreateEvent, checkSizeLimits } from "./check.js";
export type { AuthOptions, AuthEventsInput } from "./check.js";
export { AUTH_FAILURE_CODES, ruleNumber } from "./codes.js";
export type { AuthFailureCode, AuthResult } from "./codes.js";
export { StateMap, stateFromEvents } from "./state.js";
export type { AuthState, AuthPdu } from "./state.js";
export { authEventsSelection } from "./selection.js";
export type { StateKeyPair } from "./selection.js";
export {
  POWER_LEVEL_KEYS,
  NO_POWER_LEVELS,
  parsePowerLevels,
  readPowerLevel,
  creators,
  userPowerLevel,
  requiredPowerLevel,
} from "./power-levels.js";
export type { PowerLevels, PowerLevelKey } from "./power-levels.js";
