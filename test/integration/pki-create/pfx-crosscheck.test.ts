import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { readFile, writeFile, access } from 'node:fs/promises';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import { makeTestPki, makePfx, openssl, type TestPki, type IssuedCert } from '../../support/openssl';
import { main } from '../../../src/cli/main';
import { runInMemory } from '../../support/cli-io';
import { readPfx, writePfx, rewrapPfx, analysePfx } from '../../../src/core/pki/pkcs12';

const KEYTOOL = '/usr/bin/keytool';
const PW = 'cross-check pw';
const env = { PW, NEW_PW: 'brand new pw', KEY_PW: 'key pw 1' };

const hasKeytool = await access(KEYTOOL).then(
  () => true,
  () => false,
);

function keytool(args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(KEYTOOL, args, { encoding: 'utf8', timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr });
    });
  });
}

const cli = (argv: string[], cwd: string) => runInMemory(main, argv, env, { cwd });

const spkiHex = (pem: string) => createPublicKey(pem).export({ type: 'spki', format: 'der' }).toString('hex');

let pki: TestPki;
let ecPki: TestPki;
let device: IssuedCert;
let ecDevice: IssuedCert;
let dir: string;

beforeAll(async () => {
  pki = await makeTestPki({ intermediate: true, name: 'Cross Check' });
  ecPki = await makeTestPki({ keyType: 'ec', name: 'Cross Check EC' });
  dir = pki.dir;
  device = await pki.issuer.issue('MAC01.local', { sans: ['MAC01.local'] });
  ecDevice = await ecPki.issuer.issue('ecmac', { cn: 'ecmac.local', keyType: 'ec' });
  const deviceKey = await readFile(device.keyPath, 'utf8');
  const build = (profile: 'compatible' | 'modern', name: string) =>
    writeFile(
      join(dir, name),
      writePfx({
        key: createPrivateKey(deviceKey),
        certificate: new X509Certificate(device.certPem),
        chain: [new X509Certificate(pki.intermediate!.certPem), new X509Certificate(pki.root.certPem)],
        password: PW,
        profile,
        friendlyName: 'MAC01 identity',
      }),
    );
  await build('compatible', 'compatible.pfx');
  await build('modern', 'modern.pfx');
});

afterAll(async () => {
  await pki?.cleanup();
  await ecPki?.cleanup();
});

describe('PFX files written by Onboard, read by OpenSSL 3', () => {
  it('openssl pkcs12 -info (no -legacy) reports a 3DES key bag, plain certificate bags and a SHA-1 MAC for the compatible profile', async () => {
    const r = await openssl(['pkcs12', '-info', '-noout', '-in', join(dir, 'compatible.pfx'), '-passin', 'env:PW'], {
      env,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('MAC: sha1, Iteration 2048');
    expect(r.stderr).toContain('MAC length: 20, salt length: 8');
    expect(r.stderr).not.toContain('PKCS7 Encrypted data');
    expect(r.stderr.match(/Certificate bag/g)).toHaveLength(3);
    expect(r.stderr).toContain('Shrouded Keybag: pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 2048');
  });

  it('openssl pkcs12 -info reports PBES2/PBKDF2/AES-256-CBC with hmacWithSHA256 and a SHA-256 MAC for the modern profile', async () => {
    const r = await openssl(['pkcs12', '-info', '-noout', '-in', join(dir, 'modern.pfx'), '-passin', 'env:PW'], {
      env,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('MAC: sha256, Iteration 2048');
    expect(r.stderr).toContain('Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC, Iteration 2048, PRF hmacWithSHA256');
  });

  it('openssl extracts the same key, the leaf, the chain and the friendly name', async () => {
    const r = await openssl(['pkcs12', '-in', join(dir, 'compatible.pfx'), '-nodes', '-passin', 'env:PW'], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('friendlyName: MAC01 identity');
    const key = /-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----/.exec(r.stdout)![0];
    expect(spkiHex(key)).toBe(spkiHex(device.certPem));
    expect(r.stdout.match(/BEGIN CERTIFICATE/g)).toHaveLength(3);
  });

  it('writes each certificate once, even when the chain given repeats them', async () => {
    const leaf = new X509Certificate(device.certPem);
    const int = new X509Certificate(pki.intermediate!.certPem);
    const root = new X509Certificate(pki.root.certPem);
    await writeFile(
      join(dir, 'repeated.pfx'),
      writePfx({
        key: createPrivateKey(await readFile(device.keyPath, 'utf8')),
        certificate: leaf,
        chain: [int, leaf, root, new X509Certificate(pki.intermediate!.certPem), root],
        password: PW,
        profile: 'compatible',
      }),
    );
    const r = await openssl(['pkcs12', '-info', '-nokeys', '-in', join(dir, 'repeated.pfx'), '-passin', 'env:PW'], {
      env,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.match(/BEGIN CERTIFICATE/g)).toHaveLength(3);
  });

  it('openssl rejects a wrong password on our file with its MAC error', async () => {
    const r = await openssl(['pkcs12', '-info', '-noout', '-in', join(dir, 'compatible.pfx'), '-passin', 'pass:wrong']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/Mac verify error: invalid password/);
  });
});

describe.skipIf(!hasKeytool)('PFX files and Java keytool', () => {
  it('keytool -list -storetype PKCS12 reads both profiles as a PrivateKeyEntry', async () => {
    for (const f of ['compatible.pfx', 'modern.pfx']) {
      const r = await keytool(['-list', '-storetype', 'PKCS12', '-keystore', join(dir, f), '-storepass', PW]);
      expect(r.code, r.out).toBe(0);
      expect(r.out).toMatch(/mac01 identity, .*PrivateKeyEntry/i);
    }
  });

  it('re-wraps a keytool-made keystore into the compatible profile that OpenSSL reads without -legacy', async () => {
    const ks = join(dir, 'java.p12');
    const gen = await keytool([
      '-genkeypair',
      '-alias',
      'javamac',
      '-keyalg',
      'RSA',
      '-keysize',
      '2048',
      '-dname',
      'CN=JAVA01.local',
      '-validity',
      '30',
      '-storetype',
      'PKCS12',
      '-keystore',
      ks,
      '-storepass',
      PW,
      '-keypass',
      PW,
    ]);
    expect(gen.code, gen.out).toBe(0);
    const original = await readFile(ks);
    expect(analysePfx(original, PW).macSaltLength).not.toBe(8);
    const out = rewrapPfx(original, PW, { profile: 'compatible' });
    await writeFile(join(dir, 'java-rewrapped.pfx'), out);
    expect(readPfx(out, PW)).toMatchObject({ friendlyName: 'javamac' });
    const r = await openssl(
      ['pkcs12', '-info', '-noout', '-in', join(dir, 'java-rewrapped.pfx'), '-passin', 'env:PW'],
      { env },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('Shrouded Keybag: pbeWithSHA1And3-KeyTripleDES-CBC');
  });

  it('re-wraps a keytool keystore that holds its CAs twice (key chain and trusted entries) with each certificate once', async () => {
    const ks = join(dir, 'java-chain.p12');
    const kt = async (args: string[]) => {
      const r = await keytool([...args, '-keystore', ks, '-storepass', PW]);
      expect(r.code, r.out).toBe(0);
    };
    await kt([
      '-genkeypair',
      '-alias',
      'javamac',
      '-keyalg',
      'RSA',
      '-keysize',
      '2048',
      '-dname',
      'CN=JAVA02.local',
      '-validity',
      '30',
      '-storetype',
      'PKCS12',
      '-keypass',
      PW,
    ]);
    await kt(['-certreq', '-alias', 'javamac', '-file', join(dir, 'java02.csr')]);
    await writeFile(
      join(dir, 'java02.ext'),
      'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\nsubjectAltName=DNS:JAVA02.local\n',
    );
    const signed = await openssl([
      'x509',
      '-req',
      '-in',
      join(dir, 'java02.csr'),
      '-CA',
      pki.issuer.certPath,
      '-CAkey',
      pki.issuer.keyPath,
      '-set_serial',
      '0x1e02',
      '-days',
      '30',
      '-extfile',
      join(dir, 'java02.ext'),
      '-out',
      join(dir, 'java02.pem'),
    ]);
    expect(signed.code, signed.stderr).toBe(0);
    // The way a Java admin does it: the CAs as trusted entries first, then the reply, which keytool chains from them.
    await kt(['-importcert', '-noprompt', '-alias', 'root', '-file', pki.root.certPath]);
    await kt(['-importcert', '-noprompt', '-alias', 'issuing', '-file', pki.intermediate!.certPath]);
    await kt(['-importcert', '-noprompt', '-alias', 'javamac', '-file', join(dir, 'java02.pem')]);
    const certsIn = async (file: string, pw: string) => {
      const r = await openssl(['pkcs12', '-info', '-nokeys', '-legacy', '-in', file, '-passin', `pass:${pw}`]);
      expect(r.code, r.stderr).toBe(0);
      return r.stdout
        .match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)!
        .map((pem) => new X509Certificate(pem).fingerprint256);
    };
    const before = await certsIn(ks, PW);
    expect(before).toHaveLength(5);
    expect(new Set(before).size).toBe(3);

    const r = await cli(
      ['pfx', '--rewrap', 'java-chain.p12', '--out', 'java-chain-rewrapped.pfx', '--password-env', 'PW'],
      dir,
    );
    expect(r.code, r.err).toBe(0);
    const after = await certsIn(join(dir, 'java-chain-rewrapped.pfx'), PW);
    expect(after).toHaveLength(3);
    expect(new Set(after)).toEqual(new Set(before));
    expect(
      readPfx(await readFile(join(dir, 'java-chain-rewrapped.pfx')), PW).certificates.map((c) => c.subject),
    ).toEqual(['CN=JAVA02.local', 'CN=Cross Check Issuing CA', 'O=Cross Check\nCN=Cross Check Root CA']);
  });
});

describe('onboard pfx against real peers', () => {
  it('re-wraps an OpenSSL -legacy (RC2) file into one OpenSSL 3 reads without -legacy, under a new password', async () => {
    await makePfx(join(dir, 'legacy-in.pfx'), device.certPath, device.keyPath, PW, {
      legacy: true,
      chainPaths: [pki.caBundlePath],
    });
    const r = await cli(
      [
        'pfx',
        '--rewrap',
        'legacy-in.pfx',
        '--out',
        'legacy-out.pfx',
        '--password-env',
        'PW',
        '--new-password-env',
        'NEW_PW',
      ],
      dir,
    );
    expect(r.code, r.err).toBe(0);
    const info = await openssl(
      ['pkcs12', '-info', '-noout', '-in', join(dir, 'legacy-out.pfx'), '-passin', 'env:NEW_PW'],
      { env },
    );
    expect(info.code, info.stderr).toBe(0);
    expect(info.stderr).not.toMatch(/RC2/);
    expect(info.stderr.match(/Certificate bag/g)).toHaveLength(3);
  });

  it('builds an EC identity that OpenSSL opens (EC keys are beyond node-forge)', async () => {
    const r = await cli(
      [
        'pfx',
        '--cert',
        ecDevice.certPath,
        '--key',
        ecDevice.keyPath,
        '--chain',
        ecPki.root.certPath,
        '--out',
        'ec.pfx',
        '--password-env',
        'PW',
      ],
      dir,
    );
    expect(r.code, r.err).toBe(0);
    const out = await openssl(['pkcs12', '-in', join(dir, 'ec.pfx'), '-nodes', '-passin', 'env:PW'], { env });
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toContain('subject=CN = ecmac.local');
  });

  it('builds from an encrypted PKCS#8 key when given its password', async () => {
    const enc = await openssl(
      ['pkcs8', '-topk8', '-in', device.keyPath, '-out', join(dir, 'enc.key'), '-passout', 'env:KEY_PW'],
      { env },
    );
    expect(enc.code, enc.stderr).toBe(0);
    const r = await cli(
      [
        'pfx',
        '--cert',
        device.certPath,
        '--key',
        'enc.key',
        '--key-password-env',
        'KEY_PW',
        '--out',
        'from-enc.pfx',
        '--password-env',
        'PW',
      ],
      dir,
    );
    expect(r.code, r.err).toBe(0);
    expect(
      (await openssl(['pkcs12', '-info', '-noout', '-in', join(dir, 'from-enc.pfx'), '-passin', 'env:PW'], { env }))
        .code,
    ).toBe(0);
  });
});

describe('onboard csr against OpenSSL', () => {
  it('writes a request that openssl req -verify accepts, with CN, SANs, the 1E extensions and the template name', async () => {
    const r = await cli(
      [
        'csr',
        '--hostname',
        'MAC07.local',
        '--san',
        'mac07.acme.example',
        '--template',
        'OnboardMac',
        '--out-key',
        'mac07.key',
        '--out-csr',
        'mac07.csr',
        '--key-password-env',
        'KEY_PW',
      ],
      dir,
    );
    expect(r.code, r.err).toBe(0);
    const v = await openssl(['req', '-in', join(dir, 'mac07.csr'), '-verify', '-noout', '-text']);
    expect(v.stderr + v.stdout).toMatch(/verify OK/i);
    expect(v.stdout).toContain('Subject: CN = MAC07.local');
    expect(v.stdout).toContain('DNS:MAC07.local, DNS:mac07.acme.example');
    expect(v.stdout).toContain('TLS Web Client Authentication');
    expect(v.stdout).toMatch(/Key Usage: critical\s+Digital Signature, Key Encipherment/);
    expect(v.stdout).toContain('1.3.6.1.4.1.311.20.2');
    expect(v.stdout).toContain('Public-Key: (2048 bit)');
    const k = await openssl(['pkey', '-in', join(dir, 'mac07.key'), '-passin', 'env:KEY_PW', '-noout'], { env });
    expect(k.code, k.stderr).toBe(0);
    const nopw = await openssl(['pkey', '-in', join(dir, 'mac07.key'), '-passin', 'pass:', '-noout']);
    expect(nopw.code).not.toBe(0);
  });

  it('lets an OpenSSL CA sign the request into a certificate that onboard pfx packs with the key', async () => {
    const r = await cli(['csr', '--hostname', 'MAC08.local', '--out-key', 'mac08.key', '--out-csr', 'mac08.csr'], dir);
    expect(r.code, r.err).toBe(0);
    const signed = await openssl([
      'x509',
      '-req',
      '-in',
      join(dir, 'mac08.csr'),
      '-CA',
      pki.issuer.certPath,
      '-CAkey',
      pki.issuer.keyPath,
      '-CAcreateserial',
      '-days',
      '30',
      '-copy_extensions',
      'copy',
      '-out',
      join(dir, 'mac08.pem'),
    ]);
    expect(signed.code, signed.stderr).toBe(0);
    const p = await cli(
      [
        'pfx',
        '--cert',
        'mac08.pem',
        '--key',
        'mac08.key',
        '--chain',
        pki.caBundlePath,
        '--out',
        'mac08.pfx',
        '--password-env',
        'PW',
        '--json',
      ],
      dir,
    );
    expect(p.code, p.err).toBe(0);
    expect(JSON.parse(p.out)).toMatchObject({
      subject: 'CN=MAC08.local',
      profile: 'compatible',
      analysis: { macOsCompatible: true },
    });
  });
});
