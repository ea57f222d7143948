// The client-certificate step through the real router: a .pfx opened, judged, re-wrapped for macOS and saved.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { writeFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { makePfx, makeTestPki, openssl, opensslOk, type TestPki } from '../../../../support/openssl';
import { analysePfx } from '../../../../../src/core/pki/pkcs12';
import { pemUpload, stepDriver, upload, type StepDriver } from './support';

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

async function withCas(d: StepDriver): Promise<void> {
  await d.ok('addCaFiles', { files: [await upload(pki.caBundlePath, 'acme.pem')] });
}

describe('the client certificate from a .pfx', () => {
  it('says the password is wrong, distinctly, and chooses nothing', async () => {
    const d = stepDriver();
    const r = await d.call('openPfx', { ...(await upload(legacyPfx, 'mac01.pfx')), password: 'wrong' });
    expect(r).toEqual({
      ok: false,
      error: expect.objectContaining({
        code: 'pfx-wrong-password',
        message: 'The password does not open this .pfx file.',
      }),
    });
    expect(d.session.client.identity).toBeUndefined();
    expect(d.session.client.pfx).toBeUndefined();
  });

  it('meets every 1E requirement with a legacy .pfx for MAC01.local and the Acme CAs', async () => {
    const d = stepDriver({ localHostName: 'MAC01' });
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
    expect(d.session.client.identity).toMatchObject({ source: 'pfx', label: 'mac01.pfx' });
    expect(d.session.client.identity!.chain.map((c) => c.subject)).toEqual([
      expect.stringContaining('Acme Issuing CA'),
    ]);
  });

  it('recognises an OpenSSL 3 .pfx as one other Macs refuse, without blocking this Mac, re-wraps it in one call, and saves a file OpenSSL opens with the same password', async () => {
    const d = stepDriver({ localHostName: 'MAC01' });
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
    const d = stepDriver({ localHostName: 'MAC01' });
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
    const d = stepDriver({ localHostName: 'MAC01' });
    const alone = await d.ok('openPfx', { ...(await upload(legacyPfx, 'mac01.pfx')), password: PASSWORD });
    expect(alone.findings.find((f) => f.id === 'chain-trusted')!.status).not.toBe('pass');
    await withCas(d);
    const again = await d.ok('getIdentity', {});
    expect(again!.findings.find((f) => f.id === 'chain-trusted')!.status).toBe('pass');
  });

  it('refuses a certificate file on the .pfx path and says where it belongs', async () => {
    const r = await stepDriver().call('openPfx', { ...pemUpload(pki.root.certPem, 'root.cer'), password: '' });
    expect(r).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'not-a-pfx', hint: expect.stringContaining('CA certificates step') }),
    });
  });

  it('never sends the password back in any answer', async () => {
    const d = stepDriver({ localHostName: 'MAC01' });
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
    const d = stepDriver();
    await d.ok('openPfx', { ...(await upload(legacyPfx, 'mac01.pfx')), password: PASSWORD });
    expect(await d.ok('clearIdentity', {})).toEqual({ cleared: true });
    expect(d.session.client.pfx).toBeUndefined();
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
    const d = stepDriver({ localHostName: 'MAC01' });
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
    const d = stepDriver({ localHostName: 'MAC01' });
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
    expect(d.session.client.pfx!.rewrapped).toBe(false);
  });

  it('re-wraps it under the new password: the saved file opens in OpenSSL with the new password and not with the empty one', async () => {
    const d = stepDriver({ localHostName: 'MAC01' });
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

describe("the platform chosen on Welcome decides the certificate's revocation requirement", () => {
  it('a certificate with only an OCSP responder fails on premises and passes for 1E SaaS, saying which document asks', async () => {
    const ocspOnly = await pki.issuer.issue('mac01-ocsp-only', {
      cn: 'MAC01.local',
      ocsp: 'http://ocsp.acme.example/ocsp',
      cdp: '',
    });
    const pfx = join(pki.dir, 'mac01-ocsp-only.pfx');
    await makePfx(pfx, ocspOnly.certPath, ocspOnly.keyPath, PASSWORD, { chainPaths: [pki.intermediate!.certPath] });
    const d = stepDriver({ localHostName: 'MAC01' });
    await withCas(d);
    const onPrem = await d.ok('openPfx', { ...(await upload(pfx, 'mac01.pfx')), password: PASSWORD });
    expect(onPrem.findings.find((f) => f.id === 'revocation-http')).toMatchObject({
      status: 'fail',
      source: expect.stringContaining('1E 23.11'),
    });
    expect(await d.ok('setPlatform', { platform: 'saas' })).toEqual({ platform: 'saas' });
    const saas = (await d.ok('getIdentity', {}))!;
    expect(saas.findings.find((f) => f.id === 'revocation-http')).toBeUndefined();
    expect(saas.findings.find((f) => f.id === 'revocation-saas')).toMatchObject({
      status: 'pass',
      source: expect.stringContaining('SaaS'),
    });
  });
});
