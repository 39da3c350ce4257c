// The server's signing key lives in `<data_dir>/signing.key` in the common
// `ed25519 <version> <seed>` format (the same file Synapse uses). The first
// start generates it; later starts load it.

import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { formatSigningKeyFile, generateSigningKey, parseSigningKeyFile, type SigningKey } from "@weft/signing";

/** Loads the signing key from the data directory, generating it on first start. */
export async function loadOrCreateSigningKey(dataDir: string): Promise<SigningKey> {
  const path = join(dataDir, "signing.key");
  try {
    const keys = parseSigningKeyFile(await readFile(path, "utf8"));
    if (keys[0]) return keys[0];
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const key = generateSigningKey("a_" + Math.random().toString(36).slice(2, 6));
  await mkdir(dataDir, { recursive: true });
  await writeFile(path, formatSigningKeyFile([key]), { mode: 0o600, flag: "wx" });
  return key;
}
