// Dot-separated property paths (https://spec.matrix.org/v1.19/appendices/#dot-separated-property-paths,
// MSC3873): `.` separates names, `\.` is a literal dot, `\\` a literal backslash, any
// other `\x` stays as written (backslash and `x`).

/**
 * Splits a dotted key into property names.
 *
 * @param key - e.g. `content.m\.relates_to.rel_type`.
 * @returns the names, e.g. `["content", "m.relates_to", "rel_type"]`.
 * @example
 * ```ts
 * parseDottedKey("content.m\\.mentions.user_ids"); // ["content", "m.mentions", "user_ids"]
 * ```
 * @see https://spec.matrix.org/v1.19/appendices/#dot-separated-property-paths
 */
export function parseDottedKey(key: string): string[] {
  const parts: string[] = [];
  let part = "";
  for (let i = 0; i < key.length; i++) {
    const c = key[i]!;
    if (c === "\\") {
      const next = key[i + 1];
      if (next === "." || next === "\\") {
        part += next;
        i++;
      } else {
        part += c;
      }
    } else if (c === ".") {
      parts.push(part);
      part = "";
    } else {
      part += c;
    }
  }
  parts.push(part);
  return parts;
}

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * Looks a path up in an event: only own properties of plain (non-array) objects are
 * followed, so paths never walk into strings, arrays or the prototype chain
 * (`__proto__` and `constructor` are ordinary names).
 *
 * @param root - the event.
 * @param path - names from {@link parseDottedKey}.
 * @returns the value, or `undefined` when absent.
 * @example
 * ```ts
 * resolvePath({ content: { "m.mentions": { room: true } } }, ["content", "m.mentions", "room"]); // true
 * ```
 */
export function resolvePath(root: unknown, path: readonly string[]): unknown {
  let cur: unknown = root;
  for (let i = 0; i < path.length; i++) {
    if (typeof cur !== "object" || cur === null || Array.isArray(cur)) return undefined;
    const name = path[i]!;
    if (!hasOwn.call(cur, name)) return undefined;
    cur = (cur as Record<string, unknown>)[name];
  }
  return cur;
}
