// Compiling and evaluating push rulesets
// (https://spec.matrix.org/v1.19/client-server-api/#push-rules,
// https://spec.matrix.org/v1.19/client-server-api/#conditions-1).
//
// A ruleset is compiled once per user into a *template* (everything that does not
// depend on who owns it: globs, parsed keys, decisions) plus a thin per-user part
// (user ID, localpart, display-name matchers). Strings equal to the owner's user ID
// (or, for globs, localpart) become slots in the template, so every user with the
// server-default rules shares one template, and the fan-out path can evaluate the
// user-independent conditions once per event.

import { decideActions } from "./actions.js";
import { LEGACY_MENTION_RULE_IDS } from "./defaults.js";
import { parseDottedKey } from "./dotted-key.js";
import { GlobMatcher } from "./glob.js";
import { DEFAULT_LIMITS, type PushRuleLimits } from "./limits.js";
import { isComparableScalar, type PreparedEvent } from "./prepared-event.js";
import { RULE_KINDS, type EvaluateOptions, type PushCondition, type PushDecision, type PushRule, type RoomFacts, type RuleKind, type Ruleset } from "./types.js";
import { validateRuleset } from "./validate.js";

// Condition tags. Shared (user-independent) first, then user-dependent.
const C_MATCH = 1;
const C_IS = 2;
const C_CONTAINS = 3;
const C_MEMBER_COUNT = 4;
const C_SENDER_PERM = 5;
const C_STR_EQ = 6;
const C_NEVER = 7;
const U_MATCH = 11;
const U_IS = 12;
const U_CONTAINS = 13;
const U_DISPLAY_NAME = 14;

const OP_EQ = 0;
const OP_LT = 1;
const OP_GT = 2;
const OP_LE = 3;
const OP_GE = 4;

const SLOT_USER = 0;
const SLOT_LOCALPART = 1;

/** Default `notifications` power levels from the m.room.power_levels schema. */
const DEFAULT_NOTIFICATION_LEVELS: Readonly<Record<string, number>> = { room: 50 };

const hasOwn = Object.prototype.hasOwnProperty;

/** A compiled condition. One object shape for all tags, so evaluation stays monomorphic. */
interface Cond {
  readonly tag: number;
  readonly key: string;
  readonly path: readonly string[];
  readonly words: boolean;
  readonly glob: GlobMatcher | null;
  readonly value: unknown;
  readonly op: number;
  readonly n: number;
  readonly slot: number;
  readonly reason: string;
  /** Index in the rule's `conditions` (-1 for the implicit condition of content/room/sender rules). */
  readonly index: number;
  readonly cost: number;
}

function cond(tag: number, fields: Partial<Omit<Cond, "tag">> & { index: number }): Cond {
  return {
    tag,
    key: fields.key ?? "",
    path: fields.path ?? [],
    words: fields.words ?? false,
    glob: fields.glob ?? null,
    value: fields.value,
    op: fields.op ?? OP_EQ,
    n: fields.n ?? 0,
    slot: fields.slot ?? SLOT_USER,
    reason: fields.reason ?? "",
    index: fields.index,
    cost: fields.cost ?? 5,
  };
}

/** A compiled rule. */
export interface CompiledRule {
  readonly ruleId: string;
  readonly kind: RuleKind;
  readonly enabled: boolean;
  readonly decision: PushDecision;
  /** A literal `type` the event must have (folded), or null. */
  readonly typeReq: string | null;
  /** User-independent conditions, cheapest first. */
  readonly shared: readonly Cond[];
  /** Conditions that depend on the owner or their display name. */
  readonly user: readonly Cond[];
  /** All conditions in source order (explain). */
  readonly all: readonly Cond[];
  /** One of the legacy mention rules suppressed by `m.mentions`. */
  readonly legacyMention: boolean;
  /** Enabled and free of unknown/invalid conditions. */
  readonly active: boolean;
}

/** Runs of content rules with at least this many whole-word keywords are matched as a block. */
const KEYWORD_BLOCK_MIN = 8;

/** A content rule whose only condition is a body match (no type, mention or user part). */
function isPlainContentRule(r: CompiledRule): boolean {
  if (r.kind !== "content" || r.legacyMention || r.typeReq !== null || r.user.length > 0 || r.shared.length !== 1) return false;
  const c = r.shared[0]!;
  return c.tag === C_MATCH && c.words;
}

/** A plain content rule whose keyword is a whole-word literal: a word-set lookup. */
function isKeywordRule(r: CompiledRule): boolean {
  return isPlainContentRule(r) && r.shared[0]!.glob!.isWordLiteral;
}

/**
 * A run of plain content rules matched together: the whole-word literal keywords
 * are looked up in the body's word set in one pass, and only the other patterns
 * (globs, multi-word keywords) that come before the first keyword hit are tried,
 * in order, with their own matcher.
 * @internal
 */
export interface KeywordBlock {
  /** Folded keyword → index (in `active`) of the first rule with it. */
  readonly first: ReadonlyMap<string, number>;
  /** The same keywords and indexes as parallel arrays (iterated when the body has more words). */
  readonly keywords: readonly string[];
  readonly keywordIndex: Int32Array;
  /** Indexes (in `active`, ascending) of the rules of the run that are not keyword lookups. */
  readonly others: Int32Array;
}

function keywordBlock(active: readonly CompiledRule[], start: number, end: number): KeywordBlock {
  const first = new Map<string, number>();
  const others: number[] = [];
  for (let k = start; k < end; k++) {
    const r = active[k]!;
    if (isKeywordRule(r)) {
      const w = r.shared[0]!.glob!.folded;
      if (!first.has(w)) first.set(w, k);
    } else others.push(k);
  }
  return { first, keywords: [...first.keys()], keywordIndex: Int32Array.from(first.values()), others: Int32Array.from(others) };
}

/** The first rule of a keyword block [start, end) that matches the event, or -1. */
function firstBlockHit(block: KeywordBlock, end: number, ev: PreparedEvent, rules: readonly CompiledRule[]): number {
  const body = ev.text("content.body", BODY_PATH);
  if (body === null) return -1;
  const words = body.words();
  let best = end;
  const first = block.first;
  if (words.size <= first.size) {
    for (const w of words) {
      const k = first.get(w);
      if (k !== undefined && k < best) best = k;
    }
  } else {
    const keywords = block.keywords;
    const index = block.keywordIndex;
    for (let j = 0; j < keywords.length; j++) {
      const k = index[j]!;
      if (k < best && words.has(keywords[j]!)) best = k;
    }
  }
  const others = block.others;
  for (let j = 0; j < others.length; j++) {
    const k = others[j]!;
    if (k > best) break;
    if (rules[k]!.shared[0]!.glob!.matchWords(body)) return k;
  }
  return best < end ? best : -1;
}

const BODY_PATH: readonly string[] = ["content", "body"];

/** The user-independent part of a compiled ruleset. Shared between users via a {@link RulesetTemplatePool}. */
export class RulesetTemplate {
  /** Identifies the template: equal fingerprints, equal behaviour. */
  readonly fingerprint: string;
  /** Every rule in evaluation order (disabled ones too). */
  readonly rules: readonly CompiledRule[];
  /** The rules that can match, in evaluation order. */
  readonly active: readonly CompiledRule[];
  /** Whether any rule uses a user-ID / localpart slot. */
  readonly usesUserId: boolean;
  readonly usesLocalpart: boolean;

  /**
   * Keyword blocks: for index i of `active` starting a run of plain content rules
   * (body match only) with at least KEYWORD_BLOCK_MIN whole-word literal keywords,
   * `blockEnd[i]` is the index after the run and `blocks[i]` its precomputed
   * lookup; -1 elsewhere. One pass over the body's words then replaces one lookup
   * per keyword rule.
   * @internal
   */
  readonly blockEnd: Int32Array;
  /** @internal */
  readonly blocks: ReadonlyArray<KeywordBlock | undefined>;

  /** @internal */
  constructor(fingerprint: string, rules: CompiledRule[]) {
    this.fingerprint = fingerprint;
    this.rules = rules;
    this.active = rules.filter((r) => r.active);
    this.blockEnd = new Int32Array(this.active.length).fill(-1);
    const blocks: Array<KeywordBlock | undefined> = [];
    for (let i = 0; i < this.active.length; ) {
      let j = i;
      let keywords = 0;
      for (; j < this.active.length && isPlainContentRule(this.active[j]!); j++) if (isKeywordRule(this.active[j]!)) keywords++;
      if (keywords >= KEYWORD_BLOCK_MIN) {
        this.blockEnd[i] = j;
        blocks[i] = keywordBlock(this.active, i, j);
        i = j;
      } else i = Math.max(j, i + 1);
    }
    this.blocks = blocks;
    const userConds = rules.flatMap((r) => r.user);
    this.usesUserId = userConds.some((c) => c.tag !== U_DISPLAY_NAME && c.slot === SLOT_USER);
    this.usesLocalpart = userConds.some((c) => c.tag === U_MATCH && c.slot === SLOT_LOCALPART);
  }
}

/**
 * Interns templates by fingerprint so that users with equivalent rulesets share one
 * (bounded: when full it starts over, which only costs sharing, never correctness).
 *
 * @example
 * ```ts
 * const pool = new RulesetTemplatePool();
 * const a = compileRuleset(serverDefaultRuleset("@a:x"), "@a:x", { pool });
 * const b = compileRuleset(serverDefaultRuleset("@b:x"), "@b:x", { pool });
 * a.template === b.template; // true
 * ```
 */
export class RulesetTemplatePool {
  readonly #max: number;
  readonly #map = new Map<string, RulesetTemplate>();

  /** @param maxTemplates - most distinct templates kept (default 1,000). */
  constructor(maxTemplates = 1000) {
    this.#max = Math.max(1, maxTemplates);
  }

  /** @internal */
  intern(fingerprint: string, build: () => RulesetTemplate): RulesetTemplate {
    let t = this.#map.get(fingerprint);
    if (t === undefined) {
      if (this.#map.size >= this.#max) this.#map.clear();
      t = build();
      this.#map.set(fingerprint, t);
    }
    return t;
  }

  /** Number of templates held. */
  get size(): number {
    return this.#map.size;
  }
}

/** Options of {@link compileRuleset}. */
export interface CompileOptions {
  /** Limits to enforce (default {@link DEFAULT_LIMITS}). */
  limits?: PushRuleLimits;
  /** Share templates with other users' compiled rulesets. */
  pool?: RulesetTemplatePool;
}

/** How far one rule got, for {@link CompiledRuleset.explain}. */
export interface RuleTrace {
  readonly ruleId: string;
  readonly kind: RuleKind;
  /** `matched`, `disabled`, `failed` (a condition did not hold), `suppressed_by_mentions`. */
  readonly outcome: "matched" | "disabled" | "failed" | "suppressed_by_mentions";
  /** For `failed`: index of the failing entry of `conditions` (-1: the implicit condition of a content/room/sender rule). */
  readonly condition?: number;
  /**
   * For `failed`: `absent` (no such property), `wrong_type`, `mismatch`,
   * `member_count`, `power_level`, `no_display_name`, `unknown_condition`,
   * `invalid_condition`.
   */
  readonly reason?: string;
}

/** The result of {@link CompiledRuleset.explain}. */
export interface PushExplanation {
  /** What `evaluate` returns. */
  readonly decision: PushDecision | null;
  /** `own_event` when the owner sent the event (no rules are tried), else `evaluated`. */
  readonly status: "own_event" | "evaluated";
  /** Each rule tried, in order, up to and including the match. */
  readonly trace: readonly RuleTrace[];
}

/** The owner-specific inputs of user-dependent conditions. */
interface UserContext {
  readonly userGlob: GlobMatcher | null;
  readonly localpartGlob: GlobMatcher | null;
  readonly userId: string;
}

function localpartOf(userId: string): string {
  const colon = userId.indexOf(":");
  return userId.startsWith("@") ? userId.slice(1, colon < 0 ? undefined : colon) : "";
}

function parseMemberCount(is: string): { op: number; n: number } | null {
  const m = /^(==|<=|>=|<|>)?([0-9]{1,15})$/.exec(is);
  if (m === null) return null;
  const op = m[1] === "<" ? OP_LT : m[1] === ">" ? OP_GT : m[1] === "<=" ? OP_LE : m[1] === ">=" ? OP_GE : OP_EQ;
  return { op, n: Number(m[2]) };
}

/** Replaces the owner's user ID / localpart by slots, for the fingerprint. */
function templated(s: unknown, userId: string, localpart: string, allowLocalpart: boolean): unknown {
  if (s === userId) return { $slot: "user" };
  if (allowLocalpart && localpart !== "" && s === localpart) return { $slot: "localpart" };
  return s;
}

function fingerprintOf(ordered: ReadonlyArray<readonly [RuleKind, PushRule]>, userId: string, localpart: string): string {
  return JSON.stringify(
    ordered.map(([kind, r]) => [
      kind,
      r.rule_id,
      r.default,
      r.enabled,
      r.actions,
      kind === "content" ? templated(r.pattern, userId, localpart, true) : null,
      kind === "override" || kind === "underride"
        ? (r.conditions ?? []).map((c) => {
            const out: Record<string, unknown> = { ...c };
            if (c.kind === "event_match") out.pattern = templated(c.pattern, userId, localpart, true);
            if (c.kind === "event_property_is" || c.kind === "event_property_contains") out.value = templated(c.value, userId, localpart, false);
            return out;
          })
        : null,
    ]),
  );
}

function compileCondition(c: PushCondition, index: number, userId: string, localpart: string): Cond {
  const key = typeof c.key === "string" ? c.key : null;
  switch (c.kind) {
    case "event_match": {
      if (key === null || typeof c.pattern !== "string") return cond(C_NEVER, { index, reason: "invalid_condition" });
      const path = parseDottedKey(key);
      const words = key === "content.body";
      if (c.pattern === userId) return cond(U_MATCH, { index, key, path, words, slot: SLOT_USER, cost: words ? 5 : 3 });
      if (localpart !== "" && c.pattern === localpart) return cond(U_MATCH, { index, key, path, words, slot: SLOT_LOCALPART, cost: words ? 5 : 3 });
      const glob = GlobMatcher.compile(c.pattern);
      return cond(C_MATCH, { index, key, path, words, glob, cost: words ? 5 : glob.isLiteral ? 3 : 4 });
    }
    case "event_property_is":
    case "event_property_contains": {
      if (key === null || !hasOwn.call(c, "value")) return cond(C_NEVER, { index, reason: "invalid_condition" });
      const isKind = c.kind === "event_property_is";
      // Floats (and integers outside the canonical range) never match anything.
      if (!isComparableScalar(c.value)) return cond(C_NEVER, { index, reason: "invalid_condition" });
      const path = parseDottedKey(key);
      if (c.value === userId) return cond(isKind ? U_IS : U_CONTAINS, { index, key, path, slot: SLOT_USER, cost: 3 });
      return cond(isKind ? C_IS : C_CONTAINS, { index, key, path, value: c.value, cost: isKind ? 3 : 4 });
    }
    case "room_member_count": {
      const parsed = typeof c.is === "string" ? parseMemberCount(c.is) : null;
      if (parsed === null) return cond(C_NEVER, { index, reason: "invalid_condition" });
      return cond(C_MEMBER_COUNT, { index, op: parsed.op, n: parsed.n, cost: 1 });
    }
    case "sender_notification_permission":
      if (key === null) return cond(C_NEVER, { index, reason: "invalid_condition" });
      return cond(C_SENDER_PERM, { index, key, cost: 2 });
    case "contains_display_name":
      return cond(U_DISPLAY_NAME, { index, key: "content.body", path: ["content", "body"], words: true, cost: 6 });
    default:
      // Unrecognised conditions MUST NOT match any events.
      return cond(C_NEVER, { index, reason: "unknown_condition" });
  }
}

function compileRule(kind: RuleKind, r: PushRule, userId: string, localpart: string): CompiledRule {
  let all: Cond[];
  if (kind === "override" || kind === "underride") {
    all = (r.conditions ?? []).map((c, i) => compileCondition(c, i, userId, localpart));
  } else if (kind === "content") {
    all = [compileCondition({ kind: "event_match", key: "content.body", pattern: r.pattern ?? "" }, -1, userId, localpart)];
  } else {
    // Room rules match `room_id`, sender rules `sender`, exactly (IDs are case-sensitive).
    const key = kind === "room" ? "room_id" : "sender";
    all = [cond(C_STR_EQ, { index: -1, key, path: [key], value: r.rule_id, cost: 2 })];
  }
  let typeReq: string | null = null;
  const shared: Cond[] = [];
  const user: Cond[] = [];
  for (const c of all) {
    if (typeReq === null && c.tag === C_MATCH && c.key === "type" && c.glob!.isLiteral) typeReq = c.glob!.folded;
    else if (c.tag >= U_MATCH) user.push(c);
    else shared.push(c);
  }
  shared.sort((a, b) => a.cost - b.cost);
  user.sort((a, b) => a.cost - b.cost);
  return {
    ruleId: r.rule_id,
    kind,
    enabled: r.enabled,
    decision: decideActions(r.rule_id, kind, r.actions),
    typeReq,
    shared,
    user,
    all,
    legacyMention: r.default && LEGACY_MENTION_RULE_IDS.has(r.rule_id),
    active: r.enabled && !all.some((c) => c.tag === C_NEVER),
  };
}

function orderedRules(ruleset: Ruleset): Array<readonly [RuleKind, PushRule]> {
  const out: Array<readonly [RuleKind, PushRule]> = [];
  for (const kind of RULE_KINDS) {
    const rules = ruleset[kind];
    // `.m.rule.master` always has a higher priority than any other rule.
    const master = kind === "override" ? rules.find((r) => r.rule_id === ".m.rule.master" && r.default) : undefined;
    if (master !== undefined) out.push([kind, master]);
    for (const r of rules) if (r !== master) out.push([kind, r]);
  }
  return out;
}

function testShared(c: Cond, ev: PreparedEvent, facts: RoomFacts): boolean {
  switch (c.tag) {
    case C_MATCH: {
      const t = ev.text(c.key, c.path);
      if (t === null) return false;
      return c.words ? c.glob!.matchWords(t) : c.glob!.matchWhole(t);
    }
    case C_IS: {
      const v = ev.resolve(c.path);
      return v === c.value && v !== undefined;
    }
    case C_CONTAINS:
      return ev.arrayContains(c.key, c.path, c.value);
    case C_MEMBER_COUNT: {
      const count = facts.memberCount;
      if (typeof count !== "number") return false;
      switch (c.op) {
        case OP_EQ: return count === c.n;
        case OP_LT: return count < c.n;
        case OP_GT: return count > c.n;
        case OP_LE: return count <= c.n;
        default: return count >= c.n;
      }
    }
    case C_SENDER_PERM: {
      const levels = facts.notificationLevels;
      let required: unknown = levels !== undefined && hasOwn.call(levels, c.key) ? levels[c.key] : undefined;
      if (required === undefined && hasOwn.call(DEFAULT_NOTIFICATION_LEVELS, c.key)) required = DEFAULT_NOTIFICATION_LEVELS[c.key];
      if (typeof required !== "number") return false;
      return (facts.senderPowerLevel ?? 0) >= required;
    }
    case C_STR_EQ:
      return ev.resolve(c.path) === c.value;
    default:
      return false;
  }
}

/** The user-independent part of a user-dependent condition (fan-out pre-check). */
function preUser(c: Cond, ev: PreparedEvent): boolean {
  switch (c.tag) {
    case U_MATCH:
    case U_DISPLAY_NAME:
      return ev.text(c.key, c.path) !== null;
    case U_IS:
      return typeof ev.resolve(c.path) === "string";
    case U_CONTAINS:
      return Array.isArray(ev.resolve(c.path));
    default:
      return false;
  }
}

function testUser(c: Cond, ev: PreparedEvent, u: UserContext, displayName: GlobMatcher | null): boolean {
  switch (c.tag) {
    case U_MATCH: {
      const t = ev.text(c.key, c.path);
      const g = c.slot === SLOT_USER ? u.userGlob : u.localpartGlob;
      if (t === null || g === null) return false;
      return c.words ? g.matchWords(t) : g.matchWhole(t);
    }
    case U_IS:
      return ev.resolve(c.path) === u.userId;
    case U_CONTAINS:
      return ev.arrayContains(c.key, c.path, u.userId);
    case U_DISPLAY_NAME: {
      if (displayName === null) return false;
      const t = ev.text(c.key, c.path);
      return t !== null && displayName.matchWords(t);
    }
    default:
      return false;
  }
}

/** Whether a rule with no user-dependent part matches the event (shared conditions only). */
function passesShared(r: CompiledRule, ev: PreparedEvent, facts: RoomFacts): boolean {
  if (r.typeReq !== null && r.typeReq !== ev.typeFolded) return false;
  if (r.legacyMention && ev.hasMentions) return false;
  const shared = r.shared;
  for (let i = 0; i < shared.length; i++) if (!testShared(shared[i]!, ev, facts)) return false;
  return true;
}

/** Longest display name considered by `contains_display_name`. */
const MAX_DISPLAY_NAME = 256;
/** Display-name matchers cached per compiled ruleset. */
const DISPLAY_NAME_CACHE = 4;

/**
 * A user's compiled ruleset: immutable, reusable for any number of events. Build it
 * with {@link compileRuleset}.
 */
export class CompiledRuleset {
  /** The owner. */
  readonly userId: string;
  /** The owner's localpart. */
  readonly localpart: string;
  /** The shared, user-independent part. */
  readonly template: RulesetTemplate;
  /** @internal */
  readonly user: UserContext;
  readonly #displayNames = new Map<string, GlobMatcher>();

  /** @internal */
  constructor(userId: string, template: RulesetTemplate) {
    this.userId = userId;
    this.localpart = localpartOf(userId);
    this.template = template;
    this.user = {
      userId,
      userGlob: template.usesUserId ? GlobMatcher.compile(userId) : null,
      localpartGlob: template.usesLocalpart && this.localpart !== "" ? GlobMatcher.compile(this.localpart) : null,
    };
  }

  /** @internal The literal matcher of a display name (empty or missing: null). */
  displayNameMatcher(displayName: string | null | undefined): GlobMatcher | null {
    if (typeof displayName !== "string" || displayName === "" || displayName.length > MAX_DISPLAY_NAME) return null;
    let g = this.#displayNames.get(displayName);
    if (g === undefined) {
      if (this.#displayNames.size >= DISPLAY_NAME_CACHE) this.#displayNames.clear();
      g = GlobMatcher.literal(displayName);
      this.#displayNames.set(displayName, g);
    }
    return g;
  }

  /** @internal Whether the user-dependent conditions of a rule hold. */
  passesUser(r: CompiledRule, ev: PreparedEvent, displayName: string | null | undefined): boolean {
    const conds = r.user;
    let dn: GlobMatcher | null | undefined;
    for (let i = 0; i < conds.length; i++) {
      const c = conds[i]!;
      if (c.tag === U_DISPLAY_NAME && dn === undefined) dn = this.displayNameMatcher(displayName);
      if (!testUser(c, ev, this.user, dn ?? null)) return false;
    }
    return true;
  }

  /**
   * Finds the first matching rule for an event. Returns null when no rule matches,
   * and for events the owner sent (the spec forbids notifying for them).
   *
   * @param event - from {@link prepareEvent} (shared across users).
   * @param facts - member count and power levels at the event.
   * @param options - the owner's display name in the room.
   * @returns the decision (frozen, shared) or null.
   * @example
   * ```ts
   * const rules = compileRuleset(serverDefaultRuleset("@alice:example.com"), "@alice:example.com");
   * const d = rules.evaluate(prepareEvent(event), { memberCount: 50 });
   * d?.notify;
   * ```
   * @see https://spec.matrix.org/v1.19/client-server-api/#push-rules
   */
  evaluate(event: PreparedEvent, facts: RoomFacts, options?: EvaluateOptions): PushDecision | null {
    if (event.sender === this.userId) return null;
    const template = this.template;
    const rules = template.active;
    const blockEnd = template.blockEnd;
    for (let i = 0; i < rules.length; i++) {
      const end = blockEnd[i]!;
      if (end > i) {
        const hit = firstBlockHit(template.blocks[i]!, end, event, rules);
        if (hit >= 0) return rules[hit]!.decision;
        i = end - 1;
        continue;
      }
      const r = rules[i]!;
      if (!passesShared(r, event, facts)) continue;
      if (r.user.length > 0 && !this.passesUser(r, event, options?.displayName)) continue;
      return r.decision;
    }
    return null;
  }

  /**
   * Like {@link evaluate}, plus a trace of every rule tried and why it did not match.
   * Slower; for debugging and tooling.
   *
   * @returns decision, status and trace.
   * @example
   * ```ts
   * const { decision, trace } = rules.explain(prepareEvent(event), { memberCount: 2 });
   * trace.map((t) => `${t.ruleId}: ${t.outcome} ${t.reason ?? ""}`);
   * ```
   */
  explain(event: PreparedEvent, facts: RoomFacts, options?: EvaluateOptions): PushExplanation {
    if (event.sender === this.userId) return { decision: null, status: "own_event", trace: [] };
    const trace: RuleTrace[] = [];
    for (const r of this.template.rules) {
      if (!r.enabled) {
        trace.push({ ruleId: r.ruleId, kind: r.kind, outcome: "disabled" });
        continue;
      }
      if (r.legacyMention && event.hasMentions) {
        trace.push({ ruleId: r.ruleId, kind: r.kind, outcome: "suppressed_by_mentions" });
        continue;
      }
      let failed: { condition: number; reason: string } | null = null;
      for (const c of r.all) {
        const reason = this.#whyNot(c, event, facts, options?.displayName);
        if (reason !== null) {
          failed = { condition: c.index, reason };
          break;
        }
      }
      if (failed !== null) {
        trace.push({ ruleId: r.ruleId, kind: r.kind, outcome: "failed", ...failed });
        continue;
      }
      trace.push({ ruleId: r.ruleId, kind: r.kind, outcome: "matched" });
      return { decision: r.decision, status: "evaluated", trace };
    }
    return { decision: null, status: "evaluated", trace };
  }

  #whyNot(c: Cond, ev: PreparedEvent, facts: RoomFacts, displayName: string | null | undefined): string | null {
    const holds = c.tag >= U_MATCH ? testUser(c, ev, this.user, this.displayNameMatcher(displayName)) : testShared(c, ev, facts);
    if (holds) return null;
    switch (c.tag) {
      case C_NEVER:
        return c.reason;
      case C_MEMBER_COUNT:
        return "member_count";
      case C_SENDER_PERM:
        return "power_level";
      case U_DISPLAY_NAME:
        if (this.displayNameMatcher(displayName) === null) return "no_display_name";
        break;
      default:
    }
    const v = ev.resolve(c.path);
    if (v === undefined) return "absent";
    const wantsArray = c.tag === C_CONTAINS || c.tag === U_CONTAINS;
    if (wantsArray ? !Array.isArray(v) : c.tag === C_IS ? !isComparableScalar(v) : typeof v !== "string") return "wrong_type";
    return "mismatch";
  }
}

/**
 * Compiles a user's ruleset for repeated evaluation. The ruleset is validated first
 * (it may come straight from storage). Share templates between users with a
 * {@link RulesetTemplatePool} (the {@link CompiledRulesetCache} does this for you).
 *
 * @param ruleset - the user's rules (server-default ones included).
 * @param userId - the owner.
 * @param options - limits and template pool.
 * @returns the compiled ruleset.
 * @throws {PushRuleError} `BAD_RULE` for a malformed ruleset; `LIMIT_EXCEEDED`.
 * @example
 * ```ts
 * const compiled = compileRuleset(serverDefaultRuleset("@alice:example.com"), "@alice:example.com");
 * ```
 * @see https://spec.matrix.org/v1.19/client-server-api/#push-rules
 */
export function compileRuleset(ruleset: Ruleset, userId: string, options: CompileOptions = {}): CompiledRuleset {
  const checked = validateRuleset(ruleset, options.limits ?? DEFAULT_LIMITS);
  const localpart = localpartOf(userId);
  const ordered = orderedRules(checked);
  const fingerprint = fingerprintOf(ordered, userId, localpart);
  const build = (): RulesetTemplate =>
    new RulesetTemplate(fingerprint, ordered.map(([kind, r]) => compileRule(kind, r, userId, localpart)));
  const template = options.pool === undefined ? build() : options.pool.intern(fingerprint, build);
  return new CompiledRuleset(userId, template);
}

/** @internal Used by the fan-out path. */
export { passesShared, preUser };
