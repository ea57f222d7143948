// The client-certificate step through the real router: a key made on this Mac and the CA's answer, a lab CA, and
// every piece of advice in neutral words that the wizard's advice (renderer/ui/advice.ts) puts in its own.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { X509Certificate } from 'node:crypto';
import { readFile, writeFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { makePfx, makeTestPki, opensslOk, type TestPki } from '../../../../support/openssl';
import { analysePfx } from '../../../../../src/core/pki/pkcs12';
import { checkClientCertificate } from '../../../../../src/core/pki/requirements';
import { wizardError, wizardFix } from '../../../../../renderer/ui/advice';
import { commandLineSyntax, wizardWords } from '../../../../support/front-end-words';
import { pemUpload, stepDriver, upload, type StepDriver } from './support';

const PASSWORD = 'Corr3ct-Horse!';
let pki: TestPki;
let legacyPfx: string;

beforeAll(async () => {
  pki = await makeTestPki({ intermediate: true, name: 'Acme' });
  const good = await pki.issuer.issue('mac01', { cn: 'MAC01.local', sans: ['MAC01.local'] });
  legacyPfx = join(pki.dir, 'mac01-legacy.pfx');
  await makePfx(legacyPfx, good.certPath, good.keyPath, PASSWORD, {
    legacy: true,
    chainPaths: [pki.intermediate!.certPath],
  });
});
afterAll(async () => {
  await pki?.cleanup();
});

async function withCas(d: StepDriver): Promise<void> {
  await d.ok('addCaFiles', { files: [await upload(pki.caBundlePath, 'acme.pem')] });
}

describe('advice on screen instead of command-line options', () => {
  it('gives every finding of a poor certificate in neutral words, which the wizard words with its steps', async () => {
    // Self-signed, EC, no key usage, no CDP, another host name, and no CA added: most findings fail with a fix.
    const key = join(pki.dir, 'poor.key');
    const cert = join(pki.dir, 'poor.pem');
    const poor = join(pki.dir, 'poor.pfx');
    await opensslOk(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', key]);
    await opensslOk(['req', '-x509', '-new', '-key', key, '-subj', '/CN=other.local', '-days', '30', '-out', cert]);
    await makePfx(poor, cert, key, PASSWORD);
    const raw = checkClientCertificate({
      certificate: new X509Certificate(await readFile(cert)),
      caCertificates: [],
      hostname: 'MAC01.local',
      pfx: analysePfx(await readFile(poor), PASSWORD),
    });
    // The fixes the front ends word their own way carry a code (the test would pass vacuously otherwise).
    expect(raw.filter((f) => f.fixCode).map((f) => f.id)).toEqual(
      expect.arrayContaining(['chain-trusted', 'key-rsa', 'subject-hostname', 'pfx-macos-compatible']),
    );

    const v = await stepDriver({ localHostName: 'MAC01' }).ok('openPfx', {
      ...(await upload(poor, 'poor.pfx')),
      password: PASSWORD,
    });
    for (const f of v.findings) {
      const text = `${f.detail} ${wizardFix(f)}`;
      expect({ id: f.id, syntax: commandLineSyntax(text) }).toEqual({ id: f.id, syntax: null });
    }
    expect(wizardFix(v.findings.find((f) => f.id === 'key-rsa')!)).toContain('"Make a key and request on this Mac"');
    expect(wizardFix(v.findings.find((f) => f.id === 'subject-hostname')!)).toContain(
      'Welcome shows the name 1E expects',
    );
  });

  it('sends the errors of the issued-certificate and lab paths in words the wizard can show', async () => {
    const d = stepDriver();
    await d.ok('createCsr', { hostname: 'MAC01.local' });
    const pfxAnswer = await d.call('loadIssuedCertificate', await upload(legacyPfx, 'answer.pfx'));
    expect(pfxAnswer).toEqual({ ok: false, error: expect.objectContaining({ code: 'password-required' }) });
    if (pfxAnswer.ok) throw new Error('expected a failure');
    expect(wizardError(pfxAnswer.error, 'issued-certificate').hint).toContain('An existing .pfx');

    const notALab = await d.call('openLabCa', { directory: pki.dir, caPassword: 'x' });
    expect(notALab).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'not-a-lab', hint: expect.stringContaining('create a new lab CA') }),
    });

    const lab = await d.ok('createLabCa', {
      name: 'Bench',
      crlBaseUrl: 'http://pki.lab.local/crl',
      caPassword: 'lab-secret-1',
      intermediate: false,
    });
    try {
      const wrong = await stepDriver().call('openLabCa', { directory: lab.directory, caPassword: 'nope' });
      expect(wrong).toEqual({
        ok: false,
        error: expect.objectContaining({
          code: 'lab-wrong-ca-password',
          hint: 'Type the CA password chosen when this lab CA was created.',
        }),
      });
      for (const r of [pfxAnswer, notALab, wrong]) {
        if (r.ok) throw new Error('expected a failure');
        expect(commandLineSyntax(`${r.error.message} ${r.error.hint}`)).toBeNull();
        expect(wizardWords(`${r.error.message} ${r.error.hint}`)).toBeNull();
      }
    } finally {
      await rm(lab.directory, { recursive: true, force: true });
    }
  });
});

describe('the client certificate from a key made on this Mac', () => {
  it('makes a request for the host name and builds the identity from the certificate the CA issues', async () => {
    const d = stepDriver({ localHostName: 'MAC01' });
    await withCas(d);
    const csr = await d.ok('createCsr', { hostname: 'MAC01.local' });
    expect(csr).toMatchObject({
      hostname: 'MAC01.local',
      subject: 'CN=MAC01.local',
      key: 'RSA 2048',
      fileName: 'MAC01.local.csr',
    });
    expect(csr.pem).toMatch(/^-----BEGIN CERTIFICATE REQUEST-----/);
    expect(JSON.stringify(csr)).not.toContain('PRIVATE KEY');

    // The CA signs the request as a Microsoft CA would, with the 1E extensions.
    const csrPath = join(pki.dir, 'mac.csr');
    const certPath = join(pki.dir, 'mac-issued.pem');
    const extPath = join(pki.dir, 'mac.ext');
    await writeFile(csrPath, csr.pem);
    await writeFile(
      extPath,
      `keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\nsubjectAltName=DNS:MAC01.local\ncrlDistributionPoints=URI:${pki.issuer.crlUrl}\n`,
    );
    await opensslOk([
      'x509',
      '-req',
      '-in',
      csrPath,
      '-CA',
      pki.issuer.certPath,
      '-CAkey',
      pki.issuer.keyPath,
      '-CAcreateserial',
      '-days',
      '365',
      '-sha256',
      '-extfile',
      extPath,
      '-out',
      certPath,
    ]);

    const v = await d.ok('loadIssuedCertificate', await upload(certPath, 'MAC01.local.cer'));
    expect(v.source).toBe('csr');
    expect(v.ok).toBe(true);
    expect(v.pfx).toBeNull();
    expect(d.session.client.identity!.key).toBe(d.session.client.csr!.key);
  });

  it('refuses a certificate issued for another key', async () => {
    const d = stepDriver();
    await d.ok('createCsr', { hostname: 'MAC01.local' });
    const r = await d.call(
      'loadIssuedCertificate',
      pemUpload((await pki.issuer.issue('someone-else', { cn: 'MAC01.local' })).certPem, 'other.cer'),
    );
    expect(r).toEqual({
      ok: false,
      error: expect.objectContaining({
        code: 'certificate-not-for-key',
        message: expect.stringContaining('MAC01.local'),
      }),
    });
    expect(d.session.client.identity).toBeUndefined();
  });

  it('refuses a host name that cannot be one', async () => {
    const r = await stepDriver().call('createCsr', { hostname: 'MAC 01.local' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('bad-hostname');
  });
});

describe('the client certificate from a lab CA', () => {
  it('creates a lab CA, adds its CA certificates to the list, and issues a certificate that meets every requirement', async () => {
    const d = stepDriver({ localHostName: 'MAC01' });
    const lab = await d.ok('createLabCa', {
      name: 'Bench',
      crlBaseUrl: 'http://pki.lab.local/crl',
      caPassword: 'lab-secret-1',
      intermediate: false,
    });
    try {
      expect(lab).toMatchObject({
        name: 'Bench',
        issuer: 'CN=Bench Root CA, O=Bench',
        crlUrl: 'http://pki.lab.local/crl/root.crl',
        issuedCount: 0,
      });
      const cas = await d.ok('getCaCertificates', {});
      expect(cas.certificates).toEqual([
        expect.objectContaining({ role: 'root', commonName: 'Bench Root CA', fileName: 'Lab CA: Bench' }),
      ]);
      const v = await d.ok('issueLabCertificate', { hostname: 'MAC01.local' });
      expect(v.source).toBe('lab');
      expect(v.ok).toBe(true);
      expect(v.hostname.status).toBe('exact');
      expect(JSON.stringify(v)).not.toContain('lab-secret-1');
    } finally {
      await rm(lab.directory, { recursive: true, force: true });
    }
  });

  it('says at once when the password of an existing lab is wrong', async () => {
    const d = stepDriver();
    const lab = await d.ok('createLabCa', {
      name: 'Bench',
      crlBaseUrl: 'http://pki.lab.local/crl',
      caPassword: 'lab-secret-1',
      intermediate: false,
    });
    try {
      const r = await stepDriver().call('openLabCa', { directory: lab.directory, caPassword: 'nope' });
      expect(r).toEqual({ ok: false, error: expect.objectContaining({ code: 'lab-wrong-ca-password' }) });
    } finally {
      await rm(lab.directory, { recursive: true, force: true });
    }
  });
});

describe('fixes written for the wizard', () => {
  it('points at the CA certificates step instead of a command-line option', async () => {
    // A device certificate whose issuing CA was not added: chain-complete names it, the wizard says where to add it.
    const d = stepDriver({ localHostName: 'MAC01' });
    await d.ok('addCaFiles', { files: [pemUpload(pki.root.certPem, 'root.pem')] });
    const mac = await pki.issuer.issue('mac-no-issuer', { cn: 'MAC01.local', sans: ['MAC01.local'] });
    const pfx = join(pki.dir, 'mac-no-issuer.pfx');
    await makePfx(pfx, mac.certPath, mac.keyPath, PASSWORD, { legacy: true });
    const v = await d.ok('openPfx', { ...(await upload(pfx, 'mac.pfx')), password: PASSWORD });
    const f = v.findings.find((x) => x.id === 'chain-complete')!;
    expect(wizardFix(f)).toBe(
      'Get the CA certificate "CN=Acme Issuing CA" (and any above it up to the root) from your PKI team and add it on the CA certificates step; the Mac needs every one of them.',
    );
  });
});
