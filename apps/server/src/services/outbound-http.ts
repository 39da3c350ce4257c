// Outbound HTTP for requests a user can point at any URL: URL previews
// (https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv1mediapreview_url)
// and push gateways (https://spec.matrix.org/v1.19/push-gateway-api/).
//
// Such requests must not become a way into the server's own network (SSRF).
// The policy: only http(s); the host name is resolved here and EVERY address
// it resolves to must be public (not loopback, private, link-local, shared,
// multicast, documentation or reserved space, in IPv4 or IPv6, including
// IPv4 addresses embedded in IPv6) unless `allowPrivate` is set; the
// connection is then pinned to the checked address, so a second DNS answer
// cannot swap in another one (DNS rebinding). Redirects are followed by hand
// and every hop is checked again. Bodies are size-limited (no compression is
// accepted, so the limit is on real bytes) and the whole exchange has a
// deadline.

import { lookup as dnsLookup } from "node:dns/promises";
import { request as httpRequest, type IncomingMessage, type RequestOptions } from "node:http";
import { request as httpsRequest } from "node:https";
import { BlockList, isIP, type LookupFunction } from "node:net";

/** Options of {@link OutboundHttp}. */
export interface OutboundHttpOptions {
  /** Allow loopback and private targets (`push_allow_private`); for tests and closed networks. */
  readonly allowPrivate: boolean;
  /** Exact addresses allowed even when not public (a push gateway on the LAN, a test server). */
  readonly allowAddresses?: readonly string[];
  /** Deadline for the whole exchange, redirects included (default 10 s). */
  readonly timeoutMs?: number;
  /** Largest response body accepted (default 10 MiB). */
  readonly maxBytes?: number;
  /** Redirects followed (default 5). */
  readonly maxRedirects?: number;
  readonly userAgent?: string;
  /** Name resolution, replaceable in tests (default: the system resolver, all addresses). */
  readonly resolve?: (hostname: string) => Promise<readonly { address: string; family: number }[]>;
}

/** One outbound request. */
export interface OutboundRequest {
  readonly method?: "GET" | "POST" | "PUT" | "HEAD";
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array;
  readonly signal?: AbortSignal;
  /** Overrides the instance's body limit for this request. */
  readonly maxBytes?: number;
}

/** A completed outbound response (any status). */
export interface OutboundResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Buffer;
  /** The URL that answered, after redirects. */
  readonly url: string;
}

/** Why an outbound request did not produce a response. */
export type OutboundHttpErrorCode = "bad_url" | "blocked_address" | "dns" | "too_large" | "too_many_redirects" | "timeout" | "network";

/** An outbound request that was refused or failed. */
export class OutboundHttpError extends Error {
  override readonly name = "OutboundHttpError";
  constructor(
    readonly code: OutboundHttpErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

// IANA special-purpose registries (RFC 6890 and successors). Anything here is
// not a public unicast destination.
const NON_PUBLIC = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8], // "this network"
  ["10.0.0.0", 8], // private
  ["100.64.0.0", 10], // shared address space (CGNAT)
  ["127.0.0.0", 8], // loopback
  ["169.254.0.0", 16], // link-local (cloud metadata services live here)
  ["172.16.0.0", 12], // private
  ["192.0.0.0", 24], // IETF protocol assignments
  ["192.0.2.0", 24], // documentation
  ["192.88.99.0", 24], // 6to4 relay anycast
  ["192.168.0.0", 16], // private
  ["198.18.0.0", 15], // benchmarking
  ["198.51.100.0", 24], // documentation
  ["203.0.113.0", 24], // documentation
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, and broadcast
] as const) {
  NON_PUBLIC.addSubnet(network, prefix, "ipv4");
}
for (const [network, prefix] of [
  ["::", 128], // unspecified
  ["::1", 128], // loopback
  ["100::", 64], // discard
  ["2001::", 23], // IETF protocol assignments, Teredo included
  ["2001:db8::", 32], // documentation
  ["fc00::", 7], // unique local
  ["fe80::", 10], // link-local
  ["fec0::", 10], // site-local (deprecated)
  ["ff00::", 8], // multicast
] as const) {
  NON_PUBLIC.addSubnet(network, prefix, "ipv6");
}

/**
 * Whether `address` (an IPv4 or IPv6 literal) is a public unicast address.
 * IPv4 addresses embedded in IPv6 (mapped `::ffff:a.b.c.d`, compatible,
 * NAT64 `64:ff9b::/96`, 6to4 `2002::/16`) are judged by the IPv4 address.
 *
 * @example
 * ```ts
 * isPublicAddress("93.184.216.34"); // true
 * isPublicAddress("::ffff:127.0.0.1"); // false
 * ```
 */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return !NON_PUBLIC.check(address, "ipv4");
  if (family !== 6) return false;
  const groups = expandIpv6(address);
  if (!groups) return false;
  const embedded = embeddedIpv4(groups);
  if (embedded) return !NON_PUBLIC.check(embedded, "ipv4");
  return !NON_PUBLIC.check(address, "ipv6");
}

function expandIpv6(address: string): number[] | undefined {
  let text = address.toLowerCase().replace(/%.*$/, "");
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const parts = v4[1]!.split(".").map(Number);
    text = text.slice(0, -v4[1]!.length) + `${((parts[0]! << 8) | parts[1]!).toString(16)}:${((parts[2]! << 8) | parts[3]!).toString(16)}`;
  }
  const [head, tail] = text.split("::") as [string, string | undefined];
  const headGroups = head ? head.split(":") : [];
  const tailGroups = tail ? tail.split(":") : [];
  const missing = 8 - headGroups.length - tailGroups.length;
  if (tail === undefined ? missing !== 0 : missing < 0) return undefined;
  const groups = [...headGroups, ...Array<string>(tail === undefined ? 0 : missing).fill("0"), ...tailGroups].map((g) => parseInt(g, 16));
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : undefined;
}

function embeddedIpv4(g: number[]): string | undefined {
  const v4 = (hi: number, lo: number): string => `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
  const zeros = (from: number, to: number): boolean => g.slice(from, to).every((x) => x === 0);
  if (zeros(0, 5) && g[5] === 0xffff) return v4(g[6]!, g[7]!); // ::ffff:0:0/96 mapped
  if (zeros(0, 6) && (g[6]! !== 0 || g[7]! > 1)) return v4(g[6]!, g[7]!); // ::/96 compatible (not :: or ::1)
  if (g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6)) return v4(g[6]!, g[7]!); // NAT64
  if (g[0] === 0x2002) return v4(g[1]!, g[2]!); // 6to4
  return undefined;
}

const defaultResolve = (hostname: string): Promise<readonly { address: string; family: number }[]> => dnsLookup(hostname, { all: true, verbatim: true });

/**
 * Makes outbound HTTP requests under the policy above.
 *
 * @example
 * ```ts
 * const http = new OutboundHttp({ allowPrivate: config.push_allow_private });
 * const res = await http.fetch("https://example.org/", { headers: { accept: "text/html" } });
 * ```
 */
export class OutboundHttp {
  readonly #options: Required<Omit<OutboundHttpOptions, "userAgent" | "allowAddresses">> & { userAgent: string };
  readonly #allowAddresses: ReadonlySet<string>;

  constructor(options: OutboundHttpOptions) {
    this.#options = {
      allowPrivate: options.allowPrivate,
      timeoutMs: options.timeoutMs ?? 10_000,
      maxBytes: options.maxBytes ?? 10 * 1024 * 1024,
      maxRedirects: options.maxRedirects ?? 5,
      userAgent: options.userAgent ?? "Weft",
      resolve: options.resolve ?? defaultResolve,
    };
    this.#allowAddresses = new Set(options.allowAddresses ?? []);
  }

  /**
   * Sends the request, following redirects.
   * @returns the final response, whatever its status.
   * @throws {OutboundHttpError} when the URL or an address is refused, or on size, redirect, time or network failures.
   */
  async fetch(url: string, request: OutboundRequest = {}): Promise<OutboundResponse> {
    const deadline = AbortSignal.timeout(this.#options.timeoutMs);
    const signal = request.signal ? AbortSignal.any([deadline, request.signal]) : deadline;
    let current = url;
    let method = request.method ?? "GET";
    let body = request.body;
    for (let hop = 0; ; hop++) {
      const response = await this.#once(current, method, request.headers ?? {}, body, signal, request.maxBytes ?? this.#options.maxBytes);
      const location = response.headers.location;
      if (response.status >= 300 && response.status < 400 && response.status !== 304 && typeof location === "string") {
        if (hop >= this.#options.maxRedirects) throw new OutboundHttpError("too_many_redirects", `more than ${this.#options.maxRedirects} redirects`);
        current = new URL(location, current).toString();
        if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === "POST")) {
          method = "GET";
          body = undefined;
        }
        continue;
      }
      return response;
    }
  }

  /** Resolves `hostname` and checks every address; returns the one to connect to. */
  async checkHost(hostname: string): Promise<{ address: string; family: 4 | 6 }> {
    const bare = hostname.replace(/^\[(.*)\]$/, "$1");
    let addresses: readonly { address: string; family: number }[];
    if (isIP(bare)) addresses = [{ address: bare, family: isIP(bare) }];
    else {
      try {
        addresses = await this.#options.resolve(bare);
      } catch (error) {
        throw new OutboundHttpError("dns", `cannot resolve ${bare}`, { cause: error });
      }
    }
    if (addresses.length === 0) throw new OutboundHttpError("dns", `no addresses for ${bare}`);
    if (!this.#options.allowPrivate) {
      const refused = addresses.find((a) => !isPublicAddress(a.address) && !this.#allowAddresses.has(a.address));
      if (refused) throw new OutboundHttpError("blocked_address", `${bare} resolves to a non-public address (${refused.address})`);
    }
    const first = addresses[0]!;
    return { address: first.address, family: first.family === 6 ? 6 : 4 };
  }

  async #once(
    url: string,
    method: string,
    headers: Readonly<Record<string, string>>,
    body: string | Uint8Array | undefined,
    signal: AbortSignal,
    maxBytes: number,
  ): Promise<OutboundResponse> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch (error) {
      throw new OutboundHttpError("bad_url", `not a URL: ${url}`, { cause: error });
    }
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new OutboundHttpError("bad_url", `expected an http(s) URL, got ${parsed.protocol}`);
    if (parsed.username || parsed.password) throw new OutboundHttpError("bad_url", "URLs with credentials are not fetched");
    const target = await this.#raceSignal(this.checkHost(parsed.hostname), signal);
    // Pin the connection to the checked address; TLS still verifies the name.
    const pinned: LookupFunction = (_hostname, options, callback) => {
      if ((options as { all?: boolean }).all) (callback as (e: null, a: { address: string; family: number }[]) => void)(null, [target]);
      else callback(null, target.address, target.family);
    };
    const options: RequestOptions & { servername?: string; autoSelectFamily?: boolean } = {
      method,
      host: parsed.hostname.replace(/^\[(.*)\]$/, "$1"),
      port: parsed.port || (parsed.protocol === "https:" ? 443 : 80),
      path: `${parsed.pathname}${parsed.search}`,
      headers: { "user-agent": this.#options.userAgent, "accept-encoding": "identity", ...headers },
      lookup: pinned,
      autoSelectFamily: false,
      agent: false,
      signal,
    };
    if (parsed.protocol === "https:" && !isIP(options.host as string)) options.servername = options.host as string;
    return new Promise<OutboundResponse>((resolve, reject) => {
      const fail = (error: unknown): void => {
        if (signal.aborted) reject(new OutboundHttpError("timeout", `request to ${parsed.host} timed out or was aborted`, { cause: error }));
        else if (error instanceof OutboundHttpError) reject(error);
        else reject(new OutboundHttpError("network", `request to ${parsed.host} failed: ${(error as Error).message}`, { cause: error }));
      };
      const req = (parsed.protocol === "https:" ? httpsRequest : httpRequest)(options, (res: IncomingMessage) => {
        const declared = Number(res.headers["content-length"] ?? "0");
        if (declared > maxBytes) {
          res.destroy();
          fail(new OutboundHttpError("too_large", `response over ${maxBytes} bytes`));
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            res.destroy();
            fail(new OutboundHttpError("too_large", `response over ${maxBytes} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), url }));
        res.on("error", fail);
      });
      req.on("error", fail);
      req.end(body);
    });
  }

  #raceSignal<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
    if (signal.aborted) return Promise.reject(new OutboundHttpError("timeout", "request timed out or was aborted"));
    return new Promise<T>((resolve, reject) => {
      const onAbort = (): void => reject(new OutboundHttpError("timeout", "request timed out or was aborted"));
      signal.addEventListener("abort", onAbort, { once: true });
      promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
    });
  }
}
