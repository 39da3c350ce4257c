// Typing notifications: https://spec.matrix.org/v1.19/client-server-api/#typing-notifications.
// Ephemeral and per process (like Synapse's single typing writer): a map of
// who types where until when, and a serial that grows with every change so
// /sync can tell whether a room's typing list changed since a token.

import type { Notifier } from "./notifier.js";

/** Longest typing timeout honoured (a client may ask for more). */
const MAX_TIMEOUT_MS = 120_000;

/** Who is typing in which room. */
export class TypingService {
  #serial = 0;
  readonly #rooms = new Map<string, Map<string, NodeJS.Timeout>>();
  readonly #roomSerial = new Map<string, number>();

  constructor(private readonly notifier: Notifier) {}

  /** The serial of the latest change (part of sync tokens). */
  get serial(): number {
    return this.#serial;
  }

  /** Starts or stops `userId` typing in `roomId`. */
  setTyping(roomId: string, userId: string, typing: boolean, timeoutMs = 30_000): void {
    let users = this.#rooms.get(roomId);
    const existing = users?.get(userId);
    if (existing) clearTimeout(existing);
    if (typing) {
      if (!users) this.#rooms.set(roomId, (users = new Map()));
      const timer = setTimeout(() => this.setTyping(roomId, userId, false), Math.min(Math.max(timeoutMs, 0), MAX_TIMEOUT_MS));
      timer.unref();
      users.set(userId, timer);
      if (existing) return; // still typing: no change to announce
    } else {
      if (!existing) return;
      users!.delete(userId);
      if (users!.size === 0) this.#rooms.delete(roomId);
    }
    this.#serial += 1;
    this.#roomSerial.set(roomId, this.#serial);
    this.notifier.notify([roomId]);
  }

  /** Users typing in a room. */
  typingIn(roomId: string): string[] {
    return [...(this.#rooms.get(roomId)?.keys() ?? [])];
  }

  /** Whether the room's typing list changed after serial `since`. */
  changedSince(roomId: string, since: number): boolean {
    return (this.#roomSerial.get(roomId) ?? 0) > since;
  }

  /** Stops every timer (shutdown). */
  close(): void {
    for (const users of this.#rooms.values()) for (const timer of users.values()) clearTimeout(timer);
    this.#rooms.clear();
  }
}
