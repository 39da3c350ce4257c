// Signing events and checking received ones:
// https://spec.matrix.org/v1.19/server-server-api/#adding-hashes-and-signatures-to-outgoing-events
// https://spec.matrix.org/v1.19/server-server-api/#validating-hashes-and-signatures-on-received-events
// Which servers must sign: the sender's (v3+, except 3rd-party invites); also
// the event ID's server in v1–2; and since v8, for a join with
// `join_authorised_via_users_server`, that user's server
// (https://spec.matrix.org/v1.19/rooms/v8/#authorization-rules, "signed by the
// server of that user"). Key validity (`valid_until_ts` ≥ `origin_server_ts`)
// is enforced since room version 5: https://spec.matrix.org/v1.19/rooms/v5/#signing-key-validity-period

import { LegacyNumber, decodeBase64, encodeBase64 } from "@weft/canonical-json";
import { EVENT_ID_FORMATS, redactEvent } from "@weft/common";
import type { RoomVersionRules } from "@weft/common";
import { defaultBackend } from "./ed25519/backend.js";
import { SigningError } from "./errors.js";
import { type RoomVersionInput, computeEventId, contentHashBytes, eventIdOfReferenceHash, redactedSignedBytes, rulesOf } from "./event-hashes.js";
import { domainOf, equalBytes, isJsonObject } from "./internal.js";
import { ED25519, type PublicKeyInput, type SigningKey, toVerifyKey } from "./keys.js";
import { attachSignature, decodeSignature } from "./sign-json.js";

/**
 * Signs an event: computes its content hash into `hashes.sha256`, redacts it,
 * signs the redacted form, and returns a NEW event — the full event with the
 * hash and the signature added (other signatures, other `hashes` entries and
 * `unsigned` are kept).
 *
 * @param event - the event to sign (v1–2 events need their `event_id` already).
 * @param serverName - the signing server.
 * @param key - its signing key.
 * @param roomVersion - the room version (selects redaction and number rules).
 * @returns the signed copy.
 * @throws {SigningError} `INVALID_EVENT` for a non-object or a value with no canonical JSON form;
 *   {@link MatrixError} `M_UNSUPPORTED_ROOM_VERSION`.
 * @example
 * ```ts
 * const signed = signEvent(
 *   { room_id: "!x:domain", sender: "@a:domain", origin: "domain", origin_server_ts: 1000000,
 *     type: "X", content: {}, prev_events: [], auth_events: [], depth: 3 },
 *   "domain", key, "1",
 * );
 * signed.hashes.sha256; // "5jM4wQpv6lnBo7CLIghJuHdW+s2CMBJPUOGOC89ncos"
 * ```
 * @see https://spec.matrix.org/v1.19/server-server-api/#adding-hashes-and-signatures-to-outgoing-events
 */
export function signEvent<T extends object>(
  event: T,
  serverName: string,
  key: SigningKey,
  roomVersion: RoomVersionInput,
): T & { hashes: Record<string, string>; signatures: Record<string, Record<string, string>> } {
  return signAndCover(event, serverName, key, rulesOf(roomVersion)).signed as T & SignedFields;
}

/**
 * Signs a new event and computes its event ID in one pass: the signature and
 * the reference hash cover the same bytes (the redacted event without
 * `signatures` and `unsigned`), so they are encoded once. Same result as
 * {@link signEvent} followed by {@link computeEventId} on the signed event.
 *
 * @returns the signed copy and its event ID (v1–2: the event's own `event_id`).
 * @throws {SigningError} as {@link signEvent}, and `INVALID_EVENT` for a v1–2 event without a string `event_id`.
 * @example
 * ```ts
 * const { event: signed, eventId } = signEventWithId(draft, "example.org", key, "12");
 * ```
 */
export function signEventWithId<T extends object>(
  event: T,
  serverName: string,
  key: SigningKey,
  roomVersion: RoomVersionInput,
): { event: T & SignedFields; eventId: string } {
  const rules = rulesOf(roomVersion);
  const { signed, covered } = signAndCover(event, serverName, key, rules);
  const eventId = rules.eventFormat.eventIdFormat === EVENT_ID_FORMATS.SERVER_CHOSEN
    ? computeEventId(signed, rules)
    : eventIdOfReferenceHash(defaultBackend().sha256(covered), rules);
  return { event: signed as T & SignedFields, eventId };
}

type SignedFields = { hashes: Record<string, string>; signatures: Record<string, Record<string, string>> };

/** Hashes and signs `event`; `covered` are the bytes the signature (and the reference hash) cover. */
function signAndCover(event: object, serverName: string, key: SigningKey, rules: RoomVersionRules): { signed: Record<string, unknown>; covered: Uint8Array } {
  if (!isJsonObject(event)) {
    throw new SigningError("INVALID_EVENT", `expected an event object to sign, got ${event === null ? "null" : typeof event}`, { errcode: "M_BAD_JSON" });
  }
  const legacy = !rules.strictCanonicalJson;
  try {
    const hash = defaultBackend().sha256(contentHashBytes(event, legacy));
    const existing = isJsonObject(event["hashes"]) ? event["hashes"] : {};
    const hashed = { ...event, hashes: { ...existing, sha256: encodeBase64(hash) } };
    const covered = redactedSignedBytes(redactEvent(hashed, rules), legacy);
    const signature = key.signBase64(covered);
    return { signed: attachSignature(hashed, serverName, key.keyId, signature), covered };
  } catch (cause) {
    if (cause instanceof SigningError) throw cause;
    throw new SigningError("INVALID_EVENT", `expected an event with a canonical JSON form, got one that fails: ${(cause as Error).message}`, {
      cause,
      errcode: "M_BAD_JSON",
    });
  }
}

/** What a key lookup answers: the key and, if known, until when it is valid (ms since the epoch). */
export interface KeyLookupResult {
  /** The public key (a VerifyKey keeps its prepared verifier: prefer it). */
  key: PublicKeyInput;
  /** `valid_until_ts` of a current key (capped by the fetcher), or `expired_ts` of an old one. */
  validUntilTs?: number;
}

/**
 * Finds a server's public key. `atTs` is when the key must be valid (the event's
 * `origin_server_ts`, or now for requests) — a hint for fetching; the caller
 * enforces validity from `validUntilTs`. Answer `null`/`undefined` when unknown.
 */
export type KeyLookup = (
  serverName: string,
  keyId: string,
  atTs: number,
) => KeyLookupResult | null | undefined | Promise<KeyLookupResult | null | undefined>;

/** A key lookup that answers at once (keys prefetched). */
export type SyncKeyLookup = (serverName: string, keyId: string, atTs: number) => KeyLookupResult | null | undefined;

/** Why an event was rejected (stable codes). */
export const EVENT_REJECT_REASONS = {
  /** Not an object, or lacking what the check needs (`sender`, v1–2 `event_id`, numeric `origin_server_ts`). */
  malformed_event: "the event is malformed",
  /** The event has no canonical JSON form in its room version (e.g. a float in v6+). */
  invalid_canonical_json: "the event has no canonical JSON form",
  /** A server that must sign has no ed25519 signature on the event. */
  missing_signature: "a required server has not signed the event",
  /** None of a required server's signing keys could be found. */
  unknown_key: "no key of a required server could be found",
  /** A required server's only known keys had expired before the event was sent (v5+). */
  expired_key: "a required server's keys had expired when the event was sent",
  /** A signature by a known key is not base64 of 64 bytes. */
  malformed_signature: "a signature is not base64 of 64 bytes",
  /** A signature by a known, valid key does not verify. */
  bad_signature: "a signature does not verify",
} as const;

/** A stable reason code from {@link EVENT_REJECT_REASONS}. */
export type EventRejectReason = keyof typeof EVENT_REJECT_REASONS;

/**
 * The outcome of checking a received event:
 * - `accept`: signatures and content hash are good; use `event` (the input).
 * - `accept_redacted`: signatures are good but the content hash is not: use
 *   `event`, the redacted copy, instead of what was received.
 * - `reject`: drop the event; `reason` says why, `serverName` whose signature failed.
 */
export type EventVerification =
  | { outcome: "accept"; event: Record<string, unknown> }
  | { outcome: "accept_redacted"; event: Record<string, unknown> }
  | { outcome: "reject"; reason: EventRejectReason; message: string; serverName?: string };

interface RequiredSigner {
  serverName: string;
  /** [keyId, base64 signature] of every ed25519 signature by that server. */
  signatures: Array<[string, string]>;
}

interface Plan {
  rules: RoomVersionRules;
  event: Record<string, unknown>;
  redacted: Record<string, unknown>;
  signedBytes: Uint8Array;
  ts: number;
  signers: RequiredSigner[];
}

function reject(reason: EventRejectReason, message?: string, serverName?: string): EventVerification {
  return serverName === undefined
    ? { outcome: "reject", reason, message: message ?? EVENT_REJECT_REASONS[reason] }
    : { outcome: "reject", reason, message: message ?? EVENT_REJECT_REASONS[reason], serverName };
}

/** The servers whose signatures the event needs. */
function requiredServers(event: Record<string, unknown>, rules: RoomVersionRules): string[] | EventVerification {
  const servers: string[] = [];
  const content = isJsonObject(event["content"]) ? event["content"] : {};
  const isMember = event["type"] === "m.room.member";
  // The sender's server, except for an invite made from a third-party invite:
  // the spec lets another server send it (its `third_party_invite.signed` is
  // checked by the authorization rules instead).
  const viaThirdParty = isMember && content["membership"] === "invite" && isJsonObject(content["third_party_invite"]);
  const senderServer = domainOf(event["sender"]);
  if (senderServer === undefined) return reject("malformed_event", "expected a sender user ID with a server name");
  if (!viaThirdParty) servers.push(senderServer);
  // Room versions 1–2: also the server in the event ID.
  if (rules.eventFormat.eventIdFormat === EVENT_ID_FORMATS.SERVER_CHOSEN) {
    const idServer = domainOf(event["event_id"]);
    if (idServer === undefined) return reject("malformed_event", "expected an event_id with a server name (room versions 1–2)");
    if (!servers.includes(idServer)) servers.push(idServer);
  }
  // Since room version 8: a join authorised by a resident server needs that server's signature.
  if (rules.authorization.restrictedJoinRule && isMember && content["membership"] === "join") {
    const via = content["join_authorised_via_users_server"];
    if (typeof via === "string") {
      const viaServer = domainOf(via);
      if (viaServer === undefined) return reject("malformed_event", "expected join_authorised_via_users_server to be a user ID");
      if (!servers.includes(viaServer)) servers.push(viaServer);
    }
  }
  return servers;
}

function plan(event: unknown, roomVersion: RoomVersionInput): Plan | EventVerification {
  const rules = rulesOf(roomVersion);
  if (!isJsonObject(event)) return reject("malformed_event", "expected an event object");
  const rawTs = event["origin_server_ts"];
  // Room versions 1–5 parsed with parseLegacyJson may hold a LegacyNumber here.
  const ts = rawTs instanceof LegacyNumber ? rawTs.toNumber() : rawTs;
  if (rules.enforceKeyValidity && (typeof ts !== "number" || !Number.isFinite(ts))) {
    return reject("malformed_event", "expected a numeric origin_server_ts");
  }
  const servers = requiredServers(event, rules);
  if (!Array.isArray(servers)) return servers;
  const allSignatures = event["signatures"];
  const signers: RequiredSigner[] = [];
  for (const serverName of servers) {
    const mine = isJsonObject(allSignatures) && Object.prototype.hasOwnProperty.call(allSignatures, serverName) ? allSignatures[serverName] : undefined;
    const list: Array<[string, string]> = [];
    if (isJsonObject(mine)) {
      for (const keyId of Object.keys(mine)) {
        const sig = mine[keyId];
        // Step 2 of "Checking for a Signature": drop algorithms we do not understand.
        if (keyId.startsWith(`${ED25519}:`) && typeof sig === "string") list.push([keyId, sig]);
      }
    }
    if (list.length === 0) return reject("missing_signature", `expected an ed25519 signature by ${serverName}`, serverName);
    signers.push({ serverName, signatures: list });
  }
  let redacted: Record<string, unknown>;
  let signedBytes: Uint8Array;
  try {
    redacted = redactEvent(event, rules);
    signedBytes = redactedSignedBytes(redacted, !rules.strictCanonicalJson);
  } catch (err) {
    return reject("invalid_canonical_json", `expected an event with a canonical JSON form: ${(err as Error).message}`);
  }
  return { rules, event, redacted, signedBytes, ts: typeof ts === "number" ? ts : 0, signers };
}

type Found = KeyLookupResult | null | undefined;

/** Checks the signatures with the looked-up keys (in plan order), then the content hash. */
function finish(p: Plan, found: readonly Found[]): EventVerification {
  let i = 0;
  for (const signer of p.signers) {
    let verified = 0;
    let expired = 0;
    for (const [keyId, sig] of signer.signatures) {
      const result = found[i++];
      if (result === null || result === undefined) continue; // unknown key: skipped
      const key = toVerifyKey(result.key);
      if (key === undefined) continue; // a malformed key is as good as none
      if (p.rules.enforceKeyValidity && typeof result.validUntilTs === "number" && result.validUntilTs < p.ts) {
        expired++;
        continue;
      }
      const signature = decodeSignature(sig);
      if (signature === undefined) {
        return reject("malformed_signature", `expected base64 of 64 bytes for ${signer.serverName}'s ${keyId} signature`, signer.serverName);
      }
      if (!key.verify(p.signedBytes, signature)) {
        return reject("bad_signature", `${signer.serverName}'s ${keyId} signature does not verify`, signer.serverName);
      }
      verified++;
    }
    if (verified === 0) {
      return expired > 0
        ? reject("expired_key", `every known key of ${signer.serverName} had expired at ${p.ts}`, signer.serverName)
        : reject("unknown_key", `no key of ${signer.serverName} could be found`, signer.serverName);
    }
  }
  // Signatures are good; now the content hash. A mismatch means we were given
  // a redacted copy (or a tampered one): use the redacted form.
  const hashes = p.event["hashes"];
  const claimed = isJsonObject(hashes) ? hashes["sha256"] : undefined;
  if (typeof claimed === "string") {
    let expected: Uint8Array | undefined;
    try {
      expected = decodeBase64(claimed);
    } catch {
      expected = undefined;
    }
    if (expected !== undefined && expected.length === 32) {
      let actual: Uint8Array;
      try {
        actual = defaultBackend().sha256(contentHashBytes(p.event, !p.rules.strictCanonicalJson));
      } catch (err) {
        return reject("invalid_canonical_json", `expected an event with a canonical JSON form: ${(err as Error).message}`);
      }
      if (equalBytes(actual, expected)) return { outcome: "accept", event: p.event };
    }
  }
  return { outcome: "accept_redacted", event: p.redacted };
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === "object" && value !== null && typeof (value as { then?: unknown }).then === "function";
}

/**
 * Checks the hashes and signatures of a received event, with keys that are
 * already at hand (e.g. prefetched into a {@link Keyring}). Never throws for a
 * bad event: the result says `accept`, `accept_redacted` or `reject`.
 *
 * @param event - the received event (parsed JSON).
 * @param roomVersion - its room version.
 * @param keyLookup - answers synchronously.
 * @returns the outcome.
 * @throws {SigningError} `ASYNC_KEY_LOOKUP` if `keyLookup` returns a promise;
 *   {@link MatrixError} `M_UNSUPPORTED_ROOM_VERSION`.
 * @example
 * ```ts
 * const result = verifyEventSync(pdu, "12", (server, keyId) =>
 *   server === "example.org" && keyId === key.keyId ? { key: key.toVerifyKey() } : null);
 * if (result.outcome === "reject") console.log(result.reason);
 * ```
 * @see https://spec.matrix.org/v1.19/server-server-api/#validating-hashes-and-signatures-on-received-events
 */
export function verifyEventSync(event: unknown, roomVersion: RoomVersionInput, keyLookup: SyncKeyLookup): EventVerification {
  const p = plan(event, roomVersion);
  if (!("signers" in p)) return p;
  const found: Found[] = [];
  for (const signer of p.signers) {
    for (const [keyId] of signer.signatures) {
      const result: unknown = keyLookup(signer.serverName, keyId, p.ts);
      if (isThenable(result)) {
        throw new SigningError("ASYNC_KEY_LOOKUP", "expected a synchronous key lookup in verifyEventSync, got one that returned a promise (use verifyEvent)");
      }
      found.push(result as Found);
    }
  }
  return finish(p, found);
}

/**
 * Checks the hashes and signatures of a received event. The key lookup may be
 * synchronous or asynchronous (e.g. `keyring.keyLookup`); lookups run in
 * parallel. Never rejects for a bad event: the result says `accept`,
 * `accept_redacted` (use the redacted copy) or `reject` with a reason.
 *
 * @param event - the received event (parsed JSON).
 * @param roomVersion - its room version.
 * @param keyLookup - finds public keys.
 * @returns the outcome.
 * @throws {MatrixError} `M_UNSUPPORTED_ROOM_VERSION` (as a rejected promise); whatever `keyLookup` throws.
 * @example
 * ```ts
 * const result = await verifyEvent(pdu, "12", keyring.keyLookup);
 * if (result.outcome !== "reject") store(result.event);
 * ```
 * @see https://spec.matrix.org/v1.19/server-server-api/#validating-hashes-and-signatures-on-received-events
 */
export async function verifyEvent(event: unknown, roomVersion: RoomVersionInput, keyLookup: KeyLookup): Promise<EventVerification> {
  const p = plan(event, roomVersion);
  if (!("signers" in p)) return p;
  const pending: Array<Found | Promise<Found>> = [];
  for (const signer of p.signers) {
    for (const [keyId] of signer.signatures) pending.push(keyLookup(signer.serverName, keyId, p.ts));
  }
  return finish(p, await Promise.all(pending));
}
