// Specification: a PFX is opened once into an identity (key, certificate, chain) and wrapped again from it.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPfx, wrapIdentity } from '../../../../src/core/pki/identity';
import { analysePfx, readPfx } from '../../../../src/core/pki/pkcs12';
import { makePfx, makeTestPki, openssl, type TestPki } from '../../../support/openssl';

const PW = 'identity-pw';
let pki: TestPki;
const files: Record<string, Buffer> = {};

beforeAll(async () => {
  pki = await makeTestPki({ intermediate: true, name: 'Identity Unit' });
  const device = await pki.issuer.issue('mac01', { cn: 'MAC01.local', sans: ['MAC01.local'] });
  const make = async (name: string, opts: Parameters<typeof makePfx>[4]) => {
    const out = join(pki.dir, `${name}.p12`);
    await makePfx(out, device.certPath, device.keyPath, PW, opts);
    files[name] = await readFile(out);
  };
  await make('aes', { chainPaths: [pki.caBundlePath], name: 'MAC01 device' });
  await make('nokey', { extra: ['-nokeys'] });
});
afterAll(async () => {
  await pki?.cleanup();
});

describe('openPfx', () => {
  it('gives the key, the certificate it belongs to, the chain leaf to root, the friendly name and the analysis', () => {
    const { identity, analysis } = openPfx(files.aes!, PW);
    expect(identity.certificate.checkPrivateKey(identity.key)).toBe(true);
    expect(identity.certificate.subject).toContain('CN=MAC01.local');
    expect(identity.chain.map((c) => c.subject.split('\n').at(-1))).toEqual([
      'CN=Identity Unit Issuing CA',
      'CN=Identity Unit Root CA',
    ]);
    expect(identity.friendlyName).toBe('MAC01 device');
    expect(analysis).toEqual(analysePfx(files.aes!, PW));
  });

  it('refuses a file with no private key: there is no identity in it', () => {
    expect(() => openPfx(files.nokey!, PW)).toThrow(expect.objectContaining({ code: 'pfx-no-identity' }));
  });

  it('refuses a wrong password', () => {
    expect(() => openPfx(files.aes!, 'nope')).toThrow(expect.objectContaining({ code: 'pfx-wrong-password' }));
  });
});

describe('wrapIdentity', () => {
  it('writes a file every macOS imports, which OpenSSL 3 opens without -legacy', async () => {
    const { identity } = openPfx(files.aes!, PW);
    const wrapped = wrapIdentity(identity, 'one-time');
    expect(analysePfx(wrapped, 'one-time').macOsCompatible).toBe(true);
    expect(readPfx(wrapped, 'one-time').friendlyName).toBe('MAC01 device');
    const path = join(pki.dir, 'wrapped.p12');
    await writeFile(path, wrapped);
    const r = await openssl(['pkcs12', '-in', path, '-passin', 'pass:one-time', '-nokeys', '-info']);
    expect(r.code).toBe(0);
    expect((r.stdout + r.stderr).match(/BEGIN CERTIFICATE/g)).toHaveLength(3);
  });
});
