// Specification: path facts read from inspect's walk of a certificate (one parse) equal those read from the DER alone.
import { X509Certificate, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildCertificate } from '../../../../src/core/pki/build';
import { certificateDetails } from '../../../../src/core/pki/inspect';
import { lightCertificate } from '../../../../src/core/pki/light-certificate';
import { pathFacts } from '../../../../src/core/pki/path-facts';

const DAY = 86_400_000;
const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
const root = buildCertificate({
  subject: { country: 'GB', organization: 'Facts', commonName: 'Facts Root' },
  publicKey: key,
  signer: { key },
  notAfter: new Date(Date.now() + 900 * DAY),
  ca: true,
  keyUsage: ['keyCertSign', 'cRLSign'],
});
const issuing = buildCertificate({
  subject: { organization: 'Facts', organizationalUnit: 'Devices', commonName: 'Facts Issuing' },
  publicKey: key,
  signer: { key, certificate: root },
  notAfter: new Date(Date.now() + 600 * DAY),
  ca: { pathLength: 0 },
  keyUsage: ['keyCertSign', 'cRLSign'],
  crlUrls: ['http://pki.facts.example/root.crl'],
});
const leaf = buildCertificate({
  subject: { commonName: 'MAC01.local' },
  publicKey: key,
  signer: { key, certificate: issuing },
  notAfter: new Date(Date.now() + 300 * DAY),
  keyUsage: ['digitalSignature', 'keyEncipherment'],
  extendedKeyUsage: ['1.3.6.1.5.5.7.3.2'],
  dnsNames: ['MAC01.local', 'mac01.example'],
  ipAddresses: ['192.0.2.7'],
  crlUrls: ['http://pki.facts.example/issuing.crl'],
  ocspUrls: ['http://ocsp.facts.example'],
});

describe('pathFacts after certificateDetails', () => {
  it.each([
    ['root', root],
    ['issuing CA', issuing],
    ['device', leaf],
  ])('of the %s equal the facts of the same DER read on their own, for light and real certificates', (_, cert) => {
    const alone = pathFacts(new X509Certificate(cert.raw));
    expect(alone.serial).not.toBe('');
    for (const c of [lightCertificate(cert.raw), new X509Certificate(cert.raw)]) {
      certificateDetails(c); // hands its walk over to pathFacts
      expect(pathFacts(c)).toEqual(alone);
    }
  });

  it('the device facts hold what path validation reads (so the comparison above compares something)', () => {
    const c = lightCertificate(leaf.raw);
    certificateDetails(c);
    const f = pathFacts(c);
    expect(f.subjectText).toBe('CN=MAC01.local');
    expect(f.commonNames).toEqual(['MAC01.local']);
    expect(f.altNames.length).toBe(3);
    expect(f.distributionPoints.length).toBe(1);
    expect(f.akid?.keyId).toEqual(pathFacts(issuing).skid);
    expect(f.issuerCanonical).toEqual(pathFacts(issuing).subjectCanonical);
    expect(f.invalid).toEqual([]);
  });
});
