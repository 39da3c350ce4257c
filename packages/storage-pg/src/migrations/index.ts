// The schema, one file per migration. IDs sort in application order; a new
// migration gets a new file and a line here — never edit one that has shipped.
// Ranges by area keep concurrent work from colliding: 0001–0099 core
// (accounts, rooms, events, sync), 0100+ E2EE, 0200+ push, 0300+ media.

import { CORE_ACCOUNTS } from "./0001-accounts.js";
import { CORE_ROOMS } from "./0002-rooms.js";
import { SEARCH } from "./0003-search.js";
import { USER_REPORTS } from "./0004-user-reports.js";
import { OPENID_TOKENS } from "./0005-openid-tokens.js";
import { TRANSACTION_SCOPE } from "./0006-transaction-scope.js";
import { EXTREMITIES_IN_SUMMARY } from "./0007-extremities-in-summary.js";
import { EDGES_IN_EVENTS } from "./0008-edges-in-events.js";
import { MEDIA } from "./0300-media.js";
import { E2EE } from "./0100-e2ee.js";
import { PUSH } from "./0200-push.js";
import { PUSH_GROUPS } from "./0201-push-groups.js";

/** One schema change. */
export interface Migration {
  /** Sortable, unique, e.g. `"0001-accounts"`. */
  readonly id: string;
  readonly sql: string;
}

/** Every migration, in order. */
export const MIGRATIONS: readonly Migration[] = [CORE_ACCOUNTS, CORE_ROOMS, SEARCH, USER_REPORTS, OPENID_TOKENS, TRANSACTION_SCOPE, EXTREMITIES_IN_SUMMARY, EDGES_IN_EVENTS, E2EE, PUSH, PUSH_GROUPS, MEDIA];
