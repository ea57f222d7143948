import { describe, it, expect, afterAll } from 'vitest';
import { makeTestPki, openssl, type TestPki } from '../../support/openssl';

describe('the OpenSSL fixture PKI every integration test builds on', () => {
  let pki: TestPki;
  afterAll(() => pki?.cleanup());

  it('issues a device certificate that openssl verify accepts, and rejects it with error 23 once revoked', async () => {
    pki = await makeTestPki({ intermediate: true });
    const leaf = await pki.issuer.issue('MAC01.local', { sans: ['MAC01.local'] });
    const ok = await openssl([
      'verify',
      '-purpose',
      'sslclient',
      '-CAfile',
      pki.root.certPath,
      '-untrusted',
      pki.intermediate!.certPath,
      leaf.certPath,
    ]);
    expect(ok.code).toBe(0);
    await pki.issuer.revoke(leaf.certPath);
    const intCrl = await pki.issuer.crl();
    const rootCrl = await pki.root.crl();
    const bad = await openssl([
      'verify',
      '-purpose',
      'sslclient',
      '-crl_check_all',
      '-CAfile',
      pki.caBundlePath,
      '-CRLfile',
      intCrl.pemPath,
      '-CRLfile',
      rootCrl.pemPath,
      leaf.certPath,
    ]);
    expect(bad.code).not.toBe(0);
    expect(bad.stdout + bad.stderr).toMatch(/error 23/);
  });
});

describe('makePfx', () => {
  it('keeps every chain file, not only the last one', async () => {
    const { makeTestPki, makePfx, opensslOk } = await import('../../support/openssl');
    const p = await makeTestPki({ intermediate: true });
    try {
      const leaf = await p.issuer.issue('MAC02.local');
      const out = `${p.dir}/chain.pfx`;
      await makePfx(out, leaf.certPath, leaf.keyPath, 'pw', {
        chainPaths: [p.intermediate!.certPath, p.root.certPath],
      });
      const dump = await opensslOk(['pkcs12', '-in', out, '-nokeys', '-passin', 'pass:pw']);
      expect(dump.match(/BEGIN CERTIFICATE/g)).toHaveLength(3);
    } finally {
      await p.cleanup();
    }
  });
});
