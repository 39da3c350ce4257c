// Small helpers shared by the signing modules (not exported from the package).
// Canonical JSON: https://spec.matrix.org/v1.19/appendices/#canonical-json

import { encodeCanonicalJsonBytes } from "@weft/canonical-json";

/** Whether `value` is a JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A shallow copy of `obj` without the named top-level keys (never mutates `obj`). */
export function withoutKeys(obj: Readonly<Record<string, unknown>>, a: string, b?: string, c?: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(obj)) {
    if (key === a || key === b || key === c) continue;
    if (key === "__proto__") {
      Object.defineProperty(out, key, { value: obj[key], enumerable: true, writable: true, configurable: true });
    } else {
      out[key] = obj[key];
    }
  }
  return out;
}

/** Canonical JSON bytes; `legacyNumbers` for room versions 1–5 (non-strict canonical JSON). */
export function canonicalBytes(value: unknown, legacyNumbers: boolean): Uint8Array {
  return legacyNumbers ? encodeCanonicalJsonBytes(value, { legacyNumbers: true }) : encodeCanonicalJsonBytes(value);
}

/**
 * The server name of a user ID or v1–2 event ID: everything after the first
 * colon. Deliberately lenient (no grammar check): the signature check only
 * needs to know whose signature to require, and federation sends historical IDs.
 */
export function domainOf(id: unknown): string | undefined {
  if (typeof id !== "string") return undefined;
  const colon = id.indexOf(":");
  return colon < 1 || colon === id.length - 1 ? undefined : id.slice(colon + 1);
}

/** Byte-wise equality. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
