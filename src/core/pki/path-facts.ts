// What path validation and CRL scope read from a certificate beyond inspect's details: canonical names, key identifiers, names and their constraints, distribution points, extensions OpenSSL cannot process.
import type { X509Certificate } from 'node:crypto';
import {
  Asn1Error,
  TAG,
  children,
  contents,
  der,
  expectTag,
  readBits,
  readBoolean,
  readOid,
  readTlv,
  whole,
  type Extension,
  type Tlv,
  readExtensions,
} from './der';
import { readGeneralNames, type GeneralName } from './general-names';
import { canonicalName, formatName, readName, type NameAttribute } from './names';
import { readNameConstraints, type ConstrainedNames, type NameConstraints } from './name-constraints';

/** A CRL distribution point of a certificate (or the distribution point of a CRL's IDP), ready to compare. */
export interface DistributionPointName {
  /** fullName: a list of names, e.g. URIs or directory names. */
  full?: GeneralName[];
  /** nameRelativeToCRLIssuer, joined to the issuer's name: its canonical encoding. */
  relative?: Buffer;
}

export interface DistributionPoint {
  name?: DistributionPointName;
  /** OpenSSL's reason mask (first two bytes of ReasonFlags, 0x807f for all). */
  reasons: number;
  crlIssuer?: GeneralName[];
}

export const ALL_REASONS = 0x807f;

export interface AuthorityKeyId {
  keyId?: Buffer;
  issuers?: GeneralName[];
  /** The issuer's serial as a signed integer string. */
  serial?: string;
}

export interface PathFacts extends ConstrainedNames {
  issuerCanonical: Buffer;
  /** Subject and issuer are the same name by RFC 5280 §7.1 (self-issued: a root or a key rollover certificate). */
  selfIssued: boolean;
  serial: string;
  skid?: Buffer;
  akid?: AuthorityKeyId;
  nameConstraints?: NameConstraints;
  distributionPoints: DistributionPoint[];
  /** Critical extensions OpenSSL does not process (so it refuses the certificate): names or OIDs. */
  unprocessedCritical: string[];
  /** Extensions OpenSSL marks invalid (which makes a CA certificate unusable): sentences. */
  invalid: string[];
  /**
   * OpenSSL 3 marks the certificate EXFLAG_INVALID (x509v3_cache_extensions): one of the extensions it decodes is
   * there twice or does not decode, a key usage is empty, a path length is negative. Its check_issued then fails
   * either way, so such a certificate neither issues nor is issued: the path stops at it. (A path length on
   * CA:FALSE, also in `invalid`, is not among these: OpenSSL refuses it only in strict mode.)
   */
  opensslInvalid: boolean;
}

/** The extensions OpenSSL 3 processes when it verifies (X509_supported_extension); any other critical one is refused. */
const PROCESSED = new Set([
  '2.16.840.1.113730.1.1', // Netscape certificate type
  '2.5.29.15', // key usage
  '2.5.29.17', // subject alternative name
  '2.5.29.19', // basic constraints
  '2.5.29.32', // certificate policies
  '2.5.29.31', // CRL distribution points
  '2.5.29.37', // extended key usage
  '1.3.6.1.5.5.7.1.7', // IP address blocks (RFC 3779)
  '1.3.6.1.5.5.7.1.8', // AS identifiers (RFC 3779)
  '1.3.6.1.5.5.7.48.1.5', // OCSP no check
  '2.5.29.36', // policy constraints
  '1.3.6.1.5.5.7.1.14', // proxy certificate information
  '2.5.29.30', // name constraints
  '2.5.29.33', // policy mappings
  '2.5.29.54', // inhibit any policy
]);

/** The extensions x509v3_cache_extensions decodes: twice, or not decodable, marks the certificate invalid. */
const DECODED_BY_OPENSSL = new Set([
  '2.5.29.19', // basic constraints
  '2.5.29.15', // key usage
  '2.5.29.37', // extended key usage
  '2.16.840.1.113730.1.1', // Netscape certificate type
  '2.5.29.14', // subject key identifier
  '2.5.29.35', // authority key identifier
  '2.5.29.17', // subject alternative name
  '2.5.29.30', // name constraints
  '2.5.29.31', // CRL distribution points
  '1.3.6.1.5.5.7.1.14', // proxy certificate information
  '1.3.6.1.5.5.7.1.7', // IP address blocks
  '1.3.6.1.5.5.7.1.8', // AS identifiers
]);

const EXTENSION_NAMES: Record<string, string> = {
  '2.5.29.14': 'subject key identifier',
  '2.5.29.35': 'authority key identifier',
  '2.5.29.18': 'issuer alternative name',
  '2.5.29.46': 'freshest CRL',
  '1.3.6.1.5.5.7.1.1': 'authority information access',
  '1.3.6.1.5.5.7.1.11': 'subject information access',
  '1.3.6.1.5.5.7.1.24': 'TLS feature',
  '1.3.6.1.4.1.11129.2.4.3': 'certificate transparency poison',
  '1.3.6.1.4.1.311.21.7': 'Microsoft certificate template',
  '1.3.6.1.4.1.311.20.2': 'Microsoft certificate template name',
  '1.3.6.1.4.1.311.21.10': 'Microsoft application policies',
};

/** An extension's name for messages, e.g. "authority information access (1.3.6.1.5.5.7.1.1)". */
export function extensionLabel(oid: string): string {
  return EXTENSION_NAMES[oid] ? `${EXTENSION_NAMES[oid]} (${oid})` : oid;
}

/** Signed integer contents as a decimal string, so that equal numbers compare equal whatever their encoding. */
export function integerKey(t: Tlv): string {
  const v = contents(expectTag(t, TAG.INTEGER, 'integer'));
  if (v.length === 0) throw new Asn1Error('empty integer');
  let n = BigInt('0x' + (Buffer.from(v).toString('hex') || '0'));
  if (v[0]! & 0x80) n -= 1n << BigInt(8 * v.length);
  return n.toString();
}

/** Reads an AuthorityKeyIdentifier value (certificates and CRLs share it). */
export function readAuthorityKeyId(value: Uint8Array): AuthorityKeyId {
  const akid: AuthorityKeyId = {};
  for (const f of children(expectTag(readTlv(value, 0), TAG.SEQUENCE, 'authority key identifier'))) {
    if (f.tag === 0x80) akid.keyId = Buffer.from(contents(f));
    else if (f.tag === 0xa1) akid.issuers = readGeneralNames(f);
    else if (f.tag === 0x82) akid.serial = integerKey(readTlv(der.tlv(TAG.INTEGER, contents(f))));
    else throw new Asn1Error('authority key identifier: unexpected field');
  }
  return akid;
}

/** Reads a DistributionPointName ([0] fullName / [1] nameRelativeToCRLIssuer) against the name it is relative to. */
export function readDistributionPointName(t: Tlv, relativeTo: Buffer): DistributionPointName {
  const [choice] = children(t);
  if (!choice) throw new Asn1Error('distribution point name: empty');
  if (choice.tag === 0xa0) return { full: readGeneralNames(choice) };
  if (choice.tag === 0xa1) {
    // The RDN is appended to the issuer's name; canonical encodings concatenate RDN by RDN.
    const rdn = der.tlv(TAG.SET, ...children(choice).map((c) => whole(c)));
    return { relative: Buffer.concat([relativeTo, canonicalName(readTlv(der.seq(rdn)))]) };
  }
  throw new Asn1Error('distribution point name: unknown choice');
}

/** OpenSSL's reason mask from a ReasonFlags BIT STRING: its first two bytes. */
export function reasonMask(t: Tlv): number {
  const v = contents(expectTag(t, TAG.BIT_STRING, 'reason flags')).subarray(1);
  return ((v[0] ?? 0) | ((v[1] ?? 0) << 8)) & ALL_REASONS;
}

function readDistributionPoints(value: Uint8Array, issuerCanonical: Buffer): DistributionPoint[] {
  return children(expectTag(readTlv(value, 0), TAG.SEQUENCE, 'CRL distribution points')).map((dpT) => {
    const dp: DistributionPoint = { reasons: ALL_REASONS };
    let nameT: Tlv | undefined;
    for (const f of children(expectTag(dpT, TAG.SEQUENCE, 'distribution point'))) {
      if (f.tag === 0xa0) nameT = f;
      else if (f.tag === 0x81) dp.reasons = reasonMask(readTlv(der.tlv(TAG.BIT_STRING, contents(f))));
      else if (f.tag === 0xa2) dp.crlIssuer = readGeneralNames(f);
      else throw new Asn1Error('distribution point: unexpected field');
    }
    if (!nameT && !dp.crlIssuer?.length)
      throw new Asn1Error('a distribution point with neither a name nor a CRL issuer');
    // A relative name is relative to the CRL issuer named here, else to the certificate's issuer.
    const crlIssuerName = dp.crlIssuer?.find((g) => g.kind === 'directory');
    if (nameT)
      dp.name = readDistributionPointName(
        nameT,
        crlIssuerName?.kind === 'directory' ? crlIssuerName.canonical : issuerCanonical,
      );
    return dp;
  });
}

const cache = new WeakMap<X509Certificate, PathFacts>();

/** Reads (once per certificate object) what path validation needs. Extensions that do not decode are recorded in `invalid`, never thrown. */
export function pathFacts(cert: X509Certificate): PathFacts {
  let f = cache.get(cert);
  if (!f) cache.set(cert, (f = readPathFacts(cert.raw)));
  return f;
}

/** The parts of a tbsCertificate these facts come from, so that a reader that has walked it already can hand them over. */
export interface TbsParts {
  serialT: Tlv;
  issuerT: Tlv;
  subjectT: Tlv;
  /** readName of the subject. */
  subjectAttributes: NameAttribute[];
  /** The first extensions field's list, each read by the DER reader's readExtension; undefined without one. */
  extensions: Extension[] | undefined;
}

/**
 * Records the facts of `cert` read from parts another reader of the same DER (inspect's certificateDetails) already
 * walked, so the certificate is parsed once. Quietly does nothing when they do not read: pathFacts then reads the
 * certificate itself and throws what it throws.
 */
export function rememberPathFacts(cert: X509Certificate, parts: TbsParts): void {
  if (cache.has(cert)) return;
  let f: PathFacts;
  try {
    f = pathFactsFromParts(parts);
  } catch {
    return;
  }
  cache.set(cert, f);
}

function readPathFacts(raw: Uint8Array): PathFacts {
  const [tbsT] = children(readTlv(raw, 0));
  const tbs = children(expectTag(tbsT, TAG.SEQUENCE, 'tbsCertificate'));
  let i = tbs[0]?.tag === 0xa0 ? 1 : 0;
  const serialT = tbs[i++]!;
  i++; // signature algorithm
  const issuerT = tbs[i++]!;
  i++; // validity
  const subjectT = tbs[i++]!;
  const subjectAttributes = readName(subjectT);
  const extsT = tbs.slice(i).find((t) => t.tag === 0xa3);
  // The name facts come first, as they always did: a damaged name throws before a damaged extension list.
  return pathFactsFromParts({ serialT, issuerT, subjectT, subjectAttributes, extensions: undefined }, () =>
    extsT ? readExtensions(children(extsT)[0]!) : undefined,
  );
}

function pathFactsFromParts(p: TbsParts, extensions = () => p.extensions): PathFacts {
  const { serialT, issuerT, subjectT, subjectAttributes } = p;
  const subjectCanonical = canonicalName(subjectT);
  const issuerCanonical = canonicalName(issuerT);
  const f: PathFacts = {
    subjectCanonical,
    subjectText: formatName(subjectAttributes),
    subjectEntries: subjectAttributes.length,
    subjectEmails: [],
    commonNames: subjectAttributes.filter((a) => a.oid === '2.5.4.3').map((a) => a.value),
    altNames: [],
    issuerCanonical,
    selfIssued: subjectCanonical.equals(issuerCanonical),
    serial: integerKey(serialT),
    distributionPoints: [],
    unprocessedCritical: [],
    invalid: [],
    opensslInvalid: false,
  };
  // The subject's attributes are read already: walk its DER again only for the tag and bytes of an emailAddress.
  if (subjectAttributes.some((a) => a.oid === EMAIL_ADDRESS)) f.subjectEmails = subjectEmails(subjectT);
  const list = extensions();
  if (!list) return f;
  const seen = new Set<string>();
  for (const { oid, critical, value } of list) {
    if (critical && !PROCESSED.has(oid)) f.unprocessedCritical.push(extensionLabel(oid));
    if (seen.has(oid)) {
      f.invalid.push(`it carries the ${extensionLabel(oid)} extension twice`);
      if (DECODED_BY_OPENSSL.has(oid)) f.opensslInvalid = true;
      continue;
    }
    seen.add(oid);
    try {
      readExtension(oid, value, f);
    } catch {
      f.invalid.push(`its ${extensionLabel(oid)} extension cannot be decoded`);
      f.opensslInvalid = true;
    }
  }
  return f;
}

const EMAIL_ADDRESS = '1.2.840.113549.1.9.1';

/** The subject's emailAddress values with their ASN.1 tags (OpenSSL needs IA5String). */
function subjectEmails(subjectT: Tlv): PathFacts['subjectEmails'] {
  const emails: PathFacts['subjectEmails'] = [];
  for (const rdn of children(subjectT)) {
    for (const atv of children(rdn)) {
      const [oidT, valT] = children(atv);
      if (oidT && valT && readOid(oidT) === EMAIL_ADDRESS) {
        emails.push({ tag: valT.tag, bytes: Buffer.from(contents(valT)) });
      }
    }
  }
  return emails;
}

function readExtension(oid: string, value: Uint8Array, f: PathFacts): void {
  switch (oid) {
    case '2.5.29.17':
      f.altNames = readGeneralNames(expectTag(readTlv(value, 0), TAG.SEQUENCE, 'subject alternative names'));
      break;
    case '2.5.29.30':
      f.nameConstraints = readNameConstraints(value);
      break;
    case '2.5.29.14':
      f.skid = Buffer.from(contents(expectTag(readTlv(value, 0), TAG.OCTET_STRING, 'subject key identifier')));
      break;
    case '2.5.29.35':
      f.akid = readAuthorityKeyId(value);
      break;
    case '2.5.29.31':
      f.distributionPoints = readDistributionPoints(value, f.issuerCanonical);
      break;
    case '2.5.29.19': {
      let ca = false;
      let pathLength: Tlv | undefined;
      for (const c of children(expectTag(readTlv(value, 0), TAG.SEQUENCE, 'basic constraints'))) {
        if (c.tag === TAG.BOOLEAN) ca = readBoolean(c);
        else if (c.tag === TAG.INTEGER) pathLength = c;
      }
      if (pathLength && ca && contents(pathLength)[0]! & 0x80) f.opensslInvalid = true;
      if (pathLength && (!ca || contents(pathLength)[0]! & 0x80)) {
        f.invalid.push(
          ca ? 'its path length constraint is negative' : 'it sets a path length but is not a CA (CA:FALSE)',
        );
      }
      break;
    }
    case '2.5.29.15':
      if (!readBits(readTlv(value, 0)).slice(0, 16).some(Boolean)) {
        f.invalid.push('its key usage extension is empty');
        f.opensslInvalid = true;
      }
      break;
  }
}

/** RFC 5280 §4.2.1.1 as OpenSSL checks it (X509_check_akid): could `issuer` be the CA an AKID points at? */
export function akidAllows(issuer: X509Certificate, akid: AuthorityKeyId | undefined): boolean {
  if (!akid) return true;
  const i = pathFacts(issuer);
  if (akid.keyId && i.skid && !akid.keyId.equals(i.skid)) return false;
  if (akid.serial !== undefined && akid.serial !== i.serial) return false;
  const dir = akid.issuers?.find((g) => g.kind === 'directory');
  return !(dir?.kind === 'directory' && !dir.canonical.equals(i.issuerCanonical));
}
