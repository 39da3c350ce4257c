// Accounts: https://spec.matrix.org/v1.19/client-server-api/#legacy-api
// (registration, login, refresh tokens, user-interactive auth sessions),
// devices, profiles, account data, filters, presence and push rules.
import type { Migration } from "./index.js";

/** Users, devices, access and refresh tokens, UIA sessions, and per-account data. */
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
-- Login looks localparts up case-insensitively; this also stops two accounts
-- differing only in case (historical IDs) from being created.
CREATE UNIQUE INDEX users_lower_user_id ON users (lower(user_id));

CREATE TABLE devices (
  user_id TEXT NOT NULL REFERENCES users (user_id),
  device_id TEXT NOT NULL,
  display_name TEXT,
  last_seen_ip TEXT,
  last_seen_ts BIGINT,
  created_ts BIGINT NOT NULL,
  PRIMARY KEY (user_id, device_id)
);

-- Tokens are stored as SHA-256 hex digests of the random token, never the token.
CREATE TABLE refresh_tokens (
  id BIGSERIAL PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  user_id TEXT NOT NULL,
  device_id TEXT NOT NULL,
  -- The refresh token that replaced this one: this one is revoked once the
  -- replacement (or its access token) is first used.
  next_id BIGINT,
  created_ts BIGINT NOT NULL,
  FOREIGN KEY (user_id, device_id) REFERENCES devices (user_id, device_id) ON DELETE CASCADE
);
CREATE INDEX refresh_tokens_next ON refresh_tokens (next_id);

CREATE TABLE access_tokens (
  id BIGSERIAL PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  user_id TEXT NOT NULL,
  device_id TEXT NOT NULL,
  -- NULL: never expires (the client did not ask for refresh tokens).
  expires_ts BIGINT,
  refresh_token_id BIGINT REFERENCES refresh_tokens (id) ON DELETE CASCADE,
  used BOOLEAN NOT NULL DEFAULT false,
  -- For OAuth 2.0 sessions (next): the client and the granted scope.
  client_id TEXT,
  scope TEXT,
  created_ts BIGINT NOT NULL,
  FOREIGN KEY (user_id, device_id) REFERENCES devices (user_id, device_id) ON DELETE CASCADE
);
CREATE INDEX access_tokens_device ON access_tokens (user_id, device_id);

-- User-interactive authentication sessions live in the database so any
-- server process can continue a session another one started.
CREATE TABLE uia_sessions (
  session_id TEXT PRIMARY KEY,
  purpose TEXT NOT NULL,
  user_id TEXT,
  completed JSONB NOT NULL DEFAULT '[]',
  data JSONB NOT NULL DEFAULT '{}',
  created_ts BIGINT NOT NULL
);
CREATE INDEX uia_sessions_created ON uia_sessions (created_ts);

-- Tokens for m.login.registration_token besides the configured one.
CREATE TABLE registration_tokens (
  token TEXT PRIMARY KEY,
  uses_allowed INTEGER,
  completed INTEGER NOT NULL DEFAULT 0,
  expiry_ts BIGINT,
  created_ts BIGINT NOT NULL
);

CREATE TABLE profiles (
  user_id TEXT NOT NULL REFERENCES users (user_id),
  key TEXT NOT NULL,
  value JSONB NOT NULL,
  PRIMARY KEY (user_id, key)
);

-- Global account data has room_id ''. Each row carries the stream position
-- of its last change, for /sync.
CREATE TABLE account_data (
  user_id TEXT NOT NULL,
  room_id TEXT NOT NULL DEFAULT '',
  type TEXT NOT NULL,
  content JSONB NOT NULL,
  stream_position BIGINT NOT NULL,
  PRIMARY KEY (user_id, room_id, type)
);
CREATE INDEX account_data_stream ON account_data (user_id, stream_position);

CREATE TABLE filters (
  filter_id BIGSERIAL PRIMARY KEY,
  user_id TEXT NOT NULL,
  filter JSONB NOT NULL
);

CREATE TABLE presence (
  user_id TEXT PRIMARY KEY,
  presence TEXT NOT NULL,
  status_msg TEXT,
  last_active_ts BIGINT NOT NULL,
  stream_position BIGINT NOT NULL
);
CREATE INDEX presence_stream ON presence (stream_position);

-- An account's edited push ruleset; absent means the server default.
CREATE TABLE push_rules (
  user_id TEXT PRIMARY KEY,
  ruleset JSONB NOT NULL,
  stream_position BIGINT NOT NULL
);
`,
};
