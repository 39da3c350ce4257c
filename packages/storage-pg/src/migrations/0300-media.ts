// Content repository: https://spec.matrix.org/v1.19/client-server-api/#content-repository
// Media metadata (the bytes live in the data directory, content-addressed by
// SHA-256), cached thumbnails and URL previews. `origin` is the server name of
// the mxc:// URI, so remote media cached later (federation) shares the tables.
import type { Migration } from "./index.js";

/** Media, thumbnails and URL previews. */
export const MEDIA: Migration = {
  id: "0300-media",
  sql: `
CREATE TABLE media (
  origin TEXT NOT NULL,
  media_id TEXT NOT NULL,
  -- The local uploader; NULL for remote media and server-fetched previews.
  user_id TEXT,
  content_type TEXT,
  upload_name TEXT,
  -- NULL until the bytes arrive (asynchronous uploads).
  size BIGINT,
  sha256 TEXT,
  created_ts BIGINT NOT NULL,
  uploaded_ts BIGINT,
  -- When a created but never uploaded media ID stops being valid.
  unused_expires_at BIGINT,
  PRIMARY KEY (origin, media_id)
);
CREATE INDEX media_user_id ON media (user_id);
CREATE INDEX media_sha256 ON media (sha256);
CREATE INDEX media_pending ON media (unused_expires_at) WHERE uploaded_ts IS NULL;

CREATE TABLE media_thumbnails (
  origin TEXT NOT NULL,
  media_id TEXT NOT NULL,
  -- The box asked for (a preset or the client's own size) and how.
  width INTEGER NOT NULL,
  height INTEGER NOT NULL,
  method TEXT NOT NULL,
  animated BOOLEAN NOT NULL,
  content_type TEXT NOT NULL,
  -- What came out.
  actual_width INTEGER NOT NULL,
  actual_height INTEGER NOT NULL,
  size BIGINT NOT NULL,
  sha256 TEXT NOT NULL,
  created_ts BIGINT NOT NULL,
  PRIMARY KEY (origin, media_id, width, height, method, animated),
  FOREIGN KEY (origin, media_id) REFERENCES media (origin, media_id) ON DELETE CASCADE
);
CREATE INDEX media_thumbnails_sha256 ON media_thumbnails (sha256);

CREATE TABLE media_url_previews (
  url TEXT NOT NULL,
  fetched_ts BIGINT NOT NULL,
  expires_ts BIGINT NOT NULL,
  og JSONB NOT NULL,
  PRIMARY KEY (url, fetched_ts)
);
`,
};
