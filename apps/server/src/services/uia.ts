// User-interactive authentication:
// https://spec.matrix.org/v1.19/client-server-api/#user-interactive-authentication-api
// Sessions are rows in the database, so a client may continue a session on
// any server process. Flows are checked in order; a failed stage answers 401
// with errcode/error beside flows, params, session and completed, exactly as
// the spec's examples show.

import { MatrixError } from "@weft/common";
import { AccountsStore, type Database } from "@weft/storage-pg";
import { generateOpaqueId } from "./tokens.js";

/** One flow: stages completed in order. */
export interface UiaFlow {
  readonly stages: readonly string[];
}

/** The result of checking one stage. */
export type UiaStageResult = { ok: true; data?: Record<string, unknown> } | { ok: false; errcode: string; error: string };

/** Checks the auth dict of one stage type. */
export type UiaStageVerifier = (auth: Readonly<Record<string, unknown>>, ctx: { userId: string | undefined }) => Promise<UiaStageResult>;

/** What an endpoint asks {@link Uia.check} for. */
export interface UiaRequest {
  /** What the session authorises (e.g. `"register"`); a session cannot be reused for another purpose. */
  readonly purpose: string;
  /** The authenticated user, for endpoints that require one. */
  readonly userId?: string;
  readonly flows: readonly UiaFlow[];
  readonly params?: Readonly<Record<string, unknown>>;
  /** The request's `auth` dict, as sent. */
  readonly auth: unknown;
}

/** The 401 body of the spec's User-interactive API. */
export interface UiaChallenge {
  readonly flows: readonly UiaFlow[];
  readonly params: Readonly<Record<string, unknown>>;
  readonly session: string;
  readonly completed?: readonly string[];
  readonly errcode?: string;
  readonly error?: string;
}

/** Either authentication is complete, or the 401 body to answer with. */
export type UiaOutcome =
  | { readonly ok: true; readonly session: string; readonly data: Readonly<Record<string, unknown>> }
  | { readonly ok: false; readonly challenge: UiaChallenge };

/** Sessions older than this are forgotten. */
const SESSION_LIFETIME_MS = 30 * 60_000;

/**
 * The user-interactive authentication engine, with one verifier per stage type.
 *
 * @example
 * ```ts
 * const outcome = await uia.check({ purpose: "register", flows: [{ stages: ["m.login.dummy"] }], auth: body.auth });
 * if (!outcome.ok) return respond({ status: 401, body: outcome.challenge });
 * ```
 */
export class Uia {
  constructor(
    private readonly db: Database,
    private readonly now: () => number,
    private readonly verifiers: Readonly<Record<string, UiaStageVerifier>>,
  ) {}

  /**
   * Runs one round of user-interactive authentication.
   * @throws {MatrixError} `M_UNKNOWN` (400) for an unknown session, `M_FORBIDDEN` for a session of another request.
   */
  async check(request: UiaRequest): Promise<UiaOutcome> {
    const params = request.params ?? {};
    const auth = isObject(request.auth) ? request.auth : undefined;
    const store = new AccountsStore(this.db);
    const now = this.now();
    const challenge = (session: string, completed: readonly string[], failure?: { errcode: string; error: string }): UiaOutcome => ({
      ok: false,
      challenge: { ...(failure ?? {}), completed, flows: request.flows, params, session },
    });
    const sessionId = auth && typeof auth.session === "string" ? auth.session : undefined;
    let completed: readonly string[] = [];
    let data: Readonly<Record<string, unknown>> = {};
    let session: string;
    if (sessionId !== undefined) {
      const row = await store.getUiaSession(sessionId);
      if (!row || row.created_ts < now - SESSION_LIFETIME_MS) throw new MatrixError("M_UNKNOWN", "Unknown user-interactive authentication session");
      if (row.purpose !== request.purpose || row.user_id !== (request.userId ?? null)) {
        throw new MatrixError("M_FORBIDDEN", "The authentication session was started for a different request");
      }
      session = row.session_id;
      completed = row.completed;
      data = row.data;
    } else {
      session = generateOpaqueId();
      await store.expireUiaSessions(now - SESSION_LIFETIME_MS);
      await store.createUiaSession({ sessionId: session, purpose: request.purpose, userId: request.userId ?? null, now });
      if (!auth) return { ok: false, challenge: { flows: request.flows, params, session } };
    }
    const type = auth && typeof auth.type === "string" ? auth.type : undefined;
    if (auth && type !== undefined && !completed.includes(type)) {
      const expected = request.flows.some((flow) => completed.every((stage, i) => flow.stages[i] === stage) && flow.stages[completed.length] === type);
      const verifier = this.verifiers[type];
      if (!expected || !verifier) {
        return challenge(session, completed, { errcode: "M_UNRECOGNIZED", error: `Authentication stage ${type} is not expected now` });
      }
      // Verifiers may query the database themselves (and hash passwords):
      // they run outside any transaction; the session row is updated after.
      const result = await verifier(auth, { userId: request.userId });
      if (!result.ok) return challenge(session, completed, result);
      ({ completed, data } = await this.db.transaction(async (tx) => {
        const txStore = new AccountsStore(tx);
        const row = await txStore.getUiaSession(session);
        if (!row) throw new MatrixError("M_UNKNOWN", "Unknown user-interactive authentication session");
        const next = row.completed.includes(type) ? row.completed : [...row.completed, type];
        const nextData = { ...row.data, ...result.data };
        await txStore.updateUiaSession(session, next, nextData);
        return { completed: next, data: nextData };
      }));
    }
    if (request.flows.some((flow) => flow.stages.every((stage) => completed.includes(stage)))) return { ok: true, session, data };
    return challenge(session, completed);
  }

  /** Forgets a session once the request it authorised has succeeded (no replay). */
  async finish(session: string): Promise<void> {
    await new AccountsStore(this.db).deleteUiaSession(session);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
