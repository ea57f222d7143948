// `onboard inspect FILE...`: shows every certificate, key, request and PFX protection in any files a technician was sent.
import type { KeyObject, X509Certificate } from 'node:crypto';
import { isOnboardError } from '../core/errors';
import type { LoadedMaterial, ParsedCsr } from '../core/pki/load';
import { describeKey, inspectCertificate, keyLabel, type CertificateInfo } from '../core/pki/inspect';
import { keyMatches, type PfxAnalysis } from '../core/pki/pkcs12';
import { cliError, errorLines } from './advice';
import { helpAsked, parseOptions, UsageError, writeJson } from './common';
import { parsePasswordOptions, PasswordSource } from './inputs';
import { EXIT, type CliIo } from './io';

const HELP = `Usage: onboard inspect FILE... [--password-env VAR | --password-file F] [--json]

Shows every certificate, private key, certificate request and PFX in the files, whatever
their name or format: PEM (bundles too), DER (.cer/.crt), PKCS#7 (.p7b), PKCS#12 (.pfx/.p12).

Options:
  --password-env VAR   take the PFX or key password from environment variable VAR
  --password-file F    take it from the first line of file F
                       (otherwise you are asked on the terminal, without echo, when a file needs one)
  --json               print JSON (see docs/cli-inspect-check.md)

Exit codes: 0 every file was read, 2 usage error or a file could not be read.`;

const OPTIONS = {
  'password-env': { type: 'string' },
  'password-file': { type: 'string' },
  json: { type: 'boolean' },
} as const;

export interface KeyJson {
  keyType: CertificateInfo['keyType'];
  keySize: number | null;
  curve?: string;
  certificate: number | null;
}
export type CsrJson = Omit<ParsedCsr, 'publicKey'>;

export interface InspectedFile {
  path: string;
  kinds?: LoadedMaterial['kinds'];
  certificates?: CertificateInfo[];
  privateKeys?: KeyJson[];
  csrs?: CsrJson[];
  pfx?: PfxAnalysis;
  warnings?: string[];
  error?: { code: string; message: string; hint: string };
}

/** Index (0-based) of the certificate a key belongs to, or null. */
function certificateForKey(key: KeyObject, certs: X509Certificate[]): number | null {
  const i = certs.findIndex((c) => keyMatches(c, key));
  return i < 0 ? null : i;
}

export function describeMaterial(path: string, m: LoadedMaterial): InspectedFile {
  const out: InspectedFile = {
    path,
    kinds: m.kinds,
    certificates: m.certificates.map(inspectCertificate),
    privateKeys: m.privateKeys.map((k) => ({ ...describeKey(k), certificate: certificateForKey(k, m.certificates) })),
    csrs: m.csrs.map(({ publicKey: _publicKey, ...rest }) => rest),
    warnings: m.warnings,
  };
  if (m.pfx) out.pfx = m.pfx;
  return out;
}

const KIND_NAMES: Record<string, string> = {
  pem: 'PEM',
  'der-certificate': 'DER certificate',
  pkcs7: 'PKCS#7 bundle',
  pkcs12: 'PKCS#12 (PFX)',
  'private-key': 'private key',
  csr: 'certificate request',
};

function daysLeft(notAfter: string, now: Date): string {
  const ms = Date.parse(notAfter) - now.getTime();
  if (ms < 0) return 'EXPIRED';
  return `${Math.floor(ms / 86_400_000)} days left`;
}

export function certificateLines(c: CertificateInfo, heading: string, now = new Date()): string[] {
  const san = [
    ...c.subjectAltNames.dns.map((n) => `DNS:${n}`),
    ...c.subjectAltNames.ip.map((n) => `IP:${n}`),
    ...c.subjectAltNames.email.map((n) => `email:${n}`),
    ...c.subjectAltNames.uri.map((n) => `URI:${n}`),
  ];
  const bc = c.basicConstraints
    ? c.basicConstraints.ca
      ? `CA${c.basicConstraints.pathLength !== undefined ? `, path length ${c.basicConstraints.pathLength}` : ''}`
      : 'not a CA'
    : '(none)';
  const lines = [
    `  ${heading}: ${c.subject}  [${c.role}]`,
    `    Issuer:           ${c.issuer}`,
    `    Serial:           ${c.serialNumber}`,
    `    Valid:            ${c.notBefore} to ${c.notAfter} (${daysLeft(c.notAfter, now)})`,
    `    Key:              ${keyLabel(c)}`,
    `    Signature:        ${c.signatureAlgorithm}`,
    `    SHA-256:          ${c.sha256}`,
    `    SHA-1:            ${c.sha1}`,
    `    Basic constraints: ${bc}`,
    `    Key usage:        ${c.keyUsage.join(', ') || '(none)'}`,
    `    Extended usage:   ${c.extendedKeyUsage.join(', ') || '(none)'}`,
  ];
  if (san.length) lines.push(`    Alt. names:       ${san.join(', ')}`);
  if (c.crlUrls.length) lines.push(`    CRL:              ${c.crlUrls.join(', ')}`);
  if (c.ocspUrls.length) lines.push(`    OCSP:             ${c.ocspUrls.join(', ')}`);
  if (c.caIssuersUrls.length) lines.push(`    CA issuers:       ${c.caIssuersUrls.join(', ')}`);
  return lines;
}

function fileLines(f: InspectedFile): string[] {
  const lines = [`${f.path}: ${(f.kinds ?? []).map((k) => KIND_NAMES[k] ?? k).join(', ')}`];
  const certs = f.certificates ?? [];
  certs.forEach((c, i) => lines.push(...certificateLines(c, `Certificate ${i + 1} of ${certs.length}`)));
  for (const k of f.privateKeys ?? []) {
    lines.push(
      `  Private key: ${keyLabel(k)}${k.certificate !== null ? ` (belongs to certificate ${k.certificate + 1})` : certs.length ? ' (belongs to none of the certificates here)' : ''}`,
    );
  }
  for (const r of f.csrs ?? []) {
    const san = r.subjectAltNames.dns.length ? `; SAN DNS ${r.subjectAltNames.dns.join(', ')}` : '';
    lines.push(
      `  Certificate request: ${r.subject}; ${keyLabel(r)}; ${r.signatureAlgorithm}, signature ${r.signatureValid ? 'valid' : 'INVALID'}${san}`,
    );
    if (r.keyUsage.length || r.extendedKeyUsage.length)
      lines.push(`    Requested usage: ${[...r.keyUsage, ...r.extendedKeyUsage].join(', ')}`);
  }
  if (f.pfx) {
    const p = f.pfx;
    lines.push(
      `  PFX protection: MAC ${p.macAlgorithm ?? 'none'}${p.macSaltLength !== null ? `, salt ${p.macSaltLength} bytes` : ''}${p.macIterations !== null ? `, ${p.macIterations} iterations` : ''}; key ${p.keyBagAlgorithms.join(', ') || 'none'}; certificates ${p.certBagAlgorithms.join(', ') || 'none'}${p.emptyPassword ? '; empty password' : ''}`,
    );
    lines.push(`    Every macOS imports it: ${p.macOsCompatible ? 'yes' : 'no'}`);
    for (const problem of p.problems) lines.push(`    ! ${problem}`);
  }
  for (const w of f.warnings ?? []) lines.push(`  ! ${w}`);
  return lines;
}

export async function run(argv: string[], io: CliIo): Promise<number> {
  try {
    const { values, positionals } = parseOptions(argv, OPTIONS, true);
    if (helpAsked(io, values, HELP)) return EXIT.ok;
    if (positionals.length === 0)
      throw new UsageError(
        'Name at least one file to inspect.',
        'Usage: onboard inspect FILE... [--password-env VAR | --password-file F] [--json]',
      );
    const pw = parsePasswordOptions(values);
    const passwords = new PasswordSource(io, pw.env, pw.file);
    const files: InspectedFile[] = [];
    let unreadable = 0;
    for (const p of positionals) {
      try {
        files.push(describeMaterial(p, await passwords.loadArgument(p)));
      } catch (e) {
        if (!isOnboardError(e) || e instanceof UsageError) throw e;
        unreadable++;
        files.push({ path: p, error: { code: e.code, ...cliError(e) } });
        io.stderr.write(errorLines('inspect', e));
      }
    }
    if (values.json) writeJson(io, { files });
    else {
      const blocks = files.filter((f) => !f.error).map((f) => fileLines(f).join('\n'));
      if (blocks.length) io.stdout.write(blocks.join('\n\n') + '\n');
    }
    return unreadable ? EXIT.usage : EXIT.ok;
  } catch (e) {
    return reportError(io, 'inspect', e);
  }
}

/** One clear line (and a hint) on stderr for anything a technician can act on; never a stack trace. */
export function reportError(io: CliIo, verb: string, e: unknown): number {
  if (isOnboardError(e)) {
    io.stderr.write(errorLines(verb, e));
  } else {
    io.stderr.write(
      `onboard ${verb}: internal error: ${(e as Error)?.message ?? String(e)}\n  Please report this with the command you ran.\n`,
    );
  }
  return EXIT.usage;
}
