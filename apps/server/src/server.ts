// Composes a running homeserver: database, migrations, signing key, services,
// routes and the HTTP listener, with a graceful shutdown.

import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { EMBEDDED_MAINTENANCE_INTERVAL_MS, maintainEmbeddedDatabase, migrate, openDatabase, type Database } from "@weft/storage-pg";
import type { SigningKey } from "@weft/signing";
import { createApp } from "./app.js";
import type { Config } from "./config.js";
import { RateLimiter } from "./http/rate-limiter.js";
import { createLogger, type Logger } from "./logger.js";
import { buildRoutes } from "./routes/index.js";
import { createServices, type Services } from "./services/index.js";
import { Notifier } from "./services/notifier.js";
import { loadOrCreateSigningKey } from "./signing-key.js";

/** A running server. */
export interface WeftServer {
  /** The URL it listens on, e.g. `http://127.0.0.1:8008`. */
  readonly url: string;
  readonly config: Config;
  readonly db: Database;
  readonly services: Services;
  readonly logger: Logger;
  /**
   * Stops accepting connections, ends long polls, lets in-flight requests
   * finish within `deadlineMs`, then closes the database.
   */
  close(deadlineMs?: number): Promise<void>;
}

/** Options mostly for tests: an already-open database, a logger, a clock, a key. */
export interface StartOptions {
  readonly db?: Database;
  readonly logger?: Logger;
  readonly now?: () => number;
  readonly signingKey?: SigningKey;
}

/** Starts the server described by `config`. */
export async function startServer(config: Config, options: StartOptions = {}): Promise<WeftServer> {
  const logger = options.logger ?? createLogger(config.log_level);
  // The data directory holds the PGlite database, the signing key and media;
  // a fresh machine has none of it.
  await mkdir(config.data_dir, { recursive: true });
  const db =
    options.db ??
    (await openDatabase(
      config.database_url
        ? { url: config.database_url, onConnectionError: (err) => logger.warn({ err }, "database connection lost while idle") }
        : { dataDir: join(config.data_dir, "db") },
    ));
  await migrate(db);
  const signingKey = options.signingKey ?? (await loadOrCreateSigningKey(config.data_dir));
  const notifier = new Notifier();
  await notifier.connect(db);
  // The embedded database has no autovacuum: fresh statistics now (the schema
  // may have just been created), then a periodic vacuum.
  await maintainEmbeddedDatabase(db);
  const maintenance = setInterval(() => {
    maintainEmbeddedDatabase(db).catch((err: unknown) => logger.warn({ err }, "database maintenance failed"));
  }, EMBEDDED_MAINTENANCE_INTERVAL_MS);
  maintenance.unref();
  const now = options.now ?? Date.now;
  const services = await createServices({ config, db, logger, signingKey, notifier, now });
  const shutdown = new AbortController();
  const limiter = new RateLimiter({ perSecond: 10, burst: 50 }, now);
  const app = createApp({
    logger,
    routes: buildRoutes(config, services),
    runtime: {
      authenticate: (token) => services.authenticate(token),
      checkRateLimit: (key) => {
        if (config.rate_limits === "on") limiter.take(key);
      },
      maxRequestBytes: config.max_request_bytes,
      shutdownSignal: shutdown.signal,
    },
  });
  const http: HttpServer = createServer(app);
  http.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(config.listen.port, config.listen.host, () => resolve());
  });
  const address = http.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  logger.info({ url, server_name: config.server_name, database: db.description }, `Weft listening on ${url}`);

  let closing: Promise<void> | undefined;
  return {
    url,
    config,
    db,
    services,
    logger,
    close(deadlineMs = 10_000) {
      closing ??= (async () => {
        shutdown.abort();
        clearInterval(maintenance);
        notifier.closeAll();
        await services.pushDelivery.stop(); // push (issue 8): the delivery worker stops before the database closes
        const drained = new Promise<void>((resolve) => http.close(() => resolve()));
        http.closeIdleConnections();
        const deadline = new Promise<void>((resolve) => setTimeout(resolve, deadlineMs).unref());
        await Promise.race([drained, deadline]);
        http.closeAllConnections();
        await notifier.disconnect();
        if (!options.db) await db.close();
      })();
      return closing;
    },
  };
}
