// Storage for pushers: https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3pushersset
// One row per (user, app_id, pushkey); deliveries queued for a pusher go
// with it (ON DELETE CASCADE on push_queue).

import type { Queryable } from "./database.js";

/** A stored pusher. */
export interface PusherRow {
  id: number;
  user_id: string;
  app_id: string;
  pushkey: string;
  kind: string;
  app_display_name: string;
  device_display_name: string;
  profile_tag: string | null;
  lang: string;
  data: Record<string, unknown>;
  pushkey_ts: number;
  device_id: string | null;
}

/** What `POST /pushers/set` stores. */
export type PusherInput = Omit<PusherRow, "id">;

function fromDb(r: PusherRow): PusherRow {
  return { ...r, id: Number(r.id), pushkey_ts: Number(r.pushkey_ts) };
}

/**
 * Pushers over any {@link Queryable}.
 *
 * @example
 * ```ts
 * const pushers = await new PushersStore(db).ofUser("@alice:example.com");
 * ```
 */
export class PushersStore {
  constructor(private readonly db: Queryable) {}

  /** A user's pushers, oldest first. */
  async ofUser(userId: string): Promise<PusherRow[]> {
    const { rows } = await this.db.query<PusherRow>("SELECT * FROM pushers WHERE user_id = $1 ORDER BY id", [userId]);
    return rows.map(fromDb);
  }

  /** One pusher by ID. */
  async byId(id: number): Promise<PusherRow | undefined> {
    const { rows } = await this.db.query<PusherRow>("SELECT * FROM pushers WHERE id = $1", [id]);
    return rows[0] ? fromDb(rows[0]) : undefined;
  }

  /** Creates or replaces the pusher (user, app_id, pushkey). */
  async upsert(p: PusherInput): Promise<void> {
    await this.db.query(
      `INSERT INTO pushers (user_id, app_id, pushkey, kind, app_display_name, device_display_name, profile_tag, lang, data, pushkey_ts, device_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10, $11)
       ON CONFLICT (user_id, app_id, pushkey) DO UPDATE SET kind = EXCLUDED.kind, app_display_name = EXCLUDED.app_display_name,
         device_display_name = EXCLUDED.device_display_name, profile_tag = EXCLUDED.profile_tag, lang = EXCLUDED.lang,
         data = EXCLUDED.data, pushkey_ts = EXCLUDED.pushkey_ts, device_id = EXCLUDED.device_id`,
      [p.user_id, p.app_id, p.pushkey, p.kind, p.app_display_name, p.device_display_name, p.profile_tag, p.lang, JSON.stringify(p.data), p.pushkey_ts, p.device_id],
    );
  }

  /** Deletes the user's pusher (app_id, pushkey). @returns whether one existed. */
  async delete(userId: string, appId: string, pushkey: string): Promise<boolean> {
    const { rows } = await this.db.query("DELETE FROM pushers WHERE user_id = $1 AND app_id = $2 AND pushkey = $3 RETURNING id", [userId, appId, pushkey]);
    return rows.length > 0;
  }

  /** Deletes pushers with this (app_id, pushkey) of users other than `userId` (`append: false`). */
  async deleteOthers(userId: string, appId: string, pushkey: string): Promise<number> {
    const { rows } = await this.db.query("DELETE FROM pushers WHERE app_id = $1 AND pushkey = $2 AND user_id <> $3 RETURNING id", [appId, pushkey, userId]);
    return rows.length;
  }

  /**
   * Deletes the pushers the user set from these devices (logout, device
   * deletion) — or all of the user's pushers when `deviceIds` is "all"
   * (deactivation). @returns how many went.
   */
  async deleteOfDevices(userId: string, deviceIds: readonly string[] | "all"): Promise<number> {
    const { rows } =
      deviceIds === "all"
        ? await this.db.query("DELETE FROM pushers WHERE user_id = $1 RETURNING id", [userId])
        : await this.db.query("DELETE FROM pushers WHERE user_id = $1 AND device_id = ANY($2::text[]) RETURNING id", [userId, deviceIds]);
    return rows.length;
  }

  /** Deletes pushers of a pushkey that a gateway rejected, for one app. */
  async deleteRejected(appId: string, pushkey: string, userId: string): Promise<void> {
    await this.db.query("DELETE FROM pushers WHERE app_id = $1 AND pushkey = $2 AND user_id = $3", [appId, pushkey, userId]);
  }
}
