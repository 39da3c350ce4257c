// The one seam between Weft and PostgreSQL. Two drivers implement it with the
// same SQL: `pg` against a real server (production, several processes sharing
// one database) and PGlite, PostgreSQL compiled to WebAssembly, embedded in the
// process (the zero-setup default). Everything above this file speaks SQL
// through `Queryable` and never learns which driver it has.

import pg from "pg";
import { PGlite, types as pgliteTypes } from "@electric-sql/pglite";

/** A row-returning query result. */
export interface QueryResult<Row> {
  rows: Row[];
  rowCount: number;
}

/** Something SQL can be sent to: the database itself or an open transaction. */
export interface Queryable {
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<Row>>;
}

/** Which driver a database runs on. */
export type DatabaseKind = "postgres" | "pglite";

/** A connected database. */
export interface Database extends Queryable {
  readonly kind: DatabaseKind;
  /** A human-readable description for logs (no password). */
  readonly description: string;
  /**
   * Runs `fn` inside one transaction: committed when it resolves, rolled back
   * when it throws (the error is rethrown). Nothing is half-written.
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * Subscribes to `NOTIFY channel` from any process sharing the database.
   * @returns an unsubscribe function.
   */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  /** Ends every connection. */
  close(): Promise<void>;
}

// BIGINT columns hold stream positions and millisecond timestamps, which stay
// far below 2^53: numbers are safe and far more convenient than strings.
const BIGINT_OID = 20;
pg.types.setTypeParser(BIGINT_OID, (value: string) => Number(value));

/** Most distinct SQL texts prepared by name (per process); the rest run unnamed. */
const MAX_NAMED_STATEMENTS = 4000;
const statementNames = new Map<string, string>();

/**
 * A `pg` query config that names the statement after its SQL text, so each
 * pooled connection parses and plans it once and later runs skip PostgreSQL's
 * planner (on a busy 2-core machine planning a join or a CTE chain costs
 * ~1 ms, more than executing it). Only parameterised queries are named: they
 * are single statements by construction (the extended protocol forbids more),
 * while parameterless text may hold several statements (migrations). Named
 * statements are plain per-connection server state; the count is bounded.
 */
function queryConfig(sql: string, params: readonly unknown[] | undefined): pg.QueryConfig | string {
  if (params === undefined) return sql;
  let name = statementNames.get(sql);
  if (name === undefined) {
    if (statementNames.size >= MAX_NAMED_STATEMENTS) return { text: sql, values: params as unknown[] };
    name = `weft_${statementNames.size.toString(36)}`;
    statementNames.set(sql, name);
  }
  return { name, text: sql, values: params as unknown[] };
}

/** Options for {@link connectPostgres}. */
export interface PostgresOptions {
  /** A `postgres://` connection string. */
  url: string;
  /** Pool size (default 10). */
  maxConnections?: number;
  /** Told about connections that fail while idle (they are replaced on next use). */
  onConnectionError?: (error: Error) => void;
}

/**
 * Connects to a real PostgreSQL server through a `pg` connection pool.
 *
 * @example
 * ```ts
 * const db = await connectPostgres({ url: "postgres://weft@localhost/weft" });
 * ```
 */
export async function connectPostgres(options: PostgresOptions): Promise<Database> {
  // Generic plans for the named statements (see queryConfig): PostgreSQL's
  // default re-plans a statement for its first five runs and then keeps
  // re-planning any statement whose generic plan it estimates dearer, which
  // the send path's CTE chain always is; planning it costs more than running
  // it. Every query here is an indexed OLTP lookup whose plan does not depend
  // on parameter values. A URL naming its own `options` keeps them.
  const url0 = new URL(options.url);
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.maxConnections ?? 10,
    ...(url0.searchParams.has("options") ? {} : { options: "-c plan_cache_mode=force_generic_plan" }),
  });
  // An idle pooled connection can die (server restart, failover, a database
  // dropped in tests); `pg` then emits "error" on the pool, which would crash
  // the process if unhandled. The pool replaces the connection on next use.
  pool.on("error", (error) => options.onConnectionError?.(error));
  // Fail at start-up, not at the first request, when the database is unreachable.
  const probe = await pool.connect();
  probe.release();
  const listeners = new Map<string, Set<(payload: string) => void>>();
  let listenClient: pg.PoolClient | undefined;
  const url = new URL(options.url);
  url.password = "";
  return {
    kind: "postgres",
    description: `postgres ${url.host}${url.pathname}`,
    async query<Row>(sql: string, params?: readonly unknown[]) {
      const result = await pool.query(queryConfig(sql, params) as pg.QueryConfig);
      return { rows: result.rows as Row[], rowCount: result.rowCount ?? 0 };
    },
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        const tx: Queryable = {
          async query<Row>(sql: string, params?: readonly unknown[]) {
            const result = await client.query(queryConfig(sql, params) as pg.QueryConfig);
            return { rows: result.rows as Row[], rowCount: result.rowCount ?? 0 };
          },
        };
        const value = await fn(tx);
        await client.query("COMMIT");
        return value;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    async listen(channel, onPayload) {
      if (!listenClient) {
        listenClient = await pool.connect();
        listenClient.on("error", (error) => options.onConnectionError?.(error));
        listenClient.on("notification", (message) => {
          for (const handler of listeners.get(message.channel) ?? []) handler(message.payload ?? "");
        });
      }
      let handlers = listeners.get(channel);
      if (!handlers) {
        handlers = new Set();
        listeners.set(channel, handlers);
        await listenClient.query(`LISTEN ${quoteIdentifier(channel)}`);
      }
      handlers.add(onPayload);
      return async () => {
        handlers.delete(onPayload);
      };
    },
    async close() {
      listenClient?.release();
      listenClient = undefined;
      await pool.end();
    },
  };
}

/** Options for {@link openPglite}. */
export interface PgliteOptions {
  /** Directory holding the database files; omit for an in-memory database (tests). */
  dataDir?: string;
}

/**
 * Opens (creating if needed) an embedded PGlite database. One process owns it.
 *
 * @example
 * ```ts
 * const db = await openPglite({ dataDir: "./data/db" });
 * ```
 */
export async function openPglite(options: PgliteOptions = {}): Promise<Database> {
  const parsers = { [pgliteTypes.INT8]: (value: string) => Number(value) };
  const db = options.dataDir ? new PGlite(options.dataDir, { parsers }) : new PGlite({ parsers });
  await db.waitReady;
  return {
    kind: "pglite",
    description: options.dataDir ? `pglite ${options.dataDir}` : "pglite (in memory)",
    async query<Row>(sql: string, params?: readonly unknown[]) {
      const result = await db.query<Row>(sql, params as unknown[] | undefined);
      return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
    },
    transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      return db.transaction(async (tx) =>
        fn({
          async query<Row>(sql: string, params?: readonly unknown[]) {
            const result = await tx.query<Row>(sql, params as unknown[] | undefined);
            return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
          },
        }),
      );
    },
    async listen(channel, onPayload) {
      const unlisten = await db.listen(channel, onPayload);
      return async () => unlisten();
    },
    async close() {
      await db.close();
    },
  };
}

/**
 * Opens the database a configuration names: PostgreSQL when `url` is set,
 * otherwise embedded PGlite in `dataDir` (in memory when that is absent too).
 */
export async function openDatabase(options: {
  url?: string;
  dataDir?: string;
  onConnectionError?: (error: Error) => void;
}): Promise<Database> {
  if (options.url) {
    return connectPostgres({ url: options.url, ...(options.onConnectionError ? { onConnectionError: options.onConnectionError } : {}) });
  }
  return openPglite(options.dataDir ? { dataDir: options.dataDir } : {});
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
