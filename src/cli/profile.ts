// `onboard profile`: the CA trust configuration profile (.mobileconfig) an MDM delivers, optionally signed.
import type { X509Certificate } from 'node:crypto';
import { OnboardError } from '../core/errors';
import { readInputFile, writeFileAtomic } from '../core/fsutil';
import { buildProfile, signProfile, type BuiltProfile } from '../core/mdm/profile';
import { openPfx, type Identity } from '../core/pki/identity';
import { certificateLabel } from '../core/pki/inspect';
import { loadFile } from '../core/pki/load';
import { helpAsked, parseOptions, readSecret, requireOption, resolvePath, UsageError, writeJson } from './common';
import { refuseExistingOutputs } from './inputs';
import { EXIT, type CliIo } from './io';

const HELP = `Usage: onboard profile --ca FILE... --out FILE.mobileconfig [--organization NAME]
                       [--identifier REVERSE.DNS] [--force] [--json]
                       [--identity FILE.pfx (--password-env VAR | --password-file F) --allow-all-apps]
                       [--sign-pfx FILE (--sign-password-env VAR | --sign-password-file F)]

Writes a configuration profile for your MDM (Jamf Pro, Intune, Kandji, Mosyle, ...) that puts
the CA certificates into the System keychain of every Mac it is sent to: roots trusted for
every user (com.apple.security.root), intermediates added but not trusted as roots
(com.apple.security.pkcs1). Since macOS 11 this is the only way to trust a root CA without a
person at the Mac. The same certificates always give the same identifiers, so a new export
replaces the installed profile.

Options:
  --ca FILE                CA certificates, any format (bundles are split); repeat as needed.
                           Refused: a device certificate, an expired CA, an intermediate whose
                           issuer is not given
  --out FILE               where to write the profile (refused if it exists, unless --force)
  --organization NAME      shown to Mac users and admins as the profile's organisation
  --identifier ID          the profile's PayloadIdentifier (default com.1e.onboard.ca-trust)
  --identity FILE.pfx      also put this identity in the profile (com.apple.security.pkcs12).
                           Needs --allow-all-apps: a profile cannot limit the key to the 1E
                           Client, and it only obfuscates the password. The kit's install.sh
                           (onboard fleet kit) imports the identity for the 1E Client only
  --password-env VAR       the --identity PFX password from environment variable VAR
  --password-file F        ... or from the first line of file F (a terminal prompt otherwise)
  --allow-all-apps         accept that every app may use the identity's key
  --sign-pfx FILE          sign the profile (CMS, DER) with this identity, carrying its chain
  --sign-password-env VAR  the --sign-pfx password from environment variable VAR
  --sign-password-file F   ... or from the first line of file F
  --force                  replace --out if it exists
  --json                   print the result as JSON (see docs/cli-fleet.md)

Exit codes: 0 written, 2 usage error or unusable input (nothing is written).`;

const OPTIONS = {
  ca: { type: 'string', multiple: true },
  out: { type: 'string' },
  organization: { type: 'string' },
  identifier: { type: 'string' },
  identity: { type: 'string' },
  'password-env': { type: 'string' },
  'password-file': { type: 'string' },
  'allow-all-apps': { type: 'boolean' },
  'sign-pfx': { type: 'string' },
  'sign-password-env': { type: 'string' },
  'sign-password-file': { type: 'string' },
  force: { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

/** Every certificate of every CA file, in order; a file with a private key or no certificate is refused. */
export async function readCaFiles(io: CliIo, files: readonly string[]): Promise<X509Certificate[]> {
  const out: X509Certificate[] = [];
  for (const f of files) {
    const loaded = await loadFile(resolvePath(io, f));
    if (loaded.privateKeys.length > 0)
      throw new OnboardError(
        'ca-has-key',
        `${f} contains a private key; CA files must hold certificates only.`,
        'Give the CA certificates without their keys.',
      );
    if (loaded.certificates.length === 0)
      throw new OnboardError(
        'no-certificates',
        `${f} holds no certificate.`,
        'Give the CA certificates as PEM, DER or PKCS#7 files.',
      );
    out.push(...loaded.certificates);
  }
  return out;
}

/** The signing options --sign-pfx and its password pair, as `profile` and `fleet kit` both take them. */
export interface SignOptions {
  'sign-pfx'?: string | undefined;
  'sign-password-env'?: string | undefined;
  'sign-password-file'?: string | undefined;
}

/** Refuses a signing password given without --sign-pfx, before anything is read. */
export function refuseLoneSignPassword(values: SignOptions): void {
  if (values['sign-pfx'] === undefined && (values['sign-password-env'] ?? values['sign-password-file']) !== undefined)
    throw new UsageError('--sign-password-env/--sign-password-file go with --sign-pfx FILE.');
}

/** The identity that signs the profile (--sign-pfx), opened once; undefined when the profile goes unsigned. */
export async function readSigner(io: CliIo, values: SignOptions): Promise<Identity | undefined> {
  if (values['sign-pfx'] === undefined) return undefined;
  return readIdentity(
    io,
    values['sign-pfx'],
    values['sign-password-env'],
    values['sign-password-file'],
    ['--sign-password-env', '--sign-password-file'],
    'PFX password of the signing identity',
  );
}

/** Opens a PFX named on the command line with the password its option pair names (or asked on the terminal). */
export async function readIdentity(
  io: CliIo,
  file: string,
  env: string | undefined,
  pwFile: string | undefined,
  names: [string, string],
  prompt: string,
): Promise<Identity> {
  if (env !== undefined && pwFile !== undefined)
    throw new UsageError(`Give either ${names[0]} or ${names[1]}, not both.`);
  const bytes = await readInputFile(resolvePath(io, file));
  const password = (await readSecret(io, { env, file: pwFile, prompt, optionNames: names })) ?? '';
  return openPfx(bytes, password).identity;
}

export interface ProfileJson {
  path: string;
  signed: boolean;
  signer?: string;
  identifier: string;
  uuid: string;
  displayName: string;
  payloads: BuiltProfile['payloads'];
  warnings: string[];
}

export async function run(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseOptions(argv, OPTIONS);
  if (helpAsked(io, values, HELP)) return EXIT.ok;
  if (!values.ca?.length)
    throw new UsageError("--ca FILE is required: your organisation's root and intermediate CA certificates.");
  const out = resolvePath(io, requireOption(values.out, 'out'));
  const identityFile = values.identity;
  if (identityFile === undefined) {
    if (values['allow-all-apps']) throw new UsageError('--allow-all-apps only applies to --identity FILE.pfx.');
    if (values['password-env'] !== undefined || values['password-file'] !== undefined)
      throw new UsageError(
        '--password-env/--password-file go with --identity FILE.pfx (for signing: --sign-password-…).',
      );
  } else if (!values['allow-all-apps']) {
    throw new UsageError(
      'An identity in a configuration profile is usable by every app on the Mac (a profile cannot limit its key to the 1E Client the way `security import -T` does), and the profile only obfuscates its password.',
      "Prefer the profile for the CA certificates and the kit's install.sh for the identity (onboard fleet kit); to put it in the profile anyway, add --allow-all-apps.",
    );
  }
  refuseLoneSignPassword(values);
  await refuseExistingOutputs([out], values.force ?? false);

  const caCertificates = await readCaFiles(io, values.ca);
  const identity = identityFile
    ? await readIdentity(
        io,
        identityFile,
        values['password-env'],
        values['password-file'],
        ['--password-env', '--password-file'],
        'PFX password of the identity',
      )
    : undefined;
  const signer = await readSigner(io, values);
  const profile = buildProfile({
    caCertificates,
    ...(values.organization !== undefined ? { organization: values.organization } : {}),
    ...(values.identifier !== undefined ? { identifier: values.identifier } : {}),
    ...(identity ? { identity: { identity, allowAllApps: true as const } } : {}),
  });
  const bytes = signer ? signProfile(profile.xml, signer) : Buffer.from(profile.xml, 'utf8');
  // With an identity inside, the file is as secret as the PFX.
  await writeFileAtomic(out, bytes, { mode: identity ? 0o600 : 0o644, overwrite: values.force ?? false });

  const signerLabel = signer ? certificateLabel(signer.certificate) : undefined;
  if (values.json) {
    const json: ProfileJson = {
      path: out,
      signed: signer !== undefined,
      ...(signerLabel ? { signer: signerLabel } : {}),
      identifier: profile.identifier,
      uuid: profile.uuid,
      displayName: profile.displayName,
      payloads: profile.payloads,
      warnings: profile.warnings,
    };
    writeJson(io, json);
    return EXIT.ok;
  }
  const lines = [
    `Wrote ${out}: "${profile.displayName}"`,
    `  PayloadIdentifier ${profile.identifier}, PayloadUUID ${profile.uuid}, scope System`,
    ...profile.payloads.map(
      (p) => `  ${p.type}: ${p.displayName} (SHA-256 ${p.sha256}, until ${p.notAfter.slice(0, 10)})`,
    ),
    signerLabel
      ? `  Signed (CMS, DER) by ${signerLabel}, with its chain.`
      : '  Not signed (XML). Most MDMs sign profiles themselves when they send them.',
    ...profile.warnings.map((w) => `! ${w}`),
  ];
  io.stdout.write(lines.join('\n') + '\n');
  return EXIT.ok;
}
