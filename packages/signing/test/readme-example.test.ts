// The README's example, kept runnable.

import { expect, it } from "vitest";
import { runReadmeExample } from "../../../vitest.readme.js";
import {
  Keyring,
  buildServerKeysResponse,
  computeEventId,
  generateSigningKey,
  signEvent,
  signRequest,
  verifyEvent,
  verifyRequest,
} from "../src/index.js";

it("runs the README example", async () => {
  // --- README example start ---
  // 1. A server's signing key (persist it with formatSigningKeyFile / parseSigningKeyFile).
  const key = generateSigningKey("a_1");

  // 2. Sign an event for a room version 12 room and compute its ID.
  const event = signEvent(
    {
      room_id: "!Rqnc-F-dvnEYJTyHq_iKxU2bZ1CI92-kuZq3a5lr5Zg",
      sender: "@alice:example.com",
      type: "m.room.message",
      content: { msgtype: "m.text", body: "hello" },
      origin_server_ts: 1_700_000_000_000,
      depth: 12,
      prev_events: ["$acR1l0raoZnm60CBwAVgqbZqoO_mYU81xysh1u7XcJk"],
      auth_events: ["$CD66HAED5npg6074c6pDtLKalHjVfYb2q4Q3LZgrW6o"],
    },
    "example.com",
    key,
    "12",
  );
  const eventId = computeEventId(event, "12"); // "$…" (URL-safe reference hash)

  // 3. On the receiving server: a Keyring fetches and caches example.com's keys.
  //    Here the "fetch" answers with what example.com serves at /_matrix/key/v2/server.
  const now = () => 1_700_000_000_000;
  const keyring = new Keyring({
    now,
    fetchServerKeys: async (serverName) =>
      buildServerKeysResponse({ serverName, keys: [key], validUntilTs: now() + 86_400_000 }),
  });
  const result = await verifyEvent(event, "12", keyring.keyLookup);
  // result.outcome: "accept" | "accept_redacted" | "reject"

  // 4. Federation requests carry an X-Matrix Authorization header.
  const request = { method: "GET", uri: "/_matrix/federation/v1/version", origin: "example.com", destination: "other.org" };
  const authorization = signRequest(request, key);
  const auth = await verifyRequest({ ...request, destination: "other.org", authorization }, keyring.keyLookup, now());
  // auth: { ok: true, origin: "example.com", keyId: "ed25519:a_1" }
  // --- README example end ---

  expect(eventId).toMatch(/^\$[A-Za-z0-9_-]{43}$/);
  expect(result.outcome).toBe("accept");
  expect(auth).toEqual({ ok: true, origin: "example.com", keyId: "ed25519:a_1" });
});

it("README example runs exactly as written in README.md and prints what its comments say", async () => {
  const logs = await runReadmeExample(import.meta.url);
  expect(logs).toHaveLength(3);
  expect(logs[0]?.[0]).toMatch(/^\$[A-Za-z0-9_-]{43}$/);
  expect(logs.slice(1)).toEqual([["accept"], [{ ok: true, origin: "example.com", keyId: "ed25519:a_1" }]]);
});
