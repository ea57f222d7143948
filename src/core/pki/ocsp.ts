// OCSP requests (RFC 6960 section 4.1) on the one DER codec: the CertID naming a certificate, writing a request with a nonce, reading one back.
import { createHash, type X509Certificate } from 'node:crypto';
import {
  Asn1Error,
  TAG,
  children,
  der,
  expectTag,
  parseStrictDer,
  readAlgorithm,
  readBitStringBytes,
  readIntegerHex,
  readOctets,
  readTlv,
  type Tlv,
  readExtensions,
} from './der';
import { certificateDetails } from './inspect';

export const OCSP_OIDS = {
  basicResponse: '1.3.6.1.5.5.7.48.1.1',
  nonce: '1.3.6.1.5.5.7.48.1.2',
  noCheck: '1.3.6.1.5.5.7.48.1.5',
  ocspSigning: '1.3.6.1.5.5.7.3.9',
} as const;

/** The digests a CertID may name; SHA-1 is what OpenSSL and most responders expect in requests. */
const HASH_OIDS: Record<string, string> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};
const SHA1_OID = '1.3.14.3.2.26';

/** RFC 8954 caps a nonce at 32 octets (RFC 9654 raised it to 128); 32 random octets suit both. */
export const NONCE_BYTES = 32;
/** Requests carrying more certificates than this are refused: a client asks about one or a few. */
export const MAX_REQUEST_CERT_IDS = 20;

/** Which certificate a request or an answer is about: its issuer's name and key, hashed, and its serial. */
export interface CertId {
  /** Digest OID of the two hashes. */
  hashOid: string;
  issuerNameHash: Buffer;
  issuerKeyHash: Buffer;
  /** Lower-case hex without leading zero octets, as readIntegerHex gives it. */
  serial: string;
}

/** The bits of a public key (the BIT STRING of its SubjectPublicKeyInfo), which CertIDs and responder key ids hash. */
export function publicKeyBits(cert: X509Certificate): Buffer {
  const spki = cert.publicKey.export({ type: 'spki', format: 'der' });
  return Buffer.from(readBitStringBytes(expectTag(children(readTlv(spki))[1], TAG.BIT_STRING, 'public key')));
}

/** SHA-1 of a certificate's public key bits: the responder id "byKey" (RFC 6960 4.2.1). */
export function keyHash(cert: X509Certificate): Buffer {
  return createHash('sha1').update(publicKeyBits(cert)).digest();
}

/** The CertID of `cert` as issued by `issuer`, hashed with `hash` (SHA-1 unless a responder answered in another). */
export function certIdFor(cert: X509Certificate, issuer: X509Certificate, hashOid = SHA1_OID): CertId {
  const hash = HASH_OIDS[hashOid];
  if (!hash) throw new Asn1Error(`unsupported CertID digest ${hashOid}`);
  return {
    hashOid,
    issuerNameHash: createHash(hash).update(certificateDetails(issuer).subjectDer).digest(),
    issuerKeyHash: createHash(hash).update(publicKeyBits(issuer)).digest(),
    serial: certificateDetails(cert).serialHex.toLowerCase(),
  };
}

/** True when `other` names the same issuer and serial as `id`, whatever digest each used. */
export function sameCertId(id: CertId, other: CertId): boolean {
  return (
    id.hashOid === other.hashOid &&
    id.serial === other.serial &&
    id.issuerNameHash.equals(other.issuerNameHash) &&
    id.issuerKeyHash.equals(other.issuerKeyHash)
  );
}

/** True when `id` (in any supported digest) names `issuer` as the issuer. */
export function certIdNamesIssuer(id: CertId, issuer: X509Certificate): boolean {
  const hash = HASH_OIDS[id.hashOid];
  if (!hash) return false;
  return (
    createHash(hash).update(certificateDetails(issuer).subjectDer).digest().equals(id.issuerNameHash) &&
    createHash(hash).update(publicKeyBits(issuer)).digest().equals(id.issuerKeyHash)
  );
}

export function encodeCertId(id: CertId): Buffer {
  return der.seq(
    der.seq(der.oid(id.hashOid), der.null()),
    der.octets(id.issuerNameHash),
    der.octets(id.issuerKeyHash),
    der.int(Buffer.from(id.serial.padStart(id.serial.length + (id.serial.length % 2), '0'), 'hex')),
  );
}

export function readCertId(t: Tlv | undefined): CertId {
  const [alg, nameHash, keyHashT, serial] = children(expectTag(t, TAG.SEQUENCE, 'CertID'));
  if (!alg || !nameHash || !keyHashT || !serial) throw new Asn1Error('CertID: missing fields');
  return {
    hashOid: readAlgorithm(alg).oid,
    issuerNameHash: readOctets(expectTag(nameHash, TAG.OCTET_STRING, 'issuerNameHash')),
    issuerKeyHash: readOctets(expectTag(keyHashT, TAG.OCTET_STRING, 'issuerKeyHash')),
    serial: readIntegerHex(serial),
  };
}

/** One extension as OCSP carries it: its value is the contents of extnValue (for a nonce, OpenSSL wraps the random bytes in an OCTET STRING inside). */
export interface OcspExtension {
  critical: boolean;
  value: Buffer;
}

export function readExtensionList(t: Tlv): Map<string, OcspExtension> {
  return new Map(readExtensions(t).map((e) => [e.oid, { critical: e.critical, value: Buffer.from(e.value) }]));
}

export function encodeExtension(oid: string, value: Buffer, critical = false): Buffer {
  return critical ? der.seq(der.oid(oid), der.bool(true), der.octets(value)) : der.seq(der.oid(oid), der.octets(value));
}

/** The nonce extension's value for fresh random bytes: an OCTET STRING, as RFC 8954 defines and OpenSSL writes. */
export const nonceValue = (random: Buffer): Buffer => der.octets(random);

/** An unsigned OCSPRequest for one or more certificates; `nonceExtension` is the extension value to send, if any. */
export function encodeOcspRequest(ids: CertId[], nonceExtension?: Buffer): Buffer {
  const list = der.seq(...ids.map((id) => der.seq(encodeCertId(id))));
  const exts = nonceExtension ? [der.ctx(2, true, der.seq(encodeExtension(OCSP_OIDS.nonce, nonceExtension)))] : [];
  return der.seq(der.seq(list, ...exts));
}

export interface ParsedOcspRequest {
  certIds: CertId[];
  /** The nonce extension's value as sent, echoed back unchanged by a responder. */
  nonceExtension?: Buffer;
}

/** Reads an OCSPRequest (signed or not: a signature is ignored, as the lab answers anyone). Throws Asn1Error. */
export function parseOcspRequest(bytes: Uint8Array): ParsedOcspRequest {
  const top = children(expectTag(parseStrictDer(bytes), TAG.SEQUENCE, 'OCSPRequest'));
  const fields = children(expectTag(top[0], TAG.SEQUENCE, 'TBSRequest'));
  let i = 0;
  if (fields[i]?.tag === 0xa0) i++; // version
  if (fields[i]?.tag === 0xa1) i++; // requestorName
  const list = children(expectTag(fields[i++], TAG.SEQUENCE, 'requestList'));
  if (list.length === 0) throw new Asn1Error('the request names no certificate');
  if (list.length > MAX_REQUEST_CERT_IDS)
    throw new Asn1Error(`the request names more than ${MAX_REQUEST_CERT_IDS} certificates`);
  const certIds = list.map((r) => readCertId(children(expectTag(r, TAG.SEQUENCE, 'Request'))[0]));
  const out: ParsedOcspRequest = { certIds };
  const extsT = fields[i];
  if (extsT?.tag === 0xa2) {
    const nonce = readExtensionList(children(extsT)[0]!).get(OCSP_OIDS.nonce);
    if (nonce) out.nonceExtension = nonce.value;
  }
  return out;
}
