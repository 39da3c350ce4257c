// Account registration, username availability, password change and
// deactivation:
// https://spec.matrix.org/v1.19/client-server-api/#account-registration
// https://spec.matrix.org/v1.19/client-server-api/#password-management
// https://spec.matrix.org/v1.19/client-server-api/#account-deactivation
// https://spec.matrix.org/v1.19/client-server-api/#token-authenticated-registration

import { timingSafeEqual } from "node:crypto";
import { MatrixError, MAX_IDENTIFIER_BYTES, utf8ByteLength } from "@weft/common";
import { AccessTokensStore, AccountsStore, DevicesStore } from "@weft/storage-pg";
import type { Requester } from "../http/route.js";
import { runHooks, type AccountHooks } from "./account-hooks.js";
import type { AuthService, IssuedSession } from "./auth-service.js";
import type { ServiceContext } from "./index.js";
import { hashPassword } from "./password-hash.js";
import { generateOpaqueId } from "./tokens.js";
import type { Uia, UiaChallenge, UiaFlow, UiaStageVerifier } from "./uia.js";

/** The longest password accepted (longer ones are certainly not typed by a person). */
export const MAX_PASSWORD_LENGTH = 1024;

/** Body of `POST /register` after schema checks. */
export interface RegisterRequest {
  readonly auth?: unknown;
  readonly username?: string | undefined;
  readonly password?: string | undefined;
  readonly device_id?: string | undefined;
  readonly initial_device_display_name?: string | undefined;
  readonly inhibit_login?: boolean | undefined;
  readonly refresh_token?: boolean | undefined;
}

/** A successful registration. */
export type RegisterResult = { user_id: string; home_server: string } & Partial<IssuedSession>;

/** Either done, or the UIA challenge to answer 401 with. */
export type UiaGated<T> = { ok: true; value: T } | { ok: false; challenge: UiaChallenge };

const LOCALPART = /^[a-z0-9._=\-/+]+$/;

/**
 * Registers, changes passwords of, and deactivates accounts.
 *
 * @example
 * ```ts
 * const outcome = await accounts.register(body, "user", ip);
 * ```
 */
export class AccountsService {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly auth: AuthService,
    private readonly uia: Uia,
    private readonly hooks: AccountHooks,
  ) {}

  /**
   * Maps a requested username to a localpart (lower-cased) and checks it.
   * @throws {MatrixError} `M_INVALID_USERNAME` when it cannot be a user ID here.
   */
  normalizeUsername(username: string): string {
    const localpart = username.toLowerCase();
    if (!LOCALPART.test(localpart)) {
      throw new MatrixError("M_INVALID_USERNAME", "User ID localparts may only contain a-z, 0-9, and . _ = - / +");
    }
    if (utf8ByteLength(`@${localpart}:${this.ctx.config.server_name}`) > MAX_IDENTIFIER_BYTES) {
      throw new MatrixError("M_INVALID_USERNAME", `User IDs may be at most ${MAX_IDENTIFIER_BYTES} bytes long`);
    }
    return localpart;
  }

  /**
   * `GET /register/available`.
   * @throws {MatrixError} `M_INVALID_USERNAME` or `M_USER_IN_USE`.
   */
  async checkAvailable(username: string): Promise<{ available: true }> {
    const localpart = this.normalizeUsername(username);
    if (await new AccountsStore(this.ctx.db).userExists(this.#userId(localpart))) throw new MatrixError("M_USER_IN_USE", "Desired user ID is already taken.");
    return { available: true };
  }

  /** The UIA flows registration offers in the configured mode. */
  registrationFlows(): UiaFlow[] {
    return this.ctx.config.registration === "token" ? [{ stages: ["m.login.registration_token"] }] : [{ stages: ["m.login.dummy"] }];
  }

  /**
   * `POST /register`. The username is checked before user-interactive auth, as the spec requires.
   * @throws {MatrixError} `M_FORBIDDEN` when registration is closed, `M_GUEST_ACCESS_FORBIDDEN`
   *   for guests, `M_INVALID_USERNAME`, `M_USER_IN_USE`.
   */
  async register(request: RegisterRequest, kind: "user" | "guest", ip: string): Promise<UiaGated<RegisterResult>> {
    if (kind === "guest") throw new MatrixError("M_GUEST_ACCESS_FORBIDDEN", "Guest accounts are not supported");
    if (this.ctx.config.registration === "closed") throw new MatrixError("M_FORBIDDEN", "Registration is disabled");
    const store = new AccountsStore(this.ctx.db);
    let localpart: string | undefined;
    if (request.username !== undefined && request.username !== "") {
      localpart = this.normalizeUsername(request.username);
      if (await store.userExists(this.#userId(localpart))) throw new MatrixError("M_USER_IN_USE", "Desired user ID is already taken.");
    }
    if (request.password !== undefined && request.password.length > MAX_PASSWORD_LENGTH) {
      throw new MatrixError("M_INVALID_PARAM", `password is longer than ${MAX_PASSWORD_LENGTH} characters`);
    }
    const outcome = await this.uia.check({ purpose: "register", flows: this.registrationFlows(), auth: request.auth });
    if (!outcome.ok) return outcome;
    const userId = this.#userId(localpart ?? generateOpaqueId(9).toLowerCase().replace(/[^a-z0-9]/g, "x"));
    const passwordHash = request.password ? await hashPassword(request.password) : null;
    const now = this.ctx.now();
    const token = outcome.data.registration_token;
    const result = await this.ctx.db.transaction(async (tx) => {
      const accounts = new AccountsStore(tx);
      if (typeof token === "string" && !this.#isConfiguredToken(token) && !(await accounts.useRegistrationToken(token, now))) {
        throw new MatrixError("M_FORBIDDEN", "The registration token is no longer valid");
      }
      if (!(await accounts.createUser({ userId, passwordHash, isAdmin: false, now }))) {
        throw new MatrixError("M_USER_IN_USE", "Desired user ID is already taken.");
      }
      const base = { user_id: userId, home_server: this.ctx.config.server_name };
      if (request.inhibit_login) return base;
      const session = await this.auth.issueSession(tx, {
        userId,
        deviceId: request.device_id,
        displayName: request.initial_device_display_name,
        ip,
        refresh: request.refresh_token === true,
      });
      return { ...base, ...session };
    });
    await this.uia.finish(outcome.session);
    return { ok: true, value: result };
  }

  /**
   * Creates an account directly (the `weft user create` command, admin tools).
   * @throws {MatrixError} `M_INVALID_USERNAME`, `M_USER_IN_USE`.
   */
  async createUser(options: { localpart: string; password: string | null; admin: boolean }): Promise<string> {
    const userId = this.#userId(this.normalizeUsername(options.localpart));
    const passwordHash = options.password === null ? null : await hashPassword(options.password);
    const created = await new AccountsStore(this.ctx.db).createUser({ userId, passwordHash, isAdmin: options.admin, now: this.ctx.now() });
    if (!created) throw new MatrixError("M_USER_IN_USE", "Desired user ID is already taken.");
    return userId;
  }

  /**
   * `POST /account/password` behind UIA with `m.login.password`. With
   * `logoutDevices` (the default) every other device and its tokens are deleted.
   */
  async changePassword(requester: Requester, request: { new_password: string; logout_devices?: boolean | undefined; auth?: unknown }): Promise<UiaGated<object>> {
    if (request.new_password.length > MAX_PASSWORD_LENGTH) throw new MatrixError("M_INVALID_PARAM", `new_password is longer than ${MAX_PASSWORD_LENGTH} characters`);
    const outcome = await this.uia.check({ purpose: "password", userId: requester.userId, flows: PASSWORD_FLOWS, auth: request.auth });
    if (!outcome.ok) return outcome;
    const passwordHash = await hashPassword(request.new_password);
    const deleted = await this.ctx.db.transaction(async (tx) => {
      await new AccountsStore(tx).setPasswordHash(requester.userId, passwordHash);
      return request.logout_devices === false ? [] : new DevicesStore(tx).deleteAllDevices(requester.userId, requester.deviceId);
    });
    await this.uia.finish(outcome.session);
    if (deleted.length > 0) await runHooks(this.hooks.onDevicesDeleted, [requester.userId, deleted], this.ctx.logger);
    return { ok: true, value: {} };
  }

  /** `POST /account/deactivate` behind UIA with `m.login.password`: no login ever again. */
  async deactivate(requester: Requester, request: { auth?: unknown }): Promise<UiaGated<{ id_server_unbind_result: "no-support" }>> {
    const outcome = await this.uia.check({ purpose: "deactivate", userId: requester.userId, flows: PASSWORD_FLOWS, auth: request.auth });
    if (!outcome.ok) return outcome;
    const deleted = await this.ctx.db.transaction(async (tx) => {
      await new AccountsStore(tx).deactivate(requester.userId);
      await new AccessTokensStore(tx).deleteUserTokens(requester.userId);
      return new DevicesStore(tx).deleteAllDevices(requester.userId);
    });
    await this.uia.finish(outcome.session);
    if (deleted.length > 0) await runHooks(this.hooks.onDevicesDeleted, [requester.userId, deleted], this.ctx.logger);
    await runHooks(this.hooks.onUserDeactivated, [requester.userId], this.ctx.logger);
    return { ok: true, value: { id_server_unbind_result: "no-support" } };
  }

  /**
   * `GET /register/m.login.registration_token/validity`.
   * @throws {MatrixError} `M_FORBIDDEN` when registration is not in token mode.
   */
  async registrationTokenValid(token: string): Promise<{ valid: boolean }> {
    if (this.ctx.config.registration !== "token") throw new MatrixError("M_FORBIDDEN", "Registration tokens are not in use");
    return { valid: await this.#tokenValid(token) };
  }

  /** The UIA verifier for `m.login.registration_token`. */
  registrationTokenVerifier(): UiaStageVerifier {
    return async (auth) => {
      const token = auth.token;
      if (typeof token !== "string" || !(await this.#tokenValid(token))) {
        return { ok: false, errcode: "M_FORBIDDEN", error: "Invalid registration token" };
      }
      return { ok: true, data: { registration_token: token } };
    };
  }

  /** The UIA verifier for `m.login.password`: the identifier must name the requester. */
  passwordVerifier(): UiaStageVerifier {
    return async (auth, { userId }) => {
      const identifier = auth.identifier as { type: string } | undefined;
      const named = typeof identifier === "object" && identifier !== null ? this.auth.resolveIdentifier(identifier, undefined) : typeof auth.user === "string" ? this.auth.resolveIdentifier(undefined, auth.user) : userId;
      const password = typeof auth.password === "string" ? auth.password : "";
      const matched = named ? await this.auth.checkPassword(named, password) : undefined;
      if (!matched || matched !== userId) return { ok: false, errcode: "M_FORBIDDEN", error: "Invalid password" };
      return { ok: true };
    };
  }

  async #tokenValid(token: string): Promise<boolean> {
    if (this.#isConfiguredToken(token)) return true;
    const row = await new AccountsStore(this.ctx.db).getRegistrationToken(token);
    if (!row) return false;
    if (row.uses_allowed !== null && row.completed >= row.uses_allowed) return false;
    return row.expiry_ts === null || Number(row.expiry_ts) > this.ctx.now();
  }

  #isConfiguredToken(token: string): boolean {
    const configured = this.ctx.config.registration_token;
    if (!configured) return false;
    const a = Buffer.from(token, "utf8");
    const b = Buffer.from(configured, "utf8");
    return a.length === b.length && timingSafeEqual(a, b);
  }

  #userId(localpart: string): string {
    return `@${localpart}:${this.ctx.config.server_name}`;
  }
}

const PASSWORD_FLOWS: readonly UiaFlow[] = [{ stages: ["m.login.password"] }];
