// Ignoring users: https://spec.matrix.org/v1.19/client-server-api/#ignoring-users.
// The list lives in the user's global `m.ignored_user_list` account data and
// is read when events are served, so a change applies to the next /sync at
// once, in every server process. Events from ignored users are left out
// except state events ("Servers must still send state events sent by ignored
// users"); invites from them are not sent; thread summaries and reference
// aggregations leave them out too.

import { AccountDataStore, type Queryable, type StoredEvent } from "@weft/storage-pg";

export const IGNORED_USER_LIST = "m.ignored_user_list";

/** The users `userId` ignores (never `userId` itself). */
export async function ignoredUsersOf(db: Queryable, userId: string): Promise<ReadonlySet<string>> {
  const content = await new AccountDataStore(db).get(userId, "", IGNORED_USER_LIST);
  const listed = content?.ignored_users;
  if (!listed || typeof listed !== "object" || Array.isArray(listed)) return new Set();
  return new Set(Object.keys(listed).filter((id) => id !== userId));
}

/** Whether a client that ignores `ignored` is sent `event`: state events always are. */
export function shownDespiteIgnores(event: Pick<StoredEvent, "sender" | "state_key">, ignored: ReadonlySet<string>): boolean {
  return event.state_key !== null || !ignored.has(event.sender);
}
