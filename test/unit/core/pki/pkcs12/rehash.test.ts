// Specification: rehash() is the same as hashing the digest again with node:crypto, round after round.
import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { rehash } from '../../../../../src/core/pki/pkcs12/rehash';

/** The reference: node:crypto, one call per round. */
function native(digest: string, first: Buffer, times: number): Buffer {
  let A = first;
  for (let n = 0; n < times; n++) A = createHash(digest).update(A).digest();
  return A;
}

describe('rehash', () => {
  it.each(['sha1', 'sha224', 'sha256', 'sha384', 'sha512'])('agrees with node:crypto for %s', (digest) => {
    for (const times of [0, 1, 2, 3, 64, 2047]) {
      const first = createHash(digest).update(randomBytes(40)).digest();
      expect(rehash(digest, first, times).toString('hex'), `${times} rounds`).toBe(
        native(digest, first, times).toString('hex'),
      );
    }
  });

  it('agrees on digests whose words have the top bit set and on all-zero and all-one input', () => {
    for (const first of [Buffer.alloc(20, 0xff), Buffer.alloc(20, 0), Buffer.alloc(20, 0x80)])
      expect(rehash('sha1', first, 5).equals(native('sha1', first, 5))).toBe(true);
  });

  it('hashes input that is not a digest of that length the ordinary way', () => {
    const odd = randomBytes(7);
    expect(rehash('sha1', odd, 3).equals(native('sha1', odd, 3))).toBe(true);
    const short = randomBytes(20);
    expect(rehash('sha256', short, 2).equals(native('sha256', short, 2))).toBe(true);
  });
});
