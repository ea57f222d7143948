import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { X509Certificate, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { makeTestPki, makePfx, openssl, type TestPki, type IssuedCert } from '../../../../support/openssl';
import {
  isPkcs12,
  readPfx,
  analysePfx,
  readAndAnalysePfx,
  writePfx,
  rewrapPfx,
} from '../../../../../src/core/pki/pkcs12';
import { OnboardError } from '../../../../../src/core/errors';

const PW = 'Tr0ub4dor&3';

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return e instanceof OnboardError ? e.code : `not an OnboardError: ${String(e)}`;
  }
  return 'no error';
}

const spki = (k: KeyObject) =>
  (k.type === 'public' ? k : createPublicKey(k)).export({ type: 'spki', format: 'der' }).toString('hex');

let rsa: TestPki;
let ec: TestPki;
let device: IssuedCert;
let ecDevice: IssuedCert;
const files: Record<string, Buffer> = {};

beforeAll(async () => {
  rsa = await makeTestPki({ intermediate: true, name: 'Pkcs12 Unit' });
  ec = await makeTestPki({ keyType: 'ec', name: 'Pkcs12 EC' });
  device = await rsa.issuer.issue('mac01', { cn: 'MAC01.local', sans: ['MAC01.local'] });
  ecDevice = await ec.issuer.issue('ecmac', { cn: 'ecmac.local', keyType: 'ec' });
  // openssl pkcs12 keeps only the last -certfile, so the chain goes in as one bundle.
  const chain = [rsa.caBundlePath];
  const make = async (name: string, cert: IssuedCert, password: string, opts: Parameters<typeof makePfx>[4] = {}) => {
    const out = join(rsa.dir, `${name}.p12`);
    await makePfx(out, cert.certPath, cert.keyPath, password, opts);
    files[name] = await readFile(out);
  };
  await make('default', device, PW, { chainPaths: chain, name: 'MAC01 device' });
  await make('legacy', device, PW, { chainPaths: chain, name: 'MAC01 device', legacy: true });
  await make('ec', ecDevice, PW, { chainPaths: [ec.root.certPath] });
  await make('empty', device, '', { legacy: true });
  await make('nomac', device, PW, { extra: ['-nomac'] });
  await make('nokey', device, PW, { extra: ['-nokeys'] });
});

afterAll(async () => {
  await rsa?.cleanup();
  await ec?.cleanup();
});

describe('isPkcs12', () => {
  it('recognises OpenSSL 3 default and -legacy files without a password', () => {
    expect(isPkcs12(files.default!)).toBe(true);
    expect(isPkcs12(files.legacy!)).toBe(true);
  });

  it('says no to a PEM certificate, a DER certificate, random bytes and an empty file', () => {
    expect(isPkcs12(Buffer.from(device.certPem))).toBe(false);
    expect(isPkcs12(new X509Certificate(device.certPem).raw)).toBe(false);
    expect(isPkcs12(Buffer.from('3082ffff0201030000', 'hex'))).toBe(false);
    expect(isPkcs12(new Uint8Array(0))).toBe(false);
  });
});

describe('readPfx', () => {
  it('opens an OpenSSL 3 default (AES, SHA-256 MAC) file with its key, leaf-first chain and friendly name', () => {
    const c = readPfx(files.default!, PW);
    expect(c.certificates.map((x) => x.subject)).toEqual([
      'CN=MAC01.local',
      'CN=Pkcs12 Unit Issuing CA',
      'O=Pkcs12 Unit\nCN=Pkcs12 Unit Root CA',
    ]);
    expect(spki(c.key!)).toBe(spki(c.certificates[0]!.publicKey));
    expect(c.friendlyName).toBe('MAC01 device');
  });

  it('opens an OpenSSL -legacy file (RC2-40 certificates, 3DES key, SHA-1 MAC)', () => {
    const c = readPfx(files.legacy!, PW);
    expect(c.certificates).toHaveLength(3);
    expect(c.certificates[0]!.subject).toBe('CN=MAC01.local');
    expect(c.key!.asymmetricKeyType).toBe('rsa');
  });

  it('opens a file holding an EC key and EC certificates, which node-forge drops', () => {
    const c = readPfx(files.ec!, PW);
    expect(c.key!.asymmetricKeyType).toBe('ec');
    expect(c.certificates.map((x) => x.subject)).toEqual(['CN=ecmac.local', 'O=Pkcs12 EC\nCN=Pkcs12 EC Root CA']);
  });

  it('opens a file exported with an empty password when given the empty password', () => {
    const c = readPfx(files.empty!, '');
    expect(c.certificates[0]!.subject).toBe('CN=MAC01.local');
  });

  it('tells a wrong password apart from a damaged file', () => {
    expect(codeOf(() => readPfx(files.default!, 'wrong'))).toBe('pfx-wrong-password');
    expect(codeOf(() => readPfx(files.legacy!, PW.toUpperCase()))).toBe('pfx-wrong-password');
    expect(codeOf(() => readPfx(files.default!.subarray(0, files.default!.length - 40), PW))).toBe('pfx-corrupt');
    expect(codeOf(() => readPfx(Buffer.from('not a pfx at all'), PW))).toBe('pfx-corrupt');
  });

  it('reports a wrong password for a file without a MAC when decryption fails', () => {
    expect(codeOf(() => readPfx(files.nomac!, 'wrong'))).toBe('pfx-wrong-password');
    expect(readPfx(files.nomac!, PW).key).toBeDefined();
  });

  it('gives the technician a message and a hint that never repeat the password tried', () => {
    try {
      readPfx(files.default!, 'S3cretGuess');
      expect.unreachable();
    } catch (e) {
      const err = e as OnboardError;
      expect(err.message).toMatch(/password/);
      expect(err.hint).not.toBe('');
      expect(`${err.message} ${err.hint}`).not.toContain('S3cretGuess');
      expect(err.message).not.toMatch(/\n\s+at /);
    }
  });
});

describe('analysePfx', () => {
  it('flags an OpenSSL 3 default file as not importable on macOS, saying why', () => {
    const a = analysePfx(files.default!, PW);
    expect(a.macAlgorithm).toBe('sha256');
    expect(a.keyBagAlgorithms).toEqual(['PBES2/PBKDF2-hmacWithSHA256/AES-256-CBC']);
    expect(a.macOsCompatible).toBe(false);
    expect(a.problems.join(' ')).toMatch(/SHA256.*MAC verification failed/);
  });

  it('accepts an OpenSSL -legacy file as importable on every macOS', () => {
    const a = analysePfx(files.legacy!, PW);
    expect(a).toMatchObject({
      macAlgorithm: 'sha1',
      macSaltLength: 8,
      macIterations: 2048,
      keyBagAlgorithms: ['pbeWithSHA1And3-KeyTripleDES-CBC'],
      certBagAlgorithms: ['pbeWithSHA1And40BitRC2-CBC'],
      emptyPassword: false,
      macOsCompatible: true,
      problems: [],
    });
  });

  it('flags an empty password because macOS 15 refuses such files', () => {
    const a = analysePfx(files.empty!, '');
    expect(a.emptyPassword).toBe(true);
    expect(a.macOsCompatible).toBe(false);
    expect(a.problems.join(' ')).toMatch(/empty password/);
  });

  it('says when a file has no private key', () => {
    const a = analysePfx(files.nokey!, PW);
    expect(a.keyBagAlgorithms).toEqual([]);
    expect(a.problems.join(' ')).toMatch(/no private key/);
  });

  it('reads and analyses from one decryption, saying what readPfx and analysePfx say apart', () => {
    for (const name of ['default', 'legacy', 'ec', 'nokey'] as const) {
      const { contents, analysis } = readAndAnalysePfx(files[name]!, PW);
      const apart = readPfx(files[name]!, PW);
      expect(contents.certificates.map((c) => c.fingerprint256)).toEqual(
        apart.certificates.map((c) => c.fingerprint256),
      );
      expect(contents.key ? spki(contents.key) : null).toEqual(apart.key ? spki(apart.key) : null);
      expect(contents.friendlyName).toEqual(apart.friendlyName);
      expect(analysis).toEqual(analysePfx(files[name]!, PW));
    }
  });
});

describe('writePfx', () => {
  let key: KeyObject;
  let leaf: X509Certificate;
  let chain: X509Certificate[];
  beforeAll(async () => {
    key = createPrivateKey(await readFile(device.keyPath));
    leaf = new X509Certificate(device.certPem);
    chain = [new X509Certificate(rsa.root.certPem), new X509Certificate(rsa.intermediate!.certPem)];
  });

  it('writes a compatible file that analyses as importable on every macOS', () => {
    const der = writePfx({ key, certificate: leaf, chain, password: PW, profile: 'compatible', friendlyName: 'MAC01' });
    expect(analysePfx(der, PW)).toMatchObject({
      macAlgorithm: 'sha1',
      macSaltLength: 8,
      macIterations: 2048,
      keyBagAlgorithms: ['pbeWithSHA1And3-KeyTripleDES-CBC'],
      certBagAlgorithms: ['none'],
      macOsCompatible: true,
      problems: [],
    });
  });

  it('writes a modern file with AES-256 and PBKDF2-HMAC-SHA256 and a SHA-256 MAC', () => {
    const der = writePfx({ key, certificate: leaf, password: PW, profile: 'modern' });
    const a = analysePfx(der, PW);
    expect(a.macAlgorithm).toBe('sha256');
    expect(a.keyBagAlgorithms).toEqual(['PBES2/PBKDF2-hmacWithSHA256/AES-256-CBC']);
    expect(a.certBagAlgorithms).toEqual(['PBES2/PBKDF2-hmacWithSHA256/AES-256-CBC']);
    expect(a.macOsCompatible).toBe(false);
  });

  it('reads back what it wrote: same key, leaf first, chain ordered leaf to root, friendly name', () => {
    const der = writePfx({
      key,
      certificate: leaf,
      chain,
      password: 'pässwörd ✓',
      profile: 'compatible',
      friendlyName: 'Mac 01 – lab',
    });
    const c = readPfx(der, 'pässwörd ✓');
    expect(spki(c.key!)).toBe(spki(key));
    expect(c.certificates.map((x) => x.fingerprint256)).toEqual(
      [leaf, chain[1]!, chain[0]!].map((x) => x.fingerprint256),
    );
    expect(c.friendlyName).toBe('Mac 01 – lab');
  });

  it('uses fresh salts, so two files from the same input differ', () => {
    const a = writePfx({ key, certificate: leaf, password: PW, profile: 'compatible' });
    const b = writePfx({ key, certificate: leaf, password: PW, profile: 'compatible' });
    expect(a.equals(b)).toBe(false);
  });

  it('refuses an empty password', () => {
    expect(codeOf(() => writePfx({ key, certificate: leaf, password: '', profile: 'compatible' }))).toBe(
      'pfx-empty-password',
    );
  });

  it('refuses a key that does not belong to the certificate', async () => {
    const otherKey = createPrivateKey(await readFile(ecDevice.keyPath));
    expect(codeOf(() => writePfx({ key: otherKey, certificate: leaf, password: PW, profile: 'compatible' }))).toBe(
      'key-mismatch',
    );
  });

  it('writes EC identities too', async () => {
    const ecKey = createPrivateKey(await readFile(ecDevice.keyPath));
    const der = writePfx({
      key: ecKey,
      certificate: new X509Certificate(ecDevice.certPem),
      password: PW,
      profile: 'compatible',
    });
    expect(readPfx(der, PW).key!.asymmetricKeyType).toBe('ec');
  });
});

describe('rewrapPfx', () => {
  it('turns an OpenSSL 3 default file into a macOS-compatible one keeping key, chain and friendly name', () => {
    const before = readPfx(files.default!, PW);
    const out = rewrapPfx(files.default!, PW, { profile: 'compatible' });
    const after = readPfx(out, PW);
    expect(analysePfx(out, PW).macOsCompatible).toBe(true);
    expect(spki(after.key!)).toBe(spki(before.key!));
    expect(after.certificates.map((x) => x.fingerprint256)).toEqual(before.certificates.map((x) => x.fingerprint256));
    expect(after.friendlyName).toBe('MAC01 device');
  });

  it('sets a new password when one is given, and the old one no longer opens it', () => {
    const out = rewrapPfx(files.legacy!, PW, { profile: 'modern', newPassword: 'new-secret' });
    expect(readPfx(out, 'new-secret').certificates).toHaveLength(3);
    expect(codeOf(() => readPfx(out, PW))).toBe('pfx-wrong-password');
  });

  it('refuses a file that holds no private key', () => {
    expect(codeOf(() => rewrapPfx(files.nokey!, PW, { profile: 'compatible' }))).toBe('pfx-no-identity');
  });

  it('refuses to re-wrap with a wrong old password', () => {
    expect(codeOf(() => rewrapPfx(files.default!, 'nope', { profile: 'compatible' }))).toBe('pfx-wrong-password');
  });
});

describe('fixture sanity', () => {
  it('the OpenSSL -legacy fixture really uses RC2 for certificates', async () => {
    const r = await openssl(
      ['pkcs12', '-info', '-noout', '-legacy', '-in', join(rsa.dir, 'legacy.p12'), '-passin', 'env:PW'],
      { env: { PW } },
    );
    expect(r.stdout + r.stderr).toMatch(/PKCS7 Encrypted data: pbeWithSHA1And40BitRC2-CBC/);
  });
});
