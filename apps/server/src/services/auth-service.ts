// Access tokens, login, logout and refresh:
// https://spec.matrix.org/v1.19/client-server-api/#using-access-tokens
// https://spec.matrix.org/v1.19/client-server-api/#legacy-login
// https://spec.matrix.org/v1.19/client-server-api/#refreshing-access-tokens
// https://spec.matrix.org/v1.19/client-server-api/#soft-logout

import { MatrixError } from "@weft/common";
import { AccessTokensStore, AccountsStore, DevicesStore, type Database, type Queryable } from "@weft/storage-pg";
import type { Requester } from "../http/route.js";
import type { AccountHooks } from "./account-hooks.js";
import type { DevicesService } from "./devices-service.js";
import type { ServiceContext } from "./index.js";
import { verifyPassword } from "./password-hash.js";
import { ACCESS_TOKEN_PREFIX, REFRESH_TOKEN_PREFIX, generateDeviceId, generateToken, hashToken } from "./tokens.js";

/** How long an access token lives when the client uses refresh tokens. */
export const ACCESS_TOKEN_LIFETIME_MS = 5 * 60_000;

/** How often a device's last-seen time is written (at most). */
const LAST_SEEN_INTERVAL_MS = 60_000;

/**
 * How long a resolved access token is trusted without asking the database.
 * Revocations (logout, device deletion, password change, deactivation,
 * refresh, re-login on a device) drop the entry at once in this process and,
 * relayed on {@link TOKEN_REVOCATION_CHANNEL}, in every other server process
 * sharing the database; this delay only bounds a relay message that was lost
 * (a dropped LISTEN connection). Expiry (`expires_ts`) is checked on every
 * request, cached or not.
 */
export const TOKEN_CACHE_TTL_MS = 5_000;

/** The NOTIFY channel revocations travel on between server processes. */
export const TOKEN_REVOCATION_CHANNEL = "weft_token_revoked";

interface RevocationMessage {
  userId: string;
  deviceIds?: string[];
}

/** Most tokens cached (least recently resolved dropped first). */
const TOKEN_CACHE_MAX = 10_000;

interface CachedToken {
  readonly requester: Requester;
  readonly expiresTs: number | null;
  /** `performance.now()` when resolved from the database. */
  readonly resolvedAt: number;
  lastSeenTs: number | null;
}

/** The tokens a login or registration hands out. */
export interface IssuedSession {
  readonly user_id: string;
  readonly device_id: string;
  readonly access_token: string;
  readonly refresh_token?: string;
  readonly expires_in_ms?: number;
}

/** A user identifier object (https://spec.matrix.org/v1.19/client-server-api/#identifier-types). */
export interface UserIdentifier {
  readonly type: string;
  readonly user?: unknown;
  readonly [key: string]: unknown;
}

/** Body of `POST /login` after schema checks. */
export interface LoginRequest {
  readonly type: string;
  readonly identifier?: UserIdentifier | undefined;
  readonly user?: string | undefined;
  readonly password?: string | undefined;
  readonly device_id?: string | undefined;
  readonly initial_device_display_name?: string | undefined;
  readonly refresh_token?: boolean | undefined;
}

/**
 * Authenticates requests and issues, refreshes and revokes tokens.
 *
 * @example
 * ```ts
 * const requester = await auth.authenticate(accessToken);
 * ```
 */
export class AuthService {
  /** Resolved tokens by digest (see {@link TOKEN_CACHE_TTL_MS}). */
  readonly #tokens = new Map<string, CachedToken>();
  /** Grows with every revocation seen: a lookup that raced one is not cached. */
  #revocations = 0;
  /** The shared PostgreSQL revocations are relayed through, once connected. */
  #relay: Database | undefined;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly devices: DevicesService,
    hooks?: AccountHooks,
  ) {
    // Revocations in this process take effect at once.
    hooks?.onDevicesDeleted.unshift(async (userId, deviceIds) => this.forgetTokens(userId, deviceIds));
    hooks?.onUserDeactivated.unshift(async (userId) => this.forgetTokens(userId));
  }

  /**
   * Relays revocations through the database so that other server processes
   * sharing it forget revoked tokens at once (PostgreSQL only; PGlite has one
   * process). Every process, this one included, forgets again when a
   * revocation's NOTIFY arrives: NOTIFY is delivered after commit, so a lookup
   * that read the token just before the revoking transaction committed is
   * forgotten too.
   */
  async connect(db: Database): Promise<void> {
    if (db.kind !== "postgres" || this.#relay) return;
    await db.listen(TOKEN_REVOCATION_CHANNEL, (payload) => {
      try {
        const m = JSON.parse(payload) as RevocationMessage;
        if (typeof m.userId !== "string") return;
        const deviceIds = Array.isArray(m.deviceIds) ? m.deviceIds.filter((d): d is string => typeof d === "string") : undefined;
        this.#forgetHere(m.userId, deviceIds);
      } catch {
        // A malformed payload is not ours to act on.
      }
    });
    this.#relay = db;
  }

  /**
   * Resolves an access token to its requester: from the per-process cache
   * when resolved in the last {@link TOKEN_CACHE_TTL_MS}, else from the database.
   * @throws {MatrixError} `M_UNKNOWN_TOKEN` (with `soft_logout: true` when it has expired).
   */
  async authenticate(accessToken: string): Promise<Requester> {
    const digest = hashToken(accessToken);
    const now = this.ctx.now();
    const cached = this.#tokens.get(digest);
    if (cached && performance.now() - cached.resolvedAt < TOKEN_CACHE_TTL_MS) {
      if (cached.expiresTs !== null && now >= cached.expiresTs) {
        throw new MatrixError("M_UNKNOWN_TOKEN", "Access token has expired", { extra: { soft_logout: true } });
      }
      this.#touch(cached, now);
      return cached.requester;
    }
    const generation = this.#revocations;
    const row = await new AccessTokensStore(this.ctx.db).lookupAccessToken(digest);
    if (!row || row.deactivated) {
      this.#tokens.delete(digest);
      throw new MatrixError("M_UNKNOWN_TOKEN", "Unknown access token", { extra: { soft_logout: false } });
    }
    if (row.expires_ts !== null && now >= row.expires_ts) {
      throw new MatrixError("M_UNKNOWN_TOKEN", "Access token has expired", { extra: { soft_logout: true } });
    }
    if (!row.used) {
      // First use of a refreshed token revokes the refresh token it replaced.
      await this.ctx.db.transaction((tx) => new AccessTokensStore(tx).markAccessTokenUsed(row.id, row.refresh_token_id));
      this.forgetTokens(row.user_id, [row.device_id]);
    }
    const entry: CachedToken = {
      requester: { userId: row.user_id, deviceId: row.device_id, tokenId: String(row.id), isAdmin: row.is_admin },
      expiresTs: row.expires_ts,
      resolvedAt: performance.now(),
      lastSeenTs: row.last_seen_ts,
    };
    this.#tokens.delete(digest);
    // A revocation seen while the row was on its way may be this token's: use it once, uncached.
    if (generation === this.#revocations) {
      this.#tokens.set(digest, entry);
      if (this.#tokens.size > TOKEN_CACHE_MAX) this.#tokens.delete(this.#tokens.keys().next().value!);
    }
    this.#touch(entry, now);
    return entry.requester;
  }

  /** Writes the device's last-seen time at most every {@link LAST_SEEN_INTERVAL_MS}. */
  #touch(entry: CachedToken, now: number): void {
    if (entry.lastSeenTs !== null && now - entry.lastSeenTs <= LAST_SEEN_INTERVAL_MS) return;
    entry.lastSeenTs = now;
    const { userId, deviceId } = entry.requester;
    void new DevicesStore(this.ctx.db).touchDevice(userId, deviceId, now).catch(() => undefined);
  }

  /**
   * Drops cached tokens of `userId` (of `deviceIds` only, when given), here
   * and in every process sharing the database: called whenever this process
   * revokes tokens.
   */
  forgetTokens(userId: string, deviceIds?: readonly string[]): void {
    this.#forgetHere(userId, deviceIds);
    if (this.#relay) {
      const message: RevocationMessage = deviceIds ? { userId, deviceIds: [...deviceIds] } : { userId };
      void this.#relay.query("SELECT pg_notify($1, $2)", [TOKEN_REVOCATION_CHANNEL, JSON.stringify(message)]).catch((err: unknown) => {
        this.ctx.logger.warn({ err }, "token revocation relay failed; other processes forget within the cache TTL");
      });
    }
  }

  #forgetHere(userId: string, deviceIds: readonly string[] | undefined): void {
    this.#revocations++;
    for (const [digest, entry] of this.#tokens) {
      if (entry.requester.userId === userId && (!deviceIds || deviceIds.includes(entry.requester.deviceId))) this.#tokens.delete(digest);
    }
  }

  /**
   * Creates (or reuses) a device and issues its tokens inside `tx`. Reusing a
   * device revokes the tokens it had.
   */
  async issueSession(
    tx: Queryable,
    options: { userId: string; deviceId?: string | undefined; displayName?: string | undefined; ip: string; refresh: boolean },
  ): Promise<IssuedSession> {
    const now = this.ctx.now();
    const deviceId = options.deviceId ?? generateDeviceId();
    const created = await new DevicesStore(tx).upsertDevice({ userId: options.userId, deviceId, displayName: options.displayName ?? null, ip: options.ip, now });
    const tokens = new AccessTokensStore(tx);
    if (!created) {
      await tokens.deleteDeviceTokens(options.userId, deviceId);
      this.forgetTokens(options.userId, [deviceId]);
    }
    return (await this.#issueTokens(tokens, options.userId, deviceId, options.refresh, now)).session;
  }

  async #issueTokens(
    tokens: AccessTokensStore,
    userId: string,
    deviceId: string,
    refresh: boolean,
    now: number,
  ): Promise<{ session: IssuedSession; refreshTokenId: number | null }> {
    const accessToken = generateToken(ACCESS_TOKEN_PREFIX);
    if (!refresh) {
      await tokens.insertAccessToken({ tokenHash: hashToken(accessToken), userId, deviceId, expiresTs: null, refreshTokenId: null, now });
      return { session: { user_id: userId, device_id: deviceId, access_token: accessToken }, refreshTokenId: null };
    }
    const refreshToken = generateToken(REFRESH_TOKEN_PREFIX);
    const refreshTokenId = await tokens.insertRefreshToken({ tokenHash: hashToken(refreshToken), userId, deviceId, now });
    await tokens.insertAccessToken({
      tokenHash: hashToken(accessToken),
      userId,
      deviceId,
      expiresTs: now + ACCESS_TOKEN_LIFETIME_MS,
      refreshTokenId,
      now,
    });
    return {
      session: { user_id: userId, device_id: deviceId, access_token: accessToken, refresh_token: refreshToken, expires_in_ms: ACCESS_TOKEN_LIFETIME_MS },
      refreshTokenId,
    };
  }

  /**
   * Resolves a user identifier (`m.id.user` with a user ID or localpart, or
   * the deprecated top-level `user`) to a local user ID as typed; the account
   * lookup itself ignores case.
   * @returns the user ID, or `undefined` when the identifier names no local user.
   * @throws {MatrixError} `M_UNKNOWN` for an unsupported identifier type.
   */
  resolveIdentifier(identifier: UserIdentifier | undefined, user: string | undefined): string | undefined {
    let name: unknown = user;
    if (identifier) {
      if (identifier.type === "m.id.thirdparty" || identifier.type === "m.id.phone") return undefined; // no 3PIDs are bound
      if (identifier.type !== "m.id.user") throw new MatrixError("M_UNKNOWN", `Unsupported identifier type ${identifier.type}`);
      name = identifier.user;
    }
    if (typeof name !== "string" || name.length === 0) throw new MatrixError("M_MISSING_PARAM", "Missing identifier.user");
    if (name.startsWith("@")) {
      const colon = name.indexOf(":");
      if (colon < 0 || name.slice(colon + 1) !== this.ctx.config.server_name) return undefined;
      return name;
    }
    return `@${name}:${this.ctx.config.server_name}`;
  }

  /**
   * Checks a user's password.
   * @returns the account's exact user ID when the password matches.
   */
  async checkPassword(userId: string, password: string): Promise<string | undefined> {
    const account = await new AccountsStore(this.ctx.db).findUserCaseInsensitive(userId);
    const ok = await verifyPassword(password, account && !account.deactivated ? account.password_hash : null);
    return ok && account ? account.user_id : undefined;
  }

  /**
   * `POST /login` with `m.login.password`.
   * @throws {MatrixError} `M_FORBIDDEN` on a wrong user or password, `M_UNKNOWN` for other login types.
   */
  async login(request: LoginRequest, ip: string): Promise<IssuedSession> {
    if (request.type !== "m.login.password") throw new MatrixError("M_UNKNOWN", `Unknown login type ${request.type}`);
    if (typeof request.password !== "string") throw new MatrixError("M_MISSING_PARAM", "Missing password");
    const named = this.resolveIdentifier(request.identifier, request.user);
    const userId = await this.checkPassword(named ?? "", request.password);
    if (!userId) throw new MatrixError("M_FORBIDDEN", "Invalid username or password");
    const session = await this.ctx.db.transaction((tx) =>
      this.issueSession(tx, {
        userId,
        deviceId: request.device_id,
        displayName: request.initial_device_display_name,
        ip,
        refresh: request.refresh_token === true,
      }),
    );
    // A re-used device's old tokens are gone: forget them again after commit (a
    // request racing the transaction may have cached one).
    if (request.device_id !== undefined) this.forgetTokens(userId, [session.device_id]);
    return session;
  }

  /**
   * `POST /refresh`: rotates the refresh token. The old refresh token stays
   * valid until the new access or refresh token is first used; the old access
   * token is revoked at once.
   * @throws {MatrixError} `M_UNKNOWN_TOKEN` (`soft_logout: true`) for an unknown or revoked token.
   */
  async refresh(refreshToken: string): Promise<Required<Omit<IssuedSession, "user_id" | "device_id">>> {
    let device: { userId: string; deviceId: string } | undefined;
    const issued = await this.ctx.db.transaction(async (tx) => {
      const tokens = new AccessTokensStore(tx);
      const row = await tokens.lookupRefreshToken(hashToken(refreshToken));
      if (!row) throw new MatrixError("M_UNKNOWN_TOKEN", "Unknown refresh token", { extra: { soft_logout: true } });
      this.forgetTokens(row.user_id, [row.device_id]);
      await tokens.revokeReplacedBy(row.id);
      if (row.next_id !== null) await tokens.deleteRefreshToken(row.next_id);
      await tokens.deleteAccessTokensOfRefreshToken(row.id);
      const { session: issued, refreshTokenId } = await this.#issueTokens(tokens, row.user_id, row.device_id, true, this.ctx.now());
      await tokens.setNextRefreshToken(row.id, refreshTokenId!);
      device = { userId: row.user_id, deviceId: row.device_id };
      return { access_token: issued.access_token, refresh_token: issued.refresh_token!, expires_in_ms: issued.expires_in_ms! };
    });
    // The replaced access token is revoked: forget it again after commit.
    if (device) this.forgetTokens(device.userId, [device.deviceId]);
    return issued;
  }

  /** `POST /logout`: deletes the requester's device and with it its tokens. */
  async logout(requester: Requester): Promise<void> {
    await this.devices.deleteDevices(requester.userId, [requester.deviceId]);
  }

  /** `POST /logout/all`: deletes every device and token of the user. */
  async logoutAll(requester: Requester): Promise<void> {
    await this.devices.deleteAllDevices(requester.userId);
  }
}
