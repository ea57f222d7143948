// Specification: the PKCS#12 key derivation agrees with a published vector and with OpenSSL's own PKCS12KDF.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { bmpPassword, passwordForms, pkcs12Kdf } from '../../../../../src/core/pki/pkcs12/kdf';

/** OpenSSL 3's implementation of the same derivation (it takes the password bytes as given: BMP text here). */
function opensslKdf(digest: string, password: Buffer, salt: string, id: number, iterations: number, length: number) {
  const out = execFileSync(
    '/usr/bin/openssl',
    [
      'kdf',
      '-keylen',
      String(length),
      '-kdfopt',
      `digest:${digest}`,
      '-kdfopt',
      `hexpass:${password.toString('hex')}`,
      '-kdfopt',
      `hexsalt:${salt}`,
      '-kdfopt',
      `iter:${iterations}`,
      '-kdfopt',
      `id:${id}`,
      'PKCS12KDF',
    ],
    { encoding: 'utf8' },
  );
  return out.trim().replace(/:/g, '').toLowerCase();
}

describe('pkcs12Kdf', () => {
  it('derives the published 3DES key and IV for password "smeg" (SHA-1, one iteration)', () => {
    const salt = Buffer.from('0A58CF64530D823F', 'hex');
    expect(pkcs12Kdf('sha1', bmpPassword('smeg'), salt, 1, 1, 24).toString('hex')).toBe(
      '8aaae6297b6cb04642ab5b077851284eb7128f1a2a7fbca3',
    );
    expect(pkcs12Kdf('sha1', bmpPassword('smeg'), salt, 2, 1, 8).toString('hex')).toBe('79993dfe048d3b76');
  });

  it.each([
    ['sha1', 'SHA1', 'queeg', 3, 2048, 20],
    ['sha1', 'SHA1', 'queeg', 1, 2, 24],
    ['sha224', 'SHA224', 'queeg', 2, 2048, 8],
    ['sha256', 'SHA256', 'Ünïcødé pässwörd', 3, 2048, 70],
    ['sha512', 'SHA512', 'x', 1, 1000, 150],
  ] as const)('agrees with openssl kdf PKCS12KDF for %s, id %#', (digest, name, password, id, iterations, length) => {
    const salt = '1682C0FC5B3F7EC5';
    const ours = pkcs12Kdf(digest, bmpPassword(password), Buffer.from(salt, 'hex'), id, iterations, length);
    expect(ours.toString('hex')).toBe(opensslKdf(name, bmpPassword(password), salt, id, iterations, length));
  });

  it('tries an empty password both as empty BMP text and as no bytes at all, as OpenSSL does', () => {
    expect(passwordForms('').map((f) => f.bmp.toString('hex'))).toEqual(['0000', '']);
    expect(passwordForms('a')).toHaveLength(1);
  });
});
