import type { Migration } from "./index.js";

/** Users, devices and access tokens. */
export const CORE_ACCOUNTS: Migration = {
  id: "0001-accounts",
  sql: `
CREATE TABLE users (
  user_id TEXT PRIMARY KEY,
  password_hash TEXT,
  is_admin BOOLEAN NOT NULL DEFAULT false,
  deactivated BOOLEAN NOT NULL DEFAULT false,
  created_ts BIGINT NOT NULL
);
`,
};
