// User directory search: https://spec.matrix.org/v1.19/client-server-api/#user-directory
// — users who share a room with the searcher or are in a public room.

import { searchUserDirectory } from "@weft/storage-pg";
import type { ServiceContext } from "./index.js";

/** User directory search. */
export class UserDirectoryService {
  constructor(private readonly ctx: ServiceContext) {}

  /** Searches by user ID or display name (case-insensitive substring). */
  async search(userId: string, term: string, limit = 10): Promise<{ limited: boolean; results: Record<string, unknown>[] }> {
    const rows = await searchUserDirectory(this.ctx.db, userId, term.trim(), limit + 1);
    const results = rows.slice(0, limit).map((r) => {
      const result: Record<string, unknown> = { user_id: r.user_id };
      if (r.display_name) result.display_name = r.display_name;
      if (r.avatar_url) result.avatar_url = r.avatar_url;
      return result;
    });
    return { limited: rows.length > limit, results };
  }
}
