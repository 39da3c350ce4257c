// Laws of the key backup replacement order
// (https://spec.matrix.org/v1.19/client-server-api/#server-side-key-backups):
// the kept key after any sequence of uploads is the best by
// (is_verified desc, first_message_index asc, forwarded_count asc), the
// earliest upload among equals, whatever the order of uploads.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { shouldReplaceBackupKey, type KeyBackupData } from "../src/index.js";

const keyData = fc.record({
  is_verified: fc.boolean(),
  first_message_index: fc.nat(5),
  forwarded_count: fc.nat(3),
  session_data: fc.record({ id: fc.nat() }),
}) as fc.Arbitrary<KeyBackupData>;

const rank = (k: KeyBackupData): [number, number, number] => [k.is_verified ? 0 : 1, k.first_message_index, k.forwarded_count];
const compare = (a: KeyBackupData, b: KeyBackupData): number => {
  const [x, y] = [rank(a), rank(b)];
  return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
};

describe("shouldReplaceBackupKey", () => {
  it("replaces exactly when the candidate ranks strictly better", () => {
    fc.assert(fc.property(keyData, keyData, (a, b) => shouldReplaceBackupKey(a, b) === compare(b, a) < 0));
  });

  it("never replaces a key with itself, and is antisymmetric", () => {
    fc.assert(fc.property(keyData, keyData, (a, b) => !shouldReplaceBackupKey(a, a) && !(shouldReplaceBackupKey(a, b) && shouldReplaceBackupKey(b, a))));
  });

  it("the kept key's rank does not depend on upload order", () => {
    fc.assert(
      fc.property(fc.array(keyData, { minLength: 1, maxLength: 8 }), fc.infiniteStream(fc.nat()), (uploads, seeds) => {
        const keep = (list: KeyBackupData[]): KeyBackupData => list.reduce((kept, next) => (shouldReplaceBackupKey(kept, next) ? next : kept));
        const shuffled = [...uploads].sort(() => (seeds.next().value % 3) - 1);
        expect(rank(keep(shuffled))).toEqual(rank(keep(uploads)));
      }),
    );
  });
});
