// Storage for access and refresh tokens:
// https://spec.matrix.org/v1.19/client-server-api/#using-access-tokens and
// https://spec.matrix.org/v1.19/client-server-api/#refreshing-access-tokens
// Only SHA-256 digests of tokens are stored; lookups are by digest.

import type { Queryable } from "./database.js";

/** What authenticating an access token needs, in one row. */
export interface AccessTokenLookup {
  readonly id: number;
  readonly user_id: string;
  readonly device_id: string;
  readonly expires_ts: number | null;
  readonly refresh_token_id: number | null;
  readonly used: boolean;
  readonly is_admin: boolean;
  readonly deactivated: boolean;
  readonly last_seen_ts: number | null;
}

/** A stored refresh token. */
export interface RefreshTokenRow {
  readonly id: number;
  readonly user_id: string;
  readonly device_id: string;
  readonly next_id: number | null;
}

/**
 * Access and refresh tokens over any {@link Queryable}.
 *
 * @example
 * ```ts
 * const row = await new AccessTokensStore(db).lookupAccessToken(sha256Hex(token));
 * ```
 */
export class AccessTokensStore {
  constructor(private readonly db: Queryable) {}

  async insertAccessToken(token: {
    tokenHash: string;
    userId: string;
    deviceId: string;
    expiresTs: number | null;
    refreshTokenId: number | null;
    clientId?: string | null;
    scope?: string | null;
    now: number;
  }): Promise<number> {
    const { rows } = await this.db.query<{ id: number }>(
      `INSERT INTO access_tokens (token_hash, user_id, device_id, expires_ts, refresh_token_id, client_id, scope, created_ts)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
      [token.tokenHash, token.userId, token.deviceId, token.expiresTs, token.refreshTokenId, token.clientId ?? null, token.scope ?? null, token.now],
    );
    return Number(rows[0]!.id);
  }

  async insertRefreshToken(token: { tokenHash: string; userId: string; deviceId: string; now: number }): Promise<number> {
    const { rows } = await this.db.query<{ id: number }>(
      "INSERT INTO refresh_tokens (token_hash, user_id, device_id, created_ts) VALUES ($1, $2, $3, $4) RETURNING id",
      [token.tokenHash, token.userId, token.deviceId, token.now],
    );
    return Number(rows[0]!.id);
  }

  /** The token with its user's flags and its device's last-seen time. */
  async lookupAccessToken(tokenHash: string): Promise<AccessTokenLookup | undefined> {
    const { rows } = await this.db.query<AccessTokenLookup>(
      `SELECT t.id, t.user_id, t.device_id, t.expires_ts, t.refresh_token_id, t.used, u.is_admin, u.deactivated, d.last_seen_ts
       FROM access_tokens t JOIN users u ON u.user_id = t.user_id
       LEFT JOIN devices d ON d.user_id = t.user_id AND d.device_id = t.device_id
       WHERE t.token_hash = $1`,
      [tokenHash],
    );
    const row = rows[0];
    return row && { ...row, id: Number(row.id), refresh_token_id: row.refresh_token_id === null ? null : Number(row.refresh_token_id) };
  }

  /** The refresh token, locked for update inside a transaction. */
  async lookupRefreshToken(tokenHash: string): Promise<RefreshTokenRow | undefined> {
    const { rows } = await this.db.query<RefreshTokenRow>(
      "SELECT id, user_id, device_id, next_id FROM refresh_tokens WHERE token_hash = $1 FOR UPDATE",
      [tokenHash],
    );
    const row = rows[0];
    return row && { ...row, id: Number(row.id), next_id: row.next_id === null ? null : Number(row.next_id) };
  }

  /**
   * Marks an access token used for the first time and revokes the refresh
   * token its own refresh token replaced (the spec's rotation rule).
   */
  async markAccessTokenUsed(id: number, refreshTokenId: number | null): Promise<void> {
    await this.db.query("UPDATE access_tokens SET used = true WHERE id = $1", [id]);
    if (refreshTokenId !== null) await this.revokeReplacedBy(refreshTokenId);
  }

  /** Revokes refresh tokens replaced by `refreshTokenId` (and their access tokens). */
  async revokeReplacedBy(refreshTokenId: number): Promise<void> {
    await this.db.query("DELETE FROM refresh_tokens WHERE next_id = $1", [refreshTokenId]);
  }

  /** Records that `replacement` replaces refresh token `id`. */
  async setNextRefreshToken(id: number, replacement: number): Promise<void> {
    await this.db.query("UPDATE refresh_tokens SET next_id = $2 WHERE id = $1", [id, replacement]);
  }

  /** Deletes a refresh token and the access tokens issued with it. */
  async deleteRefreshToken(id: number): Promise<void> {
    await this.db.query("DELETE FROM refresh_tokens WHERE id = $1", [id]);
  }

  /** Deletes the access tokens issued with this refresh token. */
  async deleteAccessTokensOfRefreshToken(refreshTokenId: number): Promise<void> {
    await this.db.query("DELETE FROM access_tokens WHERE refresh_token_id = $1", [refreshTokenId]);
  }

  /** Deletes every token of a device. */
  async deleteDeviceTokens(userId: string, deviceId: string): Promise<void> {
    await this.db.query("DELETE FROM access_tokens WHERE user_id = $1 AND device_id = $2", [userId, deviceId]);
    await this.db.query("DELETE FROM refresh_tokens WHERE user_id = $1 AND device_id = $2", [userId, deviceId]);
  }

  /** Deletes every token of a user. */
  async deleteUserTokens(userId: string): Promise<void> {
    await this.db.query("DELETE FROM access_tokens WHERE user_id = $1", [userId]);
    await this.db.query("DELETE FROM refresh_tokens WHERE user_id = $1", [userId]);
  }
}
