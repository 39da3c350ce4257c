// Per-event work for push rule evaluation
// (https://spec.matrix.org/v1.19/client-server-api/#push-rules), done once and
// shared by every rule of every recipient: property lookups, case folding, the word
// index of `content.body`, and the `m.mentions` check that suppresses the legacy
// mention rules (https://spec.matrix.org/v1.19/client-server-api/#user-and-room-mentions).

import { resolvePath } from "./dotted-key.js";
import { PreparedText } from "./glob.js";

const hasOwn = Object.prototype.hasOwnProperty;

/** Arrays longer than this get a lookup set for `event_property_contains`. */
const SET_THRESHOLD = 16;

/** Whether `v` is a value `event_property_is`/`_contains` can compare: string, safe integer, boolean, null. */
export function isComparableScalar(v: unknown): boolean {
  return typeof v === "string" || typeof v === "boolean" || v === null || (typeof v === "number" && Number.isSafeInteger(v));
}

/**
 * An event prepared for evaluation. Create it with {@link prepareEvent}; it caches
 * derived values lazily, so it costs nothing for rules that never look.
 */
export class PreparedEvent {
  /** The event as given (not copied; do not mutate it while the prepared event is in use). */
  readonly event: Readonly<Record<string, unknown>>;
  /** `type` when it is a string. */
  readonly type: string | null;
  /** `type`, case-folded, for rules that require a literal type. */
  readonly typeFolded: string | null;
  /** `sender` when it is a string. */
  readonly sender: string | null;
  /** Whether `content` has an `m.mentions` property (any value, even `{}`). */
  readonly hasMentions: boolean;
  #body: PreparedText | null | undefined;
  readonly #texts = new Map<string, PreparedText | null>();
  readonly #sets = new Map<string, Set<unknown> | null>();

  constructor(event: Readonly<Record<string, unknown>>) {
    this.event = event;
    const type = hasOwn.call(event, "type") ? event.type : undefined;
    this.type = typeof type === "string" ? type : null;
    this.typeFolded = this.type === null ? null : new PreparedText(this.type).lower;
    const sender = hasOwn.call(event, "sender") ? event.sender : undefined;
    this.sender = typeof sender === "string" ? sender : null;
    const content = hasOwn.call(event, "content") ? event.content : undefined;
    this.hasMentions =
      typeof content === "object" && content !== null && !Array.isArray(content) && hasOwn.call(content, "m.mentions");
  }

  /**
   * The value at a parsed path, or `undefined`.
   * @param path - names from `parseDottedKey`.
   */
  resolve(path: readonly string[]): unknown {
    return resolvePath(this.event, path);
  }

  /**
   * The string at a path, prepared for glob matching (cached by `key`), or null when
   * absent or not a string.
   * @param key - the dotted key (cache key).
   * @param path - its parsed form.
   */
  text(key: string, path: readonly string[]): PreparedText | null {
    if (key === "content.body") {
      if (this.#body === undefined) {
        const v = resolvePath(this.event, path);
        this.#body = typeof v === "string" ? new PreparedText(v) : null;
      }
      return this.#body;
    }
    let t = this.#texts.get(key);
    if (t === undefined) {
      const v = resolvePath(this.event, path);
      t = typeof v === "string" ? new PreparedText(v) : null;
      this.#texts.set(key, t);
    }
    return t;
  }

  /**
   * Whether the array at a path contains `value` exactly (same type and value; only
   * strings, safe integers, booleans and null are compared).
   * @param key - the dotted key (cache key).
   * @param path - its parsed form.
   * @param value - the value looked for.
   */
  arrayContains(key: string, path: readonly string[], value: unknown): boolean {
    const arr = resolvePath(this.event, path);
    if (!Array.isArray(arr)) return false;
    if (arr.length <= SET_THRESHOLD) {
      for (let i = 0; i < arr.length; i++) {
        const v: unknown = arr[i];
        if (v === value && isComparableScalar(v)) return true;
      }
      return false;
    }
    let set = this.#sets.get(key);
    if (set === undefined) {
      set = new Set();
      for (const v of arr as unknown[]) if (isComparableScalar(v)) set.add(v);
      this.#sets.set(key, set);
    }
    return set !== null && set.has(value);
  }
}

/**
 * Prepares an event for push rule evaluation. Do it once per event and share the
 * result between all recipients and rules.
 *
 * @param event - the event JSON (client or federation format). For encrypted events
 *   pass the decrypted form if the rules should see the cleartext.
 * @returns the prepared event.
 * @example
 * ```ts
 * const ev = prepareEvent({ type: "m.room.message", sender: "@bob:example.com", content: { body: "hi" } });
 * ```
 * @see https://spec.matrix.org/v1.19/client-server-api/#push-rules
 */
export function prepareEvent(event: Readonly<Record<string, unknown>>): PreparedEvent {
  return new PreparedEvent(event);
}
