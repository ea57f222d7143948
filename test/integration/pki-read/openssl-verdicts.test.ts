import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTestPki, openssl, opensslOk, type TestPki, type LeafOptions } from '../../support/openssl';
import { checkClientCertificate, type Finding } from '../../../src/core/pki/requirements';

// The part of our verdict that `openssl verify -purpose sslclient` also judges: chain, purpose, validity.
const JUDGED_BY_OPENSSL = ['chain-trusted', 'chain-complete', 'validity', 'eku-client-auth', 'ku-digital-signature'];
const ts = (d: Date) => d.toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z';
const DAY = 86400_000;

interface Case {
  name: string;
  pki: () => TestPki;
  leaf: LeafOptions | 'self-signed';
  /** CA certificates given to both verifiers (PEM). */
  cas: () => string[];
  crl?: boolean;
  /** What OpenSSL is expected to say, so a broken fixture cannot make both sides agree by accident. */
  opensslOk: boolean;
}

describe('our chain, purpose and validity verdicts agree with openssl verify -purpose sslclient', () => {
  let rsa: TestPki;
  let ec: TestPki;
  let oldCa: TestPki;
  let other: TestPki;
  const now = Date.now();

  beforeAll(async () => {
    [rsa, ec, oldCa, other] = await Promise.all([
      makeTestPki({ intermediate: true }),
      makeTestPki({ intermediate: true, keyType: 'ec', name: 'EC' }),
      makeTestPki({ intermediate: true, intermediateEndDate: ts(new Date(now - 10 * DAY)), name: 'Old' }),
      makeTestPki({ intermediate: true, name: 'Other' }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([rsa, ec, oldCa, other].map((p) => p?.cleanup()));
  });

  const both = (p: () => TestPki) => () => [p().root.certPem, p().intermediate!.certPem];
  const cases: Case[] = [
    { name: 'a proper device certificate', pki: () => rsa, leaf: {}, cas: both(() => rsa), opensslOk: true },
    {
      name: 'a proper device certificate, with the CRL checked',
      pki: () => rsa,
      leaf: {},
      cas: both(() => rsa),
      crl: true,
      opensslOk: true,
    },
    {
      name: 'an expired device certificate',
      pki: () => rsa,
      leaf: { startDate: ts(new Date(now - 90 * DAY)), endDate: ts(new Date(now - DAY)) },
      cas: both(() => rsa),
      opensslOk: false,
    },
    {
      name: 'a device certificate valid only from next week',
      pki: () => rsa,
      leaf: { startDate: ts(new Date(now + 7 * DAY)), endDate: ts(new Date(now + 90 * DAY)) },
      cas: both(() => rsa),
      opensslOk: false,
    },
    {
      name: 'a server-only certificate',
      pki: () => rsa,
      leaf: { eku: 'serverAuth' },
      cas: both(() => rsa),
      opensslOk: false,
    },
    {
      name: 'a certificate without Digital Signature',
      pki: () => rsa,
      leaf: { ku: 'critical,keyEncipherment' },
      cas: both(() => rsa),
      opensslOk: false,
    },
    { name: 'a certificate without any EKU', pki: () => rsa, leaf: { eku: '' }, cas: both(() => rsa), opensslOk: true },
    {
      name: 'a certificate whose issuing CA is missing',
      pki: () => rsa,
      leaf: {},
      cas: () => [rsa.root.certPem],
      opensslOk: false,
    },
    {
      name: 'a certificate under an expired intermediate',
      pki: () => oldCa,
      leaf: {},
      cas: both(() => oldCa),
      opensslOk: false,
    },
    {
      name: 'an RSA certificate under an EC CA',
      pki: () => ec,
      leaf: { keyType: 'rsa' },
      cas: both(() => ec),
      opensslOk: true,
    },
    {
      name: 'a certificate from another PKI than the trusted one',
      pki: () => rsa,
      leaf: {},
      cas: both(() => other),
      opensslOk: false,
    },
    { name: 'a self-signed certificate', pki: () => rsa, leaf: 'self-signed', cas: both(() => rsa), opensslOk: false },
  ];

  for (const c of cases) {
    it(`agree on ${c.name} (OpenSSL says ${c.opensslOk ? 'OK' : 'no'})`, async () => {
      const pki = c.pki();
      const base = c.name.replace(/[^a-z]+/gi, '-');
      let certPath: string;
      let keyPath: string;
      if (c.leaf === 'self-signed') {
        certPath = join(pki.dir, `${base}.pem`);
        keyPath = join(pki.dir, `${base}.key`);
        await opensslOk([
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-keyout',
          keyPath,
          '-out',
          certPath,
          '-subj',
          '/CN=MAC01.local',
          '-days',
          '30',
          '-addext',
          'keyUsage=digitalSignature,keyEncipherment',
          '-addext',
          'extendedKeyUsage=clientAuth',
        ]);
      } else {
        ({ certPath, keyPath } = await pki.issuer.issue(base, { cn: 'MAC01.local', ...c.leaf }));
      }
      const caFile = join(pki.dir, `${base}.cas.pem`);
      await writeFile(caFile, c.cas().join(''));
      const args = ['verify', '-purpose', 'sslclient', '-CAfile', caFile];
      if (c.crl) {
        const crl = await pki.issuer.crl();
        args.push('-crl_check', '-CRLfile', crl.pemPath);
      }
      const reference = await openssl([...args, certPath]);
      expect(reference.code === 0, reference.stdout + reference.stderr).toBe(c.opensslOk);

      const findings: Finding[] = checkClientCertificate({
        certificate: new X509Certificate(await readFile(certPath)),
        privateKey: createPrivateKey(await readFile(keyPath)),
        caCertificates: c.cas().map((p) => new X509Certificate(p)),
        hostname: 'MAC01.local',
      });
      const failed = findings.filter((f) => JUDGED_BY_OPENSSL.includes(f.id) && f.status === 'fail');
      expect(failed.length === 0, JSON.stringify(failed, null, 1)).toBe(c.opensslOk);
    });
  }
});
