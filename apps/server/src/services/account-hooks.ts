// Extension points other services plug into when an account changes, so
// accounts code never imports rooms or E2EE code:
// - https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3accountdeactivate
//   (the rooms service leaves the user's rooms),
// - https://spec.matrix.org/v1.19/client-server-api/#put_matrixclientv3profileuseridkeyname
//   (the rooms service sends updated membership events),
// - https://spec.matrix.org/v1.19/client-server-api/#delete_matrixclientv3devicesdeviceid
//   (E2EE deletes the device's keys).

/** Callbacks run after the change commits; a failing callback is logged, not fatal. */
export interface AccountHooks {
  /** After an account is deactivated (leave rooms, drop keys…). */
  readonly onUserDeactivated: Array<(userId: string) => Promise<void>>;
  /** After a profile field changes (propagate membership events). */
  readonly onProfileChanged: Array<(userId: string) => Promise<void>>;
  /** After devices are deleted (their tokens are already gone). */
  readonly onDevicesDeleted: Array<(userId: string, deviceIds: readonly string[]) => Promise<void>>;
}

/** An empty set of hooks. */
export function createAccountHooks(): AccountHooks {
  return { onUserDeactivated: [], onProfileChanged: [], onDevicesDeleted: [] };
}

/**
 * Runs every callback, logging failures instead of throwing.
 * @example
 * ```ts
 * await runHooks(hooks.onUserDeactivated, [userId], logger);
 * ```
 */
export async function runHooks<A extends unknown[]>(
  hooks: ReadonlyArray<(...args: A) => Promise<void>>,
  args: A,
  logger: { error(obj: object, msg: string): void },
): Promise<void> {
  for (const hook of hooks) {
    try {
      await hook(...args);
    } catch (error) {
      logger.error({ err: error }, "account hook failed");
    }
  }
}
