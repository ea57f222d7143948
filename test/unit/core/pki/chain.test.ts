import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { X509Certificate } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTestPki, makeKey, opensslOk, type TestPki, type IssuedCert } from '../../../support/openssl';
import { buildChain } from '../../../../src/core/pki/chain';

const x = (pem: string) => new X509Certificate(pem);

/** Signs a new certificate for `cn` with any certificate and key (openssl x509 -req), to make broken chains on purpose. */
async function signWith(
  dir: string,
  name: string,
  cn: string,
  caCert: string,
  caKey: string,
  ext: string[],
): Promise<X509Certificate> {
  const key = join(dir, `${name}.key`);
  const csr = join(dir, `${name}.csr`);
  const out = join(dir, `${name}.pem`);
  const extFile = join(dir, `${name}.ext`);
  await makeKey(key);
  await opensslOk(['req', '-new', '-key', key, '-subj', `/CN=${cn}`, '-out', csr]);
  await writeFile(extFile, ext.join('\n') + '\n');
  await opensslOk([
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    caCert,
    '-CAkey',
    caKey,
    '-set_serial',
    '0x' + Date.now().toString(16),
    '-days',
    '30',
    '-extfile',
    extFile,
    '-out',
    out,
  ]);
  return x(await readFile(out, 'utf8'));
}

// Fixtures come from the openssl CLI; on a busy machine a single test may take seconds.
describe('buildChain finds the path from a device certificate to its root', { timeout: 60_000 }, () => {
  let pki: TestPki;
  let ecPki: TestPki;
  let other: TestPki;
  let leaf: IssuedCert;
  let root: X509Certificate;
  let issuing: X509Certificate;

  beforeAll(async () => {
    [pki, ecPki, other] = await Promise.all([
      makeTestPki({ intermediate: true }),
      makeTestPki({ intermediate: true, keyType: 'ec', name: 'EC' }),
      makeTestPki({ intermediate: true }), // same names as pki, different keys
    ]);
    leaf = await pki.issuer.issue('MAC01.local');
    root = x(pki.root.certPem);
    issuing = x(pki.intermediate!.certPem);
  }, 120_000); // openssl key generation is slow on a busy 2-core machine
  afterAll(async () => {
    await Promise.all([pki?.cleanup(), ecPki?.cleanup(), other?.cleanup()]);
  });

  it('orders CA certificates given in any order, ignoring unrelated ones', () => {
    const unrelated = x(ecPki.root.certPem);
    const r = buildChain(x(leaf.certPem), [unrelated, root, issuing]);
    expect(r.chain.map((c) => c.subject)).toEqual([
      'CN=MAC01.local',
      'CN=Onboard Test Issuing CA',
      'O=Onboard Test\nCN=Onboard Test Root CA',
    ]);
    expect(r.complete).toBe(true);
    expect(r.trustedRoot?.fingerprint256).toBe(root.fingerprint256);
    expect(r.problems).toEqual([]);
  });

  it('verifies an RSA device certificate under an EC CA', async () => {
    const rsaLeaf = await ecPki.issuer.issue('rsa-under-ec', { keyType: 'rsa' });
    const r = buildChain(x(rsaLeaf.certPem), [x(ecPki.root.certPem), x(ecPki.intermediate!.certPem)]);
    expect(r.complete).toBe(true);
    expect(r.problems).toEqual([]);
  });

  it('stops at a missing intermediate and names the issuer it needs', () => {
    const r = buildChain(x(leaf.certPem), [root]);
    expect(r.complete).toBe(false);
    expect(r.trustedRoot).toBeNull();
    expect(r.problems).toEqual([
      expect.objectContaining({
        code: 'issuer-missing',
        message: expect.stringContaining('"CN=Onboard Test Issuing CA"'),
      }),
    ]);
  });

  it('refuses a CA certificate that has the right name but a different key', () => {
    const r = buildChain(x(leaf.certPem), [x(other.root.certPem), x(other.intermediate!.certPem)]);
    expect(r.complete).toBe(false);
    expect(r.problems.map((p) => p.code)).toEqual(['signature-invalid']);
  });

  it('reports a root that is not among the trust anchors', () => {
    const r = buildChain(x(leaf.certPem), [root, issuing], { trustAnchors: [x(other.root.certPem)] });
    expect(r.complete).toBe(true);
    expect(r.trustedRoot).toBeNull();
    expect(r.problems.map((p) => p.code)).toEqual(['root-not-trusted']);
  });

  it('reports an expired intermediate', async () => {
    const old = await makeTestPki({ intermediate: true, intermediateEndDate: '200101000000Z' });
    try {
      const l = await old.issuer.issue('late');
      const r = buildChain(x(l.certPem), [x(old.root.certPem), x(old.intermediate!.certPem)]);
      expect(r.problems).toEqual([
        expect.objectContaining({ code: 'ca-expired', message: expect.stringContaining('expired on 2020-01-01') }),
      ]);
    } finally {
      await old.cleanup();
    }
  });

  it('judges CA validity at the time asked for', () => {
    const r = buildChain(x(leaf.certPem), [root, issuing], { at: new Date(Date.now() + 20 * 365 * 86400_000) });
    expect(r.problems.map((p) => p.code)).toContain('ca-expired');
  });

  it('refuses a device certificate used as a CA: not a CA, no keyCertSign, and one CA too many below the issuing CA', async () => {
    const fake = await signWith(pki.dir, 'under-leaf', 'victim', leaf.certPath, leaf.keyPath, [
      'basicConstraints=CA:FALSE',
    ]);
    const r = buildChain(fake, [x(leaf.certPem), issuing, root]);
    expect(r.complete).toBe(true);
    expect(r.problems.map((p) => p.code)).toEqual(['not-a-ca', 'ca-key-usage', 'path-length']);
  });

  it("enforces the intermediate's path length of 0 when another CA hangs below it", async () => {
    const sub = await pki.issuer.issue('sub-ca', {
      cn: 'Sub CA',
      eku: '',
      ku: 'critical,keyCertSign,cRLSign',
      extra: ['basicConstraints = critical,CA:TRUE'],
    });
    const device = await signWith(pki.dir, 'under-sub', 'deep-device', sub.certPath, sub.keyPath, [
      'basicConstraints=CA:FALSE',
    ]);
    const r = buildChain(device, [x(sub.certPem), issuing, root]);
    expect(r.chain).toHaveLength(4);
    expect(r.problems).toEqual([
      expect.objectContaining({ code: 'path-length', certificate: expect.stringContaining('Onboard Test Issuing CA') }),
    ]);
  });
});
