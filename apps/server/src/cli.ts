#!/usr/bin/env -S node --max-semi-space-size=4
// The `weft` command: start the server, create users, print help.

import { parseArgs } from "node:util";
import { CONFIG_HELP, ConfigError, loadConfig } from "./config.js";
import { startServer } from "./server.js";

const HELP = `weft — the Weft Matrix homeserver

Usage:
  weft start [--config weft.yaml]
  weft user create <localpart> [--password PASSWORD] [--admin] [--config weft.yaml]
  weft --help

${CONFIG_HELP}
`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: "string", short: "c" },
      password: { type: "string" },
      admin: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help || !command || command === "help") {
    process.stdout.write(HELP);
    return 0;
  }
  const config = loadConfig(values.config ? { file: values.config } : {});
  if (command === "start") {
    const server = await startServer(config);
    let stopping = false;
    const stop = (signal: string): void => {
      if (stopping) return;
      stopping = true;
      server.logger.info({ signal }, "shutting down");
      const force = setTimeout(() => process.exit(1), 10_000);
      force.unref();
      void server.close(8_000).then(() => process.exit(0));
    };
    process.on("SIGTERM", () => stop("SIGTERM"));
    process.on("SIGINT", () => stop("SIGINT"));
    return -1; // keep running
  }
  if (command === "user" && rest[0] === "create" && rest[1]) {
    const { createUserFromCli } = await import("./user-cli.js");
    return createUserFromCli(config, { localpart: rest[1], password: values.password, admin: values.admin ?? false });
  }
  process.stderr.write(`unknown command: ${positionals.join(" ")}\n\n${HELP}`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error: unknown) => {
    if (error instanceof ConfigError) process.stderr.write(`${error.message}\n`);
    else process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
