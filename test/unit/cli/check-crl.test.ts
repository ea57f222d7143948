// `onboard check --crl`: CRL files in PEM and DER, the not-revoked finding in text and JSON, and clear refusals of files that are not CRLs.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTestPki, type TestPki, type IssuedCert } from '../../support/openssl';
import { run as check } from '../../../src/cli/check';
import { runInMemory, type VerbRun } from '../../support/cli-io';

const runCheck = (argv: string[], cwd: string): Promise<VerbRun> => runInMemory(check, argv, {}, { cwd });

describe('onboard check --crl, run in-process', { timeout: 60_000 }, () => {
  let pki: TestPki;
  let good: IssuedCert;
  let revoked: IssuedCert;
  let cwd: string;
  const base = ['--hostname', 'MAC01.local', '--ca', 'cas.pem'];

  beforeAll(async () => {
    pki = await makeTestPki({ intermediate: true });
    cwd = pki.dir;
    good = await pki.issuer.issue('MAC01.local', { sans: ['MAC01.local'] });
    revoked = await pki.issuer.issue('MAC02.local', { sans: ['MAC01.local'], cn: 'MAC01.local' });
    await copyFile(pki.caBundlePath, join(cwd, 'cas.pem'));
    await copyFile(good.certPath, join(cwd, 'device.pem'));
    await copyFile(good.keyPath, join(cwd, 'device.key'));
    await copyFile(revoked.certPath, join(cwd, 'revoked.pem'));
    const rootCrl = await pki.root.crl();
    await copyFile(rootCrl.derPath, join(cwd, 'root.crl'));
    await pki.issuer.revoke(revoked.certPath);
    const issuerCrl = await pki.issuer.crl();
    await copyFile(issuerCrl.pemPath, join(cwd, 'issuing.crl.pem'));
    // One PEM file holding both lists, as some CAs publish a bundle.
    await writeFile(
      join(cwd, 'both.crl.pem'),
      (await readFile(rootCrl.pemPath, 'utf8')) + (await readFile(issuerCrl.pemPath, 'utf8')),
    );
    await writeFile(join(cwd, 'garbage.crl'), Buffer.from('30820000deadbeef', 'hex'));
  }, 120_000);
  afterAll(() => pki?.cleanup());

  it('passes not-revoked with a DER root CRL and a PEM issuing-CA CRL, and exits 0', async () => {
    const r = await runCheck(
      ['--cert', 'device.pem', '--key', 'device.key', ...base, '--crl', 'root.crl', '--crl', 'issuing.crl.pem'],
      cwd,
    );
    expect(r.err).toBe('');
    expect(r.out).toMatch(
      /✓ not-revoked: Not revoked \(by the CRLs given\)\n {4}Checked every certificate up to the root/,
    );
    expect(r.code).toBe(0);
  });

  it('reads several lists from one PEM file and lists them in the JSON', async () => {
    const r = await runCheck(['--cert', 'device.pem', ...base, '--crl', 'both.crl.pem', '--json'], cwd);
    const j = JSON.parse(r.out);
    expect(j.findings.find((f: { id: string }) => f.id === 'not-revoked').status).toBe('pass');
    expect(j.crls).toHaveLength(2);
    expect(j.crls.map((c: { source: string }) => c.source)).toEqual(['both.crl.pem (CRL 1)', 'both.crl.pem (CRL 2)']);
    expect(j.crls[1].entries).toBe(1);
    expect(j.crls[1].nextUpdate).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('fails not-revoked for a revoked device certificate, says since when and what to do, and exits 1', async () => {
    const r = await runCheck(['--cert', 'revoked.pem', ...base, '--crl', 'root.crl', '--crl', 'issuing.crl.pem'], cwd);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      /✗ not-revoked: .*\n {4}CN=MAC01\.local .* is revoked: the CRL of .* lists it as revoked since \d{4}-/,
    );
    expect(r.out).toMatch(/Fix: Request a new certificate for this Mac/);
  });

  it('says which CRL is missing when only some are given', async () => {
    const r = await runCheck(['--cert', 'device.pem', ...base, '--crl', 'issuing.crl.pem'], cwd);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/✗ not-revoked: .*\n {4}No CRL from CN=Onboard Test Root/);
  });

  it('adds no not-revoked finding without --crl', async () => {
    const r = await runCheck(['--cert', 'device.pem', ...base], cwd);
    expect(r.out).not.toContain('not-revoked');
  });

  it.each([
    [
      'a certificate given as a CRL',
      'cas.pem',
      /cas\.pem holds PEM blocks of CERTIFICATE, not a certificate revocation list/,
    ],
    ['a damaged file', 'garbage.crl', /garbage\.crl is not a readable certificate revocation list/],
    ['a missing file', 'nowhere.crl', /nowhere\.crl: no such file/],
  ])('refuses %s with exit 2 and no stack trace', async (_what, file, words) => {
    const r = await runCheck(['--cert', 'device.pem', ...base, '--crl', file], cwd);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(words);
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(r.out).toBe('');
  });
});
