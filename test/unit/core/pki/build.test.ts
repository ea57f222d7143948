import { describe, it, expect, beforeAll } from 'vitest';
import { generateKeyPairSync, verify, X509Certificate, type KeyObject } from 'node:crypto';
import { buildCertificate, buildCrl, newSerial, serialBytes, OIDS } from '../../../../src/core/pki/build';
import { certificateDetails } from '../../../../src/core/pki/inspect';
import { OnboardError } from '../../../../src/core/errors';

const DAY = 86_400_000;

/** Splits SEQUENCE { tbs, algorithm, BIT STRING } into the signed bytes and the signature. */
function splitSigned(d: Buffer): { tbs: Buffer; signature: Buffer } {
  const header = (at: number) => {
    const first = d[at + 1]!;
    if (first < 0x80) return { start: at + 2, end: at + 2 + first };
    const n = first & 0x7f;
    const len = d.readUIntBE(at + 2, n);
    return { start: at + 2 + n, end: at + 2 + n + len };
  };
  const outer = header(0);
  const tbsH = header(outer.start);
  const algH = header(tbsH.end);
  const sigH = header(algH.end);
  return { tbs: d.subarray(outer.start, tbsH.end), signature: d.subarray(sigH.start + 1, sigH.end) };
}
let rsaCaKey: KeyObject;
let ecCaKey: KeyObject;
let leafKey: KeyObject;
let rsaRoot: X509Certificate;
let ecRoot: X509Certificate;

beforeAll(() => {
  rsaCaKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  ecCaKey = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey;
  leafKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const root = (key: KeyObject, cn: string) =>
    buildCertificate({
      subject: { organization: 'Build Test', commonName: cn },
      publicKey: key,
      signer: { key },
      notAfter: new Date(Date.now() + 365 * DAY),
      ca: true,
      keyUsage: ['keyCertSign', 'cRLSign'],
    });
  rsaRoot = root(rsaCaKey, 'RSA Root');
  ecRoot = root(ecCaKey, 'EC Root');
});

describe('buildCertificate', () => {
  it('makes a self-signed CA that verifies with its own key', () => {
    expect(rsaRoot.ca).toBe(true);
    expect(rsaRoot.subject).toBe('O=Build Test\nCN=RSA Root');
    expect(rsaRoot.verify(rsaRoot.publicKey)).toBe(true);
    expect(certificateDetails(rsaRoot).keyUsage).toEqual(['keyCertSign', 'cRLSign']);
  });

  it('signs a device certificate with an EC CA key and carries every 1E extension', () => {
    const leaf = buildCertificate({
      subject: { commonName: 'MAC01.local' },
      publicKey: leafKey,
      signer: { key: ecCaKey, certificate: ecRoot },
      notAfter: new Date(Date.now() + 30 * DAY),
      keyUsage: ['digitalSignature', 'keyEncipherment'],
      extendedKeyUsage: ['clientAuth'],
      dnsNames: ['MAC01.local'],
      ipAddresses: ['10.0.0.5'],
      crlUrls: ['http://pki.lab/intermediate.crl'],
      ocspUrls: ['http://pki.lab/ocsp'],
    });
    expect(leaf.verify(ecRoot.publicKey)).toBe(true);
    expect(leaf.checkIssued(ecRoot)).toBe(true);
    expect(leaf.ca).toBe(false);
    expect(leaf.subject).toBe('CN=MAC01.local');
    expect(leaf.subjectAltName).toBe('DNS:MAC01.local, IP Address:10.0.0.5');
    expect(leaf.keyUsage).toEqual([OIDS.clientAuth]);
    expect(certificateDetails(leaf).keyUsage).toEqual(['digitalSignature', 'keyEncipherment']);
    expect(certificateDetails(leaf).crlUrls).toEqual(['http://pki.lab/intermediate.crl']);
    expect(certificateDetails(leaf).ocspUrls).toEqual(['http://pki.lab/ocsp']);
    expect(certificateDetails(leaf).extensions.get(OIDS.keyUsage)).toBe(true);
    expect(certificateDetails(leaf).extensions.has(OIDS.authorityKeyId)).toBe(true);
  });

  it('gives each certificate a random positive serial of 128 bits', () => {
    const serials = new Set(Array.from({ length: 20 }, () => newSerial().toString('hex')));
    expect(serials.size).toBe(20);
    for (const s of serials) {
      expect(s).toHaveLength(32);
      expect(parseInt(s[0]!, 16)).toBeLessThan(8);
    }
  });

  it('refuses a validity that ends before it starts', () => {
    expect(() =>
      buildCertificate({
        subject: { commonName: 'x' },
        publicKey: leafKey,
        signer: { key: leafKey },
        notBefore: new Date(),
        notAfter: new Date(Date.now() - DAY),
      }),
    ).toThrow(OnboardError);
  });

  it('refuses an IP address that is not one', () => {
    expect(() =>
      buildCertificate({
        subject: { commonName: 'x' },
        publicKey: leafKey,
        signer: { key: leafKey },
        notAfter: new Date(Date.now() + DAY),
        ipAddresses: ['10.0.0'],
      }),
    ).toThrow(/not an IP address/);
  });
});

describe('buildCrl and serials', () => {
  it('accepts serials with colons and any case, and refuses non-hex', () => {
    expect(serialBytes('0A:bC').toString('hex')).toBe('0abc');
    expect(() => serialBytes('xyz')).toThrow(/not a hexadecimal serial/);
  });

  it('produces a DER CRL signed by the CA key (RSA and EC)', () => {
    for (const [ca, key] of [
      [rsaRoot, rsaCaKey],
      [ecRoot, ecCaKey],
    ] as const) {
      const crl = buildCrl({
        issuer: ca,
        key,
        crlNumber: 3,
        thisUpdate: new Date(),
        nextUpdate: new Date(Date.now() + 7 * DAY),
        revoked: [{ serial: '1234', date: new Date() }],
      });
      const { tbs, signature } = splitSigned(crl);
      expect(verify(ca.publicKey.asymmetricKeyType === 'ec' ? 'sha384' : 'sha256', tbs, ca.publicKey, signature)).toBe(
        true,
      );
      expect(tbs.includes(Buffer.from('020103', 'hex'))).toBe(true); // CRL number 3
      expect(tbs.includes(Buffer.from('02021234', 'hex'))).toBe(true); // the revoked serial
    }
  });
});
