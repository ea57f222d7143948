// `onboard pfx`: builds a .pfx macOS imports from a certificate, key and chain, or re-wraps an existing .pfx.
import type { KeyObject, X509Certificate } from 'node:crypto';
import { OnboardError, isOnboardError } from '../core/errors';
import { readInputFile, writeFileAtomic } from '../core/fsutil';
import { buildChain } from '../core/pki/chain';
import { certificateLabel, inspectCertificate } from '../core/pki/inspect';
import { loadFile, type LoadedMaterial } from '../core/pki/load';
import { openPfx, wrapIdentity } from '../core/pki/identity';
import { keyMatches, readAndAnalysePfx, writePfx, type PfxAnalysis, type PfxProfile } from '../core/pki/pkcs12';
import {
  helpAsked,
  parseOptions,
  readSecret,
  requireOption,
  resolvePath,
  UsageError,
  writeJson,
  writeLines,
} from './common';
import { passwordOptionGiven, readPasswordOption, refuseExistingOutputs } from './inputs';
import { EXIT, type CliIo } from './io';

const HELP = `Usage: onboard pfx --cert FILE --key FILE [--chain FILE]... --out FILE
                   [--profile compatible|modern] [--friendly-name NAME]
                   (--password-env VAR | --password-file F) [--key-password-env VAR] [--force] [--json]
       onboard pfx --rewrap IN --out OUT [--profile compatible|modern]
                   (--password-env VAR | --password-file F) [--new-password-env VAR | --new-password-file F]
                   [--force] [--json]

Builds a password-protected .pfx (PKCS#12) from a certificate, its private key and the CA
chain, or re-encrypts an existing .pfx (OpenSSL 3 default, OpenSSL -legacy, Java keytool,
Windows export) so that macOS imports it.

Profiles:
  compatible  (default) 3DES-encrypted key, plain certificates, SHA-1 integrity check, 8-byte
              salts, 2048 iterations: what every macOS version, old Windows and old Java import,
              and what OpenSSL 3 reads without -legacy.
  modern      AES-256-CBC with PBKDF2-HMAC-SHA256 and a SHA-256 integrity check (OpenSSL 3's
              default). macOS 12-14 refuse it with "MAC verification failed (wrong password?)".

Options:
  --cert FILE            the device certificate (PEM or DER; extra certificates in it join the chain)
  --key FILE             its private key (PEM or DER, PKCS#8 or PKCS#1; encrypted keys need a password)
  --chain FILE           CA certificates to include (repeat as needed); ordered leaf to root.
                         A whole CA bundle is fine: certificates outside this certificate's
                         chain are left out, each with a note on stderr (JSON: "leftOut")
  --rewrap IN            re-wrap this .pfx instead of building one
  --out FILE             where to write the .pfx (refused if it exists, unless --force)
  --profile P            compatible (default) or modern
  --friendly-name NAME   the name Keychain Access shows for the identity
  --password-env VAR     the .pfx password (for --rewrap: the current one) from environment variable VAR
  --password-file F      ... or from the first line of file F (a terminal prompt otherwise)
  --new-password-env VAR with --rewrap: the new password (default: keep the current one)
  --new-password-file F  ... or from the first line of file F
  --key-password-env VAR password of an encrypted --key (prompted on a terminal if needed)
  --force                replace --out if it exists
  --json                 print the result as JSON

Exit codes: 0 written, 2 usage error or unusable input (nothing is written).`;

const OPTIONS = {
  cert: { type: 'string' },
  key: { type: 'string' },
  chain: { type: 'string', multiple: true },
  rewrap: { type: 'string' },
  out: { type: 'string' },
  profile: { type: 'string' },
  'friendly-name': { type: 'string' },
  'password-env': { type: 'string' },
  'password-file': { type: 'string' },
  'new-password-env': { type: 'string' },
  'new-password-file': { type: 'string' },
  'key-password-env': { type: 'string' },
  force: { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

export function parseProfile(value: string | undefined): PfxProfile {
  if (value === undefined || value === 'compatible') return 'compatible';
  if (value === 'modern') return 'modern';
  throw new UsageError(
    `--profile must be "compatible" or "modern", not "${value}".`,
    '"compatible" imports on every macOS; use it unless you know every Mac runs macOS 15 or later.',
  );
}

export interface PfxJson {
  out: string;
  profile: PfxProfile;
  subject: string;
  chain: string[];
  /** CA certificates given (--chain, or extra ones in --cert) that are not in the chain, so not put in the file. */
  leftOut: LeftOut[];
  friendlyName: string | null;
  analysis: PfxAnalysis;
}

export interface LeftOut {
  subject: string;
  serialNumber: string;
  sha256: string;
  file: string;
}

/** A certificate's subject on one line, most specific first, as the rest of the CLI prints names. */
function subjectOf(c: X509Certificate): string {
  return inspectCertificate(c).subject;
}

/** Reads a file by content with the loader, asking for a password once if it turns out to be encrypted. */
async function loadWithPassword(
  io: CliIo,
  path: string,
  what: string,
  passwordEnv: string | undefined,
): Promise<LoadedMaterial> {
  const password = passwordEnv
    ? await readSecret(io, { env: passwordEnv, prompt: `Password of ${what}`, optionNames: ['--key-password-env'] })
    : undefined;
  try {
    return await loadFile(path, password === undefined ? {} : { password });
  } catch (e) {
    if (isOnboardError(e) && e.code === 'password-required' && password === undefined) {
      const asked = await readSecret(io, { prompt: `Password of ${what}`, optionNames: ['--key-password-env'] });
      return loadFile(path, { password: asked ?? '' });
    }
    throw e;
  }
}

/** A CA certificate offered for the chain, and the file it came from (for notes). */
export interface ChainCandidate {
  certificate: X509Certificate;
  file: string;
}

/**
 * Puts the CA certificates in order from the leaf's issuer up to the root and leaves out those that
 * do not belong to its chain (a technician often hands over a whole CA bundle; a wrong intermediate
 * in a .pfx would make macOS build the wrong trust path). When certificates were given and not one
 * of them belongs, the files are the wrong ones: that is refused.
 */
export function orderChain(
  leaf: X509Certificate,
  candidates: readonly ChainCandidate[],
): { chain: X509Certificate[]; leftOut: ChainCandidate[] } {
  const pool = candidates.filter(
    (c, i) =>
      !c.certificate.raw.equals(leaf.raw) &&
      candidates.findIndex((o) => o.certificate.raw.equals(c.certificate.raw)) === i,
  );
  const path = buildChain(
    leaf,
    pool.map((c) => c.certificate),
  ).chain;
  const leftOut = pool.filter((c) => !path.includes(c.certificate));
  if (path.length === 1 && leftOut.length) {
    const files = [...new Set(leftOut.map((c) => c.file))].join(', ');
    throw new OnboardError(
      'chain-broken',
      `None of the CA certificates in ${files} is in the chain of ${certificateLabel(leaf)}: its issuer, ${inspectCertificate(leaf).issuer}, is not among them.`,
      "Give the certificates of this certificate's issuer and its parents (check with `onboard inspect`), or leave --chain out.",
    );
  }
  return { chain: path.slice(1), leftOut };
}

function analysisLines(path: string, a: PfxAnalysis, profile: PfxProfile, subject: string, chain: string[]): string[] {
  return [
    `Wrote ${path} (profile ${profile})`,
    `  identity: ${subject}`,
    ...chain.map((c, i) => `  chain ${i + 1}: ${c}`),
    `  key: ${a.keyBagAlgorithms.join(', ')}; certificates: ${a.certBagAlgorithms.join(', ')}; MAC: ${a.macAlgorithm ?? 'none'}, salt ${a.macSaltLength ?? '-'} bytes, ${a.macIterations ?? '-'} iterations`,
    a.macOsCompatible ? '  macOS: every version imports this file.' : `  macOS: ${a.problems.join(' ')}`,
  ];
}

export async function run(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseOptions(argv, OPTIONS);
  if (helpAsked(io, values, HELP)) return EXIT.ok;
  const profile = parseProfile(values.profile);
  const out = resolvePath(io, requireOption(values.out, 'out'));
  const force = values.force ?? false;
  if (
    values.rewrap !== undefined &&
    (values.cert !== undefined || values.key !== undefined || values.chain !== undefined)
  ) {
    throw new UsageError(
      '--rewrap cannot be combined with --cert, --key or --chain.',
      'Either build a .pfx from parts, or re-wrap one.',
    );
  }
  if (values.rewrap === undefined && passwordOptionGiven(values, 'new-')) {
    throw new UsageError('--new-password-env/--new-password-file only apply with --rewrap.');
  }
  await refuseExistingOutputs([out], force);

  let pfx: Buffer;
  let password: string;
  let leftOut: LeftOut[] = [];
  if (values.rewrap !== undefined) {
    const input = await readInputFile(resolvePath(io, values.rewrap));
    password = (await readPasswordOption(io, values, '', 'Current PFX password')) ?? '';
    const newPassword = passwordOptionGiven(values, 'new-')
      ? await readPasswordOption(io, values, 'new-', 'New PFX password')
      : undefined;
    if (newPassword !== undefined) {
      if (newPassword === '')
        throw new OnboardError(
          'pfx-empty-password',
          'The new password is empty.',
          'Choose a password: macOS 15 will not import a .pfx with an empty password.',
        );
      pfx = wrapIdentity(openPfx(input, password).identity, newPassword, profile);
      password = newPassword;
    } else {
      if (password === '')
        throw new OnboardError(
          'pfx-empty-password',
          'This .pfx has an empty password, and the re-wrapped one would too.',
          'Give a new password with --new-password-env VAR: macOS 15 will not import a .pfx with an empty password.',
        );
      pfx = wrapIdentity(openPfx(input, password).identity, password, profile);
    }
  } else {
    const certPath = resolvePath(io, requireOption(values.cert, 'cert'));
    const keyPath = resolvePath(io, requireOption(values.key, 'key'));
    const certMaterial = await loadFile(certPath);
    const keyMaterial = await loadWithPassword(io, keyPath, keyPath, values['key-password-env']);
    const key: KeyObject | undefined = keyMaterial.privateKeys[0];
    if (!key)
      throw new OnboardError(
        'no-private-key',
        `${keyPath} holds no private key.`,
        'Give the key file made together with the certificate request.',
      );
    const certificate = certMaterial.certificates.find((c) => keyMatches(c, key)) ?? certMaterial.certificates[0];
    if (!certificate)
      throw new OnboardError(
        'no-certificates',
        `${certPath} holds no certificate.`,
        'Give the certificate the CA issued.',
      );
    if (!keyMatches(certificate, key)) {
      throw new OnboardError(
        'key-mismatch',
        `The private key in ${keyPath} does not belong to the certificate in ${certPath}.`,
        'Pick the key file that was created together with the certificate request for this certificate.',
      );
    }
    const chainCandidates: ChainCandidate[] = certMaterial.certificates
      .filter((c) => c !== certificate)
      .map((c) => ({ certificate: c, file: values.cert! }));
    for (const p of values.chain ?? [])
      chainCandidates.push(
        ...(await loadFile(resolvePath(io, p))).certificates.map((c) => ({ certificate: c, file: p })),
      );
    const ordered = orderChain(certificate, chainCandidates);
    const chain = ordered.chain;
    leftOut = ordered.leftOut.map((c) => ({
      subject: subjectOf(c.certificate),
      serialNumber: inspectCertificate(c.certificate).serialNumber,
      sha256: inspectCertificate(c.certificate).sha256,
      file: c.file,
    }));
    password = (await readPasswordOption(io, values, '', 'New PFX password')) ?? '';
    const opts: Parameters<typeof writePfx>[0] = { key, certificate, chain, password, profile };
    if (values['friendly-name'] !== undefined) opts.friendlyName = values['friendly-name'];
    pfx = writePfx(opts);
  }

  await writeFileAtomic(out, pfx, { mode: 0o600, overwrite: force });
  // What was written, read back (one decryption) so the report describes the file itself.
  const { contents, analysis } = readAndAnalysePfx(pfx, password);
  const subject = subjectOf(contents.certificates[0]!);
  const chain = contents.certificates.slice(1).map(subjectOf);
  if (values.json) {
    const json: PfxJson = {
      out,
      profile,
      subject,
      chain,
      leftOut,
      friendlyName: contents.friendlyName ?? null,
      analysis,
    };
    writeJson(io, json);
  } else {
    for (const l of leftOut)
      io.stderr.write(
        `note: left out ${l.subject} (serial ${l.serialNumber}) from ${l.file}: it is not in the chain of ${subject}.\n`,
      );
    writeLines(io, analysisLines(out, analysis, profile, subject, chain));
  }
  return EXIT.ok;
}
