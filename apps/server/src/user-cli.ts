// `weft user create <localpart> [--password …] [--admin]`: creates an account
// directly in the configured database (registration policy does not apply).
// https://spec.matrix.org/v1.19/appendices/#user-identifiers

import { join } from "node:path";
import { isMatrixError } from "@weft/common";
import { migrate, openDatabase, type Database } from "@weft/storage-pg";
import type { Config } from "./config.js";
import { createLogger } from "./logger.js";
import { AccountsService } from "./services/accounts-service.js";
import { createAccountServices } from "./services/account-services.js";
import { Notifier } from "./services/notifier.js";
import { generateOpaqueId } from "./services/tokens.js";
import type { SigningKey } from "@weft/signing";

/** Options of `weft user create`. */
export interface CreateUserOptions {
  readonly localpart: string;
  /** The password; a random one is generated and printed when absent. */
  readonly password?: string | undefined;
  readonly admin: boolean;
}

/**
 * Opens the configured database, applies migrations and creates the account.
 * Prints the user ID (and a generated password) on stdout.
 *
 * @returns the process exit code: 0 on success, 1 when the name is taken or invalid.
 * @example
 * ```ts
 * process.exitCode = await createUserFromCli(loadConfig(), { localpart: "alice", admin: true });
 * ```
 */
export async function createUserFromCli(
  config: Config,
  options: CreateUserOptions,
  io: { db?: Database; out?: (line: string) => void; err?: (line: string) => void } = {},
): Promise<number> {
  const out = io.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const err = io.err ?? ((line: string) => process.stderr.write(`${line}\n`));
  const db = io.db ?? (await openDatabase(config.database_url ? { url: config.database_url } : { dataDir: join(config.data_dir, "db") }));
  try {
    await migrate(db);
    const logger = createLogger("silent");
    // Account creation needs neither the signing key nor notifications.
    const ctx = { config, db, logger, notifier: new Notifier(), now: Date.now, signingKey: undefined as unknown as SigningKey };
    const accounts: AccountsService = createAccountServices(ctx).accounts;
    const password = options.password ?? generateOpaqueId(15);
    const userId = await accounts.createUser({ localpart: options.localpart, password, admin: options.admin });
    out(userId);
    if (options.password === undefined) out(`password: ${password}`);
    return 0;
  } catch (error) {
    if (isMatrixError(error)) {
      err(`${error.errcode}: ${error.message}`);
      return 1;
    }
    throw error;
  } finally {
    if (!io.db) await db.close();
  }
}
