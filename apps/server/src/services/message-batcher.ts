// Group commit for message sends: while a batch statement is under way, the
// messages that arrive queue up and go together in the next one
// (`insertMessagesIfRoomsAt`), so concurrent senders in different rooms share
// one round trip, one lock on the global stream row and one commit instead of
// queueing behind each other's commits (10 senders, own rooms: see the server
// README). A lone sender never waits: with nothing under way its message
// goes at once, alone.

import { insertMessagesIfRoomsAt, type OptimisticMessage, type OptimisticOutcome, type Queryable } from "@weft/storage-pg";

/** A message's outcome, and whether the statement that stored it also sent the cross-process NOTIFY. */
export interface BatchedOutcome {
  readonly outcome: OptimisticOutcome;
  readonly relayed: boolean;
}

interface Waiting {
  readonly message: OptimisticMessage;
  readonly resolve: (result: BatchedOutcome) => void;
  readonly reject: (error: unknown) => void;
}

/** Most messages in one statement (bounds its parameter arrays). */
const MAX_BATCH = 64;

export class MessageBatcher {
  readonly #queue: Waiting[] = [];
  #running = false;

  /**
   * @param relay the NOTIFY (channel and payload) announcing `roomIds` to
   *   other server processes, or undefined when there are none to tell.
   */
  constructor(
    private readonly db: Queryable,
    private readonly relay: (roomIds: readonly string[]) => { channel: string; payload: string } | undefined,
  ) {}

  /**
   * Stores `message` in the next batch. Callers send at most one message per
   * room at a time (EventPersister chains sends per room), so a batch never
   * holds two messages of one room.
   */
  submit(message: OptimisticMessage): Promise<BatchedOutcome> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ message, resolve, reject });
      if (!this.#running) void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    this.#running = true;
    try {
      while (this.#queue.length > 0) {
        const batch = this.#queue.splice(0, MAX_BATCH);
        try {
          this.#settle(batch, await this.#store(batch));
        } catch (error) {
          if (batch.length === 1) batch[0]!.reject(error);
          // One bad message (a value the database refuses, say)
          // must not fail the others: each goes again alone.
          else for (const one of batch) await this.#store([one]).then((r) => this.#settle([one], r), one.reject);
        }
      }
    } finally {
      this.#running = false;
    }
  }

  async #store(batch: readonly Waiting[]): Promise<BatchedOutcome[]> {
    const notify = this.relay(batch.map((w) => w.message.event.roomId));
    const outcomes = await insertMessagesIfRoomsAt(
      this.db,
      batch.map((w) => w.message),
      notify,
    );
    return outcomes.map((outcome) => ({ outcome, relayed: notify !== undefined }));
  }

  #settle(batch: readonly Waiting[], results: readonly BatchedOutcome[]): void {
    batch.forEach((w, i) => w.resolve(results[i]!));
  }
}
