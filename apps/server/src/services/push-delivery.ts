// Delivering notifications to push gateways:
// https://spec.matrix.org/v1.19/push-gateway-api/#post_matrixpushv1notify
// (data/api/push-gateway/push_notifier.yaml).
//
// Deliveries wait in the `push_queue` table, written in the event's
// transaction, so a crash or restart loses none. A worker loop in every
// server process claims due rows (`FOR UPDATE SKIP LOCKED` with a lease, so
// several processes share the queue and a dead worker's rows come back),
// POSTs one notification per pusher, removes pushers whose pushkey the
// gateway `rejected`, and reschedules failures with exponential backoff
// (base × 2^(attempt−1), capped), giving up after `maxAttempts`.
// Requests go through the outbound HTTP policy: internal addresses are
// refused unless `push_allow_private`.

import { decideActions, type PushAction } from "@weft/push-rules";
import {
  claimPushes,
  completePush,
  getEventById,
  getRoomSummaries,
  membershipOf,
  PushersStore,
  retryPush,
  unreadTotals,
  type PushQueueRow,
  type PusherRow,
} from "@weft/storage-pg";
import type { ServiceContext } from "./index.js";
import { OutboundHttp, OutboundHttpError } from "./outbound-http.js";

/** Tuning of {@link PushDelivery}. */
export interface PushDeliveryOptions {
  /** Idle poll interval (default 1 s): other processes' deliveries and retries are found this often. */
  readonly pollIntervalMs?: number;
  /** First retry delay (default 2 s); doubles per attempt. */
  readonly baseBackoffMs?: number;
  /** Longest retry delay (default 1 h). */
  readonly maxBackoffMs?: number;
  /** Attempts before a delivery is dropped (default 12). */
  readonly maxAttempts?: number;
  /** How long a claim hides a row from other workers (default 60 s). */
  readonly leaseMs?: number;
  /** Rows claimed per round (default 20), delivered concurrently. */
  readonly batchSize?: number;
}

/** The outcome of one delivery attempt. */
export type DeliveryOutcome = "delivered" | "retry" | "dropped";

/**
 * The push worker. `start()` runs the loop; `wake()` after a commit that
 * queued deliveries; `runOnce()` processes one batch (tests, tools).
 *
 * @example
 * ```ts
 * const delivery = new PushDelivery(ctx);
 * delivery.start();
 * // …
 * await delivery.stop();
 * ```
 */
export class PushDelivery {
  readonly options: Required<PushDeliveryOptions>;
  readonly #http: OutboundHttp;
  #running: Promise<void> | undefined;
  #stopped = true;
  #wake: (() => void) | undefined;
  #woken = false;

  constructor(
    private readonly ctx: ServiceContext,
    options: PushDeliveryOptions = {},
    http?: OutboundHttp,
  ) {
    this.options = {
      pollIntervalMs: options.pollIntervalMs ?? 1000,
      baseBackoffMs: options.baseBackoffMs ?? 2000,
      maxBackoffMs: options.maxBackoffMs ?? 60 * 60 * 1000,
      maxAttempts: options.maxAttempts ?? 12,
      leaseMs: options.leaseMs ?? 60_000,
      batchSize: options.batchSize ?? 20,
    };
    this.#http = http ?? new OutboundHttp({ allowPrivate: ctx.config.push_allow_private, timeoutMs: 15_000, maxBytes: 64 * 1024, maxRedirects: 0, userAgent: "Weft push" });
  }

  /** The delay before attempt `attempts + 1`, after `attempts` failures. */
  backoffMs(attempts: number): number {
    return Math.min(this.options.baseBackoffMs * 2 ** Math.max(0, attempts - 1), this.options.maxBackoffMs);
  }

  /** Starts the loop (idempotent). */
  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#running = this.#loop();
  }

  /** Stops the loop and waits for the current round to finish. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#wake?.();
    await this.#running;
    this.#running = undefined;
  }

  /** Runs a round now (new deliveries were committed). */
  wake(): void {
    this.#woken = true;
    this.#wake?.();
  }

  async #loop(): Promise<void> {
    while (!this.#stopped) {
      let claimed = 0;
      try {
        claimed = await this.runOnce();
      } catch (error) {
        if (!this.#stopped) this.ctx.logger.warn({ err: error }, "push delivery round failed");
      }
      if (this.#stopped) break;
      if (claimed >= this.options.batchSize) continue;
      if (this.#woken) {
        this.#woken = false;
        continue;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.options.pollIntervalMs);
        timer.unref?.();
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#wake = undefined;
      this.#woken = false;
    }
  }

  /**
   * Claims and delivers one batch of due deliveries.
   * @returns how many rows were claimed.
   */
  async runOnce(): Promise<number> {
    const rows = await claimPushes(this.ctx.db, this.ctx.now(), this.options.leaseMs, this.options.batchSize);
    await Promise.all(rows.map((row) => this.#attempt(row)));
    return rows.length;
  }

  async #attempt(row: PushQueueRow): Promise<DeliveryOutcome> {
    try {
      const outcome = await this.deliver(row);
      if (outcome !== "retry") await completePush(this.ctx.db, row.id);
      return outcome;
    } catch (error) {
      const refused = error instanceof OutboundHttpError && (error.code === "blocked_address" || error.code === "bad_url");
      if (refused || row.attempts >= this.options.maxAttempts) {
        this.ctx.logger.warn({ err: error, pusher: row.pusher_id, event: row.event_id, attempts: row.attempts }, "push delivery dropped");
        await completePush(this.ctx.db, row.id);
        return "dropped";
      }
      await retryPush(this.ctx.db, row.id, this.ctx.now() + this.backoffMs(row.attempts), error instanceof Error ? error.message : String(error));
      return "retry";
    }
  }

  /**
   * Sends one queued notification to its pusher's gateway.
   * @returns `"delivered"`, or `"dropped"` when the pusher or event is gone.
   * @throws {OutboundHttpError | Error} on network failures and non-2xx answers (retried).
   */
  async deliver(row: PushQueueRow): Promise<DeliveryOutcome> {
    const pushers = new PushersStore(this.ctx.db);
    const pusher = await pushers.byId(row.pusher_id);
    if (!pusher) return "dropped";
    const body = await this.notificationBody(row, pusher);
    if (!body) return "dropped";
    const url = String(pusher.data.url);
    const response = await this.#http.fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify(body),
    });
    if (response.status < 200 || response.status >= 300) throw new Error(`push gateway answered ${response.status}`);
    let rejected: unknown = [];
    try {
      rejected = (JSON.parse(response.body.toString("utf8")) as { rejected?: unknown }).rejected ?? [];
    } catch {
      rejected = [];
    }
    if (Array.isArray(rejected)) {
      // "Homeservers must cease sending notification requests for these pushkeys and remove the associated pushers."
      for (const key of rejected) if (typeof key === "string" && key === pusher.pushkey) await pushers.deleteRejected(pusher.app_id, key, pusher.user_id);
    }
    return "delivered";
  }

  /** The `/notify` request body for one delivery, or undefined when the event is gone. */
  async notificationBody(row: PushQueueRow, pusher: PusherRow): Promise<{ notification: Record<string, unknown> } | undefined> {
    const event = await getEventById(this.ctx.db, row.event_id);
    if (!event) return undefined;
    const pdu = JSON.parse(event.json) as { type: string; sender: string; state_key?: string; content?: Record<string, unknown> };
    const tweaks = { ...decideActions("", "override", row.actions as PushAction[]).tweaks };
    const totals = await unreadTotals(this.ctx.db, row.user_id);
    const counts: Record<string, number> = {};
    if (totals.unread > 0) counts.unread = totals.unread;
    if (totals.missed_calls > 0) counts.missed_calls = totals.missed_calls;
    const { url: _url, ...data } = pusher.data;
    const device = { app_id: pusher.app_id, pushkey: pusher.pushkey, pushkey_ts: pusher.pushkey_ts, data, tweaks };
    const prio = pdu.type === "m.room.encrypted" || tweaks.highlight === true || typeof tweaks.sound === "string" || pdu.type === "m.call.invite" ? "high" : "low";
    const notification: Record<string, unknown> = { event_id: row.event_id, room_id: row.room_id, prio, counts, devices: [device] };
    if (pusher.data.format !== "event_id_only") {
      notification.type = pdu.type;
      notification.sender = pdu.sender;
      const senderMember = await membershipOf(this.ctx.db, pdu.sender, row.room_id);
      if (senderMember?.display_name) notification.sender_display_name = senderMember.display_name;
      const summary = (await getRoomSummaries(this.ctx.db, [row.room_id])).get(row.room_id) as Record<string, unknown> | undefined;
      if (typeof summary?.name === "string") notification.room_name = summary.name;
      if (typeof summary?.canonical_alias === "string") notification.room_alias = summary.canonical_alias;
      if (pdu.type === "m.room.member") notification.user_is_target = pdu.state_key === row.user_id;
      if (pdu.content && Object.keys(pdu.content).length > 0) notification.content = pdu.content;
    }
    return { notification };
  }
}
