// A bounded cache of compiled push rulesets
// (https://spec.matrix.org/v1.19/client-server-api/#push-rules): one entry per user,
// least recently used evicted first, an entry replaced when the caller's version (an
// etag, a stream position, a hash) changes. Templates are shared through one pool.

import { compileRuleset, RulesetTemplatePool, type CompiledRuleset } from "./compile.js";
import { DEFAULT_LIMITS, type PushRuleLimits } from "./limits.js";
import type { Ruleset } from "./types.js";

/** Options of {@link CompiledRulesetCache}. */
export interface CompiledRulesetCacheOptions {
  /** Most users kept (default 10,000). */
  maxEntries?: number;
  /** Most distinct templates kept (default 1,000). */
  maxTemplates?: number;
  /** Limits for compiling. */
  limits?: PushRuleLimits;
}

interface Entry {
  readonly version: string | number;
  readonly compiled: CompiledRuleset;
}

/**
 * LRU cache of compiled rulesets keyed by user ID and invalidated by a version the
 * caller supplies. Correct when emptied (it only saves compile time).
 *
 * @example
 * ```ts
 * const cache = new CompiledRulesetCache({ maxEntries: 50_000 });
 * const compiled = cache.get("@alice:example.com", etag, () => loadRuleset("@alice:example.com"));
 * ```
 */
export class CompiledRulesetCache {
  readonly #max: number;
  readonly #limits: PushRuleLimits;
  readonly #entries = new Map<string, Entry>();
  /** The template pool shared by every ruleset this cache compiles. */
  readonly pool: RulesetTemplatePool;

  constructor(options: CompiledRulesetCacheOptions = {}) {
    this.#max = Math.max(1, options.maxEntries ?? 10_000);
    this.#limits = options.limits ?? DEFAULT_LIMITS;
    this.pool = new RulesetTemplatePool(options.maxTemplates ?? 1000);
  }

  /**
   * The compiled ruleset of a user at a version, compiling (with `load`) on a miss or
   * a version change.
   * @param userId - the owner.
   * @param version - changes whenever the user's rules change.
   * @param load - returns the user's ruleset (called only on a miss).
   * @returns the compiled ruleset.
   * @throws {PushRuleError} from {@link compileRuleset}.
   */
  get(userId: string, version: string | number, load: () => Ruleset): CompiledRuleset {
    const hit = this.#entries.get(userId);
    if (hit !== undefined && hit.version === version) {
      this.#entries.delete(userId);
      this.#entries.set(userId, hit);
      return hit.compiled;
    }
    const compiled = compileRuleset(load(), userId, { limits: this.#limits, pool: this.pool });
    this.#entries.delete(userId);
    this.#entries.set(userId, { version, compiled });
    if (this.#entries.size > this.#max) {
      const oldest = this.#entries.keys().next();
      if (oldest.done !== true) this.#entries.delete(oldest.value);
    }
    return compiled;
  }

  /** The cached entry without compiling or touching LRU order, if its version matches. */
  peek(userId: string, version: string | number): CompiledRuleset | undefined {
    const hit = this.#entries.get(userId);
    return hit !== undefined && hit.version === version ? hit.compiled : undefined;
  }

  /** Drops a user's entry. */
  invalidate(userId: string): void {
    this.#entries.delete(userId);
  }

  /** Drops everything. */
  clear(): void {
    this.#entries.clear();
  }

  /** Number of users cached. */
  get size(): number {
    return this.#entries.size;
  }
}
