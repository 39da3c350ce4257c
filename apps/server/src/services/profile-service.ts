// Profiles: https://spec.matrix.org/v1.19/client-server-api/#profiles
// Fields are `displayname`, `avatar_url`, `m.tz` and custom namespaced keys
// (since v1.16). Changes to displayname/avatar_url are propagated to joined
// rooms as membership events through the onProfileChanged hook.

import { MatrixError, utf8ByteLength } from "@weft/common";
import { AccountsStore, ProfilesStore } from "@weft/storage-pg";
import type { Requester } from "../http/route.js";
import { runHooks, type AccountHooks } from "./account-hooks.js";
import type { ServiceContext } from "./index.js";

/** The key grammar of the profile endpoints. */
export const PROFILE_KEY = /^(avatar_url|displayname|m\.tz|[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+)$/;
/** The whole profile must stay under 64 KiB (spec). */
export const MAX_PROFILE_BYTES = 64 * 1024;
/** Longest key (spec: 255 bytes). */
export const MAX_PROFILE_KEY_BYTES = 255;
/** Longest display name we accept (characters). */
export const MAX_DISPLAYNAME_LENGTH = 256;
/** Longest avatar URL we accept (characters). */
export const MAX_AVATAR_URL_LENGTH = 1000;

const MEMBERSHIP_FIELDS = new Set(["displayname", "avatar_url"]);
const MXC_URI = /^mxc:\/\/[^/]+\/[A-Za-z0-9_-]+$/;

/**
 * Reads and writes user profiles.
 *
 * @example
 * ```ts
 * await profile.setField(requester, "@alice:example.com", "displayname", { displayname: "Alice" });
 * ```
 */
export class ProfileService {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly hooks: AccountHooks,
  ) {}

  /**
   * `GET /profile/{userId}`.
   * @throws {MatrixError} `M_NOT_FOUND` for unknown, remote or deactivated users.
   */
  async getProfile(userId: string): Promise<Record<string, unknown>> {
    await this.#requireLocalUser(userId);
    return new ProfilesStore(this.ctx.db).getProfile(userId);
  }

  /**
   * `GET /profile/{userId}/{keyName}`.
   * @throws {MatrixError} `M_NOT_FOUND` when the user or the field does not exist.
   */
  async getField(userId: string, key: string): Promise<Record<string, unknown>> {
    checkKey(key);
    const profile = await this.getProfile(userId);
    if (!(key in profile)) throw new MatrixError("M_NOT_FOUND", "Profile field not found");
    return { [key]: profile[key] };
  }

  /**
   * `PUT /profile/{userId}/{keyName}`. `null` or `""` for displayname/avatar_url removes them.
   * @throws {MatrixError} `M_FORBIDDEN` for another user, `M_MISSING_PARAM`, `M_INVALID_PARAM`,
   *   `M_KEY_TOO_LARGE`, `M_PROFILE_TOO_LARGE`.
   */
  async setField(requester: Requester, userId: string, key: string, body: Record<string, unknown>): Promise<void> {
    if (requester.userId !== userId) throw new MatrixError("M_FORBIDDEN", "Cannot change another user's profile");
    checkKey(key);
    if (!(key in body)) throw new MatrixError("M_MISSING_PARAM", `missing ${key} in request body`);
    const value = body[key];
    const remove = MEMBERSHIP_FIELDS.has(key) && (value === null || value === "");
    if (!remove) checkValue(key, value);
    await this.ctx.db.transaction(async (tx) => {
      const profiles = new ProfilesStore(tx);
      if (remove) {
        await profiles.deleteField(userId, key);
        return;
      }
      const profile = await profiles.getProfile(userId);
      profile[key] = value;
      if (utf8ByteLength(JSON.stringify(profile)) > MAX_PROFILE_BYTES) {
        throw new MatrixError("M_PROFILE_TOO_LARGE", `the profile would exceed ${MAX_PROFILE_BYTES} bytes`);
      }
      await profiles.setField(userId, key, value);
    });
    if (MEMBERSHIP_FIELDS.has(key)) await runHooks(this.hooks.onProfileChanged, [userId], this.ctx.logger);
  }

  /**
   * `DELETE /profile/{userId}/{keyName}`.
   * @throws {MatrixError} `M_FORBIDDEN` for another user, `M_INVALID_PARAM` for a bad key.
   */
  async deleteField(requester: Requester, userId: string, key: string): Promise<void> {
    if (requester.userId !== userId) throw new MatrixError("M_FORBIDDEN", "Cannot change another user's profile");
    checkKey(key);
    const existed = await new ProfilesStore(this.ctx.db).deleteField(userId, key);
    if (existed && MEMBERSHIP_FIELDS.has(key)) await runHooks(this.hooks.onProfileChanged, [userId], this.ctx.logger);
  }

  async #requireLocalUser(userId: string): Promise<void> {
    const account = await new AccountsStore(this.ctx.db).getUser(userId);
    if (!account || account.deactivated) throw new MatrixError("M_NOT_FOUND", "Profile not found");
  }
}

function checkKey(key: string): void {
  if (utf8ByteLength(key) > MAX_PROFILE_KEY_BYTES) throw new MatrixError("M_KEY_TOO_LARGE", `profile keys may be at most ${MAX_PROFILE_KEY_BYTES} bytes`);
  if (!PROFILE_KEY.test(key)) throw new MatrixError("M_INVALID_PARAM", `Invalid profile key ${JSON.stringify(key)}`);
}

function checkValue(key: string, value: unknown): void {
  if (key === "displayname") {
    if (typeof value !== "string") throw new MatrixError("M_BAD_JSON", "displayname must be a string");
    if (value.length > MAX_DISPLAYNAME_LENGTH) throw new MatrixError("M_INVALID_PARAM", `displayname is longer than ${MAX_DISPLAYNAME_LENGTH} characters`);
  } else if (key === "avatar_url") {
    if (typeof value !== "string") throw new MatrixError("M_BAD_JSON", "avatar_url must be a string");
    if (value.length > MAX_AVATAR_URL_LENGTH || !MXC_URI.test(value)) throw new MatrixError("M_INVALID_PARAM", "avatar_url must be an mxc:// URI");
  } else if (key === "m.tz" && typeof value !== "string") {
    throw new MatrixError("M_BAD_JSON", "m.tz must be a string");
  }
}
