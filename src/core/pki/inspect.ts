// Everything a technician needs to know about one certificate: names, validity, key, extensions, role.
import type { KeyObject, X509Certificate } from 'node:crypto';
import { OnboardError, describeError } from '../errors';
import {
  Asn1Error,
  TAG,
  children,
  contents,
  expectTag,
  readAlgorithm,
  readBits,
  readBoolean,
  readIntegerHex,
  readOid,
  readSmallInteger,
  readString,
  readTime,
  readTlv,
  whole,
  type Tlv,
  readExtension,
} from './der';
import { certificateKey, describeKey, keyAlgorithmName, keyLabel, keyProblem, keyUnusable, publicKeyOf } from './keys';
import { commonNameOf, formatName, nameOnOneLineCnFirst, readName, type NameAttribute } from './names';
import { akidAllows, pathFacts } from './path-facts';

export { certificateKey, describeKey, keyLabel, keyUnusable, publicKeyOf, type KeyDescription } from './keys';

export interface CertificateInfo {
  subject: string;
  issuer: string;
  serialNumber: string;
  notBefore: string;
  notAfter: string;
  keyType: 'rsa' | 'ec' | 'ed25519' | 'other';
  keySize: number | null;
  curve?: string;
  signatureAlgorithm: string;
  sha256: string;
  sha1: string;
  basicConstraints: { ca: boolean; pathLength?: number } | null;
  keyUsage: string[];
  extendedKeyUsage: string[];
  subjectAltNames: { dns: string[]; ip: string[]; email: string[]; uri: string[] };
  commonName: string | null;
  crlUrls: string[];
  ocspUrls: string[];
  caIssuersUrls: string[];
  role: 'root' | 'intermediate' | 'leaf';
  pem: string;
}

export const EKU = {
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  anyExtendedKeyUsage: '2.5.29.37.0',
} as const;

const EKU_NAMES: Record<string, string> = {
  '1.3.6.1.5.5.7.3.1': 'serverAuth',
  '1.3.6.1.5.5.7.3.2': 'clientAuth',
  '1.3.6.1.5.5.7.3.3': 'codeSigning',
  '1.3.6.1.5.5.7.3.4': 'emailProtection',
  '1.3.6.1.5.5.7.3.8': 'timeStamping',
  '1.3.6.1.5.5.7.3.9': 'OCSPSigning',
  '2.5.29.37.0': 'anyExtendedKeyUsage',
  '1.3.6.1.4.1.311.10.3.4': 'msEFS',
  '1.3.6.1.4.1.311.20.2.2': 'msSmartcardLogin',
  '1.3.6.1.5.2.3.5': 'pkInitKDC',
};

/** KeyUsage bit names in bit order (RFC 5280 4.2.1.3), spelled as OpenSSL's config spells them. */
export const KEY_USAGE_BITS = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
] as const;

const SIGNATURE_ALGORITHMS: Record<string, string> = {
  '1.2.840.113549.1.1.4': 'md5WithRSAEncryption',
  '1.2.840.113549.1.1.5': 'sha1WithRSAEncryption',
  '1.2.840.113549.1.1.10': 'rsassaPss',
  '1.2.840.113549.1.1.11': 'sha256WithRSAEncryption',
  '1.2.840.113549.1.1.12': 'sha384WithRSAEncryption',
  '1.2.840.113549.1.1.13': 'sha512WithRSAEncryption',
  '1.2.840.113549.1.1.14': 'sha224WithRSAEncryption',
  '1.2.840.10045.4.1': 'ecdsa-with-SHA1',
  '1.2.840.10045.4.3.1': 'ecdsa-with-SHA224',
  '1.2.840.10045.4.3.2': 'ecdsa-with-SHA256',
  '1.2.840.10045.4.3.3': 'ecdsa-with-SHA384',
  '1.2.840.10045.4.3.4': 'ecdsa-with-SHA512',
  '1.3.101.112': 'ED25519',
  '1.3.101.113': 'ED448',
  '1.2.840.10040.4.3': 'dsa-with-SHA1',
  '2.16.840.1.101.3.4.3.2': 'dsa-with-SHA256',
};

export function signatureAlgorithmName(oid: string): string {
  return SIGNATURE_ALGORITHMS[oid] ?? oid;
}

/** What the extensions of a certificate (or the extension request of a CSR) say. */
export interface ExtensionFields {
  /** Extension OIDs present, with their criticality. */
  extensions: Map<string, boolean>;
  basicConstraints: { ca: boolean; pathLength?: number } | null;
  /** null when there is no KeyUsage extension (which OpenSSL reads as "any usage"). */
  keyUsage: string[] | null;
  /** EKU OIDs; null when there is no ExtendedKeyUsage extension. */
  extendedKeyUsageOids: string[] | null;
  subjectAltNames: { dns: string[]; ip: string[]; email: string[]; uri: string[] };
  crlUrls: string[];
  ocspUrls: string[];
  caIssuersUrls: string[];
  subjectKeyId?: string;
  authorityKeyId?: string;
}

/** Everything read from a certificate's DER that node:crypto does not expose directly. */
export interface CertificateDetails extends ExtensionFields {
  version: number;
  serialHex: string;
  subjectAttributes: NameAttribute[];
  issuerAttributes: NameAttribute[];
  subjectDer: Buffer;
  issuerDer: Buffer;
  notBefore: Date;
  notAfter: Date;
  signatureAlgorithmOid: string;
  signatureAlgorithm: string;
  keyAlgorithmOid: string;
  keyHasParameters: boolean;
  /** Set when the public key cannot be used (see keys.ts): why, in a technician's words. */
  keyProblem?: string;
}

export function emptyExtensionFields(): ExtensionFields {
  return {
    extensions: new Map(),
    basicConstraints: null,
    keyUsage: null,
    extendedKeyUsageOids: null,
    subjectAltNames: { dns: [], ip: [], email: [], uri: [] },
    crlUrls: [],
    ocspUrls: [],
    caIssuersUrls: [],
  };
}

/** Reads a SEQUENCE OF Extension into `into`. */
export function readExtensions(list: Tlv, into: ExtensionFields): void {
  for (const ext of children(expectTag(list, TAG.SEQUENCE, 'extensions'))) readExtensionFields(ext, into);
}

const detailsCache = new WeakMap<X509Certificate, CertificateDetails>();

/** Parses (once per certificate object) the DER fields the checks need; a damaged certificate is an OnboardError 'certificate-corrupt'. */
export function certificateDetails(cert: X509Certificate): CertificateDetails {
  const cached = detailsCache.get(cert);
  if (cached) return cached;
  let d: CertificateDetails;
  try {
    d = parseCertificateDer(cert.raw);
    // node:crypto parses the key lazily: a damaged key must fail here, not halfway through a check. A key
    // of a kind node (like OpenSSL 3) cannot use is not damage: it is reported as a fact of the certificate.
    d.keyProblem = keyProblem(cert, d.keyAlgorithmOid, d.keyHasParameters);
  } catch (e) {
    throw new OnboardError(
      'certificate-corrupt',
      `A certificate (${nameOnOneLineCnFirst(cert.subject) || 'no subject'}) is damaged: ${describeError(e)}.`,
      'Get the file again from your PKI team.',
    );
  }
  detailsCache.set(cert, d);
  return d;
}

function parseCertificateDer(der: Uint8Array): CertificateDetails {
  const root = readTlv(der, 0);
  const [tbsT, sigAlgT] = children(expectTag(root, TAG.SEQUENCE, 'certificate'));
  const tbs = children(expectTag(tbsT, TAG.SEQUENCE, 'tbsCertificate'));
  let i = 0;
  let version = 1;
  if (tbs[0]?.tag === 0xa0) {
    version = readSmallInteger(children(tbs[0])[0]!) + 1;
    i = 1;
  }
  const serialT = tbs[i++]!;
  i++; // inner signature algorithm: the outer one is authoritative for display
  const issuerT = tbs[i++]!;
  const validityT = tbs[i++]!;
  const subjectT = tbs[i++]!;
  // subjectPublicKeyInfo: node:crypto reads the key; its algorithm tells an unusable key from a damaged one.
  const spki = readAlgorithm(children(expectTag(tbs[i++], TAG.SEQUENCE, 'subject public key info'))[0]!);
  const [nb, na] = children(expectTag(validityT, TAG.SEQUENCE, 'validity'));
  if (!nb || !na) throw new Asn1Error('validity: unexpected structure');
  const sigOid = readAlgorithm(sigAlgT!).oid;
  const d: CertificateDetails = {
    version,
    serialHex: readIntegerHex(serialT).toUpperCase(),
    subjectAttributes: readName(subjectT),
    issuerAttributes: readName(issuerT),
    subjectDer: Buffer.from(whole(subjectT)),
    issuerDer: Buffer.from(whole(issuerT)),
    notBefore: readTime(nb),
    notAfter: readTime(na),
    signatureAlgorithmOid: sigOid,
    signatureAlgorithm: signatureAlgorithmName(sigOid),
    keyAlgorithmOid: spki.oid,
    keyHasParameters: spki.params !== undefined && spki.params.tag !== TAG.NULL,
    ...emptyExtensionFields(),
  };
  for (; i < tbs.length; i++) {
    const t = tbs[i]!;
    if (t.tag !== 0xa3) continue;
    readExtensions(children(t)[0]!, d);
  }
  return d;
}

function readExtensionFields(ext: Tlv, d: ExtensionFields): void {
  const { oid, critical, value } = readExtension(ext);
  d.extensions.set(oid, critical);
  const inner = () => readTlv(value, 0);
  switch (oid) {
    case '2.5.29.19': {
      const bc = children(expectTag(inner(), TAG.SEQUENCE, 'basic constraints'));
      let ca = false;
      let pathLength: number | undefined;
      for (const c of bc) {
        if (c.tag === TAG.BOOLEAN) ca = readBoolean(c);
        else if (c.tag === TAG.INTEGER) pathLength = readSmallInteger(c);
      }
      d.basicConstraints = pathLength === undefined ? { ca } : { ca, pathLength };
      break;
    }
    case '2.5.29.15': {
      const bits = readBits(inner());
      d.keyUsage = KEY_USAGE_BITS.filter((_, n) => bits[n]);
      break;
    }
    case '2.5.29.37':
      d.extendedKeyUsageOids = children(expectTag(inner(), TAG.SEQUENCE, 'extended key usage')).map(readOid);
      break;
    case '2.5.29.17':
      for (const gn of children(expectTag(inner(), TAG.SEQUENCE, 'subject alternative names')))
        addGeneralName(gn, d.subjectAltNames);
      break;
    case '2.5.29.31':
      for (const dp of children(expectTag(inner(), TAG.SEQUENCE, 'CRL distribution points'))) {
        for (const field of children(dp)) {
          if (field.tag !== 0xa0) continue; // distributionPoint
          for (const dpName of children(field)) {
            if (dpName.tag !== 0xa0) continue; // fullName (GeneralNames, implicitly tagged)
            for (const gn of children(dpName)) if (gn.tag === 0x86) d.crlUrls.push(readString(gn));
          }
        }
      }
      break;
    case '1.3.6.1.5.5.7.1.1':
      for (const ad of children(expectTag(inner(), TAG.SEQUENCE, 'authority information access'))) {
        const [methodT, locT] = children(ad);
        if (!methodT || !locT || locT.tag !== 0x86) continue;
        const method = readOid(methodT);
        if (method === '1.3.6.1.5.5.7.48.1') d.ocspUrls.push(readString(locT));
        else if (method === '1.3.6.1.5.5.7.48.2') d.caIssuersUrls.push(readString(locT));
      }
      break;
    case '2.5.29.14':
      d.subjectKeyId = Buffer.from(contents(expectTag(inner(), TAG.OCTET_STRING, 'subject key identifier'))).toString(
        'hex',
      );
      break;
    case '2.5.29.35':
      for (const c of children(expectTag(inner(), TAG.SEQUENCE, 'authority key identifier'))) {
        if (c.tag === 0x80) d.authorityKeyId = Buffer.from(contents(c)).toString('hex');
      }
      break;
  }
}

function addGeneralName(gn: Tlv, into: ExtensionFields['subjectAltNames']): void {
  switch (gn.tag) {
    case 0x81:
      into.email.push(readString(gn));
      break;
    case 0x82:
      into.dns.push(readString(gn));
      break;
    case 0x86:
      into.uri.push(readString(gn));
      break;
    case 0x87:
      into.ip.push(formatIp(contents(gn)));
      break;
  }
}

function formatIp(b: Uint8Array): string {
  if (b.length === 4) return Array.from(b).join('.');
  if (b.length === 16) {
    const words: string[] = [];
    for (let i = 0; i < 16; i += 2) words.push(((b[i]! << 8) | b[i + 1]!).toString(16));
    return words
      .join(':')
      .replace(/(^|:)0(:0)+(:|$)/, '::')
      .replace(/:{3,}/, '::');
  }
  return Buffer.from(b).toString('hex');
}

/** Subject and issuer are the same name, compared as RFC 5280 §7.1 says (case and spacing do not matter). */
export function isSelfIssued(cert: X509Certificate): boolean {
  return pathFacts(cert).selfIssued;
}

const selfSignedCache = new WeakMap<X509Certificate, boolean>();

/** Self-issued, any AKID pointing at itself, and signed by its own key: a root (or a self-signed device certificate). */
export function isSelfSigned(cert: X509Certificate): boolean {
  let v = selfSignedCache.get(cert);
  if (v === undefined) {
    // Usable key first (as ever), but asked without making a KeyObject: most certificates are not self-issued,
    // and then their key object is never needed.
    v =
      !keyUnusable(cert) &&
      isSelfIssued(cert) &&
      akidAllows(cert, pathFacts(cert).akid) &&
      verifiesWith(cert, publicKeyOf(cert)!);
    selfSignedCache.set(cert, v);
  }
  return v;
}

/** The certificate's signature checks out with `key` (RSA, EC or EdDSA alike; never throws). */
export function verifiesWith(cert: X509Certificate, key: KeyObject): boolean {
  try {
    return cert.verify(key);
  } catch {
    return false;
  }
}

export function certificateRole(cert: X509Certificate): CertificateInfo['role'] {
  if (isSelfSigned(cert)) return 'root';
  const bc = certificateDetails(cert).basicConstraints;
  return bc?.ca ? 'intermediate' : 'leaf';
}

/** "RSA 2048", or for an unusable key what it is and why it cannot be used. */
export function certificateKeyLabel(cert: X509Certificate): string {
  const k = certificateKey(cert);
  if (k.keyType === 'rsa') return keyLabel(k); // an RSA label needs nothing but the size
  const key = publicKeyOf(cert);
  if (key) return keyLabel(describeKey(key), key);
  const d = certificateDetails(cert);
  return `${keyAlgorithmName(d.keyAlgorithmOid)} (${d.keyProblem ?? 'unusable'})`;
}

export function ekuName(oid: string): string {
  return EKU_NAMES[oid] ?? oid;
}

export function inspectCertificate(cert: X509Certificate): CertificateInfo {
  const d = certificateDetails(cert);
  const key = certificateKey(cert);
  const info: CertificateInfo = {
    subject: formatName(d.subjectAttributes),
    issuer: formatName(d.issuerAttributes),
    serialNumber: d.serialHex,
    notBefore: d.notBefore.toISOString(),
    notAfter: d.notAfter.toISOString(),
    keyType: key.keyType,
    keySize: key.keySize,
    signatureAlgorithm: d.signatureAlgorithm,
    sha256: cert.fingerprint256,
    sha1: cert.fingerprint,
    basicConstraints: d.basicConstraints,
    keyUsage: d.keyUsage ?? [],
    extendedKeyUsage: (d.extendedKeyUsageOids ?? []).map(ekuName),
    subjectAltNames: d.subjectAltNames,
    commonName: commonNameOf(d.subjectAttributes),
    crlUrls: d.crlUrls,
    ocspUrls: d.ocspUrls,
    caIssuersUrls: d.caIssuersUrls,
    role: certificateRole(cert),
    pem: cert.toString(),
  };
  if (key.curve) info.curve = key.curve;
  return info;
}

/** Short one-line label for lists and messages: "CN=MAC01.local (serial 1A2B)". */
export function certificateLabel(cert: X509Certificate): string {
  let label = labels.get(cert);
  if (label === undefined) {
    const d = certificateDetails(cert);
    labels.set(cert, (label = `${formatName(d.subjectAttributes)} (serial ${d.serialHex})`));
  }
  return label;
}

/** Each chain rule and finding names the certificates it concerns: their labels are made once. */
const labels = new WeakMap<X509Certificate, string>();
