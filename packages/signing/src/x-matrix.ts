// Request authentication between servers: https://spec.matrix.org/v1.19/server-server-api/#request-authentication
// The request (method, target URI, origin, destination, parsed body) is signed
// as JSON and sent as `Authorization: X-Matrix origin=…,destination=…,key=…,sig=…`,
// whose syntax is RFC 9110 §11.4 credentials (https://datatracker.ietf.org/doc/html/rfc9110#section-11.4).

import { SigningError } from "./errors.js";
import { type KeyLookup, type KeyLookupResult, type SyncKeyLookup } from "./event-signing.js";
import { isJsonObject } from "./internal.js";
import { ED25519, type SigningKey, toVerifyKey } from "./keys.js";
import { decodeSignature, signedBytes } from "./sign-json.js";

/** A request to sign or check. */
export interface XMatrixRequest {
  /** HTTP method, upper case (`"GET"`, `"PUT"`…). */
  method: string;
  /** The request target: path from `/_matrix/…` plus `?query` if any; no scheme or host. */
  uri: string;
  /** The sending server's name (before delegation). */
  origin: string;
  /** The receiving server's name (before delegation). */
  destination: string;
  /** The JSON-parsed request body, if the request has one. */
  content?: unknown;
}

function quote(value: string): string {
  return `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

/** The JSON object a request signature covers (step 1 of the spec). */
function requestJson(request: XMatrixRequest): Record<string, unknown> {
  const json: Record<string, unknown> = {
    method: request.method,
    uri: request.uri,
    origin: request.origin,
    destination: request.destination,
  };
  if (request.content !== undefined) json["content"] = request.content;
  return json;
}

/**
 * Signs a federation request and returns the `Authorization` header value.
 *
 * @param request - method, target URI, origin, destination and (parsed) body.
 * @param key - the origin server's signing key.
 * @returns `X-Matrix origin="…",destination="…",key="…",sig="…"`.
 * @throws {SigningError} `INVALID_JSON` when `content` has no canonical JSON form.
 * @example
 * ```ts
 * const authorization = signRequest(
 *   { method: "GET", uri: "/_matrix/federation/v1/version", origin: "a.example", destination: "b.example" },
 *   key,
 * );
 * ```
 * @see https://spec.matrix.org/v1.19/server-server-api/#request-authentication
 */
export function signRequest(request: XMatrixRequest, key: SigningKey): string {
  const sig = key.signBase64(signedBytes(requestJson(request)));
  // For older servers: one space after X-Matrix, lower-case names, no spaces around commas.
  return `X-Matrix origin=${quote(request.origin)},destination=${quote(request.destination)},key=${quote(key.keyId)},sig=${quote(sig)}`;
}

/** The parameters of an X-Matrix header. */
export interface XMatrixAuthorization {
  origin: string;
  /** Absent when an older server did not send it. */
  destination?: string;
  /** The key ID, e.g. `ed25519:key1`. */
  key: string;
  /** The unpadded base64 signature. */
  sig: string;
}

/** Why an X-Matrix header was refused (stable codes). */
export const X_MATRIX_FAILURES = {
  /** No header, or another auth scheme. */
  not_x_matrix: "not an X-Matrix authorization",
  /** Syntax error or duplicated parameter. */
  malformed_header: "the X-Matrix parameters are malformed",
  /** `origin`, `key` or `sig` is missing. */
  missing_parameter: "a required X-Matrix parameter is missing",
  /** `destination` is present and is not this server. */
  wrong_destination: "the request was signed for another server",
  /** The key ID's algorithm is not ed25519. */
  unsupported_algorithm: "the key ID's algorithm is not ed25519",
  /** The origin's key could not be found. */
  unknown_key: "the origin's key could not be found",
  /** The key's validity ended before now. */
  expired_key: "the origin's key has expired",
  /** The signature is not base64 of 64 bytes. */
  malformed_signature: "the signature is not base64 of 64 bytes",
  /** The body has no canonical JSON form. */
  malformed_json: "the request body is not signable JSON",
  /** The signature does not verify. */
  bad_signature: "the signature does not verify",
} as const;

/** A stable reason code from {@link X_MATRIX_FAILURES}. */
export type XMatrixFailure = keyof typeof X_MATRIX_FAILURES;

/** The result of {@link parseXMatrixHeader}. */
export type XMatrixParseResult =
  | { ok: true; authorization: XMatrixAuthorization; params: Record<string, string> }
  | { ok: false; reason: "not_x_matrix" | "malformed_header" | "missing_parameter"; message: string };

const TCHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;

/**
 * Parses an `Authorization: X-Matrix …` header value (RFC 9110 credentials):
 * the scheme is case-insensitive, parameter names are case-insensitive, values
 * are tokens or quoted strings with backslash escapes; unquoted values may also
 * contain colons and other non-separator characters (older servers). Unknown
 * parameters are kept in `params` and otherwise ignored. Never throws.
 *
 * @param header - the header value.
 * @returns the parameters, or a failure with a stable reason.
 * @example
 * ```ts
 * parseXMatrixHeader('X-Matrix origin=origin.example,key="ed25519:1",sig="ABC"');
 * // { ok: true, authorization: { origin: "origin.example", key: "ed25519:1", sig: "ABC" }, params: {…} }
 * ```
 * @see https://spec.matrix.org/v1.19/server-server-api/#request-authentication
 */
export function parseXMatrixHeader(header: unknown): XMatrixParseResult {
  if (typeof header !== "string") return { ok: false, reason: "not_x_matrix", message: "expected an Authorization header" };
  const match = /^[ \t]*x-matrix(?:[ \t]+|$)/i.exec(header);
  if (match === null) return { ok: false, reason: "not_x_matrix", message: "expected the X-Matrix auth scheme" };
  const bad = (message: string): XMatrixParseResult => ({ ok: false, reason: "malformed_header", message });
  const params: Record<string, string> = Object.create(null) as Record<string, string>;
  const s = header;
  let i = match[0].length;
  const skipWs = (): void => {
    while (i < s.length && (s[i] === " " || s[i] === "\t")) i++;
  };
  skipWs();
  while (i < s.length) {
    // name
    const nameStart = i;
    while (i < s.length && TCHAR.test(s[i]!)) i++;
    if (i === nameStart) return bad(`expected a parameter name at offset ${i}, got ${JSON.stringify(s[i])}`);
    const name = s.slice(nameStart, i).toLowerCase();
    skipWs();
    if (s[i] !== "=") return bad(`expected "=" after ${name} at offset ${i}`);
    i++;
    skipWs();
    let value = "";
    if (s[i] === '"') {
      i++;
      let closed = false;
      while (i < s.length) {
        const c = s[i]!;
        if (c === "\\") {
          if (i + 1 >= s.length) break;
          value += s[i + 1];
          i += 2;
        } else if (c === '"') {
          closed = true;
          i++;
          break;
        } else {
          value += c;
          i++;
        }
      }
      if (!closed) return bad(`expected a closing quote for ${name}`);
    } else {
      const start = i;
      while (i < s.length && s[i] !== "," && s[i] !== " " && s[i] !== "\t" && s[i] !== '"') i++;
      value = s.slice(start, i);
      if (value === "") return bad(`expected a value for ${name}`);
    }
    if (Object.prototype.hasOwnProperty.call(params, name)) return bad(`expected each parameter once, got ${name} twice`);
    params[name] = value;
    skipWs();
    if (i < s.length) {
      if (s[i] !== ",") return bad(`expected "," at offset ${i}, got ${JSON.stringify(s[i])}`);
      i++;
      skipWs();
      if (i >= s.length) return bad("expected a parameter after the last comma");
    }
  }
  const { origin, destination, key, sig } = params;
  if (origin === undefined || key === undefined || sig === undefined) {
    const missing = ["origin", "key", "sig"].filter((n) => params[n] === undefined).join(", ");
    return { ok: false, reason: "missing_parameter", message: `expected origin, key and sig, missing ${missing}` };
  }
  const authorization: XMatrixAuthorization = destination === undefined ? { origin, key, sig } : { origin, destination, key, sig };
  return { ok: true, authorization, params: { ...params } };
}

/** A received request to authenticate. */
export interface ReceivedRequest {
  method: string;
  /** The request target as received (path and query). */
  uri: string;
  /** This server's name. */
  destination: string;
  /** The JSON-parsed body, if any. */
  content?: unknown;
  /** The `Authorization` header value(s). */
  authorization: string | readonly string[] | undefined;
}

/** The result of {@link verifyRequest}. */
export type RequestVerification =
  | { ok: true; origin: string; keyId: string }
  | { ok: false; reason: XMatrixFailure; message: string; origin?: string };

interface RequestPlan {
  auth: XMatrixAuthorization;
  signature: Uint8Array;
  bytes: Uint8Array;
}

function planRequest(request: ReceivedRequest): RequestPlan | RequestVerification {
  const headers = typeof request.authorization === "string" ? [request.authorization] : (request.authorization ?? []);
  let parsed: XMatrixParseResult = { ok: false, reason: "not_x_matrix", message: "expected an X-Matrix Authorization header" };
  // Servers may send several headers; use the first X-Matrix one.
  for (const header of headers) {
    parsed = parseXMatrixHeader(header);
    if (parsed.ok || parsed.reason !== "not_x_matrix") break;
  }
  if (!parsed.ok) return { ok: false, reason: parsed.reason, message: parsed.message };
  const auth = parsed.authorization;
  if (auth.destination !== undefined && auth.destination !== request.destination) {
    return { ok: false, reason: "wrong_destination", message: `expected destination ${request.destination}, got ${auth.destination}`, origin: auth.origin };
  }
  if (!auth.key.startsWith(`${ED25519}:`)) {
    return { ok: false, reason: "unsupported_algorithm", message: `expected an ed25519 key ID, got ${auth.key}`, origin: auth.origin };
  }
  const signature = decodeSignature(auth.sig);
  if (signature === undefined) return { ok: false, reason: "malformed_signature", message: X_MATRIX_FAILURES.malformed_signature, origin: auth.origin };
  let bytes: Uint8Array;
  try {
    // Older servers omit the destination parameter but always signed it.
    bytes = signedBytes(requestJson({ ...request, origin: auth.origin, destination: request.destination }));
  } catch {
    return { ok: false, reason: "malformed_json", message: X_MATRIX_FAILURES.malformed_json, origin: auth.origin };
  }
  return { auth, signature, bytes };
}

function finishRequest(p: RequestPlan, found: KeyLookupResult | null | undefined, nowTs: number): RequestVerification {
  const { origin, key: keyId } = p.auth;
  const key = found === null || found === undefined ? undefined : toVerifyKey(found.key);
  if (found === null || found === undefined || key === undefined) {
    return { ok: false, reason: "unknown_key", message: `no key ${keyId} of ${origin} could be found`, origin };
  }
  if (typeof found.validUntilTs === "number" && found.validUntilTs < nowTs) {
    return { ok: false, reason: "expired_key", message: `key ${keyId} of ${origin} expired at ${found.validUntilTs}`, origin };
  }
  if (!key.verify(p.bytes, p.signature)) return { ok: false, reason: "bad_signature", message: X_MATRIX_FAILURES.bad_signature, origin };
  return { ok: true, origin, keyId };
}

/**
 * Authenticates a received federation request from its X-Matrix header. Never
 * throws for a bad request: the result has a stable `reason`.
 *
 * Only keys valid now may sign requests: pass current `verify_keys` from the
 * lookup (a {@link Keyring} does), with `validUntilTs` to compare against `nowTs`.
 *
 * @param request - method, URI, this server's name, parsed body and the Authorization header.
 * @param keyLookup - finds the origin's key (sync or async).
 * @param nowTs - the current time (ms since the epoch).
 * @returns `{ ok: true, origin, keyId }` or a failure.
 * @example
 * ```ts
 * const result = await verifyRequest(
 *   { method: "GET", uri: req.originalUrl, destination: "b.example", authorization: req.headers.authorization },
 *   keyring.keyLookup,
 *   Date.now(),
 * );
 * if (!result.ok) throw new MatrixError("M_UNAUTHORIZED", result.message);
 * ```
 * @see https://spec.matrix.org/v1.19/server-server-api/#request-authentication
 */
export async function verifyRequest(request: ReceivedRequest, keyLookup: KeyLookup, nowTs: number): Promise<RequestVerification> {
  const p = planRequest(request);
  if (!("auth" in p)) return p;
  return finishRequest(p, await keyLookup(p.auth.origin, p.auth.key, nowTs), nowTs);
}

/**
 * {@link verifyRequest} with a synchronous key lookup.
 *
 * @param request - as for {@link verifyRequest}.
 * @param keyLookup - answers at once.
 * @param nowTs - the current time.
 * @returns the result.
 * @throws {SigningError} `ASYNC_KEY_LOOKUP` if the lookup returns a promise.
 * @example
 * ```ts
 * const result = verifyRequestSync(request, keyring.syncKeyLookup, Date.now());
 * ```
 */
export function verifyRequestSync(request: ReceivedRequest, keyLookup: SyncKeyLookup, nowTs: number): RequestVerification {
  const p = planRequest(request);
  if (!("auth" in p)) return p;
  const found: unknown = keyLookup(p.auth.origin, p.auth.key, nowTs);
  if (isJsonObject(found) && typeof (found as { then?: unknown }).then === "function") {
    throw new SigningError("ASYNC_KEY_LOOKUP", "expected a synchronous key lookup in verifyRequestSync, got one that returned a promise");
  }
  return finishRequest(p, found as KeyLookupResult | null | undefined, nowTs);
}
