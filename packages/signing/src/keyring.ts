// A cache of other servers' keys for https://spec.matrix.org/v1.19/server-server-api/#retrieving-server-keys
// that answers the key lookups of event and request verification
// (https://spec.matrix.org/v1.19/server-server-api/#validating-hashes-and-signatures-on-received-events).
// No I/O here: keys arrive through the caller's `fetchServerKeys` port and the
// time through its `now` port. The cache is per instance and bounded.

import type { KeyLookupResult } from "./event-signing.js";
import type { Ed25519Backend } from "./ed25519/backend.js";
import { type PublicKeyInput, VerifyKey, toVerifyKey } from "./keys.js";
import { SigningError } from "./errors.js";
import { type ServerKeysVerification, type VerifiedKey, verifyServerKeysResponse } from "./server-keys.js";

/**
 * Fetches the keys of `serverName` and returns the JSON: the body of its
 * `GET /_matrix/key/v2/server`, or a notary's `POST /_matrix/key/v2/query` answer
 * (`{ server_keys: [...] }`).
 */
export type FetchServerKeys = (serverName: string, keyIds: readonly string[]) => Promise<unknown>;

/** Options of {@link Keyring}. */
export interface KeyringOptions {
  /** The clock (ms since the epoch), e.g. `Date.now`. */
  now: () => number;
  /** The fetch port; without it the keyring only answers from what was added. */
  fetchServerKeys?: FetchServerKeys;
  /** How many servers to keep keys for (least recently used go first). Default 1000. */
  maxServers?: number;
  /** Do not fetch a server's keys again sooner than this after a fetch (also after a failed one). Default 60 000 ms. */
  minRefetchIntervalMs?: number;
  /** Ed25519 backend for the keys (default: node:crypto where available). */
  backend?: Ed25519Backend;
}

interface ServerEntry {
  keys: Map<string, VerifiedKey>;
  /** When the last fetch finished (successful or not); undefined if never fetched. */
  lastFetchTs: number | undefined;
  /** Why the last fetch failed, if it did. */
  lastError: string | undefined;
}

/**
 * Keeps other servers' verify keys, fetches missing ones through a port
 * (coalescing concurrent fetches per server), and answers the key lookups of
 * {@link verifyEvent} and {@link verifyRequest}. Stored keys are {@link VerifyKey}s,
 * so node KeyObjects are prepared once per key.
 *
 * @example
 * ```ts
 * const keyring = new Keyring({
 *   now: Date.now,
 *   fetchServerKeys: async (server) => (await fetch(`https://${server}/_matrix/key/v2/server`)).json(),
 * });
 * const result = await verifyEvent(pdu, "12", keyring.keyLookup);
 * ```
 */
export class Keyring {
  readonly #options: KeyringOptions;
  readonly #max: number;
  readonly #refetchMs: number;
  readonly #servers = new Map<string, ServerEntry>();
  readonly #inFlight = new Map<string, Promise<void>>();

  /** @param options - clock, fetch port and limits. */
  constructor(options: KeyringOptions) {
    if (typeof options?.now !== "function") {
      throw new SigningError("INVALID_OPTIONS", "expected options.now to be a clock function, got " + typeof options?.now);
    }
    this.#options = options;
    this.#max = Math.max(1, options.maxServers ?? 1000);
    this.#refetchMs = options.minRefetchIntervalMs ?? 60_000;
  }

  #entry(serverName: string, create: boolean): ServerEntry | undefined {
    let entry = this.#servers.get(serverName);
    if (entry !== undefined) {
      // Touch: move to the back of the LRU order.
      this.#servers.delete(serverName);
      this.#servers.set(serverName, entry);
      return entry;
    }
    if (!create) return undefined;
    entry = { keys: new Map(), lastFetchTs: undefined, lastError: undefined };
    this.#servers.set(serverName, entry);
    while (this.#servers.size > this.#max) {
      const oldest = this.#servers.keys().next();
      if (oldest.done === true) break;
      this.#servers.delete(oldest.value);
    }
    return entry;
  }

  /**
   * The cached key, if any, without fetching. Has the {@link SyncKeyLookup} shape,
   * for {@link verifyEventSync} after {@link Keyring.prefetch}.
   */
  readonly syncKeyLookup = (serverName: string, keyId: string, _atTs?: number): KeyLookupResult | null => {
    const known = this.#servers.get(serverName)?.keys.get(keyId);
    return known === undefined ? null : { key: known.key, validUntilTs: known.validUntilTs };
  };

  /**
   * The {@link KeyLookup} for {@link verifyEvent} and {@link verifyRequest}:
   * answers from the cache when it has a key valid at `atTs` (at once, no
   * promise); otherwise fetches the server's keys (at most once per
   * `minRefetchIntervalMs`, shared by concurrent callers) and answers with
   * whatever it then has, or `null`.
   */
  readonly keyLookup = (serverName: string, keyId: string, atTs: number): KeyLookupResult | null | Promise<KeyLookupResult | null> => {
    const known = this.#servers.get(serverName)?.keys.get(keyId);
    if (known !== undefined && (known.old || known.validUntilTs >= atTs)) {
      return { key: known.key, validUntilTs: known.validUntilTs };
    }
    if (!this.#shouldFetch(serverName)) return known === undefined ? null : { key: known.key, validUntilTs: known.validUntilTs };
    return this.#fetch(serverName, [keyId]).then(() => this.syncKeyLookup(serverName, keyId, atTs));
  };

  #shouldFetch(serverName: string): boolean {
    if (this.#options.fetchServerKeys === undefined) return false;
    if (this.#inFlight.has(serverName)) return true;
    const last = this.#servers.get(serverName)?.lastFetchTs;
    return last === undefined || this.#options.now() - last >= this.#refetchMs;
  }

  #fetch(serverName: string, keyIds: readonly string[]): Promise<void> {
    const running = this.#inFlight.get(serverName);
    if (running !== undefined) return running;
    const fetcher = this.#options.fetchServerKeys!;
    const task = (async () => {
      let outcome: ServerKeysVerification | Error;
      try {
        outcome = this.#verifyFetched(await fetcher(serverName, keyIds), serverName);
      } catch (err) {
        outcome = err instanceof Error ? err : new Error(String(err));
      }
      const entry = this.#entry(serverName, true)!;
      entry.lastFetchTs = this.#options.now();
      if (outcome instanceof Error) {
        entry.lastError = `fetch failed: ${outcome.message}`;
      } else if (!outcome.ok) {
        entry.lastError = `${outcome.reason}: ${outcome.message}`;
      } else {
        entry.lastError = undefined;
        for (const [id, key] of outcome.keys.keys) entry.keys.set(id, key);
      }
    })().finally(() => this.#inFlight.delete(serverName));
    this.#inFlight.set(serverName, task);
    return task;
  }

  /**
   * Verifies what the fetch port returned: a `/_matrix/key/v2/server` response,
   * or a notary's `/_matrix/key/v2/query` answer (`{ server_keys: [...] }`), of
   * which every entry for `serverName` must carry the server's own signature
   * (the notary's signature is not checked: trust comes from the self-signature).
   */
  #verifyFetched(json: unknown, serverName: string): ServerKeysVerification {
    const list = typeof json === "object" && json !== null ? (json as { server_keys?: unknown }).server_keys : undefined;
    if (!Array.isArray(list)) return verifyServerKeysResponse(json, serverName, this.#options.now(), this.#backendOption());
    const merged = new Map<string, VerifiedKey>();
    let last: ServerKeysVerification = { ok: false, reason: "wrong_server_name", message: `expected an entry for ${serverName} in server_keys` };
    let validUntilTs = 0;
    for (const entry of list) {
      if (typeof entry !== "object" || entry === null || (entry as { server_name?: unknown }).server_name !== serverName) continue;
      last = verifyServerKeysResponse(entry, serverName, this.#options.now(), this.#backendOption());
      if (!last.ok) continue;
      validUntilTs = Math.max(validUntilTs, last.keys.validUntilTs);
      for (const [id, key] of last.keys.keys) {
        const known = merged.get(id);
        if (known === undefined || known.validUntilTs < key.validUntilTs) merged.set(id, key);
      }
    }
    return merged.size > 0 ? { ok: true, keys: { serverName, validUntilTs, keys: merged } } : last;
  }

  #backendOption(): { backend?: Ed25519Backend } {
    return this.#options.backend === undefined ? {} : { backend: this.#options.backend };
  }

  /**
   * Fetches, in parallel, the keys of every server that lacks one of the
   * requested keys (valid at `atTs`, when given). Use before {@link verifyEventSync}.
   *
   * @param requests - the keys wanted.
   * @returns when every needed fetch has finished (fetch failures are recorded, not thrown).
   */
  async prefetch(requests: Iterable<{ serverName: string; keyId: string; atTs?: number }>): Promise<void> {
    const wanted = new Map<string, string[]>();
    for (const { serverName, keyId, atTs } of requests) {
      const known = this.#servers.get(serverName)?.keys.get(keyId);
      if (known !== undefined && (known.old || atTs === undefined || known.validUntilTs >= atTs)) continue;
      if (!this.#shouldFetch(serverName)) continue;
      const list = wanted.get(serverName) ?? [];
      list.push(keyId);
      wanted.set(serverName, list);
    }
    await Promise.all([...wanted].map(([serverName, keyIds]) => this.#fetch(serverName, keyIds)));
  }

  /**
   * Verifies a `/_matrix/key/v2/server` response obtained elsewhere (e.g. from a
   * notary's `/query`) and stores its keys.
   *
   * @param json - the response.
   * @param serverName - whose keys it should hold.
   * @returns the verification result.
   */
  addServerKeysResponse(json: unknown, serverName: string): ServerKeysVerification {
    const result = verifyServerKeysResponse(json, serverName, this.#options.now(), this.#backendOption());
    if (result.ok) {
      const entry = this.#entry(serverName, true)!;
      for (const [id, key] of result.keys.keys) entry.keys.set(id, key);
    }
    return result;
  }

  /**
   * Stores a key trusted by other means (this server's own keys, configuration).
   *
   * @param serverName - the key's server.
   * @param keyId - `ed25519:<version>`.
   * @param publicKey - the key.
   * @param validUntilTs - until when it is valid (default: forever).
   * @param old - true if it may only verify events (an old key).
   * @throws {SigningError} `INVALID_PUBLIC_KEY` for a malformed key.
   */
  addVerifyKey(serverName: string, keyId: string, publicKey: PublicKeyInput, validUntilTs = Number.MAX_SAFE_INTEGER, old = false): void {
    const key = toVerifyKey(publicKey, this.#options.backend);
    if (key === undefined) throw new SigningError("INVALID_PUBLIC_KEY", `expected a 32-byte public key for ${serverName} ${keyId}`);
    const stored = key.keyId === keyId ? key : new VerifyKey(key.publicKey, { keyId, ...this.#backendOption() });
    this.#entry(serverName, true)!.keys.set(keyId, { key: stored, validUntilTs, old });
  }

  /** Why the last fetch of a server's keys failed, if it did. */
  lastFetchError(serverName: string): string | undefined {
    return this.#servers.get(serverName)?.lastError;
  }

  /** How many servers have cached keys or fetch records. */
  get size(): number {
    return this.#servers.size;
  }

  /** Forgets everything (in-flight fetches still complete). */
  clear(): void {
    this.#servers.clear();
  }
}
