// OpenID tokens: https://spec.matrix.org/v1.19/client-server-api/#openid
// (issued by POST /user/{userId}/openid/request_token, exchanged by
// GET /_matrix/federation/v1/openid/userinfo).

import type { Migration } from "./index.js";

/** `openid_tokens`: SHA-256 of each issued token, its user and expiry. */
export const OPENID_TOKENS: Migration = {
  id: "0005-openid-tokens",
  sql: `
CREATE TABLE openid_tokens (
  token_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  expires_ts BIGINT NOT NULL
);
CREATE INDEX openid_tokens_expiry ON openid_tokens (expires_ts);
`,
};
