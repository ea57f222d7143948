// Specification: RC2 as RFC 2268 defines it (its own test vectors), and RC2-CBC as OpenSSL's legacy provider does it.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decryptOneBlock, expandKey, rc2Decrypt } from '../../../../../src/core/pki/pkcs12/rc2';
import { BadPadding } from '../../../../../src/core/pki/pkcs12/errors';

// RFC 2268 section 5: key, effective key bits, plaintext, ciphertext (all hex).
const VECTORS: Array<[string, number, string, string]> = [
  ['0000000000000000', 63, '0000000000000000', 'ebb773f993278eff'],
  ['ffffffffffffffff', 64, 'ffffffffffffffff', '278b27e42e2f0d49'],
  ['3000000000000000', 64, '1000000000000001', '30649edf9be7d2c2'],
  ['88', 64, '0000000000000000', '61a8a244adacccf0'],
  ['88bca90e90875a', 64, '0000000000000000', '6ccf4308974c267f'],
  ['88bca90e90875a7f0f79c384627bafb2', 64, '0000000000000000', '1a807d272bbe5db1'],
  ['88bca90e90875a7f0f79c384627bafb2', 128, '0000000000000000', '2269552ab0f85ca6'],
  ['88bca90e90875a7f0f79c384627bafb216f80a6f85920584c42fceb0be255daf1e', 129, '0000000000000000', '5b78d3a43dfff1f1'],
];

/** RC2-CBC encryption by the openssl command (legacy provider), PKCS#7 padded. */
function opensslRc2(key: Buffer, iv: Buffer, plain: Buffer, bits: number): Buffer {
  const cipher = bits === 40 ? 'rc2-40-cbc' : 'rc2-cbc';
  return execFileSync(
    '/usr/bin/openssl',
    ['enc', `-${cipher}`, '-K', key.toString('hex'), '-iv', iv.toString('hex'), '-provider', 'legacy'].concat([
      '-provider',
      'default',
    ]),
    { input: plain },
  );
}

describe('RC2', () => {
  it.each(VECTORS)('decrypts RFC 2268’s vector for key %s at %i bits', (key, bits, plain, cipher) => {
    const K = expandKey(Buffer.from(key, 'hex'), bits);
    expect(decryptOneBlock(K, Buffer.from(cipher, 'hex')).toString('hex')).toBe(plain);
  });

  it.each([
    [128, 16],
    [40, 5],
  ])('agrees with OpenSSL on RC2-CBC at %i bits (as in PKCS#12 files)', (bits, keyBytes) => {
    for (const length of [0, 1, 7, 8, 9, 1000]) {
      const key = randomBytes(keyBytes);
      const iv = randomBytes(8);
      const plain = randomBytes(length);
      expect(rc2Decrypt(key, iv, opensslRc2(key, iv, plain, bits), bits).equals(plain), `${length} bytes`).toBe(true);
    }
  });

  it('reports bad padding, a short last block or a wrong key as BadPadding', () => {
    const key = randomBytes(16);
    const iv = randomBytes(8);
    const sealed = opensslRc2(key, iv, Buffer.from('a certificate bag'), 128);
    expect(() => rc2Decrypt(key, iv, sealed.subarray(0, sealed.length - 1), 128)).toThrow(BadPadding);
    expect(() => rc2Decrypt(key, iv, Buffer.alloc(0), 128)).toThrow(BadPadding);
    // A wrong key decrypts to random bytes: the padding check catches it except about 1 time in 256.
    let refused = 0;
    for (let i = 0; i < 20; i++) {
      try {
        rc2Decrypt(randomBytes(16), iv, sealed, 128);
      } catch (e) {
        if (e instanceof BadPadding) refused++;
      }
    }
    expect(refused).toBeGreaterThanOrEqual(15);
  });
});
