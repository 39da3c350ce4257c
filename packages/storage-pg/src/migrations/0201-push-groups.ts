// Notifications stored per event, not per user:
// https://spec.matrix.org/v1.19/client-server-api/#receiving-notifications
//
// 0200 wrote one `notifications` row per (notified user, event): ~1,000 rows
// in the send transaction of every message in a 1,000-member room (≈ 30 ms on
// PostgreSQL). Here an event writes one row per distinct decision
// (`highlight`, `actions`) — usually one, two with a mention — holding the
// notified users as a bitset over per-room member ordinals. Unread notifications
// of 0200 are dropped (counts restart at zero; pre-release schema).

import type { Migration } from "./index.js";

/**
 * `push_members`: a stable ordinal per (room, local user) that was ever a push
 * recipient in the room, allocated under the room's summary row lock and never
 * reused. `notification_groups`: one row per (event, distinct decision); bit
 * `ordinal` of `members` (PostgreSQL `get_bit` order: least significant bit of
 * byte `ordinal / 8` first) is set for each user the decision notifies.
 */
export const PUSH_GROUPS: Migration = {
  id: "0201-push-groups",
  sql: `
DROP TABLE notifications;

CREATE TABLE push_members (
  room_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  ordinal INT NOT NULL,
  PRIMARY KEY (room_id, user_id),
  UNIQUE (room_id, ordinal)
);
CREATE INDEX push_members_user ON push_members (user_id, room_id);

-- thread_id is NULL for the main timeline. Counts are computed at read time
-- against the user's read receipts, so receipts need no bookkeeping here.
CREATE TABLE notification_groups (
  room_id TEXT NOT NULL,
  stream_position BIGINT NOT NULL,
  grp SMALLINT NOT NULL,
  event_id TEXT NOT NULL,
  thread_id TEXT,
  highlight BOOLEAN NOT NULL,
  actions JSONB NOT NULL,
  members BYTEA NOT NULL,
  ts BIGINT NOT NULL,
  PRIMARY KEY (room_id, stream_position, grp)
);
`,
};
