// State map keys: https://spec.matrix.org/v1.19/rooms/v2/#definitions — "the keys of
// the state maps are 2-tuples of strings of the form K = (event_type, state_key)".
//
// Decision: a key is `JSON.stringify([type, stateKey])`. Event types and state keys
// are arbitrary JSON strings — they may legally contain U+0000 or any separator
// we could pick — so a separator-joined encoding could make two different pairs
// collide. JSON of a two-element array is injective (and readable in logs), and
// `JSON.parse` inverts it exactly.

/** A state map key: the encoded `(event_type, state_key)` pair. */
export type StateKey = string;

/** A state map: state key → event ID. */
export type StateMap = Map<StateKey, string>;

/**
 * Encodes `(type, stateKey)` as a state map key (collision-free for all strings).
 *
 * @param type - the event type, e.g. `"m.room.member"`.
 * @param stateKey - the state key, e.g. `"@alice:example.com"`.
 * @returns the key, `["m.room.member","@alice:example.com"]`.
 * @example
 * ```ts
 * const state = new Map([[stateKey("m.room.create", ""), "$create"]]);
 * ```
 * @see https://spec.matrix.org/v1.19/rooms/v2/#definitions
 */
export function stateKey(type: string, stateKey: string): StateKey {
  return JSON.stringify([type, stateKey]);
}

/**
 * Decodes a key made by {@link stateKey}.
 *
 * @param key - a key made by {@link stateKey}.
 * @returns `[type, stateKey]`.
 * @throws {TypeError} when `key` was not made by {@link stateKey}.
 * @example
 * ```ts
 * parseStateKey(stateKey("m.room.topic", "")); // ["m.room.topic", ""]
 * ```
 */
export function parseStateKey(key: StateKey): [type: string, stateKey: string] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(key);
  } catch (cause) {
    throw new TypeError(`expected a state key made by stateKey(), got ${JSON.stringify(key)}`, { cause });
  }
  if (!Array.isArray(parsed) || parsed.length !== 2 || typeof parsed[0] !== "string" || typeof parsed[1] !== "string") {
    throw new TypeError(`expected a state key made by stateKey(), got ${JSON.stringify(key)}`);
  }
  return [parsed[0], parsed[1]];
}
