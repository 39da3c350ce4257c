export { connectPostgres, openPglite, openDatabase } from "./database.js";
export type { Database, DatabaseKind, Queryable, QueryResult, PostgresOptions, PgliteOptions } from "./database.js";
export { migrate } from "./migrate.js";
export { MIGRATIONS } from "./migrations/index.js";
export type { Migration } from "./migrations/index.js";
