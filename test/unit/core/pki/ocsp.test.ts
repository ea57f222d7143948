// OCSP on the DER codec: CertIDs, requests and responses written and read back, and damaged input refused as ASN.1 errors.
import { describe, expect, it } from 'vitest';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { buildCertificate } from '../../../../src/core/pki/build';
import { Asn1Error, der } from '../../../../src/core/pki/der';
import {
  MAX_REQUEST_CERT_IDS,
  certIdFor,
  certIdNamesIssuer,
  encodeOcspRequest,
  keyHash,
  nonceValue,
  parseOcspRequest,
  sameCertId,
} from '../../../../src/core/pki/ocsp';
import {
  RESPONSE_STATUS,
  encodeOcspError,
  encodeOcspResponse,
  parseOcspResponse,
} from '../../../../src/core/pki/ocsp-response';
import { signatureVerifies } from '../../../../src/core/pki/signature';

const key = () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
const day = 86400_000;
const caKey = key();
const ca = buildCertificate({
  subject: { commonName: 'Unit CA' },
  publicKey: caKey,
  signer: { key: caKey },
  notAfter: new Date(Date.now() + day),
  ca: true,
});
const otherKey = key();
const otherCa = buildCertificate({
  subject: { commonName: 'Unit CA' },
  publicKey: otherKey,
  signer: { key: otherKey },
  notAfter: new Date(Date.now() + day),
  ca: true,
});
const leaf = buildCertificate({
  subject: { commonName: 'MAC01.local' },
  publicKey: key(),
  signer: { key: caKey, certificate: ca },
  notAfter: new Date(Date.now() + day),
  serial: Buffer.from('00ff01', 'hex'),
});

describe('CertID', () => {
  it('names the issuer by name and key, so a CA with the same name and another key is a different issuer', () => {
    const id = certIdFor(leaf, ca);
    expect(id.serial).toBe('ff01');
    expect(id.hashOid).toBe('1.3.14.3.2.26');
    expect(certIdNamesIssuer(id, ca)).toBe(true);
    expect(certIdNamesIssuer(id, otherCa)).toBe(false);
    expect(sameCertId(id, certIdFor(leaf, otherCa))).toBe(false);
    expect(sameCertId(certIdFor(leaf, ca, '2.16.840.1.101.3.4.2.1'), id)).toBe(false);
  });
});

describe('OCSP requests', () => {
  it('are read back as written, nonce included', () => {
    const nonce = nonceValue(randomBytes(32));
    const req = parseOcspRequest(encodeOcspRequest([certIdFor(leaf, ca)], nonce));
    expect(sameCertId(req.certIds[0]!, certIdFor(leaf, ca))).toBe(true);
    expect(req.nonceExtension).toEqual(nonce);
    expect(parseOcspRequest(encodeOcspRequest([certIdFor(leaf, ca)])).nonceExtension).toBeUndefined();
  });

  it('are refused when they name no certificate, too many, or carry trailing bytes', () => {
    expect(() => parseOcspRequest(encodeOcspRequest([]))).toThrow('names no certificate');
    const many = Array.from({ length: MAX_REQUEST_CERT_IDS + 1 }, () => certIdFor(leaf, ca));
    expect(() => parseOcspRequest(encodeOcspRequest(many))).toThrow(/more than 20/);
    const good = encodeOcspRequest([certIdFor(leaf, ca)]);
    expect(() => parseOcspRequest(Buffer.concat([good, Buffer.from([0])]))).toThrow(Asn1Error);
  });
});

describe('OCSP responses', () => {
  const now = new Date('2026-01-01T12:00:00Z');
  const nonce = nonceValue(randomBytes(32));
  const bytes = encodeOcspResponse({
    answers: [
      { certId: certIdFor(leaf, ca), status: 'good', thisUpdate: now, nextUpdate: new Date(now.getTime() + 600_000) },
      {
        certId: certIdFor(ca, ca),
        status: 'revoked',
        thisUpdate: now,
        revokedAt: new Date(now.getTime() - day),
        reason: 1,
      },
      { certId: { ...certIdFor(leaf, ca), serial: '01' }, status: 'unknown', thisUpdate: now },
    ],
    signer: { certificate: ca, key: caKey },
    producedAt: now,
    nonceExtension: nonce,
  });

  it('are read back as written: statuses, times, reason, responder key id, nonce and certificates', () => {
    const r = parseOcspResponse(bytes);
    expect(r.status).toBe(RESPONSE_STATUS.successful);
    const b = r.basic!;
    expect(b.producedAt).toEqual(now);
    expect(b.responderId).toEqual({ byKey: keyHash(ca) });
    expect(b.responses.map((s) => s.status)).toEqual(['good', 'revoked', 'unknown']);
    expect(b.responses[0]!.nextUpdate).toEqual(new Date(now.getTime() + 600_000));
    expect(b.responses[1]).toMatchObject({ revokedAt: new Date(now.getTime() - day), reason: 1 });
    expect(b.responses[2]!.nextUpdate).toBeUndefined();
    expect(b.extensions.get('1.3.6.1.5.5.7.48.1.2')?.value).toEqual(nonce);
    expect(b.certs.map((c) => c.fingerprint256)).toEqual([ca.fingerprint256]);
    expect(signatureVerifies(b.signatureAlgorithm, b.tbs, b.signature, ca.publicKey)).toBe(true);
    expect(signatureVerifies(b.signatureAlgorithm, b.tbs, b.signature, otherCa.publicKey)).toBe(false);
  });

  it('write every time as GeneralizedTime, as RFC 6960 asks', () => {
    expect(der.generalizedTime(now).toString('latin1', 2)).toBe('20260101120000Z');
    expect(bytes.includes(Buffer.from('20260101120000Z'))).toBe(true);
  });

  it('carry only a status when the responder cannot answer', () => {
    expect(parseOcspResponse(encodeOcspError(RESPONSE_STATUS.tryLater))).toEqual({ status: 3 });
  });

  it('cut short anywhere, fail as ASN.1 errors and never otherwise', () => {
    for (let n = 0; n < bytes.length; n += 7) {
      expect(() => parseOcspResponse(bytes.subarray(0, n)), `cut at ${n}`).toThrow(Asn1Error);
    }
  });

  it('with a byte changed anywhere, are refused or read without an unexpected exception', () => {
    for (let i = 0; i < bytes.length; i += 3) {
      const copy = Buffer.from(bytes);
      copy[i] = copy[i]! ^ 0x5a;
      try {
        parseOcspResponse(copy);
      } catch (e) {
        expect(e, `byte ${i}`).toBeInstanceOf(Asn1Error);
      }
    }
  });
});
