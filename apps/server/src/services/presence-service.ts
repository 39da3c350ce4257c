// Presence (local users): https://spec.matrix.org/v1.19/client-server-api/#presence

import { MatrixError } from "@weft/common";
import { AccountsStore, PresenceStore } from "@weft/storage-pg";
import type { Requester } from "../http/route.js";
import type { ServiceContext } from "./index.js";

/** The presence states of the spec. */
export const PRESENCE_STATES = ["online", "offline", "unavailable"] as const;
export type PresenceState = (typeof PRESENCE_STATES)[number];

/** How often syncing refreshes last_active_ts. */
const LAST_ACTIVE_REFRESH_MS = 60_000;

/** "currently_active" holds for this long after the last activity. */
const CURRENTLY_ACTIVE_MS = 5 * 60_000;

/** `GET /presence/{userId}/status`'s body. */
export interface PresenceStatus {
  readonly presence: string;
  readonly last_active_ago?: number;
  readonly status_msg?: string;
  readonly currently_active?: boolean;
}

/**
 * Sets and reads presence; each change wakes the user's long polls.
 *
 * @example
 * ```ts
 * await presence.setStatus(requester, requester.userId, { presence: "online" });
 * ```
 */
export class PresenceService {
  constructor(private readonly ctx: ServiceContext) {}

  /** @throws {MatrixError} `M_FORBIDDEN` for another user. */
  async setStatus(requester: Requester, userId: string, body: { presence: PresenceState; status_msg?: string | null | undefined }): Promise<void> {
    if (requester.userId !== userId) throw new MatrixError("M_FORBIDDEN", "Cannot set presence of other users");
    const now = this.ctx.now();
    await this.ctx.db.transaction((tx) => new PresenceStore(tx).set({ userId, presence: body.presence, statusMsg: body.status_msg ?? null, now }));
    this.ctx.notifier.notify([userId]);
  }

  /**
   * Applies /sync's `set_presence` (https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3sync):
   * `offline` leaves presence alone; otherwise the state is stored when it
   * changes (a new stream position, waking long polls) and the last-active
   * time is refreshed at most once a minute without waking anyone.
   */
  async setFromSync(userId: string, presence: string): Promise<void> {
    if (presence === "offline" || !(PRESENCE_STATES as readonly string[]).includes(presence)) return;
    const now = this.ctx.now();
    const store = new PresenceStore(this.ctx.db);
    const row = await store.get(userId);
    if (row && row.presence === presence) {
      if (now - Number(row.last_active_ts) > LAST_ACTIVE_REFRESH_MS) await store.touch(userId, now);
      return;
    }
    await this.ctx.db.transaction((tx) => new PresenceStore(tx).set({ userId, presence, statusMsg: row?.status_msg ?? null, now }));
    this.ctx.notifier.notify([userId]);
  }

  /** @throws {MatrixError} `M_NOT_FOUND` for unknown users. */
  async getStatus(userId: string): Promise<PresenceStatus> {
    const row = await new PresenceStore(this.ctx.db).get(userId);
    if (!row) {
      const account = await new AccountsStore(this.ctx.db).getUser(userId);
      if (!account) throw new MatrixError("M_NOT_FOUND", "Unknown user");
      return { presence: "offline" };
    }
    return toPresenceStatus(row, this.ctx.now());
  }
}

/** The client-facing presence content of a stored row at time `now`. */
export function toPresenceStatus(row: { presence: string; status_msg: string | null; last_active_ts: number }, now: number): PresenceStatus {
  const ago = Math.max(0, now - Number(row.last_active_ts));
  return {
    presence: row.presence,
    last_active_ago: ago,
    ...(row.status_msg !== null ? { status_msg: row.status_msg } : {}),
    currently_active: row.presence === "online" && ago < CURRENTLY_ACTIVE_MS,
  };
}
