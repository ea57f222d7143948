// The simulated System keychain: its certificates and identities, and the rules that decide which chains and identities are trusted.
import { X509Certificate } from 'node:crypto';
import { commonName } from '../../../pki/names';
import { readAny } from './files';
import type { MacState, SimCertificate, SimIdentity, SimTrust } from './state';

export function hex(cert: X509Certificate, which: 'fingerprint' | 'fingerprint256'): string {
  return cert[which].replace(/:/g, '').toUpperCase();
}

/** The certificate's CN: the label Keychain Access and find-identity show when there is no friendly name. */
export function cnOf(cert: X509Certificate): string {
  return commonName(cert) ?? cert.subject.split('\n')[0] ?? '';
}

export function signedBy(cert: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return cert.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

export function selfSigned(cert: X509Certificate): boolean {
  return cert.checkIssued(cert) && signedBy(cert, cert);
}

/** The admin trust setting of the certificate with this SHA-1, if it has one. */
export function trustOf(mac: MacState, sha1: string): SimTrust | null {
  return mac.adminTrust.get(sha1)?.trust ?? null;
}

/** Trusted as a root: what makes chains (and so identities) valid. */
export function trusted(mac: MacState, c: SimCertificate): boolean {
  const t = trustOf(mac, c.sha1);
  return t !== null && (t.result === 'trustRoot' || t.result === 'trustAsRoot');
}

/** Adds a certificate to the System keychain (once: the keychain holds one item per certificate). */
export function addCertificate(mac: MacState, x509: X509Certificate): SimCertificate {
  const sha256 = hex(x509, 'fingerprint256');
  const existing = mac.certificates.find((c) => c.sha256 === sha256);
  if (existing) return existing;
  const c: SimCertificate = { x509, pem: x509.toString(), sha256, sha1: hex(x509, 'fingerprint') };
  mac.certificates.push(c);
  return c;
}

/** Sets (or, with null, removes) a certificate's admin trust setting; the keychain is not touched. */
export function setTrust(mac: MacState, x509: X509Certificate, trust: SimTrust | null): void {
  const sha1 = hex(x509, 'fingerprint');
  if (trust) mac.adminTrust.set(sha1, { x509, pem: x509.toString(), sha1, trust });
  else mac.adminTrust.delete(sha1);
}

export function identityValid(mac: MacState, id: SimIdentity): boolean {
  return identityProblem(mac, id) === null;
}

/**
 * Why find-identity -v leaves an identity out (null: valid): out of date, no client
 * authentication, or no chain to a root trusted in the keychain; the codes are the ones
 * find-identity prints after the name (SecurityTool/macOS/identity_find.m prints
 * cssmErrorString(trustResultCode); seen in bazelbuild/rules_apple#412). Which code wins when
 * several apply is this model's choice: no source.
 */
export function identityProblem(mac: MacState, id: SimIdentity): string | null {
  const leaf = mac.certificates.find((c) => c.sha1 === id.sha1);
  if (!leaf) return 'CSSMERR_TP_CERT_NOT_FOUND';
  const now = mac.now().getTime();
  const eku = leaf.x509.keyUsage;
  if (eku && eku.length > 0 && !eku.includes('1.3.6.1.5.5.7.3.2')) return 'CSSMERR_APPLETP_SSL_BAD_EXT_KEY_USE';
  let cur = leaf;
  for (let depth = 0; depth < 10; depth++) {
    if (now > new Date(cur.x509.validTo).getTime()) return 'CSSMERR_TP_CERT_EXPIRED';
    if (now < new Date(cur.x509.validFrom).getTime()) return 'CSSMERR_TP_CERT_NOT_VALID_YET';
    if (trustOf(mac, cur.sha1)?.result === 'deny') return 'CSSMERR_TP_NOT_TRUSTED';
    if (trusted(mac, cur)) return null;
    const issuer = mac.certificates.find(
      (c) => c !== cur && cur.x509.checkIssued(c.x509) && signedBy(cur.x509, c.x509),
    );
    if (!issuer) return 'CSSMERR_TP_NOT_TRUSTED';
    cur = issuer;
  }
  return 'CSSMERR_TP_NOT_TRUSTED';
}

/** A certificate file as security reads one (PEM or DER); null when it is not one. */
export function readCertificateFile(mac: MacState, path: string): X509Certificate | null {
  const data = readAny(mac, path);
  if (!data) return null;
  try {
    return new X509Certificate(data);
  } catch {
    return null;
  }
}
