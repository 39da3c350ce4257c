// Typing notifications: https://spec.matrix.org/v1.19/client-server-api/#typing-notifications.
// Ephemeral: a map of who types where until when, and a serial that grows
// with every change so /sync can tell whether a room's typing list changed
// since a token. Several server processes sharing one PostgreSQL agree through
// NOTIFY on their own channel: each change is applied locally and relayed; the
// other processes apply it with their own timers. Serials follow the wall
// clock (at least +1 per change), so a token handed out by one process is
// meaningful to the others.

import type { Database } from "@weft/storage-pg";
import { randomUUID } from "node:crypto";
import type { Notifier } from "./notifier.js";

/** Longest typing timeout honoured (a client may ask for more). */
const MAX_TIMEOUT_MS = 120_000;

/** The NOTIFY channel typing changes travel on between processes. */
export const TYPING_CHANNEL = "weft_typing";

interface TypingMessage {
  from: string;
  roomId: string;
  userId: string;
  typing: boolean;
  timeoutMs: number;
}

/** Who is typing in which room. */
export class TypingService {
  #serial = 0;
  readonly #rooms = new Map<string, Map<string, NodeJS.Timeout>>();
  readonly #roomSerial = new Map<string, number>();
  readonly #processId = randomUUID();
  #db: Database | undefined;
  #unlisten: (() => Promise<void>) | undefined;

  constructor(
    private readonly notifier: Notifier,
    private readonly clock: () => number = Date.now,
  ) {}

  /**
   * Relays typing changes through the database so other server processes
   * sharing it agree (PostgreSQL only; PGlite has one process).
   */
  async connect(db: Database): Promise<void> {
    if (db.kind !== "postgres" || this.#db) return;
    this.#db = db;
    this.#unlisten = await db.listen(TYPING_CHANNEL, (payload) => {
      try {
        const m = JSON.parse(payload) as TypingMessage;
        if (m.from !== this.#processId && typeof m.roomId === "string" && typeof m.userId === "string") {
          this.#apply(m.roomId, m.userId, m.typing === true, Number(m.timeoutMs) || 0);
        }
      } catch {
        // A malformed payload is not ours to act on.
      }
    });
  }

  /** The serial of the latest change (part of sync tokens). */
  get serial(): number {
    return this.#serial;
  }

  /** Starts or stops `userId` typing in `roomId`, here and in every process sharing the database. */
  setTyping(roomId: string, userId: string, typing: boolean, timeoutMs = 30_000): void {
    const timeout = Math.min(Math.max(timeoutMs, 0), MAX_TIMEOUT_MS);
    this.#apply(roomId, userId, typing, timeout);
    if (this.#db) {
      const message: TypingMessage = { from: this.#processId, roomId, userId, typing, timeoutMs: timeout };
      void this.#db.query("SELECT pg_notify($1, $2)", [TYPING_CHANNEL, JSON.stringify(message)]).catch(() => undefined);
    }
  }

  #apply(roomId: string, userId: string, typing: boolean, timeoutMs: number): void {
    let users = this.#rooms.get(roomId);
    const existing = users?.get(userId);
    if (existing) clearTimeout(existing);
    if (typing) {
      if (!users) this.#rooms.set(roomId, (users = new Map()));
      // Expiry is local: every process runs the same timeout from when it heard of the change.
      const timer = setTimeout(() => this.#apply(roomId, userId, false, 0), timeoutMs);
      timer.unref();
      users.set(userId, timer);
      if (existing) return; // still typing: no change to announce
    } else {
      if (!existing) return;
      users!.delete(userId);
      if (users!.size === 0) this.#rooms.delete(roomId);
    }
    this.#serial = Math.max(this.#serial + 1, this.clock());
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

  /** Stops every timer and the relay (shutdown). */
  close(): void {
    for (const users of this.#rooms.values()) for (const timer of users.values()) clearTimeout(timer);
    this.#rooms.clear();
    void this.#unlisten?.();
    this.#unlisten = undefined;
  }
}
