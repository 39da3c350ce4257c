// Server-side search: https://spec.matrix.org/v1.19/client-server-api/#server-side-search
//
// A separate full-text table instead of an expression index on `events`: the
// send path stays untouched (the index is brought up to date lazily, by the
// search that needs it, from the last indexed stream position), and the text is
// extracted in JavaScript, so event JSON PostgreSQL's jsonb would refuse (a
// `\u0000` escape) can never fail an event insert.

import type { Migration } from "./index.js";

/**
 * `event_search`: one row per searchable event (`m.room.message` body,
 * `m.room.name` name, `m.room.topic` topic) with its `simple`-configuration
 * tsvector and a GIN index. `event_search_progress`: the stream position up to
 * which events have been indexed (stream positions commit in order, see
 * stream.ts, so nothing at or below it is missed). Also an index on events by
 * (room, origin_server_ts) for `GET /rooms/{roomId}/timestamp_to_event`.
 */
export const SEARCH: Migration = {
  id: "0003-search",
  sql: `
CREATE TABLE event_search (
  event_id TEXT PRIMARY KEY,
  room_id TEXT NOT NULL,
  -- content.body, content.name or content.topic
  key TEXT NOT NULL,
  sender TEXT NOT NULL,
  stream_position BIGINT NOT NULL,
  origin_server_ts BIGINT NOT NULL,
  vector TSVECTOR NOT NULL
);
CREATE INDEX event_search_vector ON event_search USING GIN (vector);
CREATE INDEX event_search_room ON event_search (room_id, stream_position);

CREATE TABLE event_search_progress (
  id SMALLINT PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  position BIGINT NOT NULL
);
INSERT INTO event_search_progress (id, position) VALUES (1, 0) ON CONFLICT DO NOTHING;

CREATE INDEX events_room_ts ON events (room_id, origin_server_ts);
`,
};
