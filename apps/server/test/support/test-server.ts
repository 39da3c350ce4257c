// Starts a real Weft server in-process on 127.0.0.1:0 over a fresh database
// (PGlite, or PostgreSQL when WEFT_TEST_DATABASE_URL is set) and offers a
// small JSON client for HTTP tests.

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestBackend } from "@weft/storage-pg/testing";
import { loadConfig, startServer, type WeftServer } from "../../src/index.js";

export { testBackends } from "@weft/storage-pg/testing";

/** A running test server and helpers to call it. */
export interface TestServer {
  readonly server: WeftServer;
  readonly url: string;
  /** Sends a request; `body` objects are JSON-encoded, strings sent as-is. */
  request(method: string, path: string, options?: { body?: unknown; token?: string; headers?: Record<string, string> }): Promise<{ status: number; body: any; headers: Headers }>;
  close(): Promise<void>;
}

/** Starts a server for one test file. */
export async function startTestServer(
  backend: TestBackend,
  overrides: Record<string, unknown> = {},
  options: { now?: () => number } = {},
): Promise<TestServer> {
  const dataDir = await mkdtemp(join(tmpdir(), "weft-test-"));
  const config = loadConfig({
    env: {},
    overrides: {
      server_name: "localhost",
      listen: "127.0.0.1:0",
      data_dir: dataDir,
      log_level: "silent",
      rate_limits: "off",
      registration: "open",
      ...overrides,
    },
  });
  const db = await backend.open();
  const server = await startServer(config, { db, ...(options.now ? { now: options.now } : {}) });
  return {
    server,
    url: server.url,
    async request(method, path, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      if (options.token) headers.authorization = `Bearer ${options.token}`;
      let body: string | undefined;
      if (options.body !== undefined) {
        body = typeof options.body === "string" ? options.body : JSON.stringify(options.body);
        headers["content-type"] ??= "application/json";
      }
      const response = await fetch(server.url + path, { method, headers, body });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // not JSON: keep the text
      }
      return { status: response.status, body: parsed, headers: response.headers };
    },
    async close() {
      await server.close(1000);
      await db.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Starts a second server process's worth of server on the same PostgreSQL
 * database and data directory (so the same signing key) as `t`, as a second
 * `weft start` sharing the database would be. PostgreSQL only
 * (WEFT_TEST_DATABASE_URL set): PGlite has one process. Close it before `t`.
 */
export async function startSecondProcess(t: TestServer): Promise<WeftServer> {
  const url = new URL(process.env.WEFT_TEST_DATABASE_URL!);
  url.pathname = `/${t.server.db.description.split("/").pop()!}`;
  const config = loadConfig({
    env: {},
    overrides: { server_name: "localhost", listen: "127.0.0.1:0", data_dir: t.server.config.data_dir, log_level: "silent", rate_limits: "off", registration: "open", database_url: url.toString() },
  });
  return startServer(config);
}
