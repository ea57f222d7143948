import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { writeFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { makePfx, makeTestPki, opensslOk, type TestPki } from '../../support/openssl';
import { analysePfx } from '../../../electron/core/pki/pkcs12';
import { wizardFix } from '../../../electron/ipc/setup/identity';
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
  await makePfx(legacyPfx, good.certPath, good.keyPath, PASSWORD, { legacy: true, chainPaths: [pki.intermediate!.certPath] });
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
    expect(r).toEqual({ ok: false, error: expect.objectContaining({ code: 'pfx-wrong-password', message: 'The password does not open this .pfx file.' }) });
    expect(d.session.setup.identity).toBeUndefined();
    expect(d.session.setup.pfx).toBeUndefined();
  });

  it('meets every 1E requirement with a legacy .pfx for MAC01.local and the Acme CAs', async () => {
    const d = setupDriver({ localHostName: 'MAC01' });
    await withCas(d);
    const v = await d.ok('openPfx', { ...(await upload(legacyPfx, 'mac01.pfx')), password: PASSWORD });
    expect(v.ok).toBe(true);
    expect(v.findings.filter((f) => f.status === 'fail')).toEqual([]);
    expect(v.hostname).toEqual({ expected: 'MAC01.local', status: 'exact', certificateName: 'MAC01.local', names: [{ name: 'MAC01.local', source: 'CN' }, { name: 'MAC01.local', source: 'SAN DNS' }] });
    expect(v.pfx).toMatchObject({ fileName: 'mac01.pfx', macOsCompatible: true, rewrapped: false });
    expect(d.session.setup.identity).toMatchObject({ source: 'pfx', label: 'mac01.pfx' });
    expect(d.session.setup.identity!.chain.map((c) => c.subject)).toEqual([expect.stringContaining('Acme Issuing CA')]);
  });

  it('recognises an OpenSSL 3 .pfx as one macOS refuses, re-wraps it in one call, and saves a file OpenSSL opens with the same password', async () => {
    const d = setupDriver({ localHostName: 'MAC01' });
    await withCas(d);
    const before = await d.ok('openPfx', { ...(await upload(modernPfx, 'mac01.pfx')), password: PASSWORD });
    expect(before.ok).toBe(false);
    expect(before.pfx!.macOsCompatible).toBe(false);
    expect(before.pfx!.protection).toMatch(/AES|PBES2/i);
    const compat = before.findings.find((f) => f.id === 'pfx-macos-compatible')!;
    expect(compat.status).toBe('fail');
    expect(compat.fix).toContain('Re-wrap for macOS');

    const after = await d.ok('rewrapPfx', {});
    expect(after.ok).toBe(true);
    expect(after.pfx).toMatchObject({ macOsCompatible: true, rewrapped: true });
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
    expect(r).toEqual({ ok: false, error: expect.objectContaining({ code: 'not-a-pfx', hint: expect.stringContaining('CA certificates step') }) });
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

describe('the client certificate from a key made on this Mac', () => {
  it('makes a request for the host name and builds the identity from the certificate the CA issues', async () => {
    const d = setupDriver({ localHostName: 'MAC01' });
    await withCas(d);
    const csr = await d.ok('createCsr', { hostname: 'MAC01.local' });
    expect(csr).toMatchObject({ hostname: 'MAC01.local', subject: 'CN=MAC01.local', key: 'RSA 2048', fileName: 'MAC01.local.csr' });
    expect(csr.pem).toMatch(/^-----BEGIN CERTIFICATE REQUEST-----/);
    expect(JSON.stringify(csr)).not.toContain('PRIVATE KEY');

    // The CA signs the request as a Microsoft CA would, with the 1E extensions.
    const csrPath = join(pki.dir, 'mac.csr');
    const certPath = join(pki.dir, 'mac-issued.pem');
    const extPath = join(pki.dir, 'mac.ext');
    await writeFile(csrPath, csr.pem);
    await writeFile(extPath, `keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\nsubjectAltName=DNS:MAC01.local\ncrlDistributionPoints=URI:${pki.issuer.crlUrl}\n`);
    await opensslOk(['x509', '-req', '-in', csrPath, '-CA', pki.issuer.certPath, '-CAkey', pki.issuer.keyPath, '-CAcreateserial', '-days', '365', '-sha256', '-extfile', extPath, '-out', certPath]);

    const v = await d.ok('loadIssuedCertificate', await upload(certPath, 'MAC01.local.cer'));
    expect(v.source).toBe('csr');
    expect(v.ok).toBe(true);
    expect(v.pfx).toBeNull();
    expect(d.session.setup.identity!.key).toBe(d.session.setup.csr!.key);
  });

  it('refuses a certificate issued for another key', async () => {
    const d = setupDriver();
    await d.ok('createCsr', { hostname: 'MAC01.local' });
    const r = await d.call('loadIssuedCertificate', pemUpload((await pki.issuer.issue('someone-else', { cn: 'MAC01.local' })).certPem, 'other.cer'));
    expect(r).toEqual({ ok: false, error: expect.objectContaining({ code: 'certificate-not-for-key', message: expect.stringContaining('MAC01.local') }) });
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
    const lab = await d.ok('createLabCa', { name: 'Bench', crlBaseUrl: 'http://pki.lab.local/crl', caPassword: 'lab-secret-1', intermediate: false });
    try {
      expect(lab).toMatchObject({ name: 'Bench', issuer: 'CN=Bench Root CA, O=Bench', crlUrl: 'http://pki.lab.local/crl/root.crl', issuedCount: 0 });
      const cas = await d.ok('getCaCertificates', {});
      expect(cas.certificates).toEqual([expect.objectContaining({ role: 'root', commonName: 'Bench Root CA', fileName: 'Lab CA: Bench' })]);
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
    const lab = await d.ok('createLabCa', { name: 'Bench', crlBaseUrl: 'http://pki.lab.local/crl', caPassword: 'lab-secret-1', intermediate: false });
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
    const f = wizardFix({ id: 'chain-complete', status: 'fail', title: 't', detail: 'd', fix: 'Get the CA certificate "CN=X" (and any above it up to the root) from your PKI team and pass it with --ca; the Mac needs every one of them.' });
    expect(f.fix).toBe('Get the CA certificate "CN=X" (and any above it up to the root) from your PKI team and add it on the CA certificates step; the Mac needs every one of them.');
  });
});
