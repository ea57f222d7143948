// The requirement profiles: on-prem keeps revocation-http, saas asks for an OCSP responder or an HTTP(S) CRL
// distribution point (and, checked online, that one answers), on certificates with only OCSP, only a CDP, both, neither.
import { describe, expect, it } from 'vitest';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { buildCertificate } from '../../../../src/core/pki/build';
import {
  FINDING_IDS,
  FINDING_SOURCES,
  checkClientCertificate,
  summarise,
  type RequirementProfile,
  type RevocationEndpoint,
} from '../../../../src/core/pki/requirements';

const rsa = (): KeyObject => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
const day = 86400_000;
const caKey = rsa();
const root = buildCertificate({
  subject: { organization: 'Acme', commonName: 'Acme Root CA' },
  publicKey: caKey,
  signer: { key: caKey },
  notAfter: new Date(Date.now() + 3650 * day),
  ca: true,
  keyUsage: ['keyCertSign', 'cRLSign'],
});
const deviceKey = rsa();
const CDP = 'http://pki.acme.example/root.crl';
const OCSP = 'http://ocsp.acme.example/';
const device = (revocation: { crlUrls?: string[]; ocspUrls?: string[] }) =>
  buildCertificate({
    subject: { commonName: 'MAC01.local' },
    publicKey: deviceKey,
    signer: { key: caKey, certificate: root },
    notAfter: new Date(Date.now() + 365 * day),
    keyUsage: ['digitalSignature', 'keyEncipherment'],
    extendedKeyUsage: ['clientAuth'],
    dnsNames: ['MAC01.local'],
    ...revocation,
  });
const certs = {
  'only OCSP': device({ ocspUrls: [OCSP] }),
  'only a CRL DP': device({ crlUrls: [CDP] }),
  both: device({ crlUrls: [CDP], ocspUrls: [OCSP] }),
  neither: device({}),
  'an LDAP CRL DP only': device({ crlUrls: ['ldap://dc01.acme.local/CN=Acme'] }),
};
type Kind = keyof typeof certs;

const check = (kind: Kind, requirements?: RequirementProfile, online?: RevocationEndpoint[]) =>
  checkClientCertificate({
    certificate: certs[kind],
    privateKey: deviceKey,
    caCertificates: [root],
    hostname: 'MAC01.local',
    ...(requirements ? { requirements } : {}),
    ...(online ? { online } : {}),
  });
const verdict = (kind: Kind, p?: RequirementProfile) => {
  const f = check(kind, p).find((x) => x.id === (p === 'saas' ? 'revocation-saas' : 'revocation-http'))!;
  return f.status;
};

describe('requirement profiles', () => {
  it.each([
    ['only OCSP', 'fail', 'pass'],
    ['only a CRL DP', 'pass', 'pass'],
    ['both', 'pass', 'pass'],
    ['neither', 'fail', 'fail'],
    ['an LDAP CRL DP only', 'fail', 'fail'],
  ] as const)('a certificate with %s: on-prem %s, saas %s', (kind, onPrem, saas) => {
    expect(verdict(kind)).toBe(onPrem);
    expect(verdict(kind, 'on-prem')).toBe(onPrem);
    expect(verdict(kind, 'saas')).toBe(saas);
  });

  it('keeps the on-prem findings and their order by default; saas swaps only the revocation finding', () => {
    expect(check('both').map((f) => f.id)).toEqual(FINDING_IDS.filter((id) => id !== 'pfx-macos-compatible'));
    const saas = check('both', 'saas').map((f) => f.id);
    expect(saas).toEqual(
      FINDING_IDS.filter((id) => id !== 'pfx-macos-compatible').map((id) =>
        id === 'revocation-http' ? 'revocation-saas' : id,
      ),
    );
    expect(summarise(check('only OCSP', 'saas')).ok).toBe(true);
  });

  it('says which document each requirement comes from, and which checks no 1E document asks for', () => {
    for (const f of [...check('both'), ...check('both', 'saas')]) expect(f.source, f.id).toBeTruthy();
    const byId = Object.fromEntries(check('both', 'saas').map((f) => [f.id, f]));
    expect(byId['revocation-saas']!.source).toContain('1E SaaS deployment guide for macOS (1E 23.7)');
    expect(byId['eku-client-auth']!.source).toContain('"Certificate requirements"');
    expect(byId['key-size']!.source).toMatch(/^Not a 1E requirement/);
    expect(FINDING_SOURCES['revocation-http']).toContain('CRL distribution point that uses HTTP');
  });

  it('notes in a saas pass what the other document would miss', () => {
    const ocspOnly = check('only OCSP', 'saas').find((f) => f.id === 'revocation-saas')!;
    expect(ocspOnly.detail).toContain("1E's on-premises requirements would ask for one");
    const cdpOnly = check('only a CRL DP', 'saas').find((f) => f.id === 'revocation-saas')!;
    expect(cdpOnly.detail).toContain('There is no OCSP endpoint');
  });

  it('with saas and the online results, passes when one endpoint answered and fails when none did', () => {
    const online = (answers: boolean[]) =>
      check(
        'both',
        'saas',
        answers.map((answered, i) => ({ kind: i ? 'ocsp' : 'crl', url: i ? OCSP : CDP, answered })),
      ).find((f) => f.id === 'revocation-online')!;
    expect(online([false, true])).toMatchObject({
      status: 'pass',
      detail: expect.stringContaining(`OCSP responder ${OCSP} answered`),
    });
    expect(online([false, false])).toMatchObject({ status: 'fail', detail: expect.stringContaining('None of') });
    expect(online([])).toMatchObject({
      status: 'fail',
      detail: 'The certificate names no revocation endpoint to ask.',
    });
    expect(check('both', 'on-prem', []).some((f) => f.id === 'revocation-online')).toBe(false);
  });
});
