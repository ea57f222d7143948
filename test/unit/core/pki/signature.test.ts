import { describe, expect, it, beforeAll } from 'vitest';
import { constants, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { signatureVerifies } from '../../../../src/core/pki/signature';
import { der } from '../../../../src/core/pki/der';

const signed = Buffer.from('the bytes a CA signed');
const OID = {
  sha256Rsa: '1.2.840.113549.1.1.11',
  pss: '1.2.840.113549.1.1.10',
  ecdsaSha384: '1.2.840.10045.4.3.3',
  ed25519: '1.3.101.112',
};
const sha256Id = der.seq(der.oid('2.16.840.1.101.3.4.2.1'), der.null());

let rsa: { publicKey: KeyObject; privateKey: KeyObject };
let otherRsa: { publicKey: KeyObject; privateKey: KeyObject };
beforeAll(() => {
  rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  otherRsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
});

describe('checking a signature over signed bytes', () => {
  it('accepts RSA PKCS#1 v1.5 with SHA-256 from the right key and refuses it from another key', () => {
    const sig = sign('sha256', signed, rsa.privateKey);
    expect(signatureVerifies({ oid: OID.sha256Rsa }, signed, sig, rsa.publicKey)).toBe(true);
    expect(signatureVerifies({ oid: OID.sha256Rsa }, signed, sig, otherRsa.publicKey)).toBe(false);
  });

  it('reads the hash and salt length of RSASSA-PSS from the parameters, and the RFC 4055 defaults without them', () => {
    const sig = sign('sha256', signed, {
      key: rsa.privateKey,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: 32,
    });
    const params = der.seq(der.ctx(0, true, sha256Id), der.ctx(2, true, der.int(32)));
    expect(signatureVerifies({ oid: OID.pss, params }, signed, sig, rsa.publicKey)).toBe(true);
    expect(signatureVerifies({ oid: OID.pss }, signed, sig, rsa.publicKey)).toBe(false);
    const sha1Default = sign('sha1', signed, {
      key: rsa.privateKey,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: 20,
    });
    expect(signatureVerifies({ oid: OID.pss }, signed, sha1Default, rsa.publicKey)).toBe(true);
  });

  it('accepts ECDSA and Ed25519 signatures', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    expect(
      signatureVerifies({ oid: OID.ecdsaSha384 }, signed, sign('sha384', signed, ec.privateKey), ec.publicKey),
    ).toBe(true);
    const ed = generateKeyPairSync('ed25519');
    expect(signatureVerifies({ oid: OID.ed25519 }, signed, sign(null, signed, ed.privateKey), ed.publicKey)).toBe(true);
  });

  it('answers no, without throwing, for an unknown algorithm, a key of the wrong type or damaged parameters', () => {
    const sig = sign('sha256', signed, rsa.privateKey);
    expect(signatureVerifies({ oid: '1.2.3.4' }, signed, sig, rsa.publicKey)).toBe(false);
    expect(signatureVerifies({ oid: OID.ecdsaSha384 }, signed, sig, rsa.publicKey)).toBe(false);
    expect(
      signatureVerifies({ oid: OID.pss, params: Buffer.from([0x30, 0x05, 0xa0]) }, signed, sig, rsa.publicKey),
    ).toBe(false);
  });
});
