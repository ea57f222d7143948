import { describe, it, expect, beforeAll } from 'vitest';
import { createPrivateKey, type KeyObject } from 'node:crypto';
import {
  hostnameProblem,
  buildCsr,
  createKeyAndCsr,
  privateKeyPem,
  generateRsaKey,
} from '../../../../src/core/pki/csr';
import { readCsr } from '../../../../src/core/pki/csr';

let key: KeyObject;
beforeAll(async () => {
  key = await generateRsaKey(2048);
});

describe('host name validation', () => {
  it.each(['MAC01.local', 'mac-01.acme.example', 'MAC01', 'a'.repeat(63) + '.local'])('accepts %s', (name) => {
    expect(hostnameProblem(name)).toBeNull();
  });

  it.each([
    ['', /empty/],
    ['mac_01.local', /characters other than/],
    ['-mac.local', /starts or ends with a hyphen/],
    ['mac..local', /empty label/],
    ['mac.local.', /ends with a dot/],
    ['a'.repeat(64) + '.local', /longer than 63/],
    ['MAC 01.local', /characters other than/],
  ])('refuses "%s"', (name, why) => {
    expect(hostnameProblem(name)).toMatch(why);
  });
});

describe('buildCsr', () => {
  it('puts the host name exactly as given in the CN and the SAN, and requests the 1E extensions', () => {
    const csr = readCsr(buildCsr(key, { hostname: 'MAC01.local', sans: ['mac01.acme.example', 'MAC01.local'] }));
    expect(csr.signatureValid).toBe(true);
    expect(csr.commonName).toBe('MAC01.local');
    expect(csr.subjectAltNames.dns).toEqual(['MAC01.local', 'mac01.acme.example']);
    expect(csr.extendedKeyUsage).toEqual(['clientAuth']);
    expect(csr.keyUsage).toEqual(expect.arrayContaining(['digitalSignature', 'keyEncipherment']));
    expect(csr.keySize).toBe(2048);
  });

  it('includes the AD CS template name only when asked', () => {
    const withTemplate = buildCsr(key, { hostname: 'MAC01.local', template: 'OnboardMac' });
    const without = buildCsr(key, { hostname: 'MAC01.local' });
    const templateOid = Buffer.from('06092b0601040182371402', 'hex');
    expect(withTemplate.includes(templateOid)).toBe(true);
    expect(withTemplate.includes(Buffer.from('OnboardMac', 'utf16le').swap16())).toBe(true);
    expect(without.includes(templateOid)).toBe(false);
  });

  it('refuses an invalid host name or SAN with a hint', () => {
    expect(() => buildCsr(key, { hostname: 'bad_name.local' })).toThrow(/Invalid host name/);
    expect(() => buildCsr(key, { hostname: 'MAC01.local', sans: ['no way'] })).toThrow(/Invalid host name/);
  });
});

describe('key output', () => {
  it('encrypts the key with the password, so it opens only with it', () => {
    const pem = privateKeyPem(key, 'key secret');
    expect(pem).toContain('BEGIN ENCRYPTED PRIVATE KEY');
    expect(() => createPrivateKey({ key: pem, passphrase: 'nope' })).toThrow();
    expect(createPrivateKey({ key: pem, passphrase: 'key secret' }).asymmetricKeyDetails?.modulusLength).toBe(2048);
  });

  it('refuses an empty key password rather than writing a key that looks protected', () => {
    expect(() => privateKeyPem(key, '')).toThrow(/empty/);
  });

  it('refuses key sizes other than 2048, 3072 and 4096', async () => {
    await expect(createKeyAndCsr({ hostname: 'MAC01.local', keySize: 1024 as 2048 })).rejects.toThrow(
      /not a supported RSA key size/,
    );
  });
});
