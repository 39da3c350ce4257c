// Access tokens, login, logout and refresh:
// https://spec.matrix.org/v1.19/client-server-api/#using-access-tokens
// https://spec.matrix.org/v1.19/client-server-api/#legacy-login
// https://spec.matrix.org/v1.19/client-server-api/#refreshing-access-tokens
// https://spec.matrix.org/v1.19/client-server-api/#soft-logout

import { MatrixError } from "@weft/common";
import { AccessTokensStore, AccountsStore, DevicesStore, type Queryable } from "@weft/storage-pg";
import type { Requester } from "../http/route.js";
import type { DevicesService } from "./devices-service.js";
import type { ServiceContext } from "./index.js";
import { verifyPassword } from "./password-hash.js";
import { ACCESS_TOKEN_PREFIX, REFRESH_TOKEN_PREFIX, generateDeviceId, generateToken, hashToken } from "./tokens.js";

/** How long an access token lives when the client uses refresh tokens. */
export const ACCESS_TOKEN_LIFETIME_MS = 5 * 60_000;

/** How often a device's last-seen time is written (at most). */
const LAST_SEEN_INTERVAL_MS = 60_000;

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
  constructor(
    private readonly ctx: ServiceContext,
    private readonly devices: DevicesService,
  ) {}

  /**
   * Resolves an access token to its requester.
   * @throws {MatrixError} `M_UNKNOWN_TOKEN` (with `soft_logout: true` when it has expired).
   */
  async authenticate(accessToken: string): Promise<Requester> {
    const row = await new AccessTokensStore(this.ctx.db).lookupAccessToken(hashToken(accessToken));
    if (!row || row.deactivated) throw new MatrixError("M_UNKNOWN_TOKEN", "Unknown access token", { extra: { soft_logout: false } });
    const now = this.ctx.now();
    if (row.expires_ts !== null && now >= row.expires_ts) {
      throw new MatrixError("M_UNKNOWN_TOKEN", "Access token has expired", { extra: { soft_logout: true } });
    }
    if (!row.used) {
      // First use of a refreshed token revokes the refresh token it replaced.
      await this.ctx.db.transaction((tx) => new AccessTokensStore(tx).markAccessTokenUsed(row.id, row.refresh_token_id));
    }
    if (row.last_seen_ts === null || now - row.last_seen_ts > LAST_SEEN_INTERVAL_MS) {
      void new DevicesStore(this.ctx.db).touchDevice(row.user_id, row.device_id, now).catch(() => undefined);
    }
    return { userId: row.user_id, deviceId: row.device_id, tokenId: String(row.id), isAdmin: row.is_admin };
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
    if (!created) await tokens.deleteDeviceTokens(options.userId, deviceId);
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
    return this.ctx.db.transaction((tx) =>
      this.issueSession(tx, {
        userId,
        deviceId: request.device_id,
        displayName: request.initial_device_display_name,
        ip,
        refresh: request.refresh_token === true,
      }),
    );
  }

  /**
   * `POST /refresh`: rotates the refresh token. The old refresh token stays
   * valid until the new access or refresh token is first used; the old access
   * token is revoked at once.
   * @throws {MatrixError} `M_UNKNOWN_TOKEN` (`soft_logout: true`) for an unknown or revoked token.
   */
  async refresh(refreshToken: string): Promise<Required<Omit<IssuedSession, "user_id" | "device_id">>> {
    return this.ctx.db.transaction(async (tx) => {
      const tokens = new AccessTokensStore(tx);
      const row = await tokens.lookupRefreshToken(hashToken(refreshToken));
      if (!row) throw new MatrixError("M_UNKNOWN_TOKEN", "Unknown refresh token", { extra: { soft_logout: true } });
      await tokens.revokeReplacedBy(row.id);
      if (row.next_id !== null) await tokens.deleteRefreshToken(row.next_id);
      await tokens.deleteAccessTokensOfRefreshToken(row.id);
      const { session: issued, refreshTokenId } = await this.#issueTokens(tokens, row.user_id, row.device_id, true, this.ctx.now());
      await tokens.setNextRefreshToken(row.id, refreshTokenId!);
      return { access_token: issued.access_token, refresh_token: issued.refresh_token!, expires_in_ms: issued.expires_in_ms! };
    });
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
