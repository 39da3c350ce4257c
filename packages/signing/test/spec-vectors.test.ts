// The spec's cryptographic test vectors as fixtures:
// https://spec.matrix.org/v1.19/appendices/#cryptographic-test-vectors
// (JSON signing and event signing), run on both Ed25519 backends.

import { readFileSync } from "node:fs";
import { decodeBase64 } from "@weft/canonical-json";
import { describe, expect, it } from "vitest";
import {
  type Ed25519Backend,
  computeContentHash,
  nobleBackend,
  nodeBackend,
  signEvent,
  signJson,
  signingKeyFromSeed,
  verifyEventSync,
  verifyJsonSignature,
} from "../src/index.js";

interface Fixture {
  source: string;
  signingKey: { seed: string; serverName: string; keyId: string };
  roomVersions?: string[];
  cases: Array<{ name: string; input: Record<string, unknown>; signed: Record<string, unknown> }>;
}

const load = (name: string): Fixture => JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8")) as Fixture;
const jsonSigning = load("spec-json-signing.json");
const eventSigning = load("spec-event-signing.json");

const backends: Array<[string, Ed25519Backend]> = [
  ["node", nodeBackend()!],
  ["noble", nobleBackend()],
];

describe.each(backends)("spec vectors (%s backend)", (_name, backend) => {
  const key = signingKeyFromSeed(decodeBase64(jsonSigning.signingKey.seed), "1", { backend });

  it("derives the spec's key ID", () => {
    expect(key.keyId).toBe(jsonSigning.signingKey.keyId);
  });

  describe.each(jsonSigning.cases)("JSON signing: $name", ({ input, signed }) => {
    it("signs to the spec's output", () => {
      const frozen = structuredClone(input);
      expect(signJson(input, "domain", key)).toEqual(signed);
      expect(input).toEqual(frozen); // input untouched
    });
    it("verifies the spec's output", () => {
      expect(verifyJsonSignature(signed, "domain", "ed25519:1", key.publicKey)).toEqual({ ok: true });
    });
  });

  describe.each(eventSigning.cases)("event signing: $name", ({ input, signed }) => {
    const versions = eventSigning.roomVersions!;
    const lookup = (server: string, keyId: string) => (server === "domain" && keyId === "ed25519:1" ? { key: key.toVerifyKey() } : null);
    it.each(versions)("signs to the spec's output in room version %s", (roomVersion) => {
      expect(signEvent(input, "domain", key, roomVersion)).toEqual(signed);
    });
    it.each(versions)("has the spec's content hash in room version %s", (roomVersion) => {
      const hash = (signed["hashes"] as { sha256: string }).sha256;
      expect(computeContentHash(input, roomVersion)).toEqual(decodeBase64(hash));
    });
    it.each(versions)("verifies the spec's output as accept in room version %s", (roomVersion) => {
      const result = verifyEventSync(signed, roomVersion, lookup);
      if ("event_id" in signed || !["1", "2"].includes(roomVersion)) expect(result.outcome).toBe("accept");
      else expect(result).toMatchObject({ outcome: "reject", reason: "malformed_event" });
    });
  });
});
