// @weft/event-auth — the authorization rules of Matrix room versions 1–12:
// https://spec.matrix.org/v1.19/server-server-api/#authorization-rules and the
// "Authorization rules" section of each room version page (https://spec.matrix.org/v1.19/rooms/).

export { StateMap, stateFromEvents } from "./state.js";
export type { AuthState, AuthPdu } from "./state.js";
export { authEventsSelection } from "./selection.js";
export type { StateKeyPair } from "./selection.js";
