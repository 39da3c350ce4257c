// One notifier wakes every kind of long poll (/sync, and later sliding sync).
// Writers call `notify(keys)` after they commit; waiters block on the keys
// they care about (a user ID, a room ID, …) until one is notified, a timeout
// passes, or their signal aborts. Across processes sharing one PostgreSQL the
// wake-ups travel through NOTIFY on one channel — only once another process
// has said hello: a lone server would otherwise pay for every event twice in
// PostgreSQL (the NOTIFY, and the listening backend delivering it back to
// itself), about 40 µs of database CPU per message.

import { randomUUID } from "node:crypto";
import type { Database } from "@weft/storage-pg";

const CHANNEL = "weft_wakeup";

/**
 * A newly found process may have missed wake-ups for writes that were already
 * under way here when it said hello: every local waiter re-checks at discovery
 * and once more after this delay.
 */
const DISCOVERY_RECHECK_MS = 1000;

/** What processes tell each other on the channel. */
interface RelayMessage {
  readonly from: string;
  /** Keys to wake. */
  readonly keys?: readonly string[];
  /** A process starting (answered with `here`), present, or shutting down. */
  readonly hello?: true;
  readonly here?: true;
  readonly bye?: true;
}

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
  /** Other server processes on the same database. */
  readonly #peers = new Set<string>();
  #db: Database | undefined;

  /**
   * Relays wake-ups through the database so other server processes see them
   * (PostgreSQL only; PGlite has a single process).
   */
  async connect(db: Database): Promise<void> {
    if (db.kind !== "postgres") return;
    this.#db = db;
    await db.listen(CHANNEL, (payload) => {
      let message: RelayMessage;
      try {
        message = JSON.parse(payload) as RelayMessage;
      } catch {
        return; // a malformed payload is not ours to act on
      }
      if (message.from === this.#processId) return;
      if (message.bye) {
        this.#peers.delete(message.from);
        return;
      }
      if (!this.#peers.has(message.from)) this.#discovered(message.from);
      if (message.hello) void this.#announce({ from: this.#processId, here: true });
      if (message.keys) this.#wake(message.keys);
    });
    void this.#announce({ from: this.#processId, hello: true });
  }

  /** Tells the other processes this one is going away (they stop relaying to it). */
  async disconnect(): Promise<void> {
    await this.#announce({ from: this.#processId, bye: true });
  }

  /** Whether wake-ups must be relayed: another process shares the database. */
  get relaying(): boolean {
    return this.#peers.size > 0;
  }

  #discovered(peer: string): void {
    this.#peers.add(peer);
    this.#wakeAll();
    setTimeout(() => this.#wakeAll(), DISCOVERY_RECHECK_MS).unref();
  }

  /** Sends `message` on the channel; a failure is dropped (wake-ups are best effort, sync re-checks on timeout). */
  async #announce(message: RelayMessage): Promise<void> {
    await this.#db?.query("SELECT pg_notify($1, $2)", [CHANNEL, JSON.stringify(message)]).catch(() => undefined);
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
    if (!this.relaying || options.relayed) return;
    if (this.#pending.size === 0) setImmediate(() => this.#flush());
    for (const key of keys) this.#pending.add(key);
  }

  /**
   * The NOTIFY payload announcing `keys` to other processes, for a writer
   * that folds `pg_notify(channel, payload)` into its own statement (then
   * calls `notify(keys, { relayed: true })` after commit); undefined when there
   * are no other processes to tell or the payload is too large.
   */
  relayPayload(keys: readonly string[]): string | undefined {
    if (!this.relaying) return undefined;
    const payload = JSON.stringify({ from: this.#processId, keys });
    return payload.length < 7900 ? payload : undefined;
  }

  /** The channel {@link relayPayload}s go to. */
  readonly channel = CHANNEL;

  #flush(): void {
    const keys = [...this.#pending];
    this.#pending.clear();
    if (!this.relaying || keys.length === 0) return;
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
    for (const batch of batches) void this.#announce({ from: this.#processId, keys: batch });
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

  /** Every local waiter re-checks its data. */
  #wakeAll(): void {
    for (const set of [...this.#waiters.values()]) for (const waiter of [...set]) waiter.resolve(true);
  }

  #wake(keys: readonly string[]): void {
    const woken = new Set<Waiter>();
    for (const key of keys) for (const waiter of this.#waiters.get(key) ?? []) woken.add(waiter);
    for (const waiter of woken) waiter.resolve(true);
  }
}
