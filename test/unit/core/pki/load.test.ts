import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { readFile, writeFile, truncate } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { randomBytes, X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import { makeTestPki, makePfx, opensslOk, type TestPki, type IssuedCert } from '../../../support/openssl';
import { loadMaterial, loadFile } from '../../../../src/core/pki/load';
import { OnboardError } from '../../../../src/core/errors';

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof OnboardError) return e.code;
    return `not an OnboardError: ${String(e)}`;
  }
  return 'no error';
}

function errorOf(fn: () => unknown): OnboardError {
  try {
    fn();
  } catch (e) {
    if (e instanceof OnboardError) return e;
    throw e;
  }
  throw new Error('expected an OnboardError');
}

// Fixtures come from the openssl CLI; on a busy machine a single test may take seconds.
describe('loadMaterial reads certificate files by content', { timeout: 60_000 }, () => {
  let pki: TestPki;
  let leaf: IssuedCert;
  let ecLeaf: IssuedCert;
  const file = (n: string) => join(pki.dir, n);

  beforeAll(async () => {
    pki = await makeTestPki({ intermediate: true });
    leaf = await pki.issuer.issue('MAC01.local', { sans: ['MAC01.local'] });
    ecLeaf = await pki.issuer.issue('ec-device', { keyType: 'ec', ku: 'critical,digitalSignature' });
    await opensslOk(['x509', '-in', leaf.certPath, '-outform', 'DER', '-out', file('leaf.cer')]);
    await opensslOk(['crl2pkcs7', '-nocrl', '-certfile', pki.caBundlePath, '-outform', 'DER', '-out', file('ca.p7b')]);
    await opensslOk(['crl2pkcs7', '-nocrl', '-certfile', pki.caBundlePath, '-out', file('ca.p7b.pem')]);
    await makePfx(file('modern.pfx'), leaf.certPath, leaf.keyPath, 'pfx-pass', { chainPaths: [pki.caBundlePath] });
    await makePfx(file('legacy.pfx'), leaf.certPath, leaf.keyPath, 'pfx-pass', { legacy: true });
    await opensslOk([
      'pkcs12',
      '-export',
      '-nokeys',
      '-in',
      pki.caBundlePath,
      '-out',
      file('nokey.pfx'),
      '-passout',
      'pass:pfx-pass',
    ]);
    await opensslOk(['pkey', '-in', leaf.keyPath, '-traditional', '-out', file('pkcs1.key')]);
    await opensslOk(['pkcs8', '-topk8', '-in', leaf.keyPath, '-out', file('enc.key'), '-passout', 'pass:key-pass']);
    await opensslOk(['pkey', '-in', leaf.keyPath, '-outform', 'DER', '-out', file('key.der')]);
    await opensslOk([
      'pkey',
      '-in',
      leaf.keyPath,
      '-traditional',
      '-aes128',
      '-passout',
      'pass:key-pass',
      '-out',
      file('legacy-enc.key'),
    ]);
    await opensslOk([
      'req',
      '-new',
      '-key',
      leaf.keyPath,
      '-subj',
      '/CN=MAC01.local',
      '-addext',
      'subjectAltName=DNS:MAC01.local',
      '-addext',
      'extendedKeyUsage=clientAuth',
      '-out',
      file('req.csr'),
    ]);
    await opensslOk([
      'req',
      '-new',
      '-key',
      ecLeaf.keyPath,
      '-subj',
      '/CN=ec-device',
      '-outform',
      'DER',
      '-out',
      file('ec.csr.der'),
    ]);
  }, 120_000); // openssl key generation is slow on a busy 2-core machine
  afterAll(() => pki?.cleanup());

  it('reads every certificate of a PEM bundle, with CRLF line ends and OpenSSL subject= lines between blocks', async () => {
    const text = `subject=CN = root\n${pki.root.certPem}\nsubject=CN = issuing\n${pki.intermediate!.certPem}`.replace(
      /\n/g,
      '\r\n',
    );
    const m = loadMaterial(Buffer.from(text));
    expect(m.kinds).toEqual(['pem']);
    expect(m.certificates.map((c) => c.subject)).toEqual([
      'O=Onboard Test\nCN=Onboard Test Root CA',
      'CN=Onboard Test Issuing CA',
    ]);
    expect(m.warnings).toEqual([]);
  });

  it('reads a PEM bundle saved as UTF-16 with a byte-order mark, as Windows PowerShell writes it', () => {
    const utf16 = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from(pki.root.certPem + pki.intermediate!.certPem, 'utf16le'),
    ]);
    expect(loadMaterial(utf16).certificates).toHaveLength(2);
  });

  it('reads the blocks of a PEM file with garbage between them and says which lines it ignored', () => {
    const text = `${pki.root.certPem}this line is junk\nso is this\n${pki.intermediate!.certPem}`;
    const m = loadMaterial(Buffer.from(text));
    expect(m.certificates).toHaveLength(2);
    expect(m.warnings.join(' ')).toMatch(/Ignored text outside the PEM blocks on lines \d+-\d+/);
  });

  it('reads a DER certificate named .cer and reports it as der-certificate', async () => {
    const m = await loadFile(file('leaf.cer'));
    expect(m.kinds).toEqual(['der-certificate']);
    expect(m.certificates[0]!.fingerprint256).toBe(new X509Certificate(leaf.certPem).fingerprint256);
  });

  it('reads the certificates of a PKCS#7 bundle in DER and in PEM form', async () => {
    const der = await loadFile(file('ca.p7b'));
    const pem = await loadFile(file('ca.p7b.pem'));
    expect(der.kinds).toEqual(['pkcs7']);
    expect(pem.kinds).toEqual(['pem', 'pkcs7']);
    expect(der.certificates).toHaveLength(2);
    expect(pem.certificates.map((c) => c.fingerprint256)).toEqual(der.certificates.map((c) => c.fingerprint256));
  });

  it('opens an OpenSSL 3 default PFX with its password: key, leaf first, chain, and an analysis that flags it for macOS', async () => {
    const m = await loadFile(file('modern.pfx'), { password: 'pfx-pass' });
    expect(m.kinds).toEqual(['pkcs12', 'private-key']);
    expect(m.privateKeys).toHaveLength(1);
    expect(m.certificates[0]!.subject).toBe('CN=MAC01.local');
    expect(m.certificates).toHaveLength(3);
    expect(m.pfx?.macOsCompatible).toBe(false);
    expect(m.pfx?.macAlgorithm).toBe('sha256');
  });

  it('opens a -legacy PFX and reports it as importable by every macOS', async () => {
    const m = await loadFile(file('legacy.pfx'), { password: 'pfx-pass' });
    expect(m.certificates[0]!.subject).toBe('CN=MAC01.local');
    expect(m.pfx?.macOsCompatible).toBe(true);
  });

  it('says the PFX password is wrong, not that the file is damaged', async () => {
    const bytes = await readFile(file('modern.pfx'));
    const e = errorOf(() => loadMaterial(bytes, { password: 'not-it', name: 'device.pfx' }));
    expect(e.code).toBe('pfx-wrong-password');
    expect(e.message).toMatch(/password is wrong/);
  });

  it('asks for a password when a protected PFX is given without one', async () => {
    expect(codeOf(() => loadMaterial(readFileSync(file('modern.pfx'))))).toBe('password-required');
  });

  it('calls a cut-short PFX damaged, never a wrong password', async () => {
    const bytes = await readFile(file('modern.pfx'));
    const code = codeOf(() => loadMaterial(bytes.subarray(0, Math.floor(bytes.length / 2)), { password: 'pfx-pass' }));
    expect(['truncated', 'pfx-corrupt']).toContain(code);
  });

  it("reads a PFX that holds no private key and warns that it cannot be this Mac's identity", async () => {
    const m = await loadFile(file('nokey.pfx'), { password: 'pfx-pass' });
    expect(m.privateKeys).toHaveLength(0);
    expect(m.certificates).toHaveLength(2);
    expect(m.warnings.join(' ')).toMatch(/no private key/);
  });

  it('reads PKCS#1, PKCS#8 PEM and DER private keys', async () => {
    for (const n of ['pkcs1.key', 'key.der']) {
      const m = await loadFile(file(n));
      expect(m.kinds).toContain('private-key');
      expect(m.privateKeys[0]!.asymmetricKeyType).toBe('rsa');
    }
    const p8 = await loadFile(leaf.keyPath);
    expect(p8.privateKeys[0]!.asymmetricKeyDetails?.modulusLength).toBe(2048);
  });

  it('decrypts an encrypted PKCS#8 key with its password, and tells a missing from a wrong password', async () => {
    const bytes = await readFile(file('enc.key'));
    expect(loadMaterial(bytes, { password: 'key-pass' }).privateKeys).toHaveLength(1);
    expect(codeOf(() => loadMaterial(bytes))).toBe('password-required');
    expect(codeOf(() => loadMaterial(bytes, { password: 'wrong' }))).toBe('key-wrong-password');
  });

  it('decrypts a legacy encrypted PEM key (Proc-Type: 4,ENCRYPTED) and asks for its password', async () => {
    const bytes = await readFile(file('legacy-enc.key'));
    expect(bytes.toString()).toContain('Proc-Type: 4,ENCRYPTED');
    expect(loadMaterial(bytes, { password: 'key-pass' }).privateKeys[0]!.asymmetricKeyType).toBe('rsa');
    expect(codeOf(() => loadMaterial(bytes))).toBe('password-required');
    expect(codeOf(() => loadMaterial(bytes, { password: 'wrong' }))).toBe('key-wrong-password');
  });

  it('reads base64 without BEGIN/END lines as DER, with a warning', () => {
    const body = pki.root.certPem.replace(/-----[A-Z ]+-----/g, '');
    const m = loadMaterial(Buffer.from(body));
    expect(m.certificates[0]!.subject).toContain('Onboard Test Root CA');
    expect(m.warnings.join(' ')).toMatch(/without -----BEGIN----- lines/);
  });

  it('refuses a PEM file that holds only a public key, saying what it skipped', async () => {
    const pub = await opensslOk(['pkey', '-in', leaf.keyPath, '-pubout']);
    const e = errorOf(() => loadMaterial(Buffer.from(pub)));
    expect(e.code).toBe('no-certificates');
    expect(e.hint).toMatch(/bare public key/);
  });

  it('reads an EC certificate and its SEC1 key, which node-forge cannot', async () => {
    const m = loadMaterial(Buffer.from(ecLeaf.certPem + (await readFile(ecLeaf.keyPath, 'utf8'))));
    expect(m.certificates[0]!.publicKey.asymmetricKeyType).toBe('ec');
    expect(m.privateKeys[0]!.asymmetricKeyType).toBe('ec');
  });

  it('reads certificate requests (RSA in PEM, EC in DER) with subject, SAN and a verified signature', async () => {
    const rsa = (await loadFile(file('req.csr'))).csrs[0]!;
    expect(rsa).toMatchObject({
      commonName: 'MAC01.local',
      keyType: 'rsa',
      keySize: 2048,
      signatureValid: true,
      extendedKeyUsage: ['clientAuth'],
    });
    expect(rsa.subjectAltNames.dns).toEqual(['MAC01.local']);
    const ec = await loadFile(file('ec.csr.der'));
    expect(ec.kinds).toEqual(['csr']);
    expect(ec.csrs[0]).toMatchObject({ commonName: 'ec-device', keyType: 'ec', curve: 'P-256', signatureValid: true });
  });

  it('refuses an empty file', () => {
    expect(codeOf(() => loadMaterial(Buffer.alloc(0)))).toBe('empty-file');
    expect(codeOf(() => loadMaterial(Buffer.from('\n  \r\n')))).toBe('empty-file');
  });

  it('calls a DER certificate with its end cut off truncated', async () => {
    const der = await readFile(file('leaf.cer'));
    const e = errorOf(() => loadMaterial(der.subarray(0, der.length - 40), { name: 'leaf.cer' }));
    expect(e.code).toBe('truncated');
    expect(e.message).toMatch(/^leaf\.cer is cut short/);
  });

  it('calls a PEM block without its END line truncated', () => {
    const pem = pki.root.certPem;
    expect(codeOf(() => loadMaterial(Buffer.from(pem.slice(0, pem.length - 40))))).toBe('truncated');
  });

  it('refuses random bytes as an unrecognised format', () => {
    const bytes = randomBytes(2048);
    bytes[0] = 0x8f; // never a SEQUENCE, so the outcome does not depend on chance
    expect(codeOf(() => loadMaterial(bytes))).toBe('unrecognised-format');
  });

  it('recognises a JPEG renamed .cer and says it is an image', () => {
    const jpeg = Buffer.concat([
      Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]),
      Buffer.from('JFIF\0'),
      randomBytes(500),
    ]);
    const e = errorOf(() => loadMaterial(jpeg, { name: 'device.cer' }));
    expect(e.code).toBe('unrecognised-format');
    expect(e.message).toBe('device.cer is a JPEG image, not a certificate, key or PFX file.');
  });

  it('refuses a 60 MB file before reading it, saying it is too large', async () => {
    const big = file('huge.cer');
    await writeFile(big, '');
    await truncate(big, 60 * 1024 * 1024);
    await expect(loadFile(big)).rejects.toMatchObject({
      code: 'file-too-large',
      message: expect.stringMatching(/60\.0 MB/),
    });
  });

  it('answers damaged input of every format with an OnboardError, never anything else', async () => {
    let seed = 20240601;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const { inspectCertificate } = await import('../../../../src/core/pki/inspect');
    const { checkClientCertificate } = await import('../../../../src/core/pki/requirements');
    // PFX files take a key derivation per attempt, so they get fewer rounds.
    const rounds: [string, number][] = [
      ['leaf.cer', 250],
      ['ca.p7b', 250],
      ['key.der', 150],
      ['ec.csr.der', 150],
      ['legacy.pfx', 40],
    ];
    const strays: string[] = [];
    for (const [name, count] of rounds) {
      const original = await readFile(file(name));
      for (let i = 0; i < count; i++) {
        const b = Buffer.from(original);
        for (let k = 1 + Math.floor(rnd() * 3); k > 0; k--) b[Math.floor(rnd() * b.length)] = Math.floor(rnd() * 256);
        const input = rnd() < 0.2 ? b.subarray(0, Math.floor(rnd() * b.length)) : b;
        try {
          const m = loadMaterial(input, { password: 'pfx-pass' });
          for (const cert of m.certificates) {
            inspectCertificate(cert);
            checkClientCertificate({
              certificate: cert,
              caCertificates: m.certificates,
              hostname: 'MAC01.local',
              privateKey: m.privateKeys[0],
              pfx: m.pfx,
            });
          }
        } catch (e) {
          if (!(e instanceof OnboardError)) strays.push(String(e));
        }
      }
    }
    expect(strays).toEqual([]);
  }, 30_000);

  it('says a base64 body with foreign characters is damaged, naming the block', () => {
    const broken = pki.root.certPem.replace(/\n(.{10})/, '\n$1*!*');
    expect(errorOf(() => loadMaterial(Buffer.from(broken))).message).toMatch(
      /CERTIFICATE block 1 contains characters that are not base64/,
    );
  });
});
