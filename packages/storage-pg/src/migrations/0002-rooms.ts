import type { Migration } from "./index.js";

/**
 * Rooms as event DAGs (https://spec.matrix.org/v1.19/server-server-api/#pdus):
 * events with their exact signed JSON, DAG edges, forward extremities, auth
 * edges (auth chains by recursive query), state groups stored as deltas,
 * current state, a per-room summary row, a per-user membership snapshot, and
 * the one global stream counter every stream (events, receipts, account data,
 * presence, to-device, device lists) allocates from inside its transaction.
 */
export const CORE_ROOMS: Migration = {
  id: "0002-rooms",
  sql: `
-- One global stream position shared by every stream. Writers run
-- UPDATE weft_stream SET position = position + 1 RETURNING position inside their
-- transaction: the row lock serialises them, so positions commit in order.
CREATE TABLE IF NOT EXISTS weft_stream (
  id SMALLINT PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  position BIGINT NOT NULL
);
INSERT INTO weft_stream (id, position) VALUES (1, 0) ON CONFLICT DO NOTHING;

CREATE TABLE rooms (
  room_id TEXT PRIMARY KEY,
  room_version TEXT NOT NULL,
  creator TEXT NOT NULL,
  created_ts BIGINT NOT NULL,
  -- Listed in the public room directory (m.room directory visibility).
  is_public BOOLEAN NOT NULL DEFAULT false
);

-- Every PDU. json is the event exactly as signed (canonical JSON text); the
-- other columns are extracted for queries. stream_position is NULL for
-- outliers (events stored without their place in the timeline).
CREATE TABLE events (
  event_id TEXT PRIMARY KEY,
  room_id TEXT NOT NULL,
  stream_position BIGINT UNIQUE,
  type TEXT NOT NULL,
  state_key TEXT,
  sender TEXT NOT NULL,
  depth BIGINT NOT NULL,
  origin_server_ts BIGINT NOT NULL,
  json TEXT NOT NULL,
  -- Server-side unsigned additions: prev_content, prev_sender, replaces_state.
  unsigned JSONB,
  outlier BOOLEAN NOT NULL DEFAULT false,
  rejected_reason TEXT,
  soft_failed BOOLEAN NOT NULL DEFAULT false,
  -- State groups before and after the event (equal for non-state events).
  state_group_before BIGINT,
  state_group_after BIGINT,
  redacted_by TEXT,
  relates_to TEXT,
  rel_type TEXT,
  thread_id TEXT,
  contains_url BOOLEAN NOT NULL DEFAULT false,
  txn_device TEXT,
  txn_id TEXT
);
CREATE INDEX events_room_stream ON events (room_id, stream_position);
CREATE INDEX events_relates_to ON events (relates_to, rel_type) WHERE relates_to IS NOT NULL;
CREATE INDEX events_thread ON events (room_id, thread_id) WHERE thread_id IS NOT NULL;
-- Transaction-ID idempotency is per device (https://spec.matrix.org/v1.19/client-server-api/#transaction-identifiers).
CREATE UNIQUE INDEX events_txn ON events (sender, txn_device, txn_id) WHERE txn_id IS NOT NULL;

-- The DAG: prev_events of each event.
CREATE TABLE event_edges (
  event_id TEXT NOT NULL,
  prev_event_id TEXT NOT NULL,
  PRIMARY KEY (event_id, prev_event_id)
);
CREATE INDEX event_edges_prev ON event_edges (prev_event_id);

-- auth_events of each event; auth chains are a recursive query over this.
CREATE TABLE event_auth_edges (
  event_id TEXT NOT NULL,
  auth_event_id TEXT NOT NULL,
  PRIMARY KEY (event_id, auth_event_id)
);

CREATE TABLE room_forward_extremities (
  room_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  PRIMARY KEY (room_id, event_id)
);

-- State groups: a group is its prev_group plus a delta of entries (a full
-- snapshot when prev_group is NULL). chain_length bounds lookups.
CREATE TABLE state_groups (
  id BIGSERIAL PRIMARY KEY,
  room_id TEXT NOT NULL,
  prev_group BIGINT,
  chain_length INT NOT NULL DEFAULT 0
);
CREATE TABLE state_group_entries (
  group_id BIGINT NOT NULL,
  type TEXT NOT NULL,
  state_key TEXT NOT NULL,
  event_id TEXT NOT NULL,
  PRIMARY KEY (group_id, type, state_key)
);

-- The room's current state, for cheap reads.
CREATE TABLE room_current_state (
  room_id TEXT NOT NULL,
  type TEXT NOT NULL,
  state_key TEXT NOT NULL,
  event_id TEXT NOT NULL,
  membership TEXT,
  PRIMARY KEY (room_id, type, state_key)
);

-- One row per room, kept current on every persisted event (room lists,
-- sliding sync, the directory). Also the per-room write lock (FOR UPDATE).
CREATE TABLE room_summaries (
  room_id TEXT PRIMARY KEY,
  room_version TEXT NOT NULL,
  stream_position BIGINT NOT NULL,
  bump_stamp BIGINT NOT NULL,
  state_group BIGINT,
  max_depth BIGINT NOT NULL DEFAULT 0,
  name TEXT,
  topic TEXT,
  avatar_url TEXT,
  canonical_alias TEXT,
  room_type TEXT,
  join_rule TEXT,
  history_visibility TEXT,
  guest_access TEXT,
  encryption TEXT,
  tombstone_successor TEXT,
  joined_count INT NOT NULL DEFAULT 0,
  invited_count INT NOT NULL DEFAULT 0
);

-- Each user's membership in each room, with the stream position it changed at.
CREATE TABLE room_memberships (
  user_id TEXT NOT NULL,
  room_id TEXT NOT NULL,
  membership TEXT NOT NULL,
  event_id TEXT NOT NULL,
  sender TEXT NOT NULL,
  stream_position BIGINT NOT NULL,
  display_name TEXT,
  avatar_url TEXT,
  -- Stripped state for invites and knocks.
  stripped_state JSONB,
  forgotten BOOLEAN NOT NULL DEFAULT false,
  PRIMARY KEY (user_id, room_id)
);
CREATE INDEX room_memberships_room ON room_memberships (room_id, membership);
CREATE INDEX room_memberships_stream ON room_memberships (user_id, stream_position);

CREATE TABLE room_aliases (
  alias TEXT PRIMARY KEY,
  room_id TEXT NOT NULL,
  creator TEXT NOT NULL
);
CREATE INDEX room_aliases_room ON room_aliases (room_id);

CREATE TABLE receipts (
  room_id TEXT NOT NULL,
  receipt_type TEXT NOT NULL,
  user_id TEXT NOT NULL,
  thread_id TEXT NOT NULL DEFAULT '',
  event_id TEXT NOT NULL,
  ts BIGINT NOT NULL,
  stream_position BIGINT NOT NULL,
  PRIMARY KEY (room_id, receipt_type, user_id, thread_id)
);
CREATE INDEX receipts_stream ON receipts (room_id, stream_position);

CREATE TABLE event_reports (
  id BIGSERIAL PRIMARY KEY,
  room_id TEXT NOT NULL,
  event_id TEXT,
  user_id TEXT NOT NULL,
  reason TEXT,
  score INT,
  received_ts BIGINT NOT NULL
);
`,
};
