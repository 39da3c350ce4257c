// The PostgreSQL KeyStore of @weft/e2ee-keys (same SQL on pg and PGlite):
// https://spec.matrix.org/v1.19/client-server-api/#end-to-end-encryption
// One-time key claims are one statement: each claim picks its device's oldest
// key with `FOR UPDATE SKIP LOCKED` in a lateral subquery, the outer DELETE
// removes the picked rows through the primary key (`id = ANY(ARRAY(…))`:
// `IN (SELECT …)` was planned as a hash join over a sequential scan of every
// stored key) and RETURNs them, and the same statement records the issued
// IDs — so concurrent claimers never get the same key and never wait on each
// other. `/keys/query` reads every queried device in one statement answering
// one text row, spliced into the response without parsing the key JSON
// (see `queryDeviceKeysJson`); display names come from `devices`.
// Positions come from `weft_stream`, allocated inside the writing transaction
// (its row lock orders commits by position).

import type {
  BackupSession,
  BackupVersion,
  ClaimedKey,
  CrossSigningKey,
  CrossSigningKeyType,
  DeviceKeys,
  DeviceKeysQuery,
  JsonObject,
  KeyBackupData,
  KeyClaim,
  KeySignature,
  KeyStore,
  StoredFallbackKey,
  StoredOneTimeKey,
  StoredToDeviceMessage,
  ToDeviceDelivery,
  ToDeviceTransaction,
} from "@weft/e2ee-keys";
import { assembleDeviceKeysJson, serveDeviceKeysJson } from "@weft/e2ee-keys";
import type { Database, Queryable } from "./database.js";
import { allocateStreamPosition, currentStreamPosition } from "./stream.js";

const VERSION_PATTERN = /^[1-9][0-9]{0,15}$/;

/**
 * A {@link KeyStore} over PostgreSQL or PGlite.
 *
 * @example
 * ```ts
 * const keys = new E2eeKeys(new PgKeyStore(db));
 * ```
 */
export class PgKeyStore implements KeyStore {
  constructor(
    private readonly db: Database | Queryable,
    private readonly inTransaction = false,
  ) {}

  async transaction<T>(fn: (store: KeyStore) => Promise<T>): Promise<T> {
    if (this.inTransaction || !("transaction" in this.db)) return fn(this);
    return this.db.transaction((tx) => fn(new PgKeyStore(tx, true)));
  }

  private q<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<{ rows: Row[]; rowCount: number }> {
    return this.db.query<Row>(sql, params);
  }

  async getDeviceKeys(userId: string, deviceId: string): Promise<DeviceKeys | undefined> {
    const { rows } = await this.q<{ key_json: string }>("SELECT key_json FROM e2ee_device_keys WHERE user_id = $1 AND device_id = $2", [userId, deviceId]);
    return rows[0] ? (JSON.parse(rows[0].key_json) as DeviceKeys) : undefined;
  }

  async queryDeviceKeys(query: DeviceKeysQuery): Promise<Array<{ userId: string; deviceId: string; keys: DeviceKeys }>> {
    const allUsers: string[] = [];
    const pairUsers: string[] = [];
    const pairDevices: string[] = [];
    for (const [userId, deviceIds] of query) {
      if (deviceIds === undefined) allUsers.push(userId);
      else for (const d of deviceIds) (pairUsers.push(userId), pairDevices.push(d));
    }
    if (allUsers.length === 0 && pairUsers.length === 0) return [];
    const { rows } = await this.q<{ user_id: string; device_id: string; key_json: string }>(
      `SELECT user_id, device_id, key_json FROM e2ee_device_keys WHERE user_id = ANY($1::text[])
       UNION ALL
       SELECT k.user_id, k.device_id, k.key_json FROM e2ee_device_keys k
         JOIN unnest($2::text[], $3::text[]) AS w(user_id, device_id) ON k.user_id = w.user_id AND k.device_id = w.device_id`,
      [allUsers, pairUsers, pairDevices],
    );
    return rows.map((r) => ({ userId: r.user_id, deviceId: r.device_id, keys: JSON.parse(r.key_json) as DeviceKeys }));
  }

  async queryDeviceKeysJson(query: DeviceKeysQuery): Promise<string> {
    const allUsers: string[] = [];
    const pairUsers: string[] = [];
    const pairDevices: string[] = [];
    for (const [userId, deviceIds] of query) {
      if (deviceIds === undefined) allUsers.push(userId);
      else for (const d of new Set(deviceIds)) (pairUsers.push(userId), pairDevices.push(d));
    }
    if (query.size === 0) return "{}";
    // One statement, one row: a line per device (JSON-encoded user and device
    // IDs, display name, signatures stored apart, stored key JSON) — a single
    // text value is far cheaper to receive than a row per device, and grouping
    // by user in SQL (string_agg per group) cost more than the whole read.
    // Lines split on "\n" and fields on "\t": neither appears raw in JSON
    // text written by JSON.stringify, to_json or jsonb.
    const { rows } = await this.q<{ lines: string | null }>(
      `WITH wanted AS (
         SELECT k.user_id, k.device_id, k.key_json FROM e2ee_device_keys k WHERE k.user_id = ANY($1::text[])
         UNION ALL
         SELECT k.user_id, k.device_id, k.key_json FROM unnest($2::text[], $3::text[]) AS p(user_id, device_id)
         JOIN e2ee_device_keys k ON k.user_id = p.user_id AND k.device_id = p.device_id
       ), sigs AS (
         SELECT target_user_id, target_key_id, jsonb_agg(jsonb_build_array(signer_user_id, signer_key_id, signature))::text AS sigs
         FROM e2ee_key_signatures WHERE target_user_id = ANY($1::text[] || $2::text[])
         GROUP BY target_user_id, target_key_id
       )
       SELECT string_agg(to_json(w.user_id)::text || E'\t' || to_json(w.device_id)::text || E'\t' || coalesce(to_json(d.display_name)::text, '')
                         || E'\t' || coalesce(s.sigs, '') || E'\t' || w.key_json, E'\n') AS lines
       FROM wanted w
       LEFT JOIN sigs s ON s.target_user_id = w.user_id AND s.target_key_id = w.device_id
       LEFT JOIN devices d ON d.user_id = w.user_id AND d.device_id = w.device_id`,
      [allUsers, pairUsers, pairDevices],
    );
    const byUser = new Map<string, Array<[string, string]>>();
    for (const line of rows[0]?.lines ? rows[0].lines.split("\n") : []) {
      const t1 = line.indexOf("\t");
      const t2 = line.indexOf("\t", t1 + 1);
      const t3 = line.indexOf("\t", t2 + 1);
      const t4 = line.indexOf("\t", t3 + 1);
      const userId = JSON.parse(line.slice(0, t1)) as string;
      const name = t3 > t2 + 1 ? (JSON.parse(line.slice(t2 + 1, t3)) as string) : undefined;
      const sigs =
        t4 > t3 + 1 ? (JSON.parse(line.slice(t3 + 1, t4)) as Array<[string, string, string]>).map(([signerUserId, signerKeyId, signature]) => ({ signerUserId, signerKeyId, signature })) : [];
      const list = byUser.get(userId) ?? byUser.set(userId, []).get(userId)!;
      list.push([line.slice(t1 + 1, t2), serveDeviceKeysJson(line.slice(t4 + 1), sigs, name)]);
    }
    return assembleDeviceKeysJson(query.keys(), byUser);
  }

  async putDeviceKeys(userId: string, deviceId: string, keys: DeviceKeys): Promise<void> {
    await this.q(
      `INSERT INTO e2ee_device_keys (user_id, device_id, key_json) VALUES ($1, $2, $3)
       ON CONFLICT (user_id, device_id) DO UPDATE SET key_json = EXCLUDED.key_json`,
      [userId, deviceId, JSON.stringify(keys)],
    );
  }

  async deleteDevice(userId: string, deviceId: string): Promise<void> {
    await this.transaction(async (s) => {
      const tx = s as PgKeyStore;
      for (const table of ["e2ee_device_keys", "e2ee_one_time_keys", "e2ee_fallback_keys", "e2ee_to_device"]) {
        await tx.q(`DELETE FROM ${table} WHERE user_id = $1 AND device_id = $2`, [userId, deviceId]);
      }
      await tx.q("DELETE FROM e2ee_key_signatures WHERE target_user_id = $1 AND target_key_id = $2", [userId, deviceId]);
    });
  }

  async getOneTimeKeys(userId: string, deviceId: string, keyIds: readonly string[]): Promise<Map<string, unknown>> {
    const { rows } = await this.q<{ key_id: string; key_json: string }>(
      "SELECT key_id, key_json FROM e2ee_one_time_keys WHERE user_id = $1 AND device_id = $2 AND key_id = ANY($3::text[])",
      [userId, deviceId, [...keyIds]],
    );
    return new Map(rows.map((r) => [r.key_id, JSON.parse(r.key_json) as unknown]));
  }

  async wasIssued(userId: string, deviceId: string, keyIds: readonly string[], sinceTs: number): Promise<Set<string>> {
    const { rows } = await this.q<{ key_id: string }>(
      "SELECT key_id FROM e2ee_issued_keys WHERE user_id = $1 AND device_id = $2 AND key_id = ANY($3::text[]) AND issued_ts >= $4",
      [userId, deviceId, [...keyIds], sinceTs],
    );
    return new Set(rows.map((r) => r.key_id));
  }

  async addOneTimeKeys(userId: string, deviceId: string, keys: readonly StoredOneTimeKey[]): Promise<void> {
    if (keys.length === 0) return;
    // WITH ORDINALITY keeps upload order in the BIGSERIAL ids claims sort by.
    await this.q(
      `INSERT INTO e2ee_one_time_keys (user_id, device_id, algorithm, key_id, key_json)
       SELECT $1, $2, k.algorithm, k.key_id, k.key_json
       FROM unnest($3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS k(algorithm, key_id, key_json, n)
       ORDER BY k.n
       ON CONFLICT (user_id, device_id, key_id) DO NOTHING`,
      [userId, deviceId, keys.map((k) => k.algorithm), keys.map((k) => k.keyId), keys.map((k) => JSON.stringify(k.key))],
    );
  }

  async countOneTimeKeys(userId: string, deviceId: string): Promise<Record<string, number>> {
    const { rows } = await this.q<{ algorithm: string; n: number }>(
      "SELECT algorithm, count(*)::int AS n FROM e2ee_one_time_keys WHERE user_id = $1 AND device_id = $2 GROUP BY algorithm",
      [userId, deviceId],
    );
    return Object.fromEntries(rows.map((r) => [r.algorithm, Number(r.n)]));
  }

  async claimOneTimeKeys(claims: readonly KeyClaim[], now: number): Promise<ClaimedKey[]> {
    if (claims.length === 0) return [];
    const users = claims.map((c) => c.userId);
    const devices = claims.map((c) => c.deviceId);
    const algorithms = claims.map((c) => c.algorithm);
    return this.transaction(async (s) => {
      const tx = s as PgKeyStore;
      const { rows } = await tx.q<{ user_id: string; device_id: string; algorithm: string; key_id: string; key_json: string }>(
        `WITH picked AS (
           SELECT k.id FROM unnest($1::text[], $2::text[], $3::text[]) AS c(user_id, device_id, algorithm)
           CROSS JOIN LATERAL (
             SELECT o.id FROM e2ee_one_time_keys o
             WHERE o.user_id = c.user_id AND o.device_id = c.device_id AND o.algorithm = c.algorithm
             ORDER BY o.id LIMIT 1 FOR UPDATE SKIP LOCKED
           ) k
         ), claimed AS (
           DELETE FROM e2ee_one_time_keys WHERE id = ANY(ARRAY(SELECT id FROM picked))
           RETURNING user_id, device_id, algorithm, key_id, key_json
         ), issued AS (
           INSERT INTO e2ee_issued_keys (user_id, device_id, key_id, issued_ts)
           SELECT user_id, device_id, key_id, $4 FROM claimed
           ON CONFLICT (user_id, device_id, key_id) DO UPDATE SET issued_ts = EXCLUDED.issued_ts
         )
         SELECT user_id, device_id, algorithm, key_id, key_json FROM claimed`,
        [users, devices, algorithms, now],
      );
      const out: ClaimedKey[] = rows.map((r) => ({ userId: r.user_id, deviceId: r.device_id, keyId: r.key_id, key: JSON.parse(r.key_json) as unknown, fallback: false }));
      const satisfied = new Set(rows.map((r) => `${r.user_id}\u0000${r.device_id}\u0000${r.algorithm}`));
      const rest = claims.filter((c) => !satisfied.has(`${c.userId}\u0000${c.deviceId}\u0000${c.algorithm}`));
      if (rest.length > 0) {
        const fallback = await tx.q<{ user_id: string; device_id: string; key_id: string; key_json: string }>(
          `UPDATE e2ee_fallback_keys f SET used = true
           FROM unnest($1::text[], $2::text[], $3::text[]) AS c(user_id, device_id, algorithm)
           WHERE f.user_id = c.user_id AND f.device_id = c.device_id AND f.algorithm = c.algorithm
           RETURNING f.user_id, f.device_id, f.key_id, f.key_json`,
          [rest.map((c) => c.userId), rest.map((c) => c.deviceId), rest.map((c) => c.algorithm)],
        );
        for (const r of fallback.rows) out.push({ userId: r.user_id, deviceId: r.device_id, keyId: r.key_id, key: JSON.parse(r.key_json) as unknown, fallback: true });
      }
      return out;
    });
  }

  async pruneIssuedKeys(beforeTs: number): Promise<void> {
    await this.q("DELETE FROM e2ee_issued_keys WHERE issued_ts < $1", [beforeTs]);
  }

  async getFallbackKeys(userId: string, deviceId: string): Promise<StoredFallbackKey[]> {
    const { rows } = await this.q<{ algorithm: string; key_id: string; key_json: string; used: boolean }>(
      "SELECT algorithm, key_id, key_json, used FROM e2ee_fallback_keys WHERE user_id = $1 AND device_id = $2 ORDER BY algorithm",
      [userId, deviceId],
    );
    return rows.map((r) => ({ algorithm: r.algorithm, keyId: r.key_id, key: JSON.parse(r.key_json) as unknown, used: r.used }));
  }

  async putFallbackKey(userId: string, deviceId: string, key: StoredFallbackKey): Promise<void> {
    await this.q(
      `INSERT INTO e2ee_fallback_keys (user_id, device_id, algorithm, key_id, key_json, used) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (user_id, device_id, algorithm) DO UPDATE SET key_id = EXCLUDED.key_id, key_json = EXCLUDED.key_json, used = EXCLUDED.used`,
      [userId, deviceId, key.algorithm, key.keyId, JSON.stringify(key.key), key.used],
    );
  }

  async getCrossSigningKeys(userId: string): Promise<Partial<Record<CrossSigningKeyType, CrossSigningKey>>> {
    const { rows } = await this.q<{ key_type: CrossSigningKeyType; key_json: string }>("SELECT key_type, key_json FROM e2ee_cross_signing_keys WHERE user_id = $1", [userId]);
    return Object.fromEntries(rows.map((r) => [r.key_type, JSON.parse(r.key_json) as CrossSigningKey]));
  }

  async getCrossSigningKeysOfUsers(userIds: readonly string[]): Promise<Map<string, Partial<Record<CrossSigningKeyType, CrossSigningKey>>>> {
    const out = new Map<string, Partial<Record<CrossSigningKeyType, CrossSigningKey>>>();
    if (userIds.length === 0) return out;
    const { rows } = await this.q<{ user_id: string; key_type: CrossSigningKeyType; key_json: string }>(
      "SELECT user_id, key_type, key_json FROM e2ee_cross_signing_keys WHERE user_id = ANY($1::text[])",
      [[...userIds]],
    );
    for (const r of rows) out.set(r.user_id, { ...(out.get(r.user_id) ?? {}), [r.key_type]: JSON.parse(r.key_json) as CrossSigningKey });
    return out;
  }

  async putCrossSigningKey(userId: string, type: CrossSigningKeyType, key: CrossSigningKey): Promise<void> {
    await this.q(
      `INSERT INTO e2ee_cross_signing_keys (user_id, key_type, key_json) VALUES ($1, $2, $3)
       ON CONFLICT (user_id, key_type) DO UPDATE SET key_json = EXCLUDED.key_json`,
      [userId, type, JSON.stringify(key)],
    );
  }

  async addSignatures(signatures: readonly KeySignature[]): Promise<void> {
    if (signatures.length === 0) return;
    await this.q(
      `INSERT INTO e2ee_key_signatures (target_user_id, target_key_id, signer_user_id, signer_key_id, signature)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
       ON CONFLICT (target_user_id, target_key_id, signer_user_id, signer_key_id) DO UPDATE SET signature = EXCLUDED.signature`,
      [
        signatures.map((s) => s.targetUserId),
        signatures.map((s) => s.targetKeyId),
        signatures.map((s) => s.signerUserId),
        signatures.map((s) => s.signerKeyId),
        signatures.map((s) => s.signature),
      ],
    );
  }

  async getSignatures(targets: ReadonlyArray<{ userId: string; keyId: string }>): Promise<KeySignature[]> {
    if (targets.length === 0) return [];
    // By user (the primary key's prefix), then filtered here: cheaper than joining a long target list.
    const wanted = new Set(targets.map((t) => `${t.userId}\u0000${t.keyId}`));
    const { rows } = await this.q<{ target_user_id: string; target_key_id: string; signer_user_id: string; signer_key_id: string; signature: string }>(
      "SELECT * FROM e2ee_key_signatures WHERE target_user_id = ANY($1::text[])",
      [[...new Set(targets.map((t) => t.userId))]],
    );
    return rows.filter((r) => wanted.has(`${r.target_user_id}\u0000${r.target_key_id}`)).map((r) => ({ targetUserId: r.target_user_id, targetKeyId: r.target_key_id, signerUserId: r.signer_user_id, signerKeyId: r.signer_key_id, signature: r.signature }));
  }

  async markDeviceListsChanged(userIds: readonly string[]): Promise<number> {
    return this.transaction(async (s) => {
      const tx = s as PgKeyStore;
      const position = await allocateStreamPosition(tx.db);
      await tx.q(
        "INSERT INTO e2ee_device_list_changes (user_id, stream_position) SELECT DISTINCT u, $2::bigint FROM unnest($1::text[]) AS u ON CONFLICT DO NOTHING",
        [[...userIds], position],
      );
      return position;
    });
  }

  async deviceListsChangedBetween(userIds: readonly string[] | undefined, after: number, upTo: number): Promise<string[]> {
    if (userIds !== undefined && userIds.length === 0) return [];
    const { rows } = userIds
      ? await this.q<{ user_id: string }>(
          "SELECT DISTINCT user_id FROM e2ee_device_list_changes WHERE user_id = ANY($1::text[]) AND stream_position > $2 AND stream_position <= $3",
          [[...userIds], after, upTo],
        )
      : await this.q<{ user_id: string }>("SELECT DISTINCT user_id FROM e2ee_device_list_changes WHERE stream_position > $1 AND stream_position <= $2", [after, upTo]);
    return rows.map((r) => r.user_id);
  }

  async currentPosition(): Promise<number> {
    return currentStreamPosition(this.db);
  }

  async enqueueToDevice(deliveries: readonly ToDeviceDelivery[], txn?: ToDeviceTransaction): Promise<number | undefined> {
    return this.transaction(async (s) => {
      const tx = s as PgKeyStore;
      const position = await allocateStreamPosition(tx.db);
      if (txn) {
        const inserted = await tx.q(
          "INSERT INTO e2ee_to_device_txns (user_id, device_id, txn_id, stream_position) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING txn_id",
          [txn.userId, txn.deviceId, txn.txnId, position],
        );
        // Seen before: nothing stored (the position is simply unused).
        if (inserted.rows.length === 0) return undefined;
      }
      if (deliveries.length > 0) {
        await tx.q(
          `INSERT INTO e2ee_to_device (user_id, device_id, stream_position, sender, type, content)
           SELECT u, d, $1::bigint, s, t, c FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) AS m(u, d, s, t, c)`,
          [
            position,
            deliveries.map((d) => d.userId),
            deliveries.map((d) => d.deviceId),
            deliveries.map((d) => d.message.sender),
            deliveries.map((d) => d.message.type),
            deliveries.map((d) => JSON.stringify(d.message.content)),
          ],
        );
      }
      return position;
    });
  }

  async toDeviceMessages(userId: string, deviceId: string, after: number, upTo: number, limit: number): Promise<StoredToDeviceMessage[]> {
    const { rows } = await this.q<{ stream_position: number; sender: string; type: string; content: string }>(
      `SELECT stream_position, sender, type, content FROM e2ee_to_device
       WHERE user_id = $1 AND device_id = $2 AND stream_position > $3 AND stream_position <= $4
       ORDER BY stream_position, id LIMIT $5`,
      [userId, deviceId, after, upTo, limit],
    );
    return rows.map((r) => ({ position: Number(r.stream_position), sender: r.sender, type: r.type, content: JSON.parse(r.content) as JsonObject }));
  }

  async deleteToDeviceMessages(userId: string, deviceId: string, upTo: number): Promise<number> {
    const { rowCount } = await this.q("DELETE FROM e2ee_to_device WHERE user_id = $1 AND device_id = $2 AND stream_position <= $3", [userId, deviceId, upTo]);
    return rowCount;
  }

  async createBackupVersion(userId: string, algorithm: string, authData: JsonObject): Promise<string> {
    const { rows } = await this.q<{ version: number }>(
      `INSERT INTO e2ee_backup_versions (user_id, version, algorithm, auth_data)
       SELECT $1, COALESCE(MAX(version), 0) + 1, $2, $3 FROM e2ee_backup_versions WHERE user_id = $1
       RETURNING version`,
      [userId, algorithm, JSON.stringify(authData)],
    );
    return String(rows[0]!.version);
  }

  async getBackupVersion(userId: string, version: string | undefined, options: { lock?: boolean } = {}): Promise<BackupVersion | undefined> {
    if (version !== undefined && !VERSION_PATTERN.test(version)) return undefined;
    const lock = options.lock ? " FOR UPDATE" : "";
    const { rows } = await this.q<{ version: number; algorithm: string; auth_data: string; etag: number }>(
      version === undefined
        ? `SELECT version, algorithm, auth_data, etag FROM e2ee_backup_versions WHERE user_id = $1 AND NOT deleted ORDER BY version DESC LIMIT 1${lock}`
        : `SELECT version, algorithm, auth_data, etag FROM e2ee_backup_versions WHERE user_id = $1 AND version = $2 AND NOT deleted${lock}`,
      version === undefined ? [userId] : [userId, version],
    );
    const row = rows[0];
    if (!row) return undefined;
    const count = await this.q<{ n: number }>("SELECT count(*)::int AS n FROM e2ee_backup_sessions WHERE user_id = $1 AND version = $2", [userId, row.version]);
    return { version: String(row.version), algorithm: row.algorithm, auth_data: JSON.parse(row.auth_data) as JsonObject, etag: String(row.etag), count: Number(count.rows[0]!.n) };
  }

  async updateBackupAuthData(userId: string, version: string, authData: JsonObject): Promise<boolean> {
    if (!VERSION_PATTERN.test(version)) return false;
    const { rowCount } = await this.q("UPDATE e2ee_backup_versions SET auth_data = $3 WHERE user_id = $1 AND version = $2 AND NOT deleted", [
      userId,
      version,
      JSON.stringify(authData),
    ]);
    return rowCount > 0;
  }

  async deleteBackupVersion(userId: string, version: string): Promise<boolean> {
    if (!VERSION_PATTERN.test(version)) return false;
    return this.transaction(async (s) => {
      const tx = s as PgKeyStore;
      const { rowCount } = await tx.q("UPDATE e2ee_backup_versions SET deleted = true WHERE user_id = $1 AND version = $2 AND NOT deleted", [userId, version]);
      if (rowCount === 0) return false;
      await tx.q("DELETE FROM e2ee_backup_sessions WHERE user_id = $1 AND version = $2", [userId, version]);
      return true;
    });
  }

  async getBackupSessions(userId: string, version: string, roomId?: string, sessionId?: string): Promise<BackupSession[]> {
    if (!VERSION_PATTERN.test(version)) return [];
    const { rows } = await this.q<{ room_id: string; session_id: string; data: string }>(
      `SELECT room_id, session_id, data FROM e2ee_backup_sessions
       WHERE user_id = $1 AND version = $2 AND ($3::text IS NULL OR room_id = $3) AND ($4::text IS NULL OR session_id = $4)
       ORDER BY room_id, session_id`,
      [userId, version, roomId ?? null, sessionId ?? null],
    );
    return rows.map((r) => ({ roomId: r.room_id, sessionId: r.session_id, data: JSON.parse(r.data) as KeyBackupData }));
  }

  async putBackupSessions(userId: string, version: string, sessions: readonly BackupSession[]): Promise<void> {
    if (!VERSION_PATTERN.test(version)) return;
    await this.transaction(async (s) => {
      const tx = s as PgKeyStore;
      if (sessions.length > 0) {
        await tx.q(
          `INSERT INTO e2ee_backup_sessions (user_id, version, room_id, session_id, data)
           SELECT $1, $2::bigint, r, s, d FROM unnest($3::text[], $4::text[], $5::text[]) AS x(r, s, d)
           ON CONFLICT (user_id, version, room_id, session_id) DO UPDATE SET data = EXCLUDED.data`,
          [userId, version, sessions.map((x) => x.roomId), sessions.map((x) => x.sessionId), sessions.map((x) => JSON.stringify(x.data))],
        );
      }
      await tx.q("UPDATE e2ee_backup_versions SET etag = etag + 1 WHERE user_id = $1 AND version = $2", [userId, version]);
    });
  }

  async deleteBackupSessions(userId: string, version: string, roomId?: string, sessionId?: string): Promise<number> {
    if (!VERSION_PATTERN.test(version)) return 0;
    return this.transaction(async (s) => {
      const tx = s as PgKeyStore;
      const { rowCount } = await tx.q(
        "DELETE FROM e2ee_backup_sessions WHERE user_id = $1 AND version = $2 AND ($3::text IS NULL OR room_id = $3) AND ($4::text IS NULL OR session_id = $4)",
        [userId, version, roomId ?? null, sessionId ?? null],
      );
      await tx.q("UPDATE e2ee_backup_versions SET etag = etag + 1 WHERE user_id = $1 AND version = $2", [userId, version]);
      return rowCount;
    });
  }
}
