// One notifier wakes every kind of long poll (/sync, and later sliding sync).
// Writers call `notify(keys)` after they commit; waiters block on the keys
// they care about (a user ID, a room ID, …) until one is notified, a timeout
// passes, or their signal aborts. Across processes sharing one PostgreSQL the
// wake-ups travel through NOTIFY on one channel.

import { randomUUID } from "node:crypto";
import type { Database } from "@weft/storage-pg";

const CHANNEL = "weft_wakeup";

interface Waiter {
  readonly keys: readonly string[];
  resolve(woken: boolean): void;
}

/** Wakes long polls when the data they wait for changes. */
export class Notifier {
  readonly #waiters = new Map<string, Set<Waiter>>();
  readonly #processId = randomUUID();
  /** Keys to announce to other processes at the end of this event-loop turn. */
  readonly #pending = new Set<string>();
  #db: Database | undefined;

  /**
   * Relays wake-ups through the database so other server processes see them
   * (PostgreSQL only; PGlite has a single process).
   */
  async connect(db: Database): Promise<void> {
    if (db.kind !== "postgres") return;
    this.#db = db;
    await db.listen(CHANNEL, (payload) => {
      try {
        const message = JSON.parse(payload) as { from: string; keys: string[] };
        if (message.from !== this.#processId) this.#wake(message.keys);
      } catch {
        // A malformed payload is not ours to act on.
      }
    });
  }

  /**
   * Wakes every waiter on any of `keys`, here and in other processes. The
   * cross-process NOTIFYs of one event-loop turn go out as one statement.
   * With `relayed`, the caller already sent {@link relayPayload} inside its
   * own write statement (delivered by PostgreSQL at commit): only local
   * waiters are woken here.
   */
  notify(keys: readonly string[], options: { relayed?: boolean } = {}): void {
    if (keys.length === 0) return;
    this.#wake(keys);
    if (!this.#db || options.relayed) return;
    if (this.#pending.size === 0) setImmediate(() => this.#flush());
    for (const key of keys) this.#pending.add(key);
  }

  /**
   * The NOTIFY payload announcing `keys` to other processes, for a writer
   * that folds `pg_notify(channel, payload)` into its own statement (then
   * calls `notify(keys, { relayed: true })` after commit); undefined when there
   * are no other processes to tell (PGlite) or the payload is too large.
   */
  relayPayload(keys: readonly string[]): string | undefined {
    if (!this.#db) return undefined;
    const payload = JSON.stringify({ from: this.#processId, keys });
    return payload.length < 7900 ? payload : undefined;
  }

  /** The channel {@link relayPayload}s go to. */
  readonly channel = CHANNEL;

  #flush(): void {
    const keys = [...this.#pending];
    this.#pending.clear();
    if (!this.#db || keys.length === 0) return;
    // NOTIFY payloads are limited to 8000 bytes; a large fan-out is split.
    const batches: string[][] = [[]];
    let size = 0;
    for (const key of keys) {
      if (size + key.length > 7000 && batches.at(-1)!.length > 0) {
        batches.push([]);
        size = 0;
      }
      batches.at(-1)!.push(key);
      size += key.length + 3;
    }
    for (const batch of batches) {
      void this.#db.query("SELECT pg_notify($1, $2)", [CHANNEL, JSON.stringify({ from: this.#processId, keys: batch })]).catch(() => undefined);
    }
  }

  /**
   * Resolves `true` when one of `keys` is notified, `false` on timeout or abort.
   * Callers check for new data before waiting and again after waking.
   */
  wait(keys: readonly string[], timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    if (signal?.aborted || timeoutMs <= 0) return Promise.resolve(false);
    return new Promise((resolve) => {
      const finish = (woken: boolean): void => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        for (const key of keys) {
          const set = this.#waiters.get(key);
          set?.delete(waiter);
          if (set?.size === 0) this.#waiters.delete(key);
        }
        resolve(woken);
      };
      const waiter: Waiter = { keys, resolve: finish };
      const onAbort = (): void => finish(false);
      const timer = setTimeout(() => finish(false), timeoutMs);
      signal?.addEventListener("abort", onAbort, { once: true });
      for (const key of keys) {
        let set = this.#waiters.get(key);
        if (!set) this.#waiters.set(key, (set = new Set()));
        set.add(waiter);
      }
    });
  }

  /** Ends every wait (shutdown). */
  closeAll(): void {
    for (const set of [...this.#waiters.values()]) for (const waiter of [...set]) waiter.resolve(false);
  }

  #wake(keys: readonly string[]): void {
    const woken = new Set<Waiter>();
    for (const key of keys) for (const waiter of this.#waiters.get(key) ?? []) woken.add(waiter);
    for (const waiter of woken) waiter.resolve(true);
  }
}
