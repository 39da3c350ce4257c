// Per-user and per-IP rate limiting with token buckets, answering
// M_LIMIT_EXCEEDED with retry_after_ms
// (https://spec.matrix.org/v1.19/client-server-api/#rate-limiting). Buckets
// live in memory per process and are bounded: idle ones are dropped first.

import { HttpMatrixError } from "./http-error.js";

/** Bucket parameters: `burst` requests at once, refilled at `perSecond`. */
export interface RateLimit {
  readonly perSecond: number;
  readonly burst: number;
}

interface Bucket {
  tokens: number;
  updated: number;
}

/** A bounded set of token buckets keyed by `user:<id>` or `ip:<addr>`. */
export class RateLimiter {
  readonly #buckets = new Map<string, Bucket>();

  constructor(
    private readonly limit: RateLimit,
    private readonly now: () => number = Date.now,
    private readonly maxKeys = 100_000,
  ) {}

  /** @throws {HttpMatrixError} 429 `M_LIMIT_EXCEEDED` when `key` has no token left. */
  take(key: string): void {
    const now = this.now();
    let bucket = this.#buckets.get(key);
    if (bucket) {
      this.#buckets.delete(key); // re-insert to keep recently used keys last
      bucket.tokens = Math.min(this.limit.burst, bucket.tokens + ((now - bucket.updated) / 1000) * this.limit.perSecond);
      bucket.updated = now;
    } else {
      bucket = { tokens: this.limit.burst, updated: now };
      if (this.#buckets.size >= this.maxKeys) this.#buckets.delete(this.#buckets.keys().next().value!);
    }
    this.#buckets.set(key, bucket);
    if (bucket.tokens < 1) {
      const retryAfterMs = Math.ceil(((1 - bucket.tokens) / this.limit.perSecond) * 1000);
      throw new HttpMatrixError(429, "M_LIMIT_EXCEEDED", "Too many requests", { extra: { retry_after_ms: retryAfterMs } });
    }
    bucket.tokens -= 1;
  }
}
