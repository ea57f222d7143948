// The simulated `security` program: one handler per verb Onboard uses, over the keychain model (PKCS#12 import included).
import { isOnboardError } from '../../../errors';
import { analysePfx, readPfx } from '../../../pki/pkcs12';
import { BIN, SYSTEM_KEYCHAIN } from '../../paths';
import type { CommandResult } from '../../types';
import { err, errRaw, ok, type CallContext, type ProgramTable } from './command';
import { readAny } from './files';
import { addCertificate, cnOf, hex, identityProblem, identityValid, readCertificateFile } from './keychain';
import type { MacState, SimIdentity } from './state';
import { addTrustedCert, removeTrustedCert, trustSettingsExport } from './trust-settings';

// Sources: apple-oss-distributions/Security (Security-61901), SecurityTool/macOS. sec_error and
// sec_perror (security.c) print "security: " before the message; the error strings are those of
// the OSStatus codes (errSecDuplicateItem, errSecWrPerm, errSecUnknownFormat, ...).

type Verb = (mac: MacState, a: readonly string[], root: boolean, ctx: CallContext) => CommandResult;

const COMPATIBLE_KEY_BAG = 'pbeWithSHA1And3-KeyTripleDES-CBC';
/** What security prints for a PFX macOS 12-14 cannot read, and for a wrong password (shared facts: chris2511/xca#474, pyca/cryptography#7293). */
const MAC_VERIFY_FAILED =
  'security: SecKeychainItemImport: MAC verification failed during PKCS12 import (wrong password?)\n';

/**
 * find-certificate [-a] [-Z] [-p] KEYCHAIN: with -Z "SHA-256 hash:" then "SHA-1 hash:" lines
 * (keychain_find.c), with -p the PEM. Without -p the real tool prints every attribute; only the
 * label is modelled (nothing reads the rest).
 */
function findCertificate(mac: MacState, a: readonly string[]): CommandResult {
  const pem = a.includes('-p');
  const hashes = a.includes('-Z');
  return ok(
    mac.certificates
      .map(
        (c) =>
          [
            ...(hashes ? [`SHA-256 hash: ${c.sha256}`, `SHA-1 hash: ${c.sha1}`] : []),
            ...(pem
              ? [c.pem.trimEnd()]
              : [
                  `keychain: "${SYSTEM_KEYCHAIN}"`,
                  'version: 512',
                  'class: 0x80001000',
                  'attributes:',
                  `    "labl"<blob>="${cnOf(c.x509)}"`,
                ]),
          ].join('\n') + '\n',
      )
      .join(''),
  );
}

/** find-identity's policy names (identity_find.m#L309-342); no -p means X.509 Basic (L523-524). */
const POLICY_NAMES: Readonly<Record<string, string>> = {
  'ssl-client': 'SSL (client)',
  'ssl-server': 'SSL (server)',
  smime: 'S/MIME',
  eap: 'EAP',
  ipsec: 'IPsec',
  ichat: 'iChat',
  codesigning: 'Code Signing',
  basic: 'X.509 Basic',
  appleID: 'AppleID Sharing',
  macappstore: 'Mac App Store Receipt',
};

/**
 * find-identity [-v] [-p POLICY] KEYCHAIN (SEC@61439.140.12:SecurityTool/macOS/identity_find.m):
 * "%3d) SHA1 "name"" lines, an identity whose trust evaluation fails followed by its CSSM error in
 * brackets (L198-262); without -v, a blank line and "Policy: NAME" (L352-370), a "Matching
 * identities" part, then a "Valid identities only" part. Exit 0 even when none is found.
 * Differs: the real -v part can also list an identity whose later evaluation fails (e.g. revoked,
 * bazelbuild/rules_apple#412); here -v lists only the identities with no problem.
 */
function findIdentity(mac: MacState, a: readonly string[]): CommandResult {
  const validOnly = a.includes('-v');
  const lines = (list: SimIdentity[]) => list.map((i, n) => `${String(n + 1).padStart(3)}) ${i.sha1} "${i.name}"`);
  const valid = mac.identities.filter((i) => identityValid(mac, i));
  if (validOnly) return ok([...lines(valid), `     ${valid.length} valid identities found`, ''].join('\n'));
  const policy = a.includes('-p') ? (a[a.indexOf('-p') + 1] ?? '') : 'basic';
  const matching = mac.identities.map((i, n) => {
    const problem = identityProblem(mac, i);
    return `${String(n + 1).padStart(3)}) ${i.sha1} "${i.name}"${problem ? ` (${problem})` : ''}`;
  });
  return ok(
    [
      '',
      `Policy: ${POLICY_NAMES[policy] ?? policy}`,
      '  Matching identities',
      ...matching,
      `     ${mac.identities.length} identities found`,
      '',
      '  Valid identities only',
      ...lines(valid),
      `     ${valid.length} valid identities found`,
      '',
    ].join('\n'),
  );
}

/**
 * add-certificates [-k KEYCHAIN] FILE: adds without trusting (shared facts). Writing the System
 * keychain needs root (errSecWrPerm). Differs: keychain_add.c reports a duplicate as
 * "FILE: already in KEYCHAIN" and an unreadable file through readCertFile's own message.
 */
function addCertificates(mac: MacState, a: readonly string[], root: boolean): CommandResult {
  if (!root && a.includes(SYSTEM_KEYCHAIN))
    return err(1, 'security: SecCertificateAddToKeychain: Write permissions error.');
  const file = a[a.length - 1] ?? '';
  const cert = readCertificateFile(mac, file);
  if (!cert) return err(1, `security: Error reading ${file}`);
  if (mac.certificates.some((c) => c.sha256 === hex(cert, 'fingerprint256')))
    return err(1, 'security: SecCertificateAddToKeychain: The specified item already exists in the keychain.');
  addCertificate(mac, cert);
  return ok();
}

/**
 * delete-certificate -Z HASH (SEC@61439.140.12:SecurityTool/macOS/keychain_delete.c#L126-128):
 * "Unable to delete certificate matching "HASH"" with no final newline when none matches, exit 1;
 * deleting it also removes the identity it belonged to. No source for the non-root refusal's wording.
 */
function deleteCertificate(mac: MacState, a: readonly string[], root: boolean): CommandResult {
  if (!root) return err(1, 'Unable to delete certificate: Write permissions error.');
  const sha = (a[a.indexOf('-Z') + 1] ?? '').toUpperCase();
  const before = mac.certificates.length;
  mac.certificates = mac.certificates.filter((c) => c.sha1 !== sha && c.sha256 !== sha);
  if (mac.certificates.length === before) return errRaw(1, `Unable to delete certificate matching "${sha}"`);
  mac.identities = mac.identities.filter((i) => i.sha1 !== sha);
  return ok();
}

/**
 * delete-identity -Z HASH: removes the key and its certificate (keychain_delete.c does both); when
 * none matches it prints the same words as delete-certificate, "Unable to delete certificate
 * matching", with no final newline (keychain_delete.c#L126-128 serves both verbs).
 */
function deleteIdentity(mac: MacState, a: readonly string[], root: boolean): CommandResult {
  if (!root) return err(1, 'Unable to delete identity: Write permissions error.');
  const sha = (a[a.indexOf('-Z') + 1] ?? '').toUpperCase();
  if (!mac.identities.some((i) => i.sha1 === sha)) return errRaw(1, `Unable to delete certificate matching "${sha}"`);
  mac.identities = mac.identities.filter((i) => i.sha1 !== sha);
  mac.certificates = mac.certificates.filter((c) => c.sha1 !== sha);
  return ok();
}

/** macOS 15 and later: a wrong (or, with -f pkcs12, empty) password (recorded: codemagic-ci-cd/cli-tools#436 on 15.1, Apple-Actions#108). */
const AUTH_FAILED = 'security: SecKeychainItemImport: The user name or passphrase you entered is not correct.\n';

/**
 * import FILE -k KEYCHAIN [-f pkcs12] [-P PASSWORD] [-T APP]... [-A]
 * (SEC@61439.140.12:SecurityTool/macOS/keychain_import.c), read through Onboard's own PKCS#12 reader:
 * - each -T is turned into a trusted application while the options are parsed (L379-401), so a
 *   program that is not there fails before the file is read, with sec_error's
 *   "security: SecTrustedApplicationCreateFromPath PATH: UNIX[No such file or directory]" (derived:
 *   osxcode.cpp#L81-90, SecBase.cpp#L93-96), exit 1;
 * - "Error reading infile FILE: strerror"; the format from -f or the .p12/.pfx extension, else
 *   "Unknown format in import.";
 * - macOS 12-14 refuse anything but 3DES key bags with a SHA-1 MAC with the "MAC verification
 *   failed" message a wrong password also gets (shared facts: chris2511/xca#474, pyca/cryptography#7293);
 *   macOS 15 and later say "The user name or passphrase you entered is not correct." for a wrong
 *   password and, with -f pkcs12, for an empty one (codemagic-ci-cd/cli-tools#428 and #436);
 * - on success, 11-14 print the counts ("1 identity imported.", recorded in
 *   Apple-Actions/import-codesign-certs#14; "N certificates imported.", L192-212); 15 and later
 *   print NOTHING when -f pkcs12 is given, since SecPKCS12Import returns dictionaries that are not
 *   counted (L116-133, L166-183; derived, no recorded output), and the counts otherwise.
 */
function importPfx(mac: MacState, a: readonly string[], root: boolean): CommandResult {
  const file = a[1] ?? '';
  const opt = (name: string) => (a.indexOf(name) > 0 ? a[a.indexOf(name) + 1] : undefined);
  const apps: string[] = [];
  a.forEach((v, i) => {
    if (v === '-T' && a[i + 1] !== undefined) apps.push(a[i + 1]!);
  });
  const missing = apps.find((app) => app !== '' && !mac.files.has(app));
  if (missing)
    return err(1, `security: SecTrustedApplicationCreateFromPath ${missing}: UNIX[No such file or directory]`);
  const keychain = opt('-k');
  const password = opt('-P') ?? '';
  const explicitPkcs12 = opt('-f') === 'pkcs12';
  const major = mac.majorVersion();
  const wrongPassword = major >= 15 ? AUTH_FAILED : MAC_VERIFY_FAILED;
  if (keychain === SYSTEM_KEYCHAIN && !root) return err(1, 'security: SecKeychainItemImport: Write permissions error.');
  const der = readAny(mac, file);
  if (!der) return err(1, `security: Error reading infile ${file}: No such file or directory`);
  if (!explicitPkcs12 && !/\.(p12|pfx)$/i.test(file))
    return err(1, 'security: SecKeychainItemImport: Unknown format in import.');
  let contents;
  try {
    const analysis = analysePfx(der, password);
    if (
      major >= 12 &&
      major <= 14 &&
      (analysis.macAlgorithm !== 'sha1' || analysis.keyBagAlgorithms.some((k) => k !== COMPATIBLE_KEY_BAG))
    )
      return err(1, MAC_VERIFY_FAILED);
    if (major >= 15 && password === '' && explicitPkcs12) return err(1, AUTH_FAILED);
    contents = readPfx(der, password);
  } catch (e) {
    if (isOnboardError(e) && e.code === 'pfx-wrong-password') return err(1, wrongPassword);
    return err(1, 'security: SecKeychainItemImport: Unknown format in import.');
  }
  const counted = !(major >= 15 && explicitPkcs12);
  const leaf = contents.certificates[0];
  if (contents.key && leaf) {
    const sha1 = hex(leaf, 'fingerprint');
    if (mac.identities.some((i) => i.sha1 === sha1))
      return err(1, 'security: SecKeychainItemImport: The specified item already exists in the keychain.');
    for (const c of contents.certificates) addCertificate(mac, c);
    mac.identities.push({ sha1, name: contents.friendlyName ?? cnOf(leaf), anyApp: a.includes('-A'), apps });
    const others = contents.certificates.length - 1;
    return ok(
      counted
        ? `1 identity imported.\n${others > 0 ? `${others} certificate${others === 1 ? '' : 's'} imported.\n` : ''}`
        : '',
    );
  }
  for (const c of contents.certificates) addCertificate(mac, c);
  const n = contents.certificates.length;
  return ok(counted ? `${n} certificate${n === 1 ? '' : 's'} imported.\n` : '');
}

const VERBS: Readonly<Record<string, Verb>> = {
  'find-certificate': findCertificate,
  'find-identity': findIdentity,
  'add-trusted-cert': addTrustedCert,
  'remove-trusted-cert': removeTrustedCert,
  'trust-settings-export': trustSettingsExport,
  'add-certificates': addCertificates,
  'delete-certificate': deleteCertificate,
  'delete-identity': deleteIdentity,
  import: importPfx,
};

/** security VERB ...; an unknown verb is refused as security.c refuses it ("unknown command"). */
function security(mac: MacState, a: readonly string[], root: boolean, ctx: CallContext): CommandResult {
  const verb = a[0] ?? '';
  const handler = Object.hasOwn(VERBS, verb) ? VERBS[verb] : undefined;
  return handler ? handler(mac, a, root, ctx) : err(1, `security: unknown command "${verb}"`);
}

export const SECURITY_PROGRAMS: ProgramTable = { [BIN.security]: security };
