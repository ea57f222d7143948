// Building X.509 certificates and CRLs as DER, signed with node:crypto so RSA and EC CA keys both work.
import { X509Certificate, KeyObject, createHash, createPublicKey, randomBytes, sign } from 'node:crypto';
import { isIP } from 'node:net';
import { OnboardError } from '../errors';
import { TAG, children, der, expectTag, readBitStringBytes, readTlv, whole } from './der';
import { certificateDetails } from './inspect';

// ---------------------------------------------------------------------------------------------
// What issuing takes from the signer's certificate

/** The signer's subject name, public key info (exact DER bytes) and key identifier, for a certificate or CRL it signs. */
function signerPieces(cert: X509Certificate): { subject: Buffer; spki: Uint8Array; subjectKeyId?: Buffer } {
  const d = certificateDetails(cert);
  const fields = children(children(readTlv(cert.raw))[0]!);
  // The version field [0] is optional, so the subjectPublicKeyInfo is the 6th or 7th field.
  const spki = whole(fields[(fields[0]?.tag === 0xa0 ? 1 : 0) + 5]!);
  return d.subjectKeyId
    ? { subject: d.subjectDer, spki, subjectKeyId: Buffer.from(d.subjectKeyId, 'hex') }
    : { subject: d.subjectDer, spki };
}

/** Key identifier per RFC 5280 4.2.1.2 (1): SHA-1 of the subjectPublicKey bits. */
export function keyIdentifier(spkiDer: Uint8Array): Buffer {
  const bitString = children(readTlv(spkiDer))[1];
  return createHash('sha1')
    .update(readBitStringBytes(expectTag(bitString, TAG.BIT_STRING, 'subject public key')))
    .digest();
}

// ---------------------------------------------------------------------------------------------
// Names, algorithms, extensions

export const OIDS = {
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  organizationalUnit: '2.5.4.11',
  country: '2.5.4.6',
  subjectKeyId: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  crlNumber: '2.5.29.20',
  crlReason: '2.5.29.21',
  crlDistributionPoints: '2.5.29.31',
  authorityKeyId: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
  ocsp: '1.3.6.1.5.5.7.48.1',
  ocspNoCheck: '1.3.6.1.5.5.7.48.1.5',
  ocspSigning: '1.3.6.1.5.5.7.3.9',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  microsoftTemplateName: '1.3.6.1.4.1.311.20.2',
} as const;

export interface DistinguishedName {
  commonName?: string;
  organization?: string;
  organizationalUnit?: string;
  /** Two-letter country code. */
  country?: string;
}

/** Encodes a name in the usual C, O, OU, CN order, one attribute per RDN. */
export function encodeName(n: DistinguishedName): Buffer {
  const rdn = (oid: string, value: Buffer) => der.set(der.seq(der.oid(oid), value));
  const rdns: Buffer[] = [];
  if (n.country) rdns.push(rdn(OIDS.country, der.printable(n.country)));
  if (n.organization) rdns.push(rdn(OIDS.organization, der.utf8(n.organization)));
  if (n.organizationalUnit) rdns.push(rdn(OIDS.organizationalUnit, der.utf8(n.organizationalUnit)));
  if (n.commonName !== undefined) rdns.push(rdn(OIDS.commonName, der.utf8(n.commonName)));
  return der.seq(...rdns);
}

/** The signature algorithm a key signs with: SHA-256 for RSA and P-256, matching strength for larger curves. */
export function signatureAlgorithm(key: KeyObject): { hash: string; algorithmId: Buffer } {
  const type = key.asymmetricKeyType;
  if (type === 'rsa') return { hash: 'sha256', algorithmId: der.seq(der.oid('1.2.840.113549.1.1.11'), der.null()) };
  if (type === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (curve === 'secp384r1') return { hash: 'sha384', algorithmId: der.seq(der.oid('1.2.840.10045.4.3.3')) };
    if (curve === 'secp521r1') return { hash: 'sha512', algorithmId: der.seq(der.oid('1.2.840.10045.4.3.4')) };
    return { hash: 'sha256', algorithmId: der.seq(der.oid('1.2.840.10045.4.3.2')) };
  }
  throw new OnboardError(
    'key-type-unsupported',
    `A ${type ?? 'unknown'} key cannot sign certificates here.`,
    'Use an RSA or EC (P-256/P-384/P-521) key.',
  );
}

/** Signs `tbs` and wraps it as SEQUENCE { tbs, algorithm, BIT STRING signature } (certificates, CRLs, CSRs). */
export function signDer(tbs: Buffer, key: KeyObject): Buffer {
  const alg = signatureAlgorithm(key);
  const signature = sign(alg.hash, tbs, key);
  return der.seq(tbs, alg.algorithmId, der.bits(signature));
}

export type KeyUsage =
  | 'digitalSignature'
  | 'nonRepudiation'
  | 'keyEncipherment'
  | 'dataEncipherment'
  | 'keyAgreement'
  | 'keyCertSign'
  | 'cRLSign';
const KU_BITS: Record<KeyUsage, number> = {
  digitalSignature: 0,
  nonRepudiation: 1,
  keyEncipherment: 2,
  dataEncipherment: 3,
  keyAgreement: 4,
  keyCertSign: 5,
  cRLSign: 6,
};

function extension(oid: string, critical: boolean, value: Buffer): Buffer {
  return critical ? der.seq(der.oid(oid), der.bool(true), der.octets(value)) : der.seq(der.oid(oid), der.octets(value));
}

export function keyUsageValue(usages: KeyUsage[]): Buffer {
  let mask = 0;
  for (const u of usages) mask |= 0x80 >> KU_BITS[u];
  if (mask === 0) return der.bits(Buffer.alloc(0));
  let unused = 0;
  while (!((mask >> unused) & 1)) unused++;
  return der.bits(Buffer.from([mask]), unused);
}

const EKU_NAMES: Record<string, string> = {
  clientAuth: OIDS.clientAuth,
  serverAuth: OIDS.serverAuth,
  ocspSigning: OIDS.ocspSigning,
};
export function extKeyUsageValue(usages: string[]): Buffer {
  return der.seq(...usages.map((u) => der.oid(EKU_NAMES[u] ?? u)));
}

export function subjectAltNameValue(dnsNames: string[], ipAddresses: string[] = []): Buffer {
  const ips = ipAddresses.map((ip) => {
    const v = isIP(ip);
    if (v === 4) return der.tlv(0x87, Buffer.from(ip.split('.').map(Number)));
    if (v === 6) return der.tlv(0x87, ipv6Bytes(ip));
    throw new OnboardError(
      'bad-ip',
      `${ip} is not an IP address.`,
      'Give an IPv4 address like 192.168.1.10 or an IPv6 address.',
    );
  });
  return der.seq(...dnsNames.map((n) => der.tlv(0x82, Buffer.from(n, 'latin1'))), ...ips);
}

function ipv6Bytes(ip: string): Buffer {
  const [head = '', tail = ''] = ip.split('::');
  const parse = (s: string) => (s ? s.split(':') : []);
  const h = parse(head);
  const t = ip.includes('::') ? parse(tail) : [];
  const groups = [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  return Buffer.from(
    groups.flatMap((g) => {
      const n = parseInt(g, 16);
      return [n >> 8, n & 0xff];
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// Certificates

export interface CertificateRequestSpec {
  subject: DistinguishedName;
  /** The public key being certified. */
  publicKey: KeyObject;
  /** Who signs: the issuing CA's certificate and key; without certificate the certificate is self-signed. */
  signer: { key: KeyObject; certificate?: X509Certificate };
  /** Magnitude bytes of the serial number; default a random positive 128-bit number. */
  serial?: Uint8Array;
  notBefore?: Date;
  notAfter: Date;
  /** A CA certificate (basicConstraints CA:TRUE, critical), optionally with a path length. */
  ca?: boolean | { pathLength: number };
  keyUsage?: KeyUsage[];
  extendedKeyUsage?: string[];
  dnsNames?: string[];
  ipAddresses?: string[];
  crlUrls?: string[];
  ocspUrls?: string[];
  /** id-pkix-ocsp-nocheck (RFC 6960 4.2.2.2.1): a delegated OCSP responder whose own status clients need not check. */
  ocspNoCheck?: boolean;
}

/** A random positive serial number of 16 bytes (RFC 5280 allows up to 20; CAs/Browser Forum asks for 64+ random bits). */
export function newSerial(): Buffer {
  const s = randomBytes(16);
  s[0] = (s[0]! & 0x7f) | 0x40;
  return s;
}

function spkiOf(key: KeyObject): Buffer {
  const pub = key.type === 'public' ? key : createPublicKey(key);
  return pub.export({ type: 'spki', format: 'der' });
}

/** Builds and signs an X.509 v3 certificate. */
export function buildCertificate(spec: CertificateRequestSpec): X509Certificate {
  const spki = spkiOf(spec.publicKey);
  const selfSigned = !spec.signer.certificate;
  let issuerName: Buffer;
  let authorityKeyId: Buffer;
  if (spec.signer.certificate) {
    const pieces = signerPieces(spec.signer.certificate);
    issuerName = pieces.subject;
    authorityKeyId = pieces.subjectKeyId ?? keyIdentifier(pieces.spki);
  } else {
    issuerName = encodeName(spec.subject);
    authorityKeyId = keyIdentifier(spki);
  }
  const subjectKeyId = keyIdentifier(spki);
  const exts: Buffer[] = [];
  if (spec.ca) {
    const pathLen = typeof spec.ca === 'object' ? [der.int(spec.ca.pathLength)] : [];
    exts.push(extension(OIDS.basicConstraints, true, der.seq(der.bool(true), ...pathLen)));
  } else {
    exts.push(extension(OIDS.basicConstraints, false, der.seq()));
  }
  if (spec.keyUsage?.length) exts.push(extension(OIDS.keyUsage, true, keyUsageValue(spec.keyUsage)));
  if (spec.extendedKeyUsage?.length)
    exts.push(extension(OIDS.extKeyUsage, false, extKeyUsageValue(spec.extendedKeyUsage)));
  if (spec.dnsNames?.length || spec.ipAddresses?.length) {
    exts.push(extension(OIDS.subjectAltName, false, subjectAltNameValue(spec.dnsNames ?? [], spec.ipAddresses ?? [])));
  }
  exts.push(extension(OIDS.subjectKeyId, false, der.octets(subjectKeyId)));
  if (!selfSigned) exts.push(extension(OIDS.authorityKeyId, false, der.seq(der.tlv(0x80, authorityKeyId))));
  if (spec.crlUrls?.length) {
    exts.push(
      extension(
        OIDS.crlDistributionPoints,
        false,
        der.seq(
          ...spec.crlUrls.map((u) =>
            der.seq(der.ctx(0, true, der.ctx(0, true, der.tlv(0x86, Buffer.from(u, 'latin1'))))),
          ),
        ),
      ),
    );
  }
  if (spec.ocspUrls?.length) {
    exts.push(
      extension(
        OIDS.authorityInfoAccess,
        false,
        der.seq(...spec.ocspUrls.map((u) => der.seq(der.oid(OIDS.ocsp), der.tlv(0x86, Buffer.from(u, 'latin1'))))),
      ),
    );
  }
  if (spec.ocspNoCheck) exts.push(extension(OIDS.ocspNoCheck, false, der.null()));
  const notBefore = spec.notBefore ?? new Date(Date.now() - 5 * 60_000);
  if (spec.notAfter <= notBefore)
    throw new OnboardError(
      'bad-validity',
      'The certificate would expire before it becomes valid.',
      'Give a validity period of at least one day.',
    );
  const tbs = der.seq(
    der.ctx(0, true, der.int(2)),
    der.int(spec.serial ?? newSerial()),
    signatureAlgorithm(spec.signer.key).algorithmId,
    issuerName,
    der.seq(der.time(notBefore), der.time(spec.notAfter)),
    encodeName(spec.subject),
    spki,
    der.ctx(3, true, der.seq(...exts)),
  );
  return new X509Certificate(signDer(tbs, spec.signer.key));
}

// ---------------------------------------------------------------------------------------------
// CRLs

export interface RevokedEntry {
  /** Serial number as hex (any case, with or without colons). */
  serial: string;
  date: Date;
  /** RFC 5280 reason code, e.g. 1 keyCompromise, 4 superseded, 5 cessationOfOperation. */
  reason?: number;
}

export function serialBytes(hex: string): Buffer {
  const clean = hex.replace(/[:\s]/g, '').toLowerCase();
  if (!/^[0-9a-f]+$/.test(clean)) {
    throw new OnboardError(
      'bad-serial',
      `"${hex}" is not a hexadecimal serial number.`,
      "Copy the serial as the certificate's details show it (hexadecimal digits).",
      { serial: hex, source: 'certificate' },
    );
  }
  return Buffer.from(clean.length % 2 ? '0' + clean : clean, 'hex');
}

/** Builds and signs a v2 CRL (DER) with thisUpdate/nextUpdate, CRL number and authority key identifier. */
export function buildCrl(opts: {
  issuer: X509Certificate;
  key: KeyObject;
  crlNumber: bigint | number;
  thisUpdate: Date;
  nextUpdate: Date;
  revoked: RevokedEntry[];
}): Buffer {
  const pieces = signerPieces(opts.issuer);
  const entries = opts.revoked.map((r) => {
    const ext =
      r.reason !== undefined ? [der.seq(extension(OIDS.crlReason, false, der.tlv(0x0a, Buffer.from([r.reason]))))] : [];
    return der.seq(der.int(serialBytes(r.serial)), der.time(r.date), ...ext);
  });
  const tbs = der.seq(
    der.int(1),
    signatureAlgorithm(opts.key).algorithmId,
    pieces.subject,
    der.time(opts.thisUpdate),
    der.time(opts.nextUpdate),
    ...(entries.length ? [der.seq(...entries)] : []),
    der.ctx(
      0,
      true,
      der.seq(
        extension(
          OIDS.authorityKeyId,
          false,
          der.seq(der.tlv(0x80, pieces.subjectKeyId ?? keyIdentifier(pieces.spki))),
        ),
        extension(OIDS.crlNumber, false, der.int(BigInt(opts.crlNumber))),
      ),
    ),
  );
  return signDer(tbs, opts.key);
}
