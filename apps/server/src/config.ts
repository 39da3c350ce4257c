// The server's configuration: one zod-validated object built at start-up from
// an optional YAML file, overridden by WEFT_* environment variables. A bad
// configuration stops the process with every problem listed at once.

import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { isServerName } from "@weft/common";

const ListenSchema = z
  .string()
  .regex(/^(\[[0-9a-fA-F:.]+\]|[^:\s]+):(\d{1,5})$/, "expected HOST:PORT, e.g. 127.0.0.1:8008")
  .transform((value, ctx) => {
    const index = value.lastIndexOf(":");
    const host = value.slice(0, index).replace(/^\[(.*)\]$/, "$1");
    const port = Number(value.slice(index + 1));
    if (port > 65535) ctx.addIssue({ code: "custom", message: `expected a port 0–65535, got ${port}` });
    return { host, port };
  });

const RegistrationModeSchema = z.enum(["open", "token", "closed"]);

/** The configuration file's shape (snake_case, like the environment). */
export const ConfigSchema = z
  .object({
    server_name: z.string().refine((s) => isServerName(s), "expected a server name such as example.com or localhost:8448").prefault("localhost"),
    listen: ListenSchema.prefault("127.0.0.1:8008"),
    public_baseurl: z.string().url().optional(),
    data_dir: z.string().default("./data"),
    database_url: z.string().regex(/^postgres(ql)?:\/\//, "expected a postgres:// URL").optional(),
    registration: RegistrationModeSchema.optional(),
    registration_token: z.string().min(1).optional(),
    rate_limits: z.enum(["on", "off"]).default("on"),
    log_level: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    max_request_bytes: z.number().int().positive().default(1024 * 1024),
    media: z
      .object({
        max_upload_bytes: z.number().int().positive().default(50 * 1024 * 1024),
        user_quota_bytes: z.number().int().positive().optional(),
        legacy_freeze_ts: z.number().int().nonnegative().optional(),
        // Asynchronous uploads (POST /media/v1/create): how long a created ID waits, and how many may wait per user.
        unused_expires_ms: z.number().int().positive().default(24 * 60 * 60 * 1000),
        max_pending_uploads: z.number().int().positive().default(10),
        // GET /media/preview_url on (fetching only public addresses unless push_allow_private) or off.
        url_previews: z.boolean().default(true),
      })
      .prefault({}),
    push_allow_private: z.boolean().default(false),
    // TURN for calls (GET /voip/turnServer): URIs and coturn's use-auth-secret shared secret.
    turn: z
      .object({
        uris: z.array(z.string().regex(/^turns?:/, "expected turn: or turns: URIs")),
        shared_secret: z.string().min(1).optional(),
        user_lifetime_ms: z.number().int().positive().default(24 * 60 * 60 * 1000),
      })
      .optional(),
  })
  .strict();

/** The validated configuration the server runs with. */
export type Config = Omit<z.infer<typeof ConfigSchema>, "registration"> & {
  registration: z.infer<typeof RegistrationModeSchema>;
};

/** A configuration that cannot be used; `problems` lists every issue found. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join("\n  - ")}`);
  }
}

/** Environment variables and the config keys they set. */
export const ENVIRONMENT_VARIABLES = {
  WEFT_SERVER_NAME: "server_name",
  WEFT_LISTEN: "listen",
  WEFT_PUBLIC_BASEURL: "public_baseurl",
  WEFT_DATA_DIR: "data_dir",
  DATABASE_URL: "database_url",
  WEFT_REGISTRATION: "registration",
  WEFT_REGISTRATION_TOKEN: "registration_token",
  WEFT_RATE_LIMITS: "rate_limits",
  WEFT_LOG_LEVEL: "log_level",
  WEFT_PUSH_ALLOW_PRIVATE: "push_allow_private",
} as const;

/**
 * Builds the configuration from a YAML file (optional) and the environment.
 *
 * @throws {ConfigError} listing every problem when the result is invalid.
 */
export function loadConfig(options: { file?: string; env?: NodeJS.ProcessEnv; overrides?: Record<string, unknown> } = {}): Config {
  const env = options.env ?? process.env;
  const problems: string[] = [];
  let raw: Record<string, unknown> = {};
  if (options.file) {
    try {
      const parsed: unknown = parseYaml(readFileSync(resolve(options.file), "utf8"));
      if (parsed !== null && parsed !== undefined) {
        if (typeof parsed !== "object" || Array.isArray(parsed)) problems.push(`${options.file}: expected a mapping at the top level`);
        else raw = parsed as Record<string, unknown>;
      }
    } catch (error) {
      problems.push(`${options.file}: ${(error as Error).message}`);
    }
  }
  for (const [variable, key] of Object.entries(ENVIRONMENT_VARIABLES)) {
    const value = env[variable];
    if (value === undefined || value === "") continue;
    raw[key] = key === "push_allow_private" ? value === "true" || value === "1" : value;
  }
  Object.assign(raw, options.overrides);
  const result = ConfigSchema.safeParse(raw);
  if (!result.success) {
    for (const issue of result.error.issues) problems.push(`${issue.path.join(".") || "(root)"}: ${issue.message}`);
  }
  if (problems.length > 0 || !result.success) throw new ConfigError(problems);
  const config = result.data;
  if (config.registration === "token" && !config.registration_token) {
    // Tokens can also be created later with the admin tooling; the mode alone is valid.
  }
  // Open registration is safe by default only on loopback.
  const registration = config.registration ?? (isLoopback(config.listen.host) ? "open" : "closed");
  return { ...config, registration };
}

function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\./.test(host);
}

/** The `weft --help` text for configuration. */
export const CONFIG_HELP = `Configuration (YAML file via --config, overridden by environment variables):
  server_name          WEFT_SERVER_NAME         the server name in user IDs (default: localhost)
  listen               WEFT_LISTEN              HOST:PORT to serve on (default: 127.0.0.1:8008)
  public_baseurl       WEFT_PUBLIC_BASEURL      the URL clients use (default: http://LISTEN)
  data_dir             WEFT_DATA_DIR            PGlite database, signing key, media (default: ./data)
  database_url         DATABASE_URL             use this PostgreSQL instead of embedded PGlite
  registration         WEFT_REGISTRATION        open | token | closed (default: open on loopback, else closed)
  registration_token   WEFT_REGISTRATION_TOKEN  a token accepted in 'token' mode
  rate_limits          WEFT_RATE_LIMITS         on | off (default: on)
  log_level            WEFT_LOG_LEVEL           fatal|error|warn|info|debug|trace|silent (default: info)
  push_allow_private   WEFT_PUSH_ALLOW_PRIVATE  allow push gateways and URL previews on private addresses
  max_request_bytes                             request body limit for JSON APIs (default: 1 MiB)
  media.max_upload_bytes, media.user_quota_bytes, media.legacy_freeze_ts (media uploaded before it stays
  downloadable without authentication; unset: none), media.unused_expires_ms, media.max_pending_uploads,
  media.url_previews
  turn.uris, turn.shared_secret, turn.user_lifetime_ms   TURN server for calls (coturn use-auth-secret)`;
