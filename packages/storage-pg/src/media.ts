// Storage for the content repository: https://spec.matrix.org/v1.19/client-server-api/#content-repository
// Metadata only: the bytes live in the server's data directory, named by
// their SHA-256. Rows are keyed by (origin, media_id) so remote media can be
// cached beside local media once federation arrives.

import type { Queryable } from "./database.js";

/** One piece of media (uploaded, or created and awaiting its upload). */
export interface MediaRow {
  readonly origin: string;
  readonly media_id: string;
  readonly user_id: string | null;
  readonly content_type: string | null;
  readonly upload_name: string | null;
  /** `null` while an asynchronous upload is pending. */
  readonly size: number | null;
  readonly sha256: string | null;
  readonly created_ts: number;
  readonly uploaded_ts: number | null;
  readonly unused_expires_at: number | null;
}

/** A cached thumbnail. */
export interface MediaThumbnailRow {
  readonly origin: string;
  readonly media_id: string;
  readonly width: number;
  readonly height: number;
  readonly method: string;
  readonly animated: boolean;
  readonly content_type: string;
  readonly actual_width: number;
  readonly actual_height: number;
  readonly size: number;
  readonly sha256: string;
  readonly created_ts: number;
}

/** The uploaded bytes of a media item. */
export interface MediaContent {
  readonly contentType: string;
  readonly uploadName: string | null;
  readonly size: number;
  readonly sha256: string;
  readonly now: number;
}

const MEDIA_COLUMNS = "origin, media_id, user_id, content_type, upload_name, size, sha256, created_ts, uploaded_ts, unused_expires_at";

/**
 * Media metadata, thumbnails and URL previews.
 *
 * @example
 * ```ts
 * const media = new MediaStore(db);
 * await media.insertUploaded({ origin: "example.com", mediaId: "abc", userId: "@alice:example.com",
 *   contentType: "image/png", uploadName: "cat.png", size: 1234, sha256: "…", now: Date.now() });
 * const row = await media.get("example.com", "abc");
 * ```
 */
export class MediaStore {
  constructor(private readonly db: Queryable) {}

  /** The media item, uploaded or pending. */
  async get(origin: string, mediaId: string): Promise<MediaRow | undefined> {
    const { rows } = await this.db.query<MediaRow>(`SELECT ${MEDIA_COLUMNS} FROM media WHERE origin = $1 AND media_id = $2`, [origin, mediaId]);
    return rows[0];
  }

  /** Records a completed upload. */
  async insertUploaded(media: { origin: string; mediaId: string; userId: string | null } & MediaContent): Promise<void> {
    await this.db.query(
      `INSERT INTO media (origin, media_id, user_id, content_type, upload_name, size, sha256, created_ts, uploaded_ts)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)`,
      [media.origin, media.mediaId, media.userId, media.contentType, media.uploadName, media.size, media.sha256, media.now],
    );
  }

  /** Records a media ID created ahead of its upload (`POST /media/v1/create`). */
  async insertPending(media: { origin: string; mediaId: string; userId: string; now: number; unusedExpiresAt: number }): Promise<void> {
    await this.db.query(
      `INSERT INTO media (origin, media_id, user_id, created_ts, unused_expires_at) VALUES ($1, $2, $3, $4, $5)`,
      [media.origin, media.mediaId, media.userId, media.now, media.unusedExpiresAt],
    );
  }

  /**
   * Fills in a pending media item's content.
   * @returns false when it was already uploaded (or does not exist).
   */
  async completePending(origin: string, mediaId: string, content: MediaContent): Promise<boolean> {
    const { rowCount } = await this.db.query(
      `UPDATE media SET content_type = $3, upload_name = $4, size = $5, sha256 = $6, uploaded_ts = $7
       WHERE origin = $1 AND media_id = $2 AND uploaded_ts IS NULL`,
      [origin, mediaId, content.contentType, content.uploadName, content.size, content.sha256, content.now],
    );
    return rowCount > 0;
  }

  /** How many created media IDs of `userId` await their upload and have not expired. */
  async countPending(userId: string, now: number): Promise<number> {
    const { rows } = await this.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM media WHERE user_id = $1 AND uploaded_ts IS NULL AND unused_expires_at > $2",
      [userId, now],
    );
    return rows[0]?.n ?? 0;
  }

  /** The total bytes `userId` has uploaded (for the quota). */
  async usedBytes(userId: string): Promise<number> {
    const { rows } = await this.db.query<{ n: string | number | null }>("SELECT sum(size) AS n FROM media WHERE user_id = $1", [userId]);
    return Number(rows[0]?.n ?? 0);
  }

  /**
   * Serialises quota checks of one user until the transaction ends (call
   * inside `db.transaction`).
   */
  async lockUser(userId: string): Promise<void> {
    await this.db.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 300))", [userId]);
  }

  /** Deletes created media IDs whose upload never came; returns how many. */
  async deleteExpiredPending(now: number): Promise<number> {
    const { rowCount } = await this.db.query("DELETE FROM media WHERE uploaded_ts IS NULL AND unused_expires_at <= $1", [now]);
    return rowCount;
  }

  /** Whether any media or thumbnail still refers to the bytes with this hash. */
  async isContentReferenced(sha256: string): Promise<boolean> {
    const { rows } = await this.db.query<{ used: boolean }>(
      "SELECT EXISTS (SELECT 1 FROM media WHERE sha256 = $1) OR EXISTS (SELECT 1 FROM media_thumbnails WHERE sha256 = $1) AS used",
      [sha256],
    );
    return rows[0]?.used === true;
  }

  /** A cached thumbnail for exactly this box, method and animation choice. */
  async getThumbnail(origin: string, mediaId: string, key: { width: number; height: number; method: string; animated: boolean }): Promise<MediaThumbnailRow | undefined> {
    const { rows } = await this.db.query<MediaThumbnailRow>(
      `SELECT origin, media_id, width, height, method, animated, content_type, actual_width, actual_height, size, sha256, created_ts
       FROM media_thumbnails WHERE origin = $1 AND media_id = $2 AND width = $3 AND height = $4 AND method = $5 AND animated = $6`,
      [origin, mediaId, key.width, key.height, key.method, key.animated],
    );
    return rows[0];
  }

  /** Caches a thumbnail; a concurrent identical insert is ignored. */
  async insertThumbnail(row: MediaThumbnailRow): Promise<void> {
    await this.db.query(
      `INSERT INTO media_thumbnails (origin, media_id, width, height, method, animated, content_type, actual_width, actual_height, size, sha256, created_ts)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT DO NOTHING`,
      [row.origin, row.media_id, row.width, row.height, row.method, row.animated, row.content_type, row.actual_width, row.actual_height, row.size, row.sha256, row.created_ts],
    );
  }

  /** The newest cached preview of `url` that has not expired. */
  async getUrlPreview(url: string, now: number): Promise<Record<string, unknown> | undefined> {
    const { rows } = await this.db.query<{ og: Record<string, unknown> }>(
      "SELECT og FROM media_url_previews WHERE url = $1 AND expires_ts > $2 ORDER BY fetched_ts DESC LIMIT 1",
      [url, now],
    );
    return rows[0]?.og;
  }

  /** Caches a preview of `url` until `expiresTs`. */
  async insertUrlPreview(url: string, og: Record<string, unknown>, fetchedTs: number, expiresTs: number): Promise<void> {
    await this.db.query(
      "INSERT INTO media_url_previews (url, fetched_ts, expires_ts, og) VALUES ($1, $2, $3, $4::jsonb) ON CONFLICT DO NOTHING",
      [url, fetchedTs, expiresTs, JSON.stringify(og)],
    );
  }
}
