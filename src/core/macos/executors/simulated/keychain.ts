// The simulated System keychain: its certificates and identities, the admin-domain trust settings and the rules that decide trust.
import { X509Certificate } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { children, contents, parseDer, whole } from '../../../pki/der';
import { commonName } from '../../../pki/names';
import type { CommandResult } from '../../types';
import { err, ok } from './command';
import { isSystemPath, readAny } from './files';
import type { MacState, SimCertificate, SimIdentity, SimTrust, SimTrustResult } from './state';

// Sources: apple-oss-distributions/Security (Security-61901), SecurityTool/macOS. cssmPerror
// (OSX/libsecurity_keychain/Security/SecBase.cpp) prints "FUNCTION: message" with no program
// name, which is why the trust commands' messages below carry none.

/** kSecTrustSettingsResult values (SecTrustSettings.h), as trust-settings-export writes them. */
export const TRUST_RESULT_CODE: Record<SimTrustResult, number> = {
  trustRoot: 1,
  trustAsRoot: 2,
  deny: 3,
  unspecified: 4,
};

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

function selfSigned(cert: X509Certificate): boolean {
  return cert.checkIssued(cert) && signedBy(cert, cert);
}

/** Trusted as a root: what makes chains (and so identities) valid. */
export function trusted(c: SimCertificate): boolean {
  return c.trust !== null && (c.trust.result === 'trustRoot' || c.trust.result === 'trustAsRoot');
}

/** Adds a certificate (once: the keychain holds one item per certificate); a trust setting given replaces the one it had. */
export function addCertificate(mac: MacState, x509: X509Certificate, trust: SimTrust | null): SimCertificate {
  const sha256 = hex(x509, 'fingerprint256');
  const existing = mac.certificates.find((c) => c.sha256 === sha256);
  if (existing) {
    if (trust) existing.trust = trust;
    return existing;
  }
  const c: SimCertificate = { x509, pem: x509.toString(), sha256, sha1: hex(x509, 'fingerprint'), trust };
  mac.certificates.push(c);
  return c;
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
    if (cur.trust?.result === 'deny') return 'CSSMERR_TP_NOT_TRUSTED';
    if (trusted(cur)) return null;
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

/**
 * security add-trusted-cert [-d] [-r RESULT] [-p POLICY]... [-k KEYCHAIN] FILE
 * (SecurityTool/macOS/trusted_cert_add.c). Modelled:
 * - without root, the admin trust change is refused with the message Big Sur and later give when
 *   no one can authorise it (shared facts: authd's com.apple.trust-settings.admin rule; the root
 *   case stands for the administrator prompt being granted);
 * - "Error reading file FILE" (trusted_cert_add.c, readCertFile failure);
 * - -r defaults to trustRoot; trustRoot on a certificate that is not self-signed is errSecParam
 *   (OSX/libsecurity_keychain/lib/TrustSettings.cpp, validateAppPolicyArray).
 * Differs from the source: the real tool adds the certificate to the keychain before it sets
 * trust (trusted_cert_add.c, SecCertificateAddToKeychain), so a refused trust leaves the
 * certificate present; here a refusal adds nothing. trustAsRoot on a self-signed certificate,
 * also errSecParam there, is accepted here; an unknown -r shows usage there.
 */
export function addTrustedCert(mac: MacState, a: readonly string[], root: boolean): CommandResult {
  if (!root)
    return err(
      1,
      'SecTrustSettingsSetTrustSettings: The authorization was denied since no user interaction was possible.',
    );
  const file = a[a.length - 1] ?? '';
  const cert = readCertificateFile(mac, file);
  if (!cert) return err(1, `Error reading file ${file}`);
  const ri = a.indexOf('-r');
  const result = (ri >= 0 ? a[ri + 1] : 'trustRoot') as SimTrustResult;
  if (!(result in TRUST_RESULT_CODE)) return err(1, `Unknown resultType (${String(result)})`);
  if (result === 'trustRoot' && !selfSigned(cert))
    return err(1, 'SecTrustSettingsSetTrustSettings: One or more parameters passed to a function were not valid.');
  const policies: string[] = [];
  a.forEach((v, i) => {
    if (v === '-p' && a[i + 1] !== undefined) policies.push(a[i + 1]!);
  });
  addCertificate(mac, cert, { result, policies, modDate: mac.now() });
  return ok();
}

/**
 * security remove-trusted-cert [-d] FILE (trusted_cert_add.c, trusted_cert_remove): cssmPerror of
 * SecTrustSettingsRemoveTrustSettings. The certificate stays in the keychain, untrusted. Differs:
 * an unreadable file is "Error reading file FILE" there, "could not be found" here.
 */
export function removeTrustedCert(mac: MacState, a: readonly string[], root: boolean): CommandResult {
  if (!root)
    return err(
      1,
      'SecTrustSettingsRemoveTrustSettings: The authorization was denied since no user interaction was possible.',
    );
  const cert = readCertificateFile(mac, a[a.length - 1] ?? '');
  const c = cert && mac.certificates.find((x) => x.sha256 === hex(cert, 'fingerprint256'));
  if (!c || c.trust === null)
    return err(1, 'SecTrustSettingsRemoveTrustSettings: The specified item could not be found in the keychain.');
  c.trust = null;
  return ok();
}

/**
 * security trust-settings-export [-d] FILE (SecurityTool/macOS/trust_settings_impexp.c):
 * "SecTrustSettingsCreateExternalRepresentation: No Trust Settings were found." when the domain
 * has none. Differs: the real tool prints "...Trust Settings exported successfully." on success
 * and "Error (N) writing FILE." on a write error; nothing reads either.
 */
export function trustSettingsExport(mac: MacState, a: readonly string[]): CommandResult {
  const file = a[a.length - 1] ?? '';
  // Only the admin domain (-d) holds settings on this Mac; the user domain is empty.
  const list = a.includes('-d') ? mac.certificates.filter((c) => c.trust !== null) : [];
  if (list.length === 0) return err(1, 'SecTrustSettingsCreateExternalRepresentation: No Trust Settings were found.');
  // The file is written where it was asked for: the private temp folder of the process asking, on this computer.
  if (isSystemPath(file) || file.startsWith('/Volumes/')) return err(1, `Error writing ${file}: Permission denied`);
  try {
    writeFileSync(file, trustSettingsPlist(list), { mode: 0o600 });
  } catch (e) {
    return err(1, `Error writing ${file}: ${(e as Error).message}`);
  }
  return ok();
}

/**
 * The plist `security trust-settings-export` writes: trustList keyed by SHA-1, each with issuer,
 * serial, date and constraints (key names: OSX/libsecurity_keychain/lib/TrustSettingsSchema.h;
 * the layout as the recorded export in test/unit/core/macos/facts shows it).
 */
function trustSettingsPlist(list: SimCertificate[]): string {
  const data = (bytes: Uint8Array, indent: string) => {
    const b64 = Buffer.from(bytes).toString('base64');
    const lines: string[] = [];
    for (let i = 0; i < b64.length; i += 52) lines.push(indent + b64.slice(i, i + 52));
    return [`${indent.slice(1)}<data>`, ...lines, `${indent.slice(1)}</data>`];
  };
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    '<plist version="1.0">',
    '<dict>',
    '\t<key>trustList</key>',
    '\t<dict>',
  ];
  for (const c of list) {
    const t = c.trust!;
    const { issuer, serial } = issuerAndSerial(c.x509);
    out.push(
      `\t\t<key>${c.sha1}</key>`,
      '\t\t<dict>',
      '\t\t\t<key>issuerName</key>',
      ...data(issuer, '\t\t\t\t'),
      '\t\t\t<key>modDate</key>',
      `\t\t\t<date>${t.modDate.toISOString().replace(/\.\d{3}Z$/, 'Z')}</date>`,
      '\t\t\t<key>serialNumber</key>',
      ...data(serial, '\t\t\t\t'),
      '\t\t\t<key>trustSettings</key>',
    );
    // trustRoot for every policy is written as an empty list of constraints.
    if (t.result === 'trustRoot' && t.policies.length === 0) {
      out.push('\t\t\t<array/>');
    } else {
      out.push('\t\t\t<array>');
      for (const policy of t.policies.length ? t.policies : [null]) {
        out.push('\t\t\t\t<dict>');
        if (policy)
          out.push('\t\t\t\t\t<key>kSecTrustSettingsPolicyName</key>', `\t\t\t\t\t<string>${policy}</string>`);
        out.push(
          '\t\t\t\t\t<key>kSecTrustSettingsResult</key>',
          `\t\t\t\t\t<integer>${TRUST_RESULT_CODE[t.result]}</integer>`,
          '\t\t\t\t</dict>',
        );
      }
      out.push('\t\t\t</array>');
    }
    out.push('\t\t</dict>');
  }
  out.push('\t</dict>', '\t<key>trustVersion</key>', '\t<integer>1</integer>', '</dict>', '</plist>', '');
  return out.join('\n');
}

/**
 * The issuer Name (its whole DER element) and the serial number's content bytes (a leading zero
 * byte included, as DER has it), as the trust settings record them.
 */
export function issuerAndSerial(cert: X509Certificate): { issuer: Uint8Array; serial: Uint8Array } {
  const [tbs] = children(parseDer(cert.raw).root);
  const fields = children(tbs!);
  // An explicit version is the [0] element before the serial number (RFC 5280, TBSCertificate).
  const at = fields[0]!.cls === 2 ? 1 : 0;
  return { serial: contents(fields[at]!), issuer: whole(fields[at + 2]!) };
}
