// OpenID tokens: https://spec.matrix.org/v1.19/client-server-api/#openid
// and https://spec.matrix.org/v1.19/server-server-api/#openid — tokens are
// stored as their SHA-256 (never in clear).

import type { Queryable } from "./database.js";

/**
 * Stores an issued token's hash; drops expired tokens on the way.
 *
 * @example
 * ```ts
 * await insertOpenIdToken(db, { tokenHash, userId: "@alice:example.com", expiresTs: now + 3_600_000, now });
 * ```
 */
export async function insertOpenIdToken(db: Queryable, t: { tokenHash: string; userId: string; expiresTs: number; now: number }): Promise<void> {
  await db.query("DELETE FROM openid_tokens WHERE expires_ts <= $1", [t.now]);
  await db.query("INSERT INTO openid_tokens (token_hash, user_id, expires_ts) VALUES ($1, $2, $3)", [t.tokenHash, t.userId, t.expiresTs]);
}

/** The user a live token belongs to (unexpired, account not deactivated), if any. */
export async function openIdTokenUser(db: Queryable, tokenHash: string, now: number): Promise<string | undefined> {
  const { rows } = await db.query<{ user_id: string }>(
    `SELECT t.user_id FROM openid_tokens t JOIN users u ON u.user_id = t.user_id
     WHERE t.token_hash = $1 AND t.expires_ts > $2 AND NOT u.deactivated`,
    [tokenHash, now],
  );
  return rows[0]?.user_id;
}
