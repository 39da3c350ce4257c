// Space children and their ordering: https://spec.matrix.org/v1.19/client-server-api/#mspacechild
// and https://spec.matrix.org/v1.19/client-server-api/#ordering-of-children-within-a-space

import type { HierarchyStateEvent, StrippedChildStateEvent } from "./types.js";

/** The longest valid `order` string (spec: "at most 50 characters"). */
export const MAX_ORDER_LENGTH = 50;

/**
 * Whether an `order` value is valid: a string of at most 50 characters, each in
 * the printable ASCII range `\x20`–`\x7E`.
 *
 * @example
 * ```ts
 * isValidOrder("aaaa"); // true
 * isValidOrder("é");    // false (not ASCII)
 * isValidOrder(3);      // false (not a string)
 * ```
 * @see https://spec.matrix.org/v1.19/client-server-api/#mspacechild
 */
export function isValidOrder(order: unknown): order is string {
  if (typeof order !== "string" || order.length > MAX_ORDER_LENGTH) return false;
  for (let i = 0; i < order.length; i++) {
    const c = order.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

/** Compares strings by Unicode code point (JavaScript's `<` compares UTF-16 code units). */
export function compareCodePoints(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done === true) return y.done === true ? 0 : -1;
    if (y.done === true) return 1;
    const cx = x.value.codePointAt(0)!;
    const cy = y.value.codePointAt(0)!;
    if (cx !== cy) return cx < cy ? -1 : 1;
  }
}

/** A child of a space: the room ID and its stripped `m.space.child` event. */
export interface SpaceChild {
  readonly roomId: string;
  readonly order: string | undefined;
  readonly event: StrippedChildStateEvent;
}

/**
 * The spec's ordering of space children: valid `order` values first, by code
 * point; then `origin_server_ts` ascending; then room ID by code point.
 *
 * @example
 * ```ts
 * children.sort(compareSpaceChildren);
 * ```
 * @see https://spec.matrix.org/v1.19/client-server-api/#ordering-of-children-within-a-space
 */
export function compareSpaceChildren(a: SpaceChild, b: SpaceChild): number {
  if (a.order !== undefined || b.order !== undefined) {
    if (a.order === undefined) return 1;
    if (b.order === undefined) return -1;
    // Valid orders are ASCII, so code-unit comparison is code-point comparison.
    if (a.order !== b.order) return a.order < b.order ? -1 : 1;
  }
  const ta = a.event.origin_server_ts;
  const tb = b.event.origin_server_ts;
  if (ta !== tb) return ta < tb ? -1 : 1;
  return compareCodePoints(a.roomId, b.roomId);
}

/**
 * The valid children of a space in the spec's order: `m.space.child` events whose
 * `state_key` is a room ID and whose `via` is a non-empty array (an event without
 * `via` — cleared or redacted — removes the child). With `suggestedOnly`, only
 * children whose content says `suggested: true`.
 *
 * @param childEvents The space's `m.space.child` state events.
 * @param suggestedOnly Keep only suggested children.
 * @returns The children, ordered.
 * @example
 * ```ts
 * const [first] = spaceChildren(events, false);
 * ```
 * @see https://spec.matrix.org/v1.19/client-server-api/#mspacechild
 */
export function spaceChildren(childEvents: readonly HierarchyStateEvent[], suggestedOnly: boolean): SpaceChild[] {
  const children: SpaceChild[] = [];
  for (const event of childEvents) {
    const roomId = event.state_key;
    if (typeof roomId !== "string" || !roomId.startsWith("!")) continue;
    const via = event.content["via"];
    if (!Array.isArray(via) || via.length === 0) continue;
    if (suggestedOnly && event.content["suggested"] !== true) continue;
    const order = event.content["order"];
    const ts = Number(event.origin_server_ts);
    children.push({
      roomId,
      order: isValidOrder(order) ? order : undefined,
      event: {
        type: "m.space.child",
        state_key: roomId,
        content: event.content,
        sender: event.sender,
        origin_server_ts: Number.isFinite(ts) ? ts : 0,
      },
    });
  }
  return children.sort(compareSpaceChildren);
}
