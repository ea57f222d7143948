// Revocation lists on the CA step through the real router: read from PEM and DER, shown as cards with their problems, a revoked CA flagged, and the client check judging not-revoked with them.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { makePfx, makeTestPki, type IssuedCert, type TestPki } from '../../../../support/openssl';
import { pemUpload, stepDriver, upload } from './support';

const PASSWORD = 'correct horse';
let pki: TestPki;
let good: IssuedCert;
let revoked: IssuedCert;
let rootCrl: { pemPath: string; derPath: string };
let issuerCrl: { pemPath: string; derPath: string };

beforeAll(async () => {
  pki = await makeTestPki({ intermediate: true, name: 'Acme' });
  good = await pki.issuer.issue('good', { cn: 'MAC01.local', sans: ['MAC01.local'] });
  revoked = await pki.issuer.issue('revoked', { cn: 'MAC01.local', sans: ['MAC01.local'] });
  rootCrl = await pki.root.crl();
  await pki.issuer.revoke(revoked.certPath);
  issuerCrl = await pki.issuer.crl();
  for (const c of [good, revoked])
    await makePfx(`${c.certPath}.pfx`, c.certPath, c.keyPath, PASSWORD, { legacy: true });
}, 120_000);
afterAll(() => pki?.cleanup());

describe('revocation lists on the CA step', { timeout: 60_000 }, () => {
  it('takes a DER and a PEM list as cards, counting them on the file outcome', async () => {
    const d = stepDriver();
    await d.ok('addCaFiles', { files: [await upload(pki.caBundlePath, 'acme.pem')] });
    const r = await d.ok('addCaFiles', {
      files: [await upload(rootCrl.derPath, 'root.crl'), await upload(issuerCrl.pemPath, 'issuing.crl.pem')],
    });
    expect(r.files).toEqual([
      { fileName: 'root.crl', added: 0, duplicates: 0, skipped: [], crlsAdded: 1 },
      { fileName: 'issuing.crl.pem', added: 0, duplicates: 0, skipped: [], crlsAdded: 1 },
    ]);
    expect(r.crls!.map((c) => [c.fileName, c.issuer, c.entries, c.problems])).toEqual([
      ['root.crl', 'CN=Acme Root CA, O=Acme', 0, []],
      ['issuing.crl.pem', 'CN=Acme Issuing CA', 1, []],
    ]);
    // The same list again is a duplicate, not a second card.
    const again = await d.ok('addCaFiles', { files: [await upload(rootCrl.pemPath, 'root-again.pem')] });
    expect(again.files[0]).toMatchObject({ duplicates: 1 });
    expect(again.crls).toHaveLength(2);
    const removed = await d.ok('removeCaCrl', { id: r.crls![0]!.id });
    expect(removed.crls!.map((c) => c.fileName)).toEqual(['issuing.crl.pem']);
  });

  it('says when the CA that publishes a list is missing', async () => {
    const d = stepDriver();
    const r = await d.ok('addCaFiles', { files: [await upload(issuerCrl.derPath, 'issuing.crl')] });
    expect(r.crls![0]!.problems).toEqual([
      expect.objectContaining({
        severity: 'warn',
        message: expect.stringContaining('is not among the CA certificates'),
      }),
    ]);
  });

  it('flags a CA its issuer has revoked, which blocks the step', async () => {
    const other = await makeTestPki({ intermediate: true, name: 'Other' });
    try {
      await other.root.revoke(other.intermediate!.certPath);
      const crl = await other.root.crl();
      const d = stepDriver();
      const r = await d.ok('addCaFiles', {
        files: [await upload(other.caBundlePath, 'other.pem'), await upload(crl.derPath, 'other-root.crl')],
      });
      const issuing = r.certificates.find((c) => c.role === 'intermediate')!;
      expect(issuing.problems).toContainEqual(
        expect.objectContaining({ severity: 'fail', message: expect.stringMatching(/^Revoked since \d{4}-\d\d-\d\d/) }),
      );
      expect(r.certificates.find((c) => c.role === 'root')!.problems).toEqual([]);
    } finally {
      await other.cleanup();
    }
  });

  it('refuses a file that is not a list, naming it, and keeps the others', async () => {
    const d = stepDriver();
    const r = await d.ok('addCaFiles', {
      files: [
        pemUpload('-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n', 'broken.crl'),
        await upload(rootCrl.derPath, 'root.crl'),
      ],
    });
    expect(r.files[0]!.error).toMatchObject({ code: 'crl-malformed', message: expect.stringContaining('broken.crl') });
    expect(r.crls).toHaveLength(1);
  });

  it('gives the client check a not-revoked finding from the lists: fail for a revoked certificate, pass otherwise', async () => {
    const d = stepDriver({ localHostName: 'MAC01' });
    await d.ok('addCaFiles', {
      files: [
        await upload(pki.caBundlePath, 'acme.pem'),
        await upload(rootCrl.derPath, 'root.crl'),
        await upload(issuerCrl.derPath, 'issuing.crl'),
      ],
    });
    const bad = await d.ok('openPfx', {
      ...(await upload(`${revoked.certPath}.pfx`, 'revoked.pfx')),
      password: PASSWORD,
    });
    const nr = bad.findings.find((f) => f.id === 'not-revoked')!;
    expect(nr.status).toBe('fail');
    expect(nr.detail).toMatch(/is revoked: the CRL of .*Acme Issuing CA.* \(issuing\.crl\) lists it as revoked since/);
    const fine = await d.ok('openPfx', { ...(await upload(`${good.certPath}.pfx`, 'good.pfx')), password: PASSWORD });
    expect(fine.findings.find((f) => f.id === 'not-revoked')!.status).toBe('pass');
    const none = await stepDriver({ localHostName: 'MAC01' }).ok('openPfx', {
      ...(await upload(`${good.certPath}.pfx`, 'good.pfx')),
      password: PASSWORD,
    });
    expect(none.findings.map((f) => f.id)).not.toContain('not-revoked');
  });
});
