// Cross-checks redactEvent against the spec's event signing test vectors
// (https://spec.matrix.org/v1.19/appendices/#event-signing): the signature in
// each vector covers the REDACTED event, so re-signing redactEvent's output
// with the spec's test key must reproduce it byte for byte (ed25519 is
// deterministic). The vectors predate room version 11, so they use the v1
// algorithm (which keeps `origin`). node:crypto and a minimal canonical JSON
// encoder (sorted keys, no whitespace — enough for these ASCII/integer inputs)
// keep this package free of extra dependencies.

import { createPrivateKey, sign } from "node:crypto";
import { describe, expect, it } from "vitest";
import { redactEvent } from "../src/index.js";

const SEED = Buffer.from("YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1", "base64");
// PKCS#8 wrapper for a raw ed25519 seed (RFC 8410).
const KEY = createPrivateKey({
  key: Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), SEED]),
  format: "der",
  type: "pkcs8",
});

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const obj = value as Record<string, unknown>;
    return `{${Object.keys(obj).sort().map((k) => `${JSON.stringify(k)}:${canonical(obj[k])}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

function signRedacted(event: Record<string, unknown>, roomVersion: string): string {
  const { signatures: _s, unsigned: _u, ...rest } = redactEvent(event, roomVersion);
  return sign(null, Buffer.from(canonical(rest)), KEY).toString("base64").replace(/=+$/, "");
}

const VECTORS = [
  {
    name: "minimally-sized event",
    signed: {
      auth_events: [], content: {}, depth: 3,
      hashes: { sha256: "5jM4wQpv6lnBo7CLIghJuHdW+s2CMBJPUOGOC89ncos" },
      origin: "domain", origin_server_ts: 1000000, prev_events: [], room_id: "!x:domain", sender: "@a:domain",
      signatures: { domain: { "ed25519:1": "KxwGjPSDEtvnFgU00fwFz+l6d2pJM6XBIaMEn81SXPTRl16AqLAYqfIReFGZlHi5KLjAWbOoMszkwsQma+lYAg" } },
      type: "X", unsigned: { age_ts: 1000000 },
    },
  },
  {
    name: "event with redactable content",
    signed: {
      content: { body: "Here is the message content" }, event_id: "$0:domain",
      hashes: { sha256: "onLKD1bGljeBWQhWZ1kaP9SorVmRQNdN5aM2JYU2n/g" },
      origin: "domain", origin_server_ts: 1000000, type: "m.room.message", room_id: "!r:domain", sender: "@u:domain",
      signatures: { domain: { "ed25519:1": "Wm+VzmOUOz08Ds+0NTWb1d4CZrVsJSikkeRxh6aCcUwu6pNC78FunoD7KNWzqFn241eYHYMGCA5McEiVPdhzBA" } },
      unsigned: { age_ts: 1000000 },
    },
  },
];

describe("spec event signing vectors sign the redacted event", () => {
  it("the test key reproduces the spec's plain JSON signing vector", () => {
    // Sanity check of key and encoder: https://spec.matrix.org/v1.19/appendices/#json-signing
    expect(sign(null, Buffer.from(canonical({})), KEY).toString("base64").replace(/=+$/, "")).toBe(
      "K8280/U9SSy9IVtjBuVeLr+HpOB4BQFWbg+UZaADMtTdGYI7Geitb76LTrr5QV/7Xg4ahLwYGYZzuHGZKM5ZAQ",
    );
  });

  for (const { name, signed } of VECTORS) {
    const expected = signed.signatures.domain["ed25519:1"];
    it(`${name}: redactEvent(v1) reproduces the signature`, () => {
      expect(signRedacted(signed, "1")).toBe(expected);
    });
    it(`${name}: the v11 algorithm (which drops origin) does not`, () => {
      expect(signRedacted(signed, "11")).not.toBe(expected);
    });
  }
});
