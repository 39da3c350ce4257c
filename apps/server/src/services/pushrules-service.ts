// Push rules API: https://spec.matrix.org/v1.19/client-server-api/#push-rules-api
// (data/api/client-server/pushrules.yaml).
//
// Storage decision: an account stores only what its owner changed — their own
// rules (per kind, in order) and overrides of the server-default rules'
// `enabled` / `actions` — never a copy of the defaults. The effective ruleset
// is the current server default merged with that delta, so an update of the
// server-default rules (a new spec version) reaches every user, edited or not.
// User rules always form one block per kind (`before`/`after` may only name
// user rules): below `.m.rule.master` for override rules, above the defaults
// for every kind (see @weft/push-rules' edit.ts).
//
// Each edit also writes the effective ruleset as the `m.push_rules` global
// account data, so /sync tells the user's other clients.

import { MatrixError } from "@weft/common";
import {
  CompiledRulesetCache,
  deleteRule,
  getRule,
  isPushRuleError,
  putRule,
  RULE_KINDS,
  serverDefaultRuleset,
  setRuleActions,
  setRuleEnabled,
  validateRuleset,
  type CompiledRuleset,
  type PushAction,
  type PushRule,
  type PutRuleBody,
  type PutRulePosition,
  type RuleKind,
  type Ruleset,
} from "@weft/push-rules";
import { AccountDataStore, PushRulesStore, type Queryable } from "@weft/storage-pg";
import type { ServiceContext } from "./index.js";

/** The stored form of an account's push rules (see the file comment). */
export interface PushRulesDelta {
  readonly format: "weft.delta.1";
  /** The user's own rules per kind, most important first. */
  readonly user: Partial<Record<RuleKind, PushRule[]>>;
  /** Changes to server-default rules, keyed `kind/rule_id`. */
  readonly defaults: Record<string, { enabled?: boolean; actions?: PushAction[] }>;
}

const DELTA_FORMAT = "weft.delta.1";

/**
 * The effective ruleset: the server default for `userId` with the stored
 * delta applied. A stored full ruleset (the format before deltas) is taken as is.
 *
 * @throws {MatrixError} `M_BAD_JSON` when a stored full ruleset is malformed.
 * @example
 * ```ts
 * mergeRuleset("@alice:example.com", undefined); // the server default
 * ```
 */
export function mergeRuleset(userId: string, stored: Record<string, unknown> | undefined): Ruleset {
  const base = serverDefaultRuleset(userId);
  if (stored === undefined) return base;
  if (stored.format !== DELTA_FORMAT) return validateRuleset(stored);
  const delta = stored as unknown as PushRulesDelta;
  const out = { ...base };
  for (const kind of RULE_KINDS) {
    const defaults = base[kind].map((rule) => {
      const change = delta.defaults[`${kind}/${rule.rule_id}`];
      return change ? { ...rule, ...(change.enabled !== undefined ? { enabled: change.enabled } : {}), ...(change.actions ? { actions: change.actions } : {}) } : rule;
    });
    const user = delta.user[kind] ?? [];
    const at = kind === "override" && defaults[0]?.rule_id === ".m.rule.master" ? 1 : 0;
    out[kind] = [...defaults.slice(0, at), ...user, ...defaults.slice(at)];
  }
  return out;
}

/**
 * What `ruleset` changes relative to the server default of `userId`.
 * `mergeRuleset(userId, diffRuleset(userId, r))` gives back `r` for any
 * ruleset reached by the editing API from the default.
 *
 * @example
 * ```ts
 * diffRuleset("@alice:example.com", serverDefaultRuleset("@alice:example.com")); // { format, user: {}, defaults: {} }
 * ```
 */
export function diffRuleset(userId: string, ruleset: Ruleset): PushRulesDelta {
  const base = serverDefaultRuleset(userId);
  const user: Partial<Record<RuleKind, PushRule[]>> = {};
  const defaults: Record<string, { enabled?: boolean; actions?: PushAction[] }> = {};
  for (const kind of RULE_KINDS) {
    const own = ruleset[kind].filter((r) => !r.default);
    if (own.length > 0) user[kind] = own;
    for (const rule of ruleset[kind]) {
      if (!rule.default) continue;
      const original = base[kind].find((r) => r.rule_id === rule.rule_id);
      if (!original) continue;
      const change: { enabled?: boolean; actions?: PushAction[] } = {};
      if (rule.enabled !== original.enabled) change.enabled = rule.enabled;
      if (JSON.stringify(rule.actions) !== JSON.stringify(original.actions)) change.actions = rule.actions;
      if (Object.keys(change).length > 0) defaults[`${kind}/${rule.rule_id}`] = change;
    }
  }
  return { format: DELTA_FORMAT, user, defaults };
}

/** Turns a {@link PushRuleError} into the MatrixError the API answers with. */
function asMatrixError(error: unknown): unknown {
  if (isPushRuleError(error)) return new MatrixError(error.errcode, error.message, { cause: error });
  return error;
}

function checkKind(kind: string): RuleKind {
  if (!(RULE_KINDS as readonly string[]).includes(kind)) throw new MatrixError("M_INVALID_PARAM", `expected a rule kind (${RULE_KINDS.join(", ")}), got ${JSON.stringify(kind)}`);
  return kind as RuleKind;
}

/**
 * Reads and edits each account's push rules, and compiles them for evaluation.
 *
 * @example
 * ```ts
 * await pushRules.putRule("@alice:example.com", "content", "cake", { pattern: "cake", actions: ["notify"] });
 * const { global } = await pushRules.getRulesets("@alice:example.com");
 * ```
 */
export class PushRulesService {
  /** Compiled rulesets for evaluation, keyed by user and the stream position of their last edit (0: default). */
  readonly compiled = new CompiledRulesetCache({ maxEntries: 50_000 });
  /** Stream position of each edited account's rules, followed as a change feed. */
  readonly #versions = new Map<string, number>();
  #seen = -1;

  constructor(private readonly ctx: ServiceContext) {}

  /** The account's effective ruleset. */
  async getRuleset(userId: string, db: Queryable = this.ctx.db): Promise<Ruleset> {
    const stored = await new PushRulesStore(db).get(userId);
    return mergeRuleset(userId, stored?.ruleset);
  }

  /** `GET /pushrules/`: `{ global: ruleset }`. */
  async getRulesets(userId: string): Promise<{ global: Ruleset }> {
    return { global: await this.getRuleset(userId) };
  }

  /**
   * `GET /pushrules/global/{kind}/{ruleId}`.
   * @throws {MatrixError} `M_NOT_FOUND`, `M_INVALID_PARAM` for an unknown kind.
   */
  async getRule(userId: string, kind: string, ruleId: string): Promise<PushRule> {
    const k = checkKind(kind);
    const ruleset = await this.getRuleset(userId);
    try {
      return getRule(ruleset, k, ruleId);
    } catch (error) {
      throw asMatrixError(error);
    }
  }

  /**
   * `PUT /pushrules/global/{kind}/{ruleId}`.
   * @throws {MatrixError} per the push rules API (`M_INVALID_PARAM`, `M_BAD_JSON`, `M_UNKNOWN` for a missing before/after rule, `M_NOT_FOUND`).
   */
  async putRule(userId: string, kind: string, ruleId: string, body: PutRuleBody, position: PutRulePosition = {}): Promise<void> {
    const k = checkKind(kind);
    await this.#edit(userId, (r) => putRule(r, k, ruleId, body, position));
  }

  /** `DELETE /pushrules/global/{kind}/{ruleId}`. @throws {MatrixError} `M_NOT_FOUND`. */
  async deleteRule(userId: string, kind: string, ruleId: string): Promise<void> {
    const k = checkKind(kind);
    await this.#edit(userId, (r) => deleteRule(r, k, ruleId));
  }

  /** `PUT …/enabled`. @throws {MatrixError} `M_NOT_FOUND`. */
  async setEnabled(userId: string, kind: string, ruleId: string, enabled: boolean): Promise<void> {
    const k = checkKind(kind);
    await this.#edit(userId, (r) => setRuleEnabled(r, k, ruleId, enabled));
  }

  /** `PUT …/actions`. @throws {MatrixError} `M_NOT_FOUND`, `M_BAD_JSON`. */
  async setActions(userId: string, kind: string, ruleId: string, actions: PushAction[]): Promise<void> {
    const k = checkKind(kind);
    await this.#edit(userId, (r) => setRuleActions(r, k, ruleId, actions));
  }

  async #edit(userId: string, change: (ruleset: Ruleset) => Ruleset): Promise<void> {
    await this.ctx.db.transaction(async (tx) => {
      const store = new PushRulesStore(tx);
      const stored = await store.get(userId, true);
      let next: Ruleset;
      try {
        next = change(mergeRuleset(userId, stored?.ruleset));
      } catch (error) {
        throw asMatrixError(error);
      }
      await store.put(userId, diffRuleset(userId, next) as unknown as Record<string, unknown>);
      await new AccountDataStore(tx).put(userId, "", "m.push_rules", { global: next });
    });
    this.ctx.notifier.notify([userId]);
  }

  /**
   * Follows rule edits through the stored stream positions (one query,
   * usually empty).
   *
   * @param db - the transaction persisting the event.
   * @returns the rules epoch: the stream position of the newest edit seen.
   *   While it stays the same, every user's compiled ruleset stays the same, so
   *   callers may keep compiled rulesets they got from {@link compiledFor}.
   * @example
   * ```ts
   * const epoch = await pushRules.refresh(tx);
   * ```
   */
  /**
   * The push-rules epoch this process has followed edits up to (the value
   * {@link refresh} last returned; -1 before the first refresh).
   */
  get epoch(): number {
    return this.#seen;
  }

  async refresh(db: Queryable): Promise<number> {
    for (const row of await new PushRulesStore(db).changedSince(this.#seen)) {
      if ((this.#versions.get(row.user_id) ?? -1) < row.stream_position) this.#versions.set(row.user_id, row.stream_position);
      if (row.stream_position > this.#seen) this.#seen = row.stream_position;
    }
    if (this.#seen < 0) this.#seen = 0;
    return this.#seen;
  }

  /**
   * Compiled rulesets of `userIds`, for evaluating one event: follows rule
   * edits ({@link refresh}; skipped with `refreshed`), loads the rulesets the
   * cache misses (one query, only after edits) and compiles through the
   * shared template pool.
   *
   * @param db - the transaction persisting the event.
   * @param refreshed - true when the caller just called {@link refresh} on `db`.
   * @returns compiled rulesets, in the order of `userIds`.
   * @example
   * ```ts
   * const [bob] = await pushRules.compiledFor(tx, ["@bob:example.com"]);
   * ```
   */
  async compiledFor(db: Queryable, userIds: readonly string[], refreshed = false): Promise<CompiledRuleset[]> {
    if (!refreshed) await this.refresh(db);
    const misses: string[] = [];
    for (const u of userIds) {
      const version = this.#versions.get(u);
      if (version !== undefined && this.compiled.peek(u, version) === undefined) misses.push(u);
    }
    const loaded = new Map<string, Ruleset>();
    for (const row of await new PushRulesStore(db).getMany(misses)) loaded.set(row.user_id, mergeRuleset(row.user_id, row.ruleset));
    return userIds.map((u) => {
      const version = this.#versions.get(u) ?? 0;
      try {
        return this.compiled.get(u, version, () => loaded.get(u) ?? serverDefaultRuleset(u));
      } catch (error) {
        // A stored ruleset that no longer compiles must not block the room: evaluate the defaults.
        this.ctx.logger.warn({ err: error, userId: u }, "push rules do not compile; using the server default");
        return this.compiled.get(u, -1, () => serverDefaultRuleset(u));
      }
    });
  }
}
