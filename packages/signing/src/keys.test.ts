import { describe, expect, it } from "vitest";
import { decodeBase64, encodeBase64 } from "@weft/canonical-json";
import {
  SigningError,
  VerifyKey,
  formatSigningKeyFile,
  generateSigningKey,
  isSigningError,
  parseSigningKeyFile,
  signingKeyFromSeed,
} from "./index.js";

const SPEC_SEED = "YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1";

describe("signing keys", () => {
  it("derives key ID and public key from a seed", () => {
    const key = signingKeyFromSeed(decodeBase64(SPEC_SEED), "a_1");
    expect(key.keyId).toBe("ed25519:a_1");
    expect(key.publicKey).toHaveLength(32);
    expect(decodeBase64(key.publicKeyBase64)).toEqual(key.publicKey);
    expect(key.toVerifyKey().verify(Uint8Array.of(1), key.sign(Uint8Array.of(1)))).toBe(true);
  });

  it("generates distinct random keys", () => {
    const a = generateSigningKey("1");
    const b = generateSigningKey("1");
    expect(a.publicKeyBase64).not.toBe(b.publicKeyBase64);
  });

  it.each(["", "a:b", "a b", "ключ", 7])("refuses key version %j", (version) => {
    expect(() => generateSigningKey(version as string)).toThrow(expect.objectContaining({ code: "INVALID_KEY_VERSION" }));
  });

  it("refuses a seed that is not 32 bytes", () => {
    expect(() => signingKeyFromSeed(new Uint8Array(31), "1")).toThrow(SigningError);
    try {
      signingKeyFromSeed(new Uint8Array(33), "1");
    } catch (err) {
      expect(isSigningError(err) && err.code).toBe("INVALID_SEED");
    }
  });

  it("round-trips the signing key file format (several lines, comments, CRLF)", () => {
    const keys = [signingKeyFromSeed(decodeBase64(SPEC_SEED), "a_1"), generateSigningKey("b_2")];
    const text = formatSigningKeyFile(keys);
    // The spec's seed has non-zero trailing bits in its last character; re-encoding normalises them.
    expect(text).toBe(`ed25519 a_1 ${encodeBase64(decodeBase64(SPEC_SEED))}\ned25519 b_2 ${encodeBase64(keys[1]!.exportSeed())}\n`);
    const parsed = parseSigningKeyFile(`# keys\r\n${text.replace("\n", "\r\n")}\n\n`);
    expect(parsed.map((k) => [k.keyId, k.publicKeyBase64])).toEqual(keys.map((k) => [k.keyId, k.publicKeyBase64]));
  });

  it.each([
    ["empty file", ""],
    ["wrong algorithm", `curve25519 a ${SPEC_SEED}`],
    ["missing field", "ed25519 a"],
    ["bad version", `ed25519 a:b ${SPEC_SEED}`],
    ["bad base64", "ed25519 a !!!!"],
    ["short seed", "ed25519 a AAAA"],
  ])("refuses a key file with %s", (_name, text) => {
    expect(() => parseSigningKeyFile(text)).toThrow(expect.objectContaining({ code: "INVALID_KEY_FILE" }));
  });

  it("VerifyKey accepts base64 and refuses malformed keys", () => {
    const key = generateSigningKey("1");
    expect(VerifyKey.fromBase64(key.publicKeyBase64).publicKey).toEqual(key.publicKey);
    expect(() => VerifyKey.fromBase64("AAAA")).toThrow(expect.objectContaining({ code: "INVALID_PUBLIC_KEY" }));
    expect(() => VerifyKey.fromBase64("!!")).toThrow(expect.objectContaining({ code: "INVALID_PUBLIC_KEY" }));
  });
});
