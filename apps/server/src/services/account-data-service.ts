// Account data (https://spec.matrix.org/v1.19/client-server-api/#client-config)
// and room tags (https://spec.matrix.org/v1.19/client-server-api/#room-tagging).
// Tags are stored as the room account data event `m.tag`, which is how /sync
// delivers them. After each commit the user's long polls are woken.

import { isRoomId, MatrixError } from "@weft/common";
import { AccountDataStore } from "@weft/storage-pg";
import { HttpMatrixError } from "../http/http-error.js";
import type { Requester } from "../http/route.js";
import type { ServiceContext } from "./index.js";

/** Types the server manages itself; clients may not set them here (spec: 405 M_BAD_JSON). */
export const SERVER_MANAGED_ACCOUNT_DATA = new Set(["m.fully_read", "m.push_rules"]);

/**
 * Reads and writes account data and tags.
 *
 * @example
 * ```ts
 * await accountData.put(requester, "@alice:example.com", undefined, "m.direct", {});
 * ```
 */
export class AccountDataService {
  constructor(private readonly ctx: ServiceContext) {}

  /**
   * Sets global (`roomId` undefined) or per-room account data.
   * @throws {MatrixError} `M_FORBIDDEN` for another user, `M_INVALID_PARAM` for a bad room ID,
   *   405 `M_BAD_JSON` for server-managed types.
   */
  async put(requester: Requester, userId: string, roomId: string | undefined, type: string, content: Record<string, unknown>): Promise<void> {
    this.#check(requester, userId, roomId);
    if (SERVER_MANAGED_ACCOUNT_DATA.has(type)) throw new HttpMatrixError(405, "M_BAD_JSON", `Cannot set ${type} through this API.`);
    await this.ctx.db.transaction((tx) => new AccountDataStore(tx).put(userId, roomId ?? "", type, content));
    this.ctx.notifier.notify([userId]);
  }

  /**
   * Reads account data.
   * @throws {MatrixError} `M_FORBIDDEN`, `M_INVALID_PARAM`, `M_NOT_FOUND` when unset.
   */
  async get(requester: Requester, userId: string, roomId: string | undefined, type: string): Promise<Record<string, unknown>> {
    this.#check(requester, userId, roomId);
    const content = await new AccountDataStore(this.ctx.db).get(userId, roomId ?? "", type);
    if (!content) throw new MatrixError("M_NOT_FOUND", "Account data not found");
    return content;
  }

  /** `GET …/tags`: `{ tags }`, empty when none. */
  async getTags(requester: Requester, userId: string, roomId: string): Promise<{ tags: Record<string, unknown> }> {
    this.#check(requester, userId, roomId);
    const content = await new AccountDataStore(this.ctx.db).get(userId, roomId, "m.tag");
    return { tags: tagsOf(content) };
  }

  /** `PUT …/tags/{tag}` with `{ order? }`. */
  async putTag(requester: Requester, userId: string, roomId: string, tag: string, body: Record<string, unknown>): Promise<void> {
    this.#check(requester, userId, roomId);
    if (tag.length === 0 || tag.length > 255) throw new MatrixError("M_INVALID_PARAM", "tags are 1–255 characters");
    await this.#editTags(userId, roomId, (tags) => ({ ...tags, [tag]: body }));
  }

  /** `DELETE …/tags/{tag}`. */
  async deleteTag(requester: Requester, userId: string, roomId: string, tag: string): Promise<void> {
    this.#check(requester, userId, roomId);
    await this.#editTags(userId, roomId, (tags) => Object.fromEntries(Object.entries(tags).filter(([name]) => name !== tag)));
  }

  async #editTags(userId: string, roomId: string, edit: (tags: Record<string, unknown>) => Record<string, unknown>): Promise<void> {
    await this.ctx.db.transaction(async (tx) => {
      const store = new AccountDataStore(tx);
      const tags = tagsOf(await store.get(userId, roomId, "m.tag", true));
      await store.put(userId, roomId, "m.tag", { tags: edit(tags) });
    });
    this.ctx.notifier.notify([userId]);
  }

  #check(requester: Requester, userId: string, roomId: string | undefined): void {
    if (requester.userId !== userId) throw new MatrixError("M_FORBIDDEN", "Cannot access account data of other users.");
    if (roomId !== undefined && !isRoomId(roomId)) throw new MatrixError("M_INVALID_PARAM", "Invalid room ID");
  }
}

function tagsOf(content: Record<string, unknown> | undefined): Record<string, unknown> {
  const tags = content?.tags;
  return typeof tags === "object" && tags !== null && !Array.isArray(tags) ? (tags as Record<string, unknown>) : {};
}
