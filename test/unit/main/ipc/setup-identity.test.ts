import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { X509Certificate } from 'node:crypto';
import { readFile, writeFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { makePfx, makeTestPki, openssl, opensslOk, type TestPki } from '../../../support/openssl';
import { analysePfx } from '../../../../src/core/pki/pkcs12';
import { checkClientCertificate } from '../../../../src/core/pki/requirements';
import { wizardFix } from '../../../../src/main/ipc/setup/identity';
import { hasCommandLineAdvice } from '../../../../src/main/ipc/setup/wording';
import { pemUpload, setupDriver, upload, type SetupDriver } from './setup-support';

const PASSWORD = 'Corr3ct-Horse!';
let pki: TestPki;
let modernPfx: string;
let legacyPfx: string;
let lowerCasePfx: string;

beforeAll(async () => {
  pki = await makeTestPki({ intermediate: true, name: 'Acme' });
  const good = await pki.issuer.issue('mac01', { cn: 'MAC01.local', sans: ['MAC01.local'] });
  const lower = await pki.issuer.issue('mac01-lower', { cn: 'mac01.local' });
  modernPfx = join(pki.dir, 'mac01-openssl3.pfx');
  legacyPfx = join(pki.dir, 'mac01-legacy.pfx');
  lowerCasePfx = join(pki.dir, 'mac01-lower.pfx');
  await makePfx(modernPfx, good.certPath, good.keyPath, PASSWORD, { chainPaths: [pki.intermediate!.certPath] });
  await makePfx(legacyPfx, good.certPath, good.keyPath, PASSWORD, {
    legacy: true,
    chainPaths: [pki.intermediate!.certPath],
  });
  await makePfx(lowerCasePfx, lower.certPath, lower.keyPath, PASSWORD, { legacy: true });
});
afterAll(async () => {
  await pki?.cleanup();
});

async function withCas(d: SetupDriver): Promise<void> {
  await d.ok('addCaFiles', { files: [await upload(pki.caBundlePath, 'acme.pem')] });
}

describe('the client certificate from a .pfx', () => {
  it('says the password is wrong, distinctly, and chooses nothing', async () => {
    const d = setupDriver();
    const r = await d.call('openPfx', { ...(await upload(legacyPfx, 'mac01.pfx')), password: 'wrong' });
    expect(r).toEqual({
      ok: false,
      error: expect.objectContaining({
        code: 'pfx-wrong-password',
        message: 'The password does not open this .pfx file.',
      }),
    });
    expect(d.session.setup.identity).toBeUndefined();
    expect(d.session.setup.pfx).toBeUndefined();
  });

  it('meets every 1E requirement with a legacy .pfx for MAC01.local and the Acme CAs', async () => {
    const d = setupDriver({ localHostName: 'MAC01' });
    await withCas(d);
    const v = await d.ok('openPfx', { ...(await upload(legacyPfx, 'mac01.pfx')), password: PASSWORD });
    expect(v.ok).toBe(true);
    expect(v.findings.filter((f) => f.status === 'fail')).toEqual([]);
    expect(v.hostname).toEqual({
      expected: 'MAC01.local',
      status: 'exact',
      certificateName: 'MAC01.local',
      names: [
        { name: 'MAC01.local', source: 'CN' },
        { name: 'MAC01.local', source: 'SAN DNS' },
      ],
    });
    expect(v.pfx).toMatchObject({ fileName: 'mac01.pfx', macOsCompatible: true, rewrapped: false });
    expect(d.session.setup.identity).toMatchObject({ source: 'pfx', label: 'mac01.pfx' });
    expect(d.session.setup.identity!.chain.map((c) => c.subject)).toEqual([expect.stringContaining('Acme Issuing CA')]);
  });

  it('recognises an OpenSSL 3 .pfx as one other Macs refuse, without blocking this Mac, re-wraps it in one call, and saves a file OpenSSL opens with the same password', async () => {
    const d = setupDriver({ localHostName: 'MAC01' });
    await withCas(d);
    const before = await d.ok('openPfx', { ...(await upload(modernPfx, 'mac01.pfx')), password: PASSWORD });
    // Trust & identity imports Onboard's own compatible copy: the file's protection is a warning, not a failure.
    expect(before.ok).toBe(true);
    expect(before.counts.fail).toBe(0);
    expect(before.pfx).toMatchObject({ macOsCompatible: false, needsNewPassword: false, rewrapped: false });
    expect(before.pfx!.protection).toMatch(/AES|PBES2/i);
    const compat = before.findings.find((f) => f.id === 'pfx-macos-compatible')!;
    expect(compat.status).toBe('warn');
    expect(compat.detail).toMatch(/^This Mac is not affected: Onboard imports its own macOS-compatible copy/);
    expect(compat.detail).toContain('SHA256');
    expect(compat.fix).toContain('Re-wrap for macOS');
    expect(compat.fix).toContain('Only to use the file on other Macs');

    const after = await d.ok('rewrapPfx', {});
    expect(after.ok).toBe(true);
    expect(after.pfx).toMatchObject({ macOsCompatible: true, rewrapped: true, passwordChanged: false });
    expect(after.certificate.sha256).toBe(before.certificate.sha256);

    const file = await d.ok('exportPfx', {});
    expect(file.fileName).toBe('mac01-macos.pfx');
    const der = Buffer.from(file.base64, 'base64');
    expect(analysePfx(der, PASSWORD).macOsCompatible).toBe(true);
    const saved = join(pki.dir, 'saved.pfx');
    await writeFile(saved, der);
    try {
      const info = await opensslOk(['pkcs12', '-in', saved, '-info', '-noout', '-passin', `pass:${PASSWORD}`]);
      expect(info).toBe('');
    } finally {
      await rm(saved, { force: true });
    }
  });

  it('shows both spellings when the certificate names the Mac in other capitals', async () => {
    const d = setupDriver({ localHostName: 'MAC01' });
    await withCas(d);
    const v = await d.ok('openPfx', { ...(await upload(lowerCasePfx, 'lower.pfx')), password: PASSWORD });
    expect(v.ok).toBe(false);
    expect(v.hostname).toMatchObject({ expected: 'MAC01.local', status: 'case-only', certificateName: 'mac01.local' });
    const f = v.findings.find((x) => x.id === 'subject-hostname')!;
    expect(f.status).toBe('fail');
    expect(f.detail).toContain('"mac01.local"');
    expect(f.detail).toContain('"MAC01.local"');
    expect(f.fix).toContain('CN exactly "MAC01.local"');
  });

  it('judges the identity again when the CA list changes', async () => {
    const d = setupDriver({ localHostName: 'MAC01' });
    const alone = await d.ok('openPfx', { ...(await upload(legacyPfx, 'mac01.pfx')), password: PASSWORD });
    expect(alone.findings.find((f) => f.id === 'chain-trusted')!.status).not.toBe('pass');
    await withCas(d);
    const again = await d.ok('getIdentity', {});
    expect(again!.findings.find((f) => f.id === 'chain-trusted')!.status).toBe('pass');
  });

  it('refuses a certificate file on the .pfx path and says where it belongs', async () => {
    const r = await setupDriver().call('openPfx', { ...pemUpload(pki.root.certPem, 'root.cer'), password: '' });
    expect(r).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'not-a-pfx', hint: expect.stringContaining('CA certificates step') }),
    });
  });

  it('never sends the password back in any answer', async () => {
    const d = setupDriver({ localHostName: 'MAC01' });
    await withCas(d);
    const answers = [
      await d.call('openPfx', { ...(await upload(modernPfx, 'mac01.pfx')), password: PASSWORD }),
      await d.call('rewrapPfx', {}),
      await d.call('getIdentity', {}),
      await d.call('openPfx', { ...(await upload(modernPfx, 'mac01.pfx')), password: 'wrong' }),
    ];
    for (const a of answers) expect(JSON.stringify(a)).not.toContain(PASSWORD);
  });

  it('forgets the identity and the opened .pfx when the technician chooses another', async () => {
    const d = setupDriver();
    await d.ok('openPfx', { ...(await upload(legacyPfx, 'mac01.pfx')), password: PASSWORD });
    expect(await d.ok('clearIdentity', {})).toEqual({ cleared: true });
    expect(d.session.setup.pfx).toBeUndefined();
    expect(await d.ok('getIdentity', {})).toBeNull();
  });
});

describe('a .pfx with an empty password', () => {
  const NEW_PASSWORD = 'N3w-for-other-Macs!';
  let emptyPfx: string;

  beforeAll(async () => {
    const issued = await pki.issuer.issue('mac01-empty', { cn: 'MAC01.local', sans: ['MAC01.local'] });
    emptyPfx = join(pki.dir, 'mac01-empty.pfx');
    await opensslOk([
      'pkcs12',
      '-export',
      '-in',
      issued.certPath,
      '-inkey',
      issued.keyPath,
      '-out',
      emptyPfx,
      '-passout',
      'pass:',
    ]);
  });

  it('opens, lets this Mac go on, and says the re-wrap needs a new password', async () => {
    const d = setupDriver({ localHostName: 'MAC01' });
    await withCas(d);
    const v = await d.ok('openPfx', { ...(await upload(emptyPfx, 'empty.pfx')), password: '' });
    expect(v.ok).toBe(true);
    expect(v.pfx).toMatchObject({
      macOsCompatible: false,
      needsNewPassword: true,
      rewrapped: false,
      passwordChanged: false,
    });
    expect(v.pfx!.problems).toContainEqual(expect.stringContaining('empty password'));
    const compat = v.findings.find((f) => f.id === 'pfx-macos-compatible')!;
    expect(compat.status).toBe('warn');
    expect(compat.fix).toContain('choose a new password');
  });

  it('refuses to re-wrap it under the same empty password, and an empty new one, with a fix', async () => {
    const d = setupDriver({ localHostName: 'MAC01' });
    await d.ok('openPfx', { ...(await upload(emptyPfx, 'empty.pfx')), password: '' });
    const same = await d.call('rewrapPfx', {});
    expect(same).toEqual({
      ok: false,
      error: expect.objectContaining({
        code: 'pfx-new-password-needed',
        hint: expect.stringContaining('new password twice'),
      }),
    });
    const empty = await d.call('rewrapPfx', { newPassword: '' });
    expect(empty).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'invalid-request', message: expect.stringContaining('newPassword') }),
    });
    expect(d.session.setup.pfx!.rewrapped).toBe(false);
  });

  it('re-wraps it under the new password: the saved file opens in OpenSSL with the new password and not with the empty one', async () => {
    const d = setupDriver({ localHostName: 'MAC01' });
    await withCas(d);
    const before = await d.ok('openPfx', { ...(await upload(emptyPfx, 'empty.pfx')), password: '' });
    const after = await d.ok('rewrapPfx', { newPassword: NEW_PASSWORD });
    expect(after.ok).toBe(true);
    expect(after.pfx).toMatchObject({
      macOsCompatible: true,
      needsNewPassword: false,
      rewrapped: true,
      passwordChanged: true,
    });
    expect(after.certificate.sha256).toBe(before.certificate.sha256);
    expect(after.findings.find((f) => f.id === 'pfx-macos-compatible')!.status).toBe('pass');
    expect(JSON.stringify(after)).not.toContain(NEW_PASSWORD);

    const file = await d.ok('exportPfx', {});
    expect(file.fileName).toBe('empty-macos.pfx');
    expect(JSON.stringify(file)).not.toContain(NEW_PASSWORD);
    const saved = join(pki.dir, 'empty-rewrapped.pfx');
    await writeFile(saved, Buffer.from(file.base64, 'base64'));
    try {
      expect(await opensslOk(['pkcs12', '-in', saved, '-info', '-noout', '-passin', `pass:${NEW_PASSWORD}`])).toBe('');
      const subject = await opensslOk([
        'pkcs12',
        '-in',
        saved,
        '-nokeys',
        '-clcerts',
        '-passin',
        `pass:${NEW_PASSWORD}`,
      ]);
      expect(subject).toMatch(/subject=.*CN ?= ?MAC01\.local/);
      const key = await opensslOk(['pkcs12', '-in', saved, '-nocerts', '-nodes', '-passin', `pass:${NEW_PASSWORD}`]);
      expect(key).toContain('PRIVATE KEY');
      const withEmpty = await openssl(['pkcs12', '-in', saved, '-info', '-noout', '-passin', 'pass:']);
      expect(withEmpty.code).not.toBe(0);
      expect(withEmpty.stderr).toMatch(/mac verify failure|invalid password/i);
    } finally {
      await rm(saved, { force: true });
    }
  });
});

describe('advice on screen instead of command-line options', () => {
  it('words every finding of a poor certificate for the wizard', async () => {
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
    // The core's own words are for the command line; the test would pass vacuously otherwise.
    expect(raw.filter((f) => hasCommandLineAdvice(f.fix)).map((f) => f.id)).toEqual(
      expect.arrayContaining(['chain-trusted', 'key-rsa', 'subject-hostname', 'pfx-macos-compatible']),
    );

    const v = await setupDriver({ localHostName: 'MAC01' }).ok('openPfx', {
      ...(await upload(poor, 'poor.pfx')),
      password: PASSWORD,
    });
    for (const f of v.findings)
      expect({ id: f.id, text: hasCommandLineAdvice(`${f.detail} ${f.fix}`) }).toEqual({ id: f.id, text: false });
    expect(v.findings.find((f) => f.id === 'key-rsa')!.fix).toContain('"Make a key and request on this Mac"');
    expect(v.findings.find((f) => f.id === 'subject-hostname')!.fix).toContain('Welcome shows the name 1E expects');
  });

  it('words the errors of the issued-certificate and lab paths for the wizard', async () => {
    const d = setupDriver();
    await d.ok('createCsr', { hostname: 'MAC01.local' });
    const pfxAnswer = await d.call('loadIssuedCertificate', await upload(legacyPfx, 'answer.pfx'));
    expect(pfxAnswer).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'password-required', hint: expect.stringContaining('An existing .pfx') }),
    });

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
      const wrong = await setupDriver().call('openLabCa', { directory: lab.directory, caPassword: 'nope' });
      expect(wrong).toEqual({
        ok: false,
        error: expect.objectContaining({
          code: 'lab-wrong-ca-password',
          hint: 'Type the CA password chosen when this lab CA was created.',
        }),
      });
      for (const r of [pfxAnswer, notALab, wrong]) {
        if (r.ok) throw new Error('expected a failure');
        expect(hasCommandLineAdvice(`${r.error.message} ${r.error.hint}`)).toBe(false);
      }
    } finally {
      await rm(lab.directory, { recursive: true, force: true });
    }
  });
});

describe('the client certificate from a key made on this Mac', () => {
  it('makes a request for the host name and builds the identity from the certificate the CA issues', async () => {
    const d = setupDriver({ localHostName: 'MAC01' });
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
    expect(d.session.setup.identity!.key).toBe(d.session.setup.csr!.key);
  });

  it('refuses a certificate issued for another key', async () => {
    const d = setupDriver();
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
    expect(d.session.setup.identity).toBeUndefined();
  });

  it('refuses a host name that cannot be one', async () => {
    const r = await setupDriver().call('createCsr', { hostname: 'MAC 01.local' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('bad-hostname');
  });
});

describe('the client certificate from a lab CA', () => {
  it('creates a lab CA, adds its CA certificates to the list, and issues a certificate that meets every requirement', async () => {
    const d = setupDriver({ localHostName: 'MAC01' });
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
    const d = setupDriver();
    const lab = await d.ok('createLabCa', {
      name: 'Bench',
      crlBaseUrl: 'http://pki.lab.local/crl',
      caPassword: 'lab-secret-1',
      intermediate: false,
    });
    try {
      const r = await setupDriver().call('openLabCa', { directory: lab.directory, caPassword: 'nope' });
      expect(r).toEqual({ ok: false, error: expect.objectContaining({ code: 'lab-wrong-ca-password' }) });
    } finally {
      await rm(lab.directory, { recursive: true, force: true });
    }
  });
});

describe('fixes written for the wizard', () => {
  it('points at the CA certificates step instead of a command-line option', () => {
    const f = wizardFix({
      id: 'chain-complete',
      status: 'fail',
      title: 't',
      detail: 'd',
      fix: 'Get the CA certificate "CN=X" (and any above it up to the root) from your PKI team and pass it with --ca; the Mac needs every one of them.',
    });
    expect(f.fix).toBe(
      'Get the CA certificate "CN=X" (and any above it up to the root) from your PKI team and add it on the CA certificates step; the Mac needs every one of them.',
    );
  });
});
