// Certificate fields node:crypto does not expose (raw names, CRL distribution points, OCSP
// URLs), read straight from the DER so EC and RSA certificates are handled alike.
import type { X509Certificate } from 'node:crypto';
import { children, content, expectTag, readOid, readRoot, readTlv, TAG, ctx, whole, type Tlv } from './der';

const OID_CRL_DISTRIBUTION_POINTS = '2.5.29.31';
const OID_AUTHORITY_INFO_ACCESS = '1.3.6.1.5.5.7.1.1';
const OID_ACCESS_OCSP = '1.3.6.1.5.5.7.48.1';

interface TbsParts { issuer: Buffer; subject: Buffer; extensions: Map<string, Buffer> }

function tbsParts(cert: X509Certificate): TbsParts {
  const der = cert.raw;
  const top = children(der, readRoot(der));
  const tbs = children(der, expectTag(top[0], TAG.sequence, 'tbsCertificate'));
  // The version field [0] is optional (absent means v1), so field positions shift by one.
  const base = tbs[0]?.tag === ctx(0) ? 1 : 0;
  const issuer = whole(der, expectTag(tbs[base + 2], TAG.sequence, 'the issuer name'));
  const subject = whole(der, expectTag(tbs[base + 4], TAG.sequence, 'the subject name'));
  const extensions = new Map<string, Buffer>();
  const extWrapper = tbs.slice(base + 6).find((t) => t.tag === ctx(3));
  if (extWrapper) {
    const list = expectTag(children(der, extWrapper)[0], TAG.sequence, 'the extension list');
    for (const ext of children(der, list)) {
      const parts = children(der, ext);
      const oid = readOid(der, parts[0]!);
      const value = parts[parts.length - 1]!;
      expectTag(value, TAG.octetString, 'an extension value');
      extensions.set(oid, content(der, value));
    }
  }
  return { issuer, subject, extensions };
}

/** The DER of the subject Name, for matching a CRL's issuer byte for byte. */
export function subjectNameDer(cert: X509Certificate): Buffer {
  return tbsParts(cert).subject;
}

export function issuerNameDer(cert: X509Certificate): Buffer {
  return tbsParts(cert).issuer;
}

/** Every URI in every full-name distribution point of the CRL Distribution Points extension. */
export function crlDistributionUrls(cert: X509Certificate): string[] {
  const value = tbsParts(cert).extensions.get(OID_CRL_DISTRIBUTION_POINTS);
  if (!value) return [];
  const urls: string[] = [];
  const points = readRoot(value);
  for (const point of children(value, expectTag(points, TAG.sequence, 'distribution points'))) {
    const dpName = children(value, point).find((t) => t.tag === ctx(0));
    if (!dpName) continue;
    const fullName = children(value, dpName).find((t) => t.tag === ctx(0));
    if (!fullName) continue;
    urls.push(...generalNameUris(value, fullName));
  }
  return urls;
}

/** OCSP responder URLs from Authority Information Access. */
export function ocspUrls(cert: X509Certificate): string[] {
  const value = tbsParts(cert).extensions.get(OID_AUTHORITY_INFO_ACCESS);
  if (!value) return [];
  const urls: string[] = [];
  for (const desc of children(value, expectTag(readRoot(value), TAG.sequence, 'authority information access'))) {
    const [method, location] = children(value, desc);
    if (!method || !location) continue;
    if (readOid(value, method) === OID_ACCESS_OCSP && location.tag === ctx(6, false)) urls.push(content(value, location).toString('latin1'));
  }
  return urls;
}

function generalNameUris(buf: Buffer, names: Tlv): string[] {
  // uniformResourceIdentifier is [6] IA5String, implicitly tagged (primitive).
  const out: string[] = [];
  let pos = names.contentStart;
  while (pos < names.end) {
    const t = readTlv(buf, pos, names.end);
    if (t.tag === ctx(6, false)) out.push(content(buf, t).toString('latin1'));
    pos = t.end;
  }
  return out;
}

/** True when the certificate is its own issuer (a root). */
export function isSelfIssued(cert: X509Certificate): boolean {
  return cert.subject === cert.issuer && cert.checkIssued(cert);
}

/**
 * Orders `leaf` and the certificates that issued it, walking up through `pool` by name and
 * signature. Stops at a self-signed root or when no issuer is known; never loops.
 */
export function issuerPath(leaf: X509Certificate, pool: readonly X509Certificate[]): X509Certificate[] {
  const path = [leaf];
  let current = leaf;
  for (let depth = 0; depth < 10 && !isSelfIssued(current); depth++) {
    const next = pool.find((c) => current.checkIssued(c) && safeVerify(current, c) && !path.some((p) => p.fingerprint256 === c.fingerprint256));
    if (!next) break;
    path.push(next);
    current = next;
  }
  return path;
}

function safeVerify(cert: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return cert.verify(issuer.publicKey);
  } catch {
    return false;
  }
}
