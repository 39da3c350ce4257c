import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { DEFAULT_SCRYPT_PARAMS, hashPassword, verifyPassword } from "./password-hash.js";
import { generateDeviceId, generateToken, hashToken, ACCESS_TOKEN_PREFIX } from "./tokens.js";

// Cheap parameters keep the property runs fast; the format and check are the same.
const FAST = { ln: 4, r: 8, p: 1 };

describe("password hashing", () => {
  it("stores the parameters with the hash and verifies with the defaults", async () => {
    const stored = await hashPassword("correct horse battery staple");
    expect(stored).toMatch(new RegExp(`^\\$scrypt\\$ln=${DEFAULT_SCRYPT_PARAMS.ln},r=8,p=1\\$`));
    expect(await verifyPassword("correct horse battery staple", stored)).toBe(true);
    expect(await verifyPassword("correct horse battery stapl", stored)).toBe(false);
  });

  it("verifies what it hashed and nothing else (property)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 40 }), fc.string({ maxLength: 40 }), async (password, other) => {
        const stored = await hashPassword(password, FAST);
        expect(await verifyPassword(password, stored)).toBe(true);
        if (other.normalize("NFKC") !== password.normalize("NFKC")) expect(await verifyPassword(other, stored)).toBe(false);
      }),
      { numRuns: 30 },
    );
  });

  it("salts every hash", async () => {
    expect(await hashPassword("same", FAST)).not.toBe(await hashPassword("same", FAST));
  });

  it("never matches a missing or malformed hash", async () => {
    for (const stored of [null, undefined, "", "plain", "$scrypt$ln=99,r=8,p=1$AAAA$AAAA"]) expect(await verifyPassword("x", stored)).toBe(false);
  });
});

describe("tokens", () => {
  it("are prefixed, 32 random bytes, and hashed deterministically", () => {
    const token = generateToken(ACCESS_TOKEN_PREFIX);
    expect(token).toMatch(/^weft_at_[A-Za-z0-9_-]{43}$/);
    expect(hashToken(token)).toBe(hashToken(token));
    expect(hashToken(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(generateToken(ACCESS_TOKEN_PREFIX)).not.toBe(token);
  });

  it("device IDs are 10 uppercase letters", () => {
    for (let i = 0; i < 50; i++) expect(generateDeviceId()).toMatch(/^[A-Z]{10}$/);
  });
});
