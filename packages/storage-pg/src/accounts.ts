// Storage for accounts (https://spec.matrix.org/v1.19/client-server-api/#account-registration),
// UIA sessions (https://spec.matrix.org/v1.19/client-server-api/#user-interactive-authentication-api)
// and registration tokens (https://spec.matrix.org/v1.19/client-server-api/#token-authenticated-registration).

import type { Queryable } from "./database.js";

/** A stored account. */
export interface AccountRow {
  readonly user_id: string;
  readonly password_hash: string | null;
  readonly is_admin: boolean;
  readonly deactivated: boolean;
  readonly created_ts: number;
}

/** A stored user-interactive authentication session. */
export interface UiaSessionRow {
  readonly session_id: string;
  readonly purpose: string;
  readonly user_id: string | null;
  readonly completed: string[];
  readonly data: Record<string, unknown>;
  readonly created_ts: number;
}

/** A registration token created by an administrator. */
export interface RegistrationTokenRow {
  readonly token: string;
  readonly uses_allowed: number | null;
  readonly completed: number;
  readonly expiry_ts: number | null;
  readonly created_ts: number;
}

/**
 * Accounts, UIA sessions and registration tokens over any {@link Queryable}
 * (the database or an open transaction).
 *
 * @example
 * ```ts
 * await db.transaction((tx) => new AccountsStore(tx).createUser({ userId: "@alice:example.com", passwordHash: null, isAdmin: false, now: Date.now() }));
 * ```
 */
export class AccountsStore {
  constructor(private readonly db: Queryable) {}

  /**
   * Inserts an account.
   * @returns `false` when a user with that ID (compared case-insensitively) exists.
   */
  async createUser(user: { userId: string; passwordHash: string | null; isAdmin: boolean; now: number }): Promise<boolean> {
    const { rowCount } = await this.db.query(
      "INSERT INTO users (user_id, password_hash, is_admin, created_ts) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
      [user.userId, user.passwordHash, user.isAdmin, user.now],
    );
    return rowCount === 1;
  }

  /** The account with exactly this user ID. */
  async getUser(userId: string): Promise<AccountRow | undefined> {
    const { rows } = await this.db.query<AccountRow>("SELECT * FROM users WHERE user_id = $1", [userId]);
    return rows[0];
  }

  /** The account whose user ID equals `userId` ignoring case (login's lookup). */
  async findUserCaseInsensitive(userId: string): Promise<AccountRow | undefined> {
    const { rows } = await this.db.query<AccountRow>("SELECT * FROM users WHERE lower(user_id) = lower($1) ORDER BY user_id = $1 DESC LIMIT 1", [userId]);
    return rows[0];
  }

  /** Whether any account uses this ID, ignoring case. */
  async userExists(userId: string): Promise<boolean> {
    const { rows } = await this.db.query("SELECT 1 FROM users WHERE lower(user_id) = lower($1)", [userId]);
    return rows.length > 0;
  }

  async setPasswordHash(userId: string, passwordHash: string | null): Promise<void> {
    await this.db.query("UPDATE users SET password_hash = $2 WHERE user_id = $1", [userId, passwordHash]);
  }

  /** Marks the account deactivated and forgets its password. */
  async deactivate(userId: string): Promise<void> {
    await this.db.query("UPDATE users SET deactivated = true, password_hash = NULL WHERE user_id = $1", [userId]);
  }

  // --- UIA sessions ---------------------------------------------------------

  async createUiaSession(session: { sessionId: string; purpose: string; userId: string | null; now: number }): Promise<void> {
    await this.db.query("INSERT INTO uia_sessions (session_id, purpose, user_id, created_ts) VALUES ($1, $2, $3, $4)", [
      session.sessionId,
      session.purpose,
      session.userId,
      session.now,
    ]);
  }

  /** The session, locked for update when inside a transaction. */
  async getUiaSession(sessionId: string): Promise<UiaSessionRow | undefined> {
    const { rows } = await this.db.query<UiaSessionRow>("SELECT * FROM uia_sessions WHERE session_id = $1 FOR UPDATE", [sessionId]);
    return rows[0];
  }

  async updateUiaSession(sessionId: string, completed: readonly string[], data: Record<string, unknown>): Promise<void> {
    await this.db.query("UPDATE uia_sessions SET completed = $2::jsonb, data = $3::jsonb WHERE session_id = $1", [
      sessionId,
      JSON.stringify(completed),
      JSON.stringify(data),
    ]);
  }

  async deleteUiaSession(sessionId: string): Promise<void> {
    await this.db.query("DELETE FROM uia_sessions WHERE session_id = $1", [sessionId]);
  }

  /** Drops sessions created before `before` (ms). */
  async expireUiaSessions(before: number): Promise<void> {
    await this.db.query("DELETE FROM uia_sessions WHERE created_ts < $1", [before]);
  }

  // --- registration tokens --------------------------------------------------

  async createRegistrationToken(token: { token: string; usesAllowed: number | null; expiryTs: number | null; now: number }): Promise<void> {
    await this.db.query("INSERT INTO registration_tokens (token, uses_allowed, expiry_ts, created_ts) VALUES ($1, $2, $3, $4)", [
      token.token,
      token.usesAllowed,
      token.expiryTs,
      token.now,
    ]);
  }

  async getRegistrationToken(token: string): Promise<RegistrationTokenRow | undefined> {
    const { rows } = await this.db.query<RegistrationTokenRow>("SELECT * FROM registration_tokens WHERE token = $1", [token]);
    return rows[0];
  }

  /**
   * Counts one completed registration against the token if it is still valid.
   * @returns whether the token was valid and has been used.
   */
  async useRegistrationToken(token: string, now: number): Promise<boolean> {
    const { rowCount } = await this.db.query(
      `UPDATE registration_tokens SET completed = completed + 1
       WHERE token = $1 AND (uses_allowed IS NULL OR completed < uses_allowed) AND (expiry_ts IS NULL OR expiry_ts > $2)`,
      [token, now],
    );
    return rowCount === 1;
  }
}
