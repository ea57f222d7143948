// The simulated admin trust settings: add-trusted-cert, remove-trusted-cert and trust-settings-export as macOS 10.15 to 26 answer them, with the authorisation each change needs.
import type { X509Certificate } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { children, contents, parseDer, whole } from '../../../pki/der';
import { SYSTEM_KEYCHAIN } from '../../paths';
import type { CommandResult } from '../../types';
import { err, ok, type CallContext } from './command';
import { isSystemPath } from './files';
import { addCertificate, cnOf, readCertificateFile, selfSigned, setTrust } from './keychain';
import type { MacState, SimTrustEntry, SimTrustResult } from './state';

// Sources, cited as in /work/research/macos-trust.md: SEC@TAG:path#L is apple-oss-distributions/Security
// at that tag. cssmPerror (SEC@61439.140.12:OSX/libsecurity_keychain/lib/SecBase.cpp#L70-82) prints
// "FUNCTION: message" on stderr with no program name, which is why these messages carry none;
// the messages are the comments of the OSStatus codes (Authorization.h#L90-97, SecBase.h).

/** kSecTrustSettingsResult values (SecTrustSettings.h#L212-220), as trust-settings-export writes them. */
export const TRUST_RESULT_CODE: Record<SimTrustResult, number> = {
  trustRoot: 1,
  trustAsRoot: 2,
  deny: 3,
  unspecified: 4,
};

const NO_INTERACTION = 'The authorization was denied since no user interaction was possible.';
const CANCELED = 'The authorization was canceled by the user.';
const PARAM = 'One or more parameters passed to a function were not valid.';

/**
 * Asks for the right `com.apple.trust-settings.admin` as authd answers it; null when granted,
 * else the error's message.
 * - macOS 10.15: allow-root, so root passes with no dialog (SEC@59306.140.5:OSX/authd/authorization.plist#L579-589).
 * - macOS 11 to 26: "entitled" or authenticate-admin (SEC@59754.41.1 authorization.plist#L579-592), hard-coded
 *   in the last 15.x and in 26 (SEC@61439.140.12:OSX/authd/rule.c#L183-216); the security tool has no such
 *   entitlement, so root too needs an administrator to approve a dialog. Not modelled: root with SIP off
 *   (config.modify.trust-settings, no dialog: TrustSettings.cpp#L430-444) and a rule changed with
 *   `security authorizationdb` before 15.
 * - A dialog needs a caller whose audit session has graphic access; otherwise authd answers
 *   errAuthorizationInteractionNotAllowed (SEC@61439.140.12:OSX/authd/engine.c#L1010-1019), recorded
 *   in PeculiarVentures/fortify#475 and arduino/arduino-create-agent#637.
 * - Each write asks again: trustd destroys the authorisation after one use
 *   (SEC@61439.140.12:trust/trustd/SecTrustSettingsServer.c#L302-305), so each certificate is one dialog.
 * - A cancelled dialog is errAuthorizationCanceled (Authorization.h#L95); no recorded output.
 */
function authorize(
  mac: MacState,
  root: boolean,
  ctx: CallContext,
  change: 'add' | 'remove',
  cert: X509Certificate,
): string | null {
  if (root && mac.majorVersion() < 11) return null;
  if (!ctx.gui) return NO_INTERACTION;
  return ctx.askApproval({ change, certificate: cnOf(cert) }) ? null : CANCELED;
}

const RESULTS: readonly SimTrustResult[] = ['trustRoot', 'trustAsRoot', 'deny', 'unspecified'];

/**
 * The usage constraints add-trusted-cert builds (trusted_cert_add.c, appendConstraintsToDict
 * L170-193 and L443-455): one per -p policy, or one without a policy when only -r was given;
 * kSecTrustSettingsResult is left out for trustRoot. Then validated as
 * TrustSettings::validateApiTrustSettings does (TrustSettings.cpp#L1334-1340 and L1445-1524): no
 * constraints at all is only valid for a self-signed certificate; an empty constraint is skipped
 * (so `-r trustRoot` without -p is accepted even for an intermediate, and stored as "trusted for
 * every use": a derived quirk, no recorded output); trustRoot, or no result, only for a self-signed
 * one; trustAsRoot only for one that is not. Null when the settings are not valid (errSecParam).
 */
function constraints(
  cert: X509Certificate,
  result: SimTrustResult | null,
  policies: string[],
): { result: SimTrustResult; policies: string[] } | null {
  const self = selfSigned(cert);
  if (result === null && policies.length === 0) return self ? { result: 'trustRoot', policies: [] } : null;
  const r = result ?? 'trustRoot';
  const dicts = policies.length > 0 ? policies : [null];
  for (const policy of dicts) {
    const empty = policy === null && r === 'trustRoot';
    if (empty) continue;
    if (r === 'trustRoot' && !self) return null;
    if (r === 'trustAsRoot' && self) return null;
  }
  return { result: r, policies };
}

/**
 * security add-trusted-cert [-d] [-r RESULT] [-p POLICY]... [-k KEYCHAIN] FILE
 * (SEC@61439.140.12:SecurityTool/macOS/trusted_cert_add.c, the same lines at 59306 to 61901):
 * 1. an unknown -r shows usage (exit 2, L247-263);
 * 2. "Error reading file FILE" when FILE is not a certificate (L476-481);
 * 3. with -k, the certificate is added to that keychain FIRST (L483-495): a later refusal leaves it
 *    there, untrusted. Without root the System keychain refuses the write (no source for the wording);
 * 4. the settings are validated before any authorisation (SecTrustSettings.cpp#L863-871): invalid
 *    ones fail with errSecParam and no dialog (recorded for another cause in FiloSottile/mkcert#322);
 * 5. the admin right is asked for (see authorize): a dialog, or the refusal, exit 1 (L532-536).
 * Only the admin domain (-d) is modelled: the user domain of a login keychain is not.
 */
export function addTrustedCert(mac: MacState, a: readonly string[], root: boolean, ctx: CallContext): CommandResult {
  const opt = (name: string) => a.flatMap((v, i) => (v === name && i + 1 < a.length ? [a[i + 1]!] : []));
  const r = opt('-r').at(-1);
  if (r !== undefined && !RESULTS.includes(r as SimTrustResult))
    return err(2, 'Usage: add-trusted-cert [-d] [-r resultType] [-p policy] [-k keychain] certFile');
  if (!a.includes('-d'))
    return err(1, 'security: the simulated Mac models only the admin trust settings: add -d (not modelled)');
  const file = a[a.length - 1] ?? '';
  const cert = readCertificateFile(mac, file);
  if (!cert) return err(1, `Error reading file ${file}`);
  const keychain = opt('-k').at(-1);
  if (keychain !== undefined) {
    if (keychain !== SYSTEM_KEYCHAIN)
      return err(1, 'SecCertificateAddToKeychain: The specified keychain could not be found.');
    if (!root) return err(1, 'SecCertificateAddToKeychain: Write permissions error.');
    addCertificate(mac, cert);
  }
  const settings = constraints(cert, (r as SimTrustResult | undefined) ?? null, opt('-p'));
  if (!settings) return err(1, `SecTrustSettingsSetTrustSettings: ${PARAM}`);
  const refused = authorize(mac, root, ctx, 'add', cert);
  if (refused) return err(1, `SecTrustSettingsSetTrustSettings: ${refused}`);
  setTrust(mac, cert, { ...settings, modDate: mac.now() });
  return ok();
}

/**
 * security remove-trusted-cert [-d] FILE (trusted_cert_add.c#L552-609; SecTrustSettings.cpp#L879-909).
 * No dialog when there is nothing to remove: "No Trust Settings were found." when the admin
 * domain holds none (recorded, actions/runner-images#4734), "The specified item could not be
 * found in the keychain." when this certificate has none (rustls/rustls-native-certs#179 records
 * its start); otherwise the same authorisation as adding. The certificate stays in the keychain.
 */
export function removeTrustedCert(mac: MacState, a: readonly string[], root: boolean, ctx: CallContext): CommandResult {
  const file = a.length > 1 ? a[a.length - 1]! : '';
  if (!file || file === '-d') return err(2, 'No cert file specified.');
  const cert = readCertificateFile(mac, file);
  if (!cert) return err(1, `Error reading file ${file}`);
  if (!a.includes('-d'))
    return err(1, 'security: the simulated Mac models only the admin trust settings: add -d (not modelled)');
  if (mac.adminTrust.size === 0) return err(1, 'SecTrustSettingsRemoveTrustSettings: No Trust Settings were found.');
  if (!mac.adminTrust.has(sha1Of(cert)))
    return err(1, 'SecTrustSettingsRemoveTrustSettings: The specified item could not be found in the keychain.');
  const refused = authorize(mac, root, ctx, 'remove', cert);
  if (refused) return err(1, `SecTrustSettingsRemoveTrustSettings: ${refused}`);
  setTrust(mac, cert, null);
  return ok();
}

function sha1Of(cert: X509Certificate): string {
  return cert.fingerprint.replace(/:/g, '').toUpperCase();
}

/**
 * security trust-settings-export [-d] FILE (SEC@61439.140.12:SecurityTool/macOS/trust_settings_impexp.c#L36-86):
 * no authorisation (reading asks for no right); "...Trust Settings exported successfully." on
 * stdout; when the domain holds none, cssmPerror of SecTrustSettingsCreateExternalRepresentation
 * with errSecNoTrustSettings and exit 1 (the wording is recorded for remove in runner-images#4734);
 * a write error is "Error (N) writing FILE." with N the error returned.
 */
export function trustSettingsExport(mac: MacState, a: readonly string[]): CommandResult {
  const file = a[a.length - 1] ?? '';
  // Only the admin domain (-d) holds settings on this Mac; the user domain is empty.
  const list = a.includes('-d') ? [...mac.adminTrust.values()] : [];
  if (list.length === 0) return err(1, 'SecTrustSettingsCreateExternalRepresentation: No Trust Settings were found.');
  // The file is written where it was asked for: the private temp folder of the process asking, on this computer.
  if (isSystemPath(file) || file.startsWith('/Volumes/')) return err(13, `Error (13) writing ${file}.`);
  try {
    writeFileSync(file, trustSettingsPlist(list), { mode: 0o600 });
  } catch (e) {
    const code = Number((e as NodeJS.ErrnoException).errno ?? -1);
    return err(Math.abs(code) & 0xff || 1, `Error (${Math.abs(code)}) writing ${file}.`);
  }
  return ok('...Trust Settings exported successfully.\n');
}

/**
 * The XML property list trust-settings-export writes (CFPropertyListCreateXMLData,
 * TrustSettings.cpp#L726-736; keys: TrustSettingsSchema.h#L33-107): trustList keyed by upper-case
 * SHA-1, each entry with issuerName, modDate, serialNumber (the order of the Admin.plist recorded
 * by twocanoes.com, 2021) and trustSettings, a key LEFT OUT when the constraints are empty
 * (TrustSettings.cpp#L1227-1229, L1242-1248): what `add-trusted-cert -d -r trustRoot` on a root
 * writes. See test/fixtures/macos/trust-settings-export/.
 */
export function trustSettingsPlist(list: readonly SimTrustEntry[]): string {
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
  for (const e of list) {
    const t = e.trust;
    const { issuer, serial } = issuerAndSerial(e.x509);
    out.push(
      `\t\t<key>${e.sha1}</key>`,
      '\t\t<dict>',
      '\t\t\t<key>issuerName</key>',
      ...data(issuer, '\t\t\t\t'),
      '\t\t\t<key>modDate</key>',
      `\t\t\t<date>${t.modDate.toISOString().replace(/\.\d{3}Z$/, 'Z')}</date>`,
      '\t\t\t<key>serialNumber</key>',
      ...data(serial, '\t\t\t\t'),
    );
    // The one constraint `-r trustRoot` without -p builds is empty, and empty ones are dropped.
    if (!(t.result === 'trustRoot' && t.policies.length === 0)) {
      out.push('\t\t\t<key>trustSettings</key>', '\t\t\t<array>');
      for (const policy of t.policies.length ? t.policies : [null]) {
        out.push('\t\t\t\t<dict>');
        if (policy)
          out.push('\t\t\t\t\t<key>kSecTrustSettingsPolicyName</key>', `\t\t\t\t\t<string>${policy}</string>`);
        if (t.result !== 'trustRoot')
          out.push(
            '\t\t\t\t\t<key>kSecTrustSettingsResult</key>',
            `\t\t\t\t\t<integer>${TRUST_RESULT_CODE[t.result]}</integer>`,
          );
        out.push('\t\t\t\t</dict>');
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
