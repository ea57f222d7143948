import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { X509Certificate, createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  makeTestPki,
  makePfx,
  opensslOk,
  type TestPki,
  type IssuedCert,
  type LeafOptions,
} from '../../../support/openssl';
import {
  checkClientCertificate,
  summarise,
  FINDING_IDS,
  type Finding,
  type ClientCheckInput,
} from '../../../../src/core/pki/requirements';
import { loadFile } from '../../../../src/core/pki/load';

const x = (pem: string) => new X509Certificate(pem);
const ts = (d: Date) => d.toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z';
const DAY = 86400_000;

// Fixtures come from the openssl CLI; on a busy machine a single test may take seconds.
describe('checkClientCertificate judges a device certificate against every 1E requirement', { timeout: 60_000 }, () => {
  let pki: TestPki;
  let cas: X509Certificate[];
  const issued = new Map<string, { cert: X509Certificate; key: KeyObject; files: IssuedCert }>();

  async function issue(name: string, o: LeafOptions = {}) {
    const files = await pki.issuer.issue(name, o);
    issued.set(name, { cert: x(files.certPem), key: createPrivateKey(await readFile(files.keyPath)), files });
  }
  function check(name: string, over: Partial<ClientCheckInput> = {}): Finding[] {
    const c = issued.get(name)!;
    return checkClientCertificate({
      certificate: c.cert,
      privateKey: c.key,
      caCertificates: cas,
      hostname: 'MAC01.local',
      ...over,
    });
  }
  const status = (fs: Finding[], id: string) => fs.find((f) => f.id === id)?.status;
  const get = (fs: Finding[], id: string) => fs.find((f) => f.id === id)!;

  beforeAll(async () => {
    pki = await makeTestPki({ intermediate: true });
    cas = [x(pki.root.certPem), x(pki.intermediate!.certPem)];
    const now = Date.now();
    // openssl ca keeps one database per CA, so issuance must be sequential.
    const plan: [string, LeafOptions][] = [
      ['good', { cn: 'MAC01.local', sans: ['MAC01.local'], ocsp: 'http://ocsp.acme.example' }],
      ['server-only', { cn: 'MAC01.local', eku: 'serverAuth' }],
      ['no-eku', { cn: 'MAC01.local', eku: '' }],
      ['sign-only', { cn: 'MAC01.local', ku: 'critical,digitalSignature' }],
      ['encipher-only', { cn: 'MAC01.local', ku: 'critical,keyEncipherment' }],
      ['ec', { cn: 'MAC01.local', keyType: 'ec', ku: 'critical,digitalSignature' }],
      ['no-cdp', { cn: 'MAC01.local', cdp: '' }],
      ['ldap-cdp', { cn: 'MAC01.local', cdp: 'ldap://dc01.acme.local/CN=Issuing%20CA?certificateRevocationList' }],
      ['ocsp-only', { cn: 'MAC01.local', cdp: '', ocsp: 'http://ocsp.acme.example' }],
      ['san-only', { cn: 'Device 42', sans: ['MAC01.local'] }],
      ['lower-case', { cn: 'mac01.local' }],
      [
        'expired',
        { cn: 'MAC01.local', startDate: ts(new Date(now - 400 * DAY)), endDate: ts(new Date(now - 35 * DAY)) },
      ],
      ['future', { cn: 'MAC01.local', startDate: ts(new Date(now + 2 * DAY)), endDate: ts(new Date(now + 300 * DAY)) }],
      ['expiring', { cn: 'MAC01.local', endDate: ts(new Date(now + 10 * DAY)) }],
      ['sha1', { cn: 'MAC01.local', md: 'sha1' }],
      ['sha512', { cn: 'MAC01.local', md: 'sha512' }],
    ];
    for (const [name, o] of plan) await issue(name, o);
  }, 120_000); // openssl key generation is slow on a busy 2-core machine
  afterAll(() => pki?.cleanup());

  it('passes every requirement for a proper device certificate with its key and CA chain, in a stable order', () => {
    const fs = check('good');
    expect(fs.map((f) => f.id)).toEqual(FINDING_IDS.filter((id) => id !== 'pfx-macos-compatible'));
    expect(fs.filter((f) => f.status !== 'pass')).toEqual([]);
    expect(summarise(fs)).toEqual({ pass: 14, warn: 0, fail: 0, info: 0, ok: true });
  });

  it('gives every finding a title and detail, and a fix whenever it is not a pass', () => {
    const all = [
      ...check('ec'),
      ...check('expired', { caCertificates: [] }),
      ...check('no-cdp', { privateKey: undefined }),
    ];
    for (const f of all) {
      expect(f.title.length).toBeGreaterThan(3);
      expect(f.detail.length).toBeGreaterThan(3);
      if (f.status === 'fail' || f.status === 'warn') expect(f.fix, f.id).not.toBe('');
    }
  });

  it('fails eku-client-auth for a server-only certificate', () => {
    const f = get(check('server-only'), 'eku-client-auth');
    expect(f.status).toBe('fail');
    expect(f.detail).toMatch(/serverAuth but not Client Authentication/);
  });

  it('warns (not fails) when there is no EKU at all, as OpenSSL accepts it', () => {
    expect(status(check('no-eku'), 'eku-client-auth')).toBe('warn');
  });

  it('fails ku-key-encipherment when only Digital Signature is set, and the other way round', () => {
    expect([
      status(check('sign-only'), 'ku-digital-signature'),
      status(check('sign-only'), 'ku-key-encipherment'),
    ]).toEqual(['pass', 'fail']);
    expect([
      status(check('encipher-only'), 'ku-digital-signature'),
      status(check('encipher-only'), 'ku-key-encipherment'),
    ]).toEqual(['fail', 'pass']);
  });

  it('fails an EC client certificate on key-rsa and ku-key-encipherment, without crashing', () => {
    const fs = check('ec');
    expect(status(fs, 'key-rsa')).toBe('fail');
    expect(get(fs, 'key-rsa').detail).toMatch(/EC P-256/);
    expect(status(fs, 'ku-key-encipherment')).toBe('fail');
    expect(status(fs, 'key-size')).toBe('info');
    expect(status(fs, 'chain-trusted')).toBe('pass');
    expect(status(fs, 'private-key-matches')).toBe('pass');
  });

  it('fails key-size for a 1024-bit RSA key', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const keyPath = join(pki.dir, 'small.key');
    await writeFile(keyPath, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    await opensslOk(['req', '-new', '-key', keyPath, '-subj', '/CN=MAC01.local', '-out', join(pki.dir, 'small.csr')]);
    await writeFile(
      join(pki.dir, 'small.ext'),
      `keyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\ncrlDistributionPoints=URI:${pki.issuer.crlUrl}\n`,
    );
    await opensslOk([
      'x509',
      '-req',
      '-in',
      join(pki.dir, 'small.csr'),
      '-CA',
      pki.issuer.certPath,
      '-CAkey',
      pki.issuer.keyPath,
      '-set_serial',
      '77',
      '-days',
      '30',
      '-extfile',
      join(pki.dir, 'small.ext'),
      '-out',
      join(pki.dir, 'small.pem'),
    ]);
    const fs = checkClientCertificate({
      certificate: x(await readFile(join(pki.dir, 'small.pem'), 'utf8')),
      privateKey,
      caCertificates: cas,
      hostname: 'MAC01.local',
    });
    expect(get(fs, 'key-size')).toMatchObject({ status: 'fail', detail: expect.stringMatching(/only 1024 bits/) });
    expect(status(fs, 'key-rsa')).toBe('pass');
  });

  it('requires an HTTP CDP: none or LDAP-only fails, and an OCSP URL alone does not replace it but is mentioned', () => {
    expect(status(check('no-cdp'), 'revocation-http')).toBe('fail');
    expect(get(check('ldap-cdp'), 'revocation-http')).toMatchObject({
      status: 'fail',
      detail: expect.stringMatching(/ldap:.*none over HTTP/),
    });
    expect(get(check('ocsp-only'), 'revocation-http')).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('OCSP responder http://ocsp.acme.example'),
    });
    expect(get(check('good'), 'revocation-http')).toMatchObject({
      status: 'pass',
      detail: expect.stringContaining('OCSP responder http://ocsp.acme.example'),
    });
  });

  it('accepts the host name in a SAN DNS entry when the CN says something else', () => {
    expect(get(check('san-only'), 'subject-hostname')).toMatchObject({
      status: 'pass',
      detail: 'SAN DNS "MAC01.local" equals the host name.',
    });
  });

  it('fails a case-only difference and shows both spellings with the exact CN to request', () => {
    const f = get(check('lower-case'), 'subject-hostname');
    expect(f.status).toBe('fail');
    expect(f.detail).toContain('"mac01.local"');
    expect(f.detail).toContain('"MAC01.local"');
    expect(f.fix).toContain('CN exactly "MAC01.local"');
  });

  it('fails a host name that is not in the certificate at all, listing what is', () => {
    expect(get(check('good', { hostname: 'MAC02.local' }), 'subject-hostname').detail).toBe(
      'The host name "MAC02.local" is not in the certificate (it has CN "MAC01.local", SAN DNS "MAC01.local").',
    );
  });

  it('fails an expired or not yet valid certificate and warns when expiry is under 30 days away', () => {
    expect(get(check('expired'), 'validity')).toMatchObject({
      status: 'fail',
      detail: expect.stringMatching(/^Expired on/),
    });
    expect(get(check('future'), 'validity')).toMatchObject({
      status: 'fail',
      detail: expect.stringMatching(/^Not valid until/),
    });
    expect(get(check('expiring'), 'validity')).toMatchObject({
      status: 'warn',
      detail: expect.stringMatching(/only (9|10) days left/),
    });
  });

  it('judges validity at the time given with `at`', () => {
    expect(status(check('good', { at: new Date(Date.now() + 400 * DAY) }), 'validity')).toBe('fail');
    expect(status(check('expired', { at: new Date(Date.now() - 100 * DAY) }), 'validity')).toBe('pass');
  });

  it('fails SHA-1 signatures and passes SHA-512 ones', () => {
    expect(status(check('sha1'), 'signature-algorithm')).toBe('fail');
    expect(get(check('sha512'), 'signature-algorithm')).toMatchObject({
      status: 'pass',
      detail: expect.stringContaining('sha512WithRSAEncryption'),
    });
  });

  it("warns on private-key-present when no key was given, and fails private-key-matches with another certificate's key", () => {
    const none = check('good', { privateKey: undefined });
    expect([status(none, 'private-key-present'), status(none, 'private-key-matches')]).toEqual(['warn', 'info']);
    const wrong = check('good', { privateKey: issued.get('sha1')!.key });
    expect([status(wrong, 'private-key-present'), status(wrong, 'private-key-matches')]).toEqual(['pass', 'fail']);
  });

  it('fails chain-complete and chain-trusted when the issuing CA is missing, naming it', () => {
    const fs = check('good', { caCertificates: [x(pki.root.certPem)] });
    expect(get(fs, 'chain-complete')).toMatchObject({
      status: 'fail',
      fix: expect.stringContaining('"CN=Onboard Test Issuing CA"'),
    });
    expect(status(fs, 'chain-trusted')).toBe('fail');
  });

  it('fails chain-trusted when the chain ends at a root other than the one given', async () => {
    const other = await makeTestPki({ name: 'Other' });
    try {
      const fs = check('good', { caCertificates: [x(other.root.certPem)], extraCertificates: cas });
      expect(get(fs, 'chain-trusted')).toMatchObject({
        status: 'fail',
        detail: expect.stringMatching(/not one of the trusted CA certificates/),
      });
      expect(status(fs, 'chain-complete')).toBe('pass');
    } finally {
      await other.cleanup();
    }
  });

  it('only warns on chain-trusted when the root came with the certificate and no CA file was given', () => {
    const fs = check('good', { caCertificates: [], extraCertificates: cas });
    expect(status(fs, 'chain-trusted')).toBe('warn');
    expect(status(fs, 'chain-complete')).toBe('pass');
  });

  it('fails a self-signed certificate on not-self-signed and chain-trusted', async () => {
    const key = join(pki.dir, 'self.key');
    const cert = join(pki.dir, 'self.pem');
    await opensslOk([
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-subj',
      '/CN=MAC01.local',
      '-days',
      '30',
      '-addext',
      'basicConstraints=CA:FALSE',
      '-addext',
      'keyUsage=digitalSignature,keyEncipherment',
      '-addext',
      'extendedKeyUsage=clientAuth',
    ]);
    const fs = checkClientCertificate({
      certificate: x(await readFile(cert, 'utf8')),
      privateKey: createPrivateKey(await readFile(key)),
      caCertificates: cas,
      hostname: 'MAC01.local',
    });
    expect([status(fs, 'not-self-signed'), status(fs, 'chain-trusted'), status(fs, 'chain-complete')]).toEqual([
      'fail',
      'fail',
      'info',
    ]);
  });

  it('adds pfx-macos-compatible for PFX input: an OpenSSL 3 default file fails with the re-wrap fix, a -legacy file passes', async () => {
    const g = issued.get('good')!.files;
    await makePfx(join(pki.dir, 'modern.pfx'), g.certPath, g.keyPath, 'pw');
    await makePfx(join(pki.dir, 'legacy.pfx'), g.certPath, g.keyPath, 'pw', { legacy: true });
    const modern = await loadFile(join(pki.dir, 'modern.pfx'), { password: 'pw' });
    const legacy = await loadFile(join(pki.dir, 'legacy.pfx'), { password: 'pw' });
    const m = get(check('good', { pfx: modern.pfx }), 'pfx-macos-compatible');
    expect(m.status).toBe('fail');
    expect(m.detail).toMatch(/MAC sha256/);
    // Neutral words; the CLI names `onboard pfx --rewrap` for this fix code (test/unit/cli/advice.test.ts).
    expect(m).toMatchObject({
      fix: expect.stringMatching(/^Re-wrap it to the compatible profile/),
      fixCode: 'rewrap-pfx',
    });
    expect(status(check('good', { pfx: legacy.pfx }), 'pfx-macos-compatible')).toBe('pass');
    expect(check('good', { pfx: legacy.pfx }).map((f) => f.id)).toEqual([...FINDING_IDS]);
  });

  it('fails private-key-present for a PFX without a key', () => {
    const fs = check('good', {
      privateKey: undefined,
      pfx: {
        macAlgorithm: 'sha1',
        macSaltLength: 8,
        macIterations: 2048,
        keyBagAlgorithms: [],
        certBagAlgorithms: ['none'],
        emptyPassword: false,
        macOsCompatible: true,
        problems: [],
      },
    });
    expect(get(fs, 'private-key-present')).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('PFX holds the certificate but no private key'),
    });
  });

  it('summarise counts each status and is ok only without a fail', () => {
    const fs = check('ec');
    const s = summarise(fs);
    expect(s.pass + s.warn + s.fail + s.info).toBe(fs.length);
    expect(s.ok).toBe(false);
    expect(summarise([{ id: 'validity', status: 'warn', title: 't', detail: 'd', fix: 'f' }]).ok).toBe(true);
  });
});
