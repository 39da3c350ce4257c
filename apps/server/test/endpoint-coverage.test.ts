// Endpoint coverage sweep over the client-server API of spec v1.19
// (https://spec.matrix.org/v1.19/client-server-api/): every (method, path) pair
// of /work/shared/matrix-spec/data/api/client-server/*.yaml is either served —
// no 404/405 M_UNRECOGNIZED, 401 M_MISSING_TOKEN without a token where the
// definition demands one, Matrix error JSON on every error — or listed below as
// out of scope with the reason. A new endpoint in the spec fails this test until
// it is served or classified.
//
// PGlite only (one describe): the sweep checks routing and the error contract,
// which do not depend on the database backend; behaviour is tested per family.

import { readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testBackends } from "@weft/storage-pg/testing";
import { startTestServer, type TestServer } from "./support/test-server.js";
import { call, register, roomPath, sendText, type RoomTestUser } from "./support/room-helpers.js";

const SPEC_DIR = join(dirname(fileURLToPath(import.meta.url)), "../../../../shared/matrix-spec/data/api/client-server");

/**
 * Endpoints this server deliberately does not serve (`METHOD /full/path` as in
 * the spec). Each answers 404 M_UNRECOGNIZED, which is how the spec says a
 * client detects an unsupported optional feature.
 */
const OUT_OF_SCOPE: Readonly<Record<string, string>> = {
  // OAuth 2.0 API: this server offers the legacy login API only; the spec tells
  // servers without OAuth 2.0 to answer auth_metadata with 404 M_UNRECOGNIZED.
  "GET /_matrix/client/v1/auth_metadata": "OAuth 2.0 authorization server metadata (no OAuth 2.0 API)",
  // Application services are not supported (no registration files are loaded).
  "POST /_matrix/client/v1/appservice/{appserviceId}/ping": "application-service only",
  "PUT /_matrix/client/v3/directory/list/appservice/{networkId}/{roomId}": "application-service only",
  // Server administration beyond whois: suspension and locking must be enforced
  // by every endpoint, which this server does not model yet.
  "GET /_matrix/client/v1/admin/suspend/{userId}": "account suspension (admin) not modelled",
  "PUT /_matrix/client/v1/admin/suspend/{userId}": "account suspension (admin) not modelled",
  "GET /_matrix/client/v1/admin/lock/{userId}": "account locking (admin) not modelled",
  "PUT /_matrix/client/v1/admin/lock/{userId}": "account locking (admin) not modelled",
  // No single sign-on identity providers: GET /login advertises no m.login.sso flow.
  "GET /_matrix/client/v3/login/sso/redirect": "SSO (no identity providers; not advertised by GET /login)",
  "GET /_matrix/client/v3/login/sso/redirect/{idpId}": "SSO (no identity providers; not advertised by GET /login)",
  // Served by policy servers, not by homeservers.
  "GET /.well-known/matrix/policy_server": "policy-server discovery (a policy server's endpoint)",
  // Deprecated since v1.x in favour of /sync; no current client calls them.
  "GET /_matrix/client/v3/initialSync": "deprecated (old sync), replaced by /sync",
  "GET /_matrix/client/v3/events": "deprecated (old sync and peeking), replaced by /sync",
  "GET /_matrix/client/v3/events/{eventId}": "deprecated, replaced by /rooms/{roomId}/event/{eventId}",
  // Deprecated identity-server flow (MSC2290 replaced it with /3pid/add and /3pid/bind).
  "POST /_matrix/client/v3/account/3pid": "deprecated identity-server binding",
};

interface Endpoint {
  readonly method: string;
  /** The spec's path with its base, e.g. `/_matrix/client/v3/rooms/{roomId}/send/{eventType}/{txnId}`. */
  readonly path: string;
  readonly file: string;
  /** A token is required (`accessTokenBearer`/`accessTokenQuery`, with no `{}` alternative). */
  readonly requiresToken: boolean;
}

/** Every (method, path) pair of the client-server API definitions. */
function specEndpoints(): Endpoint[] {
  const endpoints: Endpoint[] = [];
  for (const file of readdirSync(SPEC_DIR).filter((f) => f.endsWith(".yaml")).sort()) {
    const doc = parse(readFileSync(join(SPEC_DIR, file), "utf8")) as {
      servers?: { variables?: { basePath?: { default?: string } } }[];
      paths?: Record<string, Record<string, { security?: Record<string, unknown>[] }>>;
    };
    const base = doc.servers?.[0]?.variables?.basePath?.default ?? "";
    for (const [rawPath, operations] of Object.entries(doc.paths ?? {})) {
      // Some keys carry a trailing space to coexist with another file's definition of the same path.
      const path = base + rawPath.trim();
      for (const [method, operation] of Object.entries(operations)) {
        if (!["get", "put", "post", "delete"].includes(method)) continue;
        const security = operation.security ?? [];
        const requiresToken =
          security.length > 0 &&
          security.every((s) => Object.keys(s).some((k) => k === "accessTokenBearer" || k === "accessTokenQuery"));
        endpoints.push({ method: method.toUpperCase(), path, file, requiresToken });
      }
    }
  }
  return endpoints;
}

const key = (e: Pick<Endpoint, "method" | "path">): string => `${e.method} ${e.path}`;

describe("client-server endpoint coverage (spec v1.19) on PGlite", () => {
  const endpoints = specEndpoints();
  const inScope = endpoints.filter((e) => OUT_OF_SCOPE[key(e)] === undefined);
  let t: TestServer;
  let alice: RoomTestUser;
  let params: Record<string, string>;
  /** Per-endpoint parameter overrides for calls that would otherwise disturb the sweep. */
  let overrides: Record<string, Record<string, string>>;

  beforeAll(async () => {
    t = await startTestServer(testBackends()[0]!);
    alice = await register(t, "alice");
    const { room_id: roomId } = await call(t, alice, "POST", "/_matrix/client/v3/createRoom", { name: "sweep" });
    const { room_id: spareRoomId } = await call(t, alice, "POST", "/_matrix/client/v3/createRoom", { name: "spare" });
    const eventId = await sendText(t, alice, roomId, "hello sweep");
    params = {
      roomId,
      roomIdOrAlias: roomId,
      roomAlias: "#no-such-alias:localhost",
      userId: alice.userId,
      eventId,
      deviceId: alice.deviceId,
      serverName: "localhost",
      mediaId: "nosuchmedia",
      fileName: "file.txt",
      filterId: "999999",
      txnId: "sweep-txn",
      eventType: "org.example.sweep",
      stateKey: "",
      keyName: "displayname",
      type: "org.example.sweep",
      tag: "u.sweep",
      receiptType: "m.read",
      relType: "m.reference",
      version: "999",
      sessionId: "nosuchsession",
      protocol: "irc",
      scope: "global",
      kind: "override",
      ruleId: "org.example.nosuchrule",
      actions: "actions",
      loginToken: "nosuchtoken",
      appserviceId: "nosuchappservice",
      networkId: "nosuchnetwork",
      idpId: "nosuchidp",
    };
    // Leaving or forgetting the main room would turn every later room call into a 403.
    overrides = {
      "POST /_matrix/client/v3/rooms/{roomId}/leave": { roomId: spareRoomId },
      "POST /_matrix/client/v3/rooms/{roomId}/forget": { roomId: spareRoomId },
    };
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  function concrete(endpoint: Endpoint): string {
    const values = { ...params, ...overrides[key(endpoint)] };
    return endpoint.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
      const value = values[name];
      if (value === undefined) throw new Error(`no value for {${name}} in ${key(endpoint)}`);
      return encodeURIComponent(value);
    });
  }

  function expectMatrixError(label: string, status: number, body: unknown): void {
    if (status < 400) return;
    const b = body as Record<string, unknown> | undefined;
    // User-interactive authentication answers 401 with flows; errcode is optional there.
    if (status === 401 && b && Array.isArray(b.flows)) return;
    expect(typeof b?.errcode, `${label} → ${status} ${JSON.stringify(body)}`).toBe("string");
    expect(typeof b?.error, `${label} → ${status} ${JSON.stringify(body)}`).toBe("string");
  }

  it("reads the whole API (sanity) and every out-of-scope entry names a real endpoint", () => {
    expect(endpoints.length).toBeGreaterThan(150);
    const known = new Set(endpoints.map(key));
    for (const entry of Object.keys(OUT_OF_SCOPE)) expect(known, entry).toContain(entry);
  });

  it("requires an access token where the definitions demand one (401 M_MISSING_TOKEN)", async () => {
    const failures: string[] = [];
    for (const endpoint of inScope.filter((e) => e.requiresToken)) {
      const body = endpoint.method === "GET" || endpoint.method === "DELETE" ? undefined : {};
      const res = await t.request(endpoint.method, concrete(endpoint), { body });
      if (res.status !== 401 || res.body?.errcode !== "M_MISSING_TOKEN") failures.push(`${key(endpoint)} → ${res.status} ${JSON.stringify(res.body)}`);
    }
    expect(failures).toEqual([]);
  });

  it("serves every in-scope endpoint (no 404/405 M_UNRECOGNIZED) and answers errors as Matrix JSON", async () => {
    const missing: string[] = [];
    for (const endpoint of inScope) {
      const body = endpoint.method === "GET" || endpoint.method === "DELETE" ? undefined : {};
      // Logging out would end the session the sweep uses: those calls run as a throwaway login.
      const token = /\/logout/.test(endpoint.path) ? (await register(t, `sweep${Math.random().toString(36).slice(2, 8)}`)).token : alice.token;
      const label = key(endpoint);
      const res = await t.request(endpoint.method, concrete(endpoint), { body, token });
      if ((res.status === 404 || res.status === 405) && res.body?.errcode === "M_UNRECOGNIZED") {
        missing.push(`${label} [${endpoint.file}]`);
        continue;
      }
      expect(res.status, `${label} → ${JSON.stringify(res.body)}`).toBeLessThan(500);
      expectMatrixError(label, res.status, res.body);
    }
    expect(missing).toEqual([]);
  });

  it("answers out-of-scope endpoints with 404 M_UNRECOGNIZED (the spec's 'unsupported' signal)", async () => {
    for (const endpoint of endpoints.filter((e) => OUT_OF_SCOPE[key(e)] !== undefined)) {
      const res = await t.request(endpoint.method, concrete({ ...endpoint }), { token: alice.token, body: endpoint.method === "GET" ? undefined : {} });
      // POST /account/3pid shares its path with the served GET, hence 405.
      expect([404, 405], key(endpoint)).toContain(res.status);
      expect(res.body?.errcode, key(endpoint)).toBe("M_UNRECOGNIZED");
    }
  });

  it("answers TURN requests with {} when no TURN server is configured (as Synapse does; clients then skip TURN)", async () => {
    const res = await t.request("GET", "/_matrix/client/v3/voip/turnServer", { token: alice.token });
    expect(res).toMatchObject({ status: 200, body: {} });
  });

  it("still answers a room endpoint normally after the sweep (the sweep did not break the session)", async () => {
    const res = await t.request("GET", roomPath(params.roomId!, "/joined_members"), { token: alice.token });
    expect(res.status).toBe(200);
  });
});
