// @weft/state-res — state resolution for every room version:
// v1 (https://spec.matrix.org/v1.19/rooms/v1/#state-resolution),
// v2 (https://spec.matrix.org/v1.19/rooms/v2/#state-resolution, room versions 2–11) and
// v2.1 (https://spec.matrix.org/v1.19/rooms/v12/#state-resolution, room version 12, MSC4297).

export { stateKey, parseStateKey } from "./state-key.js";
export type { StateKey, StateMap } from "./state-key.js";
export {
  resolveState,
  resolveStateSync,
  authDifference,
  conflictedStateSubgraph,
  reverseTopologicalPowerOrdering,
  mainlineOrdering,
  iterativeAuthChecks,
} from "./resolve.js";
export type { ResolveOptions, SyncResolveOptions, EventSource, BuildingBlockOptions } from "./resolve.js";
export { splitConflictedState } from "./split.js";
export type { ConflictSplit } from "./split.js";
export { lexicographicalTopologicalSort } from "./topological-sort.js";
export { Heap } from "./heap.js";
export { AuthChainCache, impliedCreateEventId } from "./auth-chain-cache.js";
export type { AuthChainCacheOptions, EventRecord } from "./auth-chain-cache.js";
export { isPowerEvent, roomCreators, userLevelIn } from "./power.js";
export { orderByDepthAndSha1 } from "./resolve-v1.js";
export { compareEventIds } from "./power-ordering.js";
export { StateResError, MissingEventsError, STATE_RES_ERROR_CODES, isStateResError, isMissingEventsError } from "./errors.js";
export type { StateResErrorCode } from "./errors.js";
export type { AuthCheck, AuthCheckResult, AuthStateLookup, AuthEventKey, AuthEventsSelection } from "./auth-check.js";
export type { TraceEntry } from "./context.js";
