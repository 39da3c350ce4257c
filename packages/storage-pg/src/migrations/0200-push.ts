// Push: notifications, pushers and the push delivery queue.
// https://spec.matrix.org/v1.19/client-server-api/#push-notifications
// https://spec.matrix.org/v1.19/push-gateway-api/

import type { Migration } from "./index.js";

/**
 * The push schema: per-user notifications (one row per notified user and
 * event, written in the event's transaction), HTTP pushers, and the durable
 * delivery queue the push workers claim with `FOR UPDATE SKIP LOCKED`.
 * `push_rules` (0001) keeps one row per user who edited their rules; its
 * stream position is indexed so evaluators can follow edits as a change feed.
 */
export const PUSH: Migration = {
  id: "0200-push",
  sql: `
CREATE INDEX push_rules_stream ON push_rules (stream_position);

-- One row per (user, event) the user's push rules said to notify about.
-- thread_id is NULL for the main timeline. Counts are computed at read time
-- against the user's read receipts, so receipts need no bookkeeping here.
CREATE TABLE notifications (
  user_id TEXT NOT NULL,
  room_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  stream_position BIGINT NOT NULL,
  thread_id TEXT,
  highlight BOOLEAN NOT NULL,
  actions JSONB NOT NULL,
  ts BIGINT NOT NULL,
  PRIMARY KEY (user_id, stream_position)
);
CREATE INDEX notifications_room ON notifications (user_id, room_id, stream_position);

-- HTTP pushers (POST /pushers/set). One per (user, app_id, pushkey).
CREATE TABLE pushers (
  id BIGSERIAL PRIMARY KEY,
  user_id TEXT NOT NULL,
  app_id TEXT NOT NULL,
  pushkey TEXT NOT NULL,
  kind TEXT NOT NULL,
  app_display_name TEXT NOT NULL,
  device_display_name TEXT NOT NULL,
  profile_tag TEXT,
  lang TEXT NOT NULL,
  data JSONB NOT NULL,
  pushkey_ts BIGINT NOT NULL,
  device_id TEXT,
  UNIQUE (user_id, app_id, pushkey)
);
CREATE INDEX pushers_key ON pushers (app_id, pushkey);

-- Deliveries still to make. A worker claims due rows by pushing next_attempt_ts
-- forward by a lease (so a crashed worker's rows come back), deletes them on
-- success, and reschedules them with exponential backoff on failure.
CREATE TABLE push_queue (
  id BIGSERIAL PRIMARY KEY,
  pusher_id BIGINT NOT NULL REFERENCES pushers (id) ON DELETE CASCADE,
  user_id TEXT NOT NULL,
  room_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  stream_position BIGINT NOT NULL,
  actions JSONB NOT NULL,
  attempts INT NOT NULL DEFAULT 0,
  next_attempt_ts BIGINT NOT NULL,
  last_error TEXT
);
CREATE INDEX push_queue_due ON push_queue (next_attempt_ts, id);
CREATE INDEX push_queue_pusher ON push_queue (pusher_id);
`,
};
