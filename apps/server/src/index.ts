export { createApp } from "./app.js";
export type { AppDeps } from "./app.js";
export { loadConfig, ConfigSchema, ConfigError, CONFIG_HELP, ENVIRONMENT_VARIABLES } from "./config.js";
export type { Config } from "./config.js";
export { startServer } from "./server.js";
export type { WeftServer, StartOptions } from "./server.js";
