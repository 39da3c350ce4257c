// Push rules (read side): https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3pushrules
// An account's ruleset is the server default from @weft/push-rules until it
// is edited (editing endpoints arrive with the push issue and store the
// edited ruleset through PushRulesStore).

import { serverDefaultRuleset, type Ruleset } from "@weft/push-rules";
import { PushRulesStore } from "@weft/storage-pg";
import type { ServiceContext } from "./index.js";

/**
 * Reads each account's push ruleset.
 *
 * @example
 * ```ts
 * const { global } = await pushRules.getRulesets("@alice:example.com");
 * ```
 */
export class PushRulesService {
  constructor(private readonly ctx: ServiceContext) {}

  /** The account's ruleset: stored when edited, else the server default. */
  async getRuleset(userId: string): Promise<Ruleset> {
    const stored = await new PushRulesStore(this.ctx.db).get(userId);
    return stored ? (stored.ruleset as unknown as Ruleset) : serverDefaultRuleset(userId);
  }

  /** `GET /pushrules/`: `{ global: ruleset }`. */
  async getRulesets(userId: string): Promise<{ global: Ruleset }> {
    return { global: await this.getRuleset(userId) };
  }
}
