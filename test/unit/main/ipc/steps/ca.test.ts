// The CA certificates step through the real router: bundles split into cards and a tree, each problem named.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import { makePfx, makeTestPki, opensslOk, type TestPki } from '../../../../support/openssl';
import { wizardError } from '../../../../../renderer/ui/advice';
import { commandLineSyntax, wizardWords } from '../../../../support/front-end-words';
import { pemUpload, stepDriver, upload } from './support';

let pki: TestPki;
let other: TestPki;
let leafPem: string;

beforeAll(async () => {
  pki = await makeTestPki({ intermediate: true, name: 'Acme' });
  other = await makeTestPki({ name: 'Acme' });
  leafPem = (await pki.issuer.issue('device', { cn: 'MAC01.local' })).certPem;
});
afterAll(async () => {
  await pki?.cleanup();
  await other?.cleanup();
});

const sha = (pem: string) => new X509Certificate(pem).fingerprint256;

describe('CA certificates in main', () => {
  it('splits a bundle into one card per CA, root first, and draws the issuing CA under its root', async () => {
    const d = stepDriver();
    const r = await d.ok('addCaFiles', { files: [await upload(pki.caBundlePath, 'acme-chain.pem')] });
    expect(r.files).toEqual([{ fileName: 'acme-chain.pem', added: 2, duplicates: 0, skipped: [] }]);
    expect(r.certificates.map((c) => [c.role, c.commonName])).toEqual([
      ['root', 'Acme Root CA'],
      ['intermediate', 'Acme Issuing CA'],
    ]);
    expect(r.certificates.every((c) => c.problems.length === 0)).toBe(true);
    expect(r.certificates[0]!.fileName).toBe('acme-chain.pem');
    expect(r.tree).toEqual([
      {
        sha256: sha(pki.root.certPem),
        label: 'Acme Root CA',
        fromKeychain: false,
        children: [
          { sha256: sha(pki.intermediate!.certPem), label: 'Acme Issuing CA', fromKeychain: false, children: [] },
        ],
      },
    ]);
    expect(d.session.ca.certificates).toHaveLength(2);
  });

  it('explains that an issuing CA without its root cannot reach a root', async () => {
    const d = stepDriver();
    const r = await d.ok('addCaFiles', { files: [pemUpload(pki.intermediate!.certPem, 'issuing.cer')] });
    const problems = r.certificates[0]!.problems;
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({
      severity: 'fail',
      message: expect.stringContaining('"CN=Acme Root CA, O=Acme" is missing'),
    });
    expect(problems[0]!.fix).toContain('Add the certificate of "CN=Acme Root CA, O=Acme"');
    expect(r.problems.map((p) => p.message)).toContainEqual(expect.stringContaining('No root CA certificate'));
  });

  it('tells apart a root of the same name whose key did not sign the issuing CA', async () => {
    const d = stepDriver();
    const r = await d.ok('addCaFiles', {
      files: [pemUpload(other.root.certPem, 'old-root.cer'), pemUpload(pki.intermediate!.certPem, 'issuing.cer')],
    });
    const issuing = r.certificates.find((c) => c.role === 'intermediate')!;
    expect(issuing.problems[0]!.message).toContain('two different CAs with that name');
  });

  it('marks a CA already in the System keychain as installed, and finds an issuer there', async () => {
    const d = stepDriver({ certificates: [{ certificate: pki.root.certPem, trusted: true }] });
    const r = await d.ok('addCaFiles', { files: [pemUpload(pki.intermediate!.certPem, 'issuing.cer')] });
    const card = r.certificates[0]!;
    expect(card.installed).toBe(false);
    expect(card.problems).toEqual([
      {
        severity: 'info',
        message: 'Its issuer "CN=Acme Root CA, O=Acme" is already in this Mac\'s System keychain.',
        fix: '',
      },
    ]);
    expect(r.tree[0]).toMatchObject({
      label: 'Acme Root CA',
      fromKeychain: true,
      children: [{ label: 'Acme Issuing CA' }],
    });
    expect(r.problems).toEqual([]);

    const again = await d.ok('addCaFiles', { files: [pemUpload(pki.root.certPem, 'root.cer')] });
    expect(again.certificates.find((c) => c.role === 'root')!.installed).toBe(true);
  });

  it('leaves out a device certificate with the reason, and counts a certificate given twice once', async () => {
    const d = stepDriver();
    const r = await d.ok('addCaFiles', {
      files: [pemUpload(pki.root.certPem + leafPem, 'mixed.pem'), pemUpload(pki.root.certPem, 'root-again.cer')],
    });
    expect(r.files[0]!.added).toBe(1);
    expect(r.files[0]!.skipped).toEqual([expect.stringContaining('"MAC01.local" is not a CA certificate')]);
    expect(r.files[1]).toMatchObject({ added: 0, duplicates: 1 });
    expect(r.certificates).toHaveLength(1);
  });

  it('reports a file that is not a certificate on its own and still takes the others', async () => {
    const d = stepDriver();
    const r = await d.ok('addCaFiles', {
      files: [
        { fileName: 'notes.txt', base64: Buffer.from('Call the PKI team on Monday.\n').toString('base64') },
        pemUpload(pki.root.certPem, 'root.cer'),
      ],
    });
    expect(r.files[0]!.error).toMatchObject({
      code: 'unrecognised-format',
      message: expect.stringContaining('notes.txt'),
    });
    expect(r.files[0]!.error!.hint).not.toBe('');
    expect(r.files[1]!.added).toBe(1);
  });

  it('flags an expired issuing CA with the date it expired', async () => {
    const expired = await makeTestPki({ intermediate: true, name: 'Old', intermediateEndDate: '200101000000Z' });
    try {
      const d = stepDriver();
      const r = await d.ok('addCaFiles', { files: [await upload(expired.caBundlePath, 'old.pem')] });
      const issuing = r.certificates.find((c) => c.role === 'intermediate')!;
      expect(issuing.problems).toContainEqual(
        expect.objectContaining({ severity: 'fail', message: expect.stringContaining('Expired on 2020-01-01') }),
      );
    } finally {
      await expired.cleanup();
    }
  });

  it('removes a card and redraws the tree without it', async () => {
    const d = stepDriver();
    await d.ok('addCaFiles', { files: [await upload(pki.caBundlePath, 'acme-chain.pem')] });
    const r = await d.ok('removeCaCertificate', { sha256: sha(pki.root.certPem) });
    expect(r.certificates.map((c) => c.commonName)).toEqual(['Acme Issuing CA']);
    expect(r.tree).toHaveLength(1);
    expect(r.tree[0]!.label).toBe('Acme Issuing CA');
    expect(d.session.ca.certificates).toHaveLength(1);
  });

  it('refuses a file name that is a path', async () => {
    const r = await stepDriver().call('addCaFiles', { files: [pemUpload(pki.root.certPem, '../../etc/root.cer')] });
    expect(r.ok).toBe(false);
  });

  it('says on the CA screen, without command-line options, that a password-protected .pfx or key is no CA certificate', async () => {
    const device = await pki.issuer.issue('protected', { cn: 'MAC01.local' });
    const pfxPath = join(pki.dir, 'protected.pfx');
    const keyPath = join(pki.dir, 'protected-key.pem');
    await makePfx(pfxPath, device.certPath, device.keyPath, 'pfx-secret');
    await opensslOk(['pkey', '-in', device.keyPath, '-aes256', '-passout', 'pass:key-secret', '-out', keyPath]);
    const d = stepDriver();
    const r = await d.ok('addCaFiles', {
      files: [await upload(pfxPath, 'MAC01.pfx'), await upload(keyPath, 'MAC01.key')],
    });
    expect(r.files.map((f) => f.error?.code)).toEqual(['password-required', 'password-required']);
    for (const f of r.files) {
      // Main sends the core's neutral words; the CA screen's error box (renderer/ui/advice.ts) gives its advice.
      expect(commandLineSyntax(`${f.error!.message} ${f.error!.hint}`)).toBeNull();
      expect(wizardWords(`${f.error!.message} ${f.error!.hint}`)).toBeNull();
      const shown = wizardError(f.error!, 'ca');
      expect(shown.hint).toContain('CA certificates never have a password');
      expect(shown.hint).toContain('Client certificate step');
      expect(commandLineSyntax(`${shown.message} ${shown.hint}`)).toBeNull();
    }
    expect(d.session.ca.certificates).toEqual([]);
  });

  it('words a damaged certificate request for the screen instead of naming `onboard csr`', async () => {
    const der = Buffer.from('300d300b020100300631043002060004', 'hex');
    const pem = `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString('base64')}\n-----END CERTIFICATE REQUEST-----\n`;
    const r = await stepDriver().ok('addCaFiles', { files: [pemUpload(pem, 'broken.csr')] });
    expect(r.files[0]!.error).toMatchObject({ code: 'csr-corrupt' });
    expect(commandLineSyntax(r.files[0]!.error!.hint)).toBeNull();
    const shown = wizardError(r.files[0]!.error!, 'ca');
    expect(shown.hint).toContain('"Make a key and request on this Mac"');
    expect(commandLineSyntax(shown.hint)).toBeNull();
  });
});
