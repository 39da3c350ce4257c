// Login cost: one scrypt verification (N=2^15, r=8, p=1) per password login.
// Run: npx vitest bench --run --project @weft/server bench/password-hash.bench.ts
import { bench, describe } from "vitest";
import { hashPassword, verifyPassword } from "../src/services/password-hash.js";
import { generateToken, hashToken, ACCESS_TOKEN_PREFIX } from "../src/services/tokens.js";

const stored = await hashPassword("correct horse battery staple");
const token = generateToken(ACCESS_TOKEN_PREFIX);

describe("password login", () => {
  bench("verifyPassword (scrypt ln=15 r=8 p=1)", async () => {
    await verifyPassword("correct horse battery staple", stored);
  }, { iterations: 20, warmupIterations: 2 });
});

describe("access token lookup key", () => {
  bench("hashToken (sha256)", () => {
    hashToken(token);
  });
});
