// Wires the account-side services (registration, login, devices, profile,
// account data, filters, presence, push rules) over one ServiceContext.
// https://spec.matrix.org/v1.19/client-server-api/#client-authentication

import { createAccountHooks, type AccountHooks } from "./account-hooks.js";
import { AccountsService } from "./accounts-service.js";
import { AuthService } from "./auth-service.js";
import { DevicesService } from "./devices-service.js";
import type { ServiceContext } from "./index.js";
import { Uia } from "./uia.js";
import { ProfileService } from "./profile-service.js";
import { AccountDataService } from "./account-data-service.js";
import { FiltersService } from "./filters-service.js";
import { PresenceService } from "./presence-service.js";
import { PushRulesService } from "./pushrules-service.js";

/** The account-side services, part of `Services`. */
export interface AccountServices {
  readonly config: ServiceContext["config"];
  readonly auth: AuthService;
  readonly accounts: AccountsService;
  readonly devices: DevicesService;
  readonly uia: Uia;
  readonly profile: ProfileService;
  readonly accountData: AccountDataService;
  readonly filters: FiltersService;
  readonly presence: PresenceService;
  readonly pushRules: PushRulesService;
  /** Callbacks other services add to (rooms: leave rooms on deactivation, update memberships on profile changes). */
  readonly hooks: AccountHooks;
}

/**
 * Builds the account-side services.
 * @example
 * ```ts
 * const accounts = createAccountServices(ctx);
 * const requester = await accounts.auth.authenticate(token);
 * ```
 */
export function createAccountServices(ctx: ServiceContext): AccountServices {
  const hooks = createAccountHooks();
  const verifiers: Record<string, ConstructorParameters<typeof Uia>[2][string]> = {
    "m.login.dummy": async () => ({ ok: true }),
  };
  const uia = new Uia(ctx.db, ctx.now, verifiers);
  const devices = new DevicesService(ctx, hooks, uia);
  const auth = new AuthService(ctx, devices, hooks);
  auth.connect(ctx.db).catch((err: unknown) => ctx.logger.warn({ err }, "token revocation relay unavailable"));
  const accounts = new AccountsService(ctx, auth, uia, hooks);
  verifiers["m.login.password"] = accounts.passwordVerifier();
  verifiers["m.login.registration_token"] = accounts.registrationTokenVerifier();
  return {
    config: ctx.config,
    auth,
    accounts,
    devices,
    uia,
    hooks,
    profile: new ProfileService(ctx, hooks),
    accountData: new AccountDataService(ctx),
    filters: new FiltersService(ctx),
    presence: new PresenceService(ctx),
    pushRules: new PushRulesService(ctx),
  };
}
