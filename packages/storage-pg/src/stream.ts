// The one global stream position every stream allocates from (events,
// receipts, account data, presence, and later to-device messages and device
// lists). Sync tokens are positions in it. Allocating inside the writing
// transaction with a single-row UPDATE holds that row's lock until commit, so
// writers commit in position order and a reader that saw position N has seen
// every write at or below N (no late commit is skipped).

import type { Queryable } from "./database.js";

/**
 * Allocates the next stream position inside `tx` (the row stays locked until
 * the transaction ends).
 *
 * @example
 * ```ts
 * await db.transaction(async (tx) => { const pos = await allocateStreamPosition(tx); … });
 * ```
 */
export async function allocateStreamPosition(tx: Queryable): Promise<number> {
  const { rows } = await tx.query<{ position: number }>("UPDATE weft_stream SET position = position + 1 RETURNING position");
  return Number(rows[0]!.position);
}

/** The latest committed stream position. */
export async function currentStreamPosition(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ position: number }>("SELECT position FROM weft_stream");
  return Number(rows[0]?.position ?? 0);
}
