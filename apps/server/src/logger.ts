// Structured JSON logs (pino). One root logger per process; requests get a
// child logger carrying their request ID.

import { pino, type Logger, type LevelWithSilent } from "pino";

export type { Logger };

/** Creates the process logger writing JSON lines to stdout. */
export function createLogger(level: LevelWithSilent): Logger {
  return pino({ level, base: { service: "weft" } });
}
