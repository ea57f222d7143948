// `onboard check`: judges a client certificate (PFX, or certificate and key) against every 1E requirement of a profile, offline or online.
import type { KeyObject, X509Certificate } from 'node:crypto';
import { OnboardError } from '../core/errors';
import type { LoadedMaterial } from '../core/pki/load';
import { certificateDetails, inspectCertificate, isSelfSigned } from '../core/pki/inspect';
import { buildChain } from '../core/pki/chain';
import {
  PROFILE_NAMES,
  checkClientCertificate,
  summarise,
  type Finding,
  type FindingStatus,
  type RequirementProfile,
} from '../core/pki/requirements';
import { keyMatches } from '../core/pki/pkcs12';
import { helpAsked, parseOptions, UsageError, writeJson } from './common';
import { cliFinding } from './advice';
import { reportError } from './inspect';
import { parseOnlineOptions, runOnlineChecks } from './check-online';
import { PasswordSource, parsePasswordOptions } from './inputs';
import { EXIT, type CliIo } from './io';

const HELP = `Usage: onboard check (--pfx FILE | --cert FILE [--key FILE]) --hostname NAME [--ca FILE]...
                     [--requirements on-prem|saas] [--online [--timeout MS] | --at ISO-8601]
                     [--password-env VAR | --password-file F] [--json]

Checks a client certificate against every 1E requirement: trusted chain, validity, Client
Authentication, Digital Signature + Key Encipherment, RSA 2048+, private key, HTTP CRL
distribution point, host name (exact, case-sensitive), signature algorithm, and for a PFX
whether every macOS version can import it. Each finding names the 1E document it comes from.

Options:
  --pfx FILE           the .pfx/.p12 to check (certificate, key and chain in one file)
  --cert FILE          the certificate (any format; may include the chain)
  --key FILE           its private key (PEM or DER; encrypted keys ask for the password)
  --hostname NAME      this Mac's host name exactly as macOS shows it, e.g. MAC01.local
  --ca FILE            CA certificates to trust (root and intermediates; repeat as needed)
  --at ISO-8601        judge validity at this time instead of now, e.g. 2025-06-01T00:00:00Z
  --requirements P     on-prem (default: 1E's certificate requirements, an HTTP CRL distribution
                       point) or saas (1E's SaaS guide for macOS: an OCSP responder or an HTTP(S)
                       CRL distribution point, reachable from the Internet)
  --online             also fetch every CRL and ask every OCSP responder of the chain, now, from
                       here (without it, check reads only the files); with saas, one of the
                       certificate's own must answer
  --timeout MS         with --online: per CRL download and per OCSP responder (default 10000)
  --password-env VAR   take the PFX or key password from environment variable VAR
  --password-file F    take it from the first line of file F
  --json               print JSON (see docs/cli-inspect-check.md)

Exit codes: 0 no requirement failed, 1 at least one failed, 2 usage error or unreadable input.`;

const OPTIONS = {
  pfx: { type: 'string' },
  cert: { type: 'string' },
  key: { type: 'string' },
  hostname: { type: 'string' },
  ca: { type: 'string', multiple: true },
  at: { type: 'string' },
  requirements: { type: 'string' },
  online: { type: 'boolean' },
  timeout: { type: 'string' },
  'password-env': { type: 'string' },
  'password-file': { type: 'string' },
  json: { type: 'boolean' },
} as const;

const MARK: Record<FindingStatus, string> = { pass: '✓', warn: '!', fail: '✗', info: 'i' };

const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/**
 * Reads --at strictly: an ISO-8601 date (midnight UTC) or date-time (UTC with Z, an offset, else local
 * time). Date.parse alone is lenient ("1", "June") and rolls impossible dates over (2025-02-30 becomes
 * 2 March), so every field is checked first and a typo is never silently a different time.
 */
export function parseAt(text: string): Date {
  const bad = (why: string) =>
    new UsageError(
      `--at "${text}" ${why}`,
      'Write an ISO-8601 date or date-time: 2025-06-01 (midnight UTC), 2025-06-01T12:00:00Z (UTC) or 2025-06-01T14:00:00+02:00.',
    );
  const m = ISO_TIME.exec(text);
  if (!m) throw bad('is not an ISO-8601 date or date-time.');
  const [, y, mo, d, hh, mm, ss, frac, zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12) throw bad(`is not a real date: there is no month ${mo} (months run from 01 to 12).`);
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day < 1 || day > days) throw bad(`is not a real date: ${MONTHS[month - 1]} ${year} has ${days} days.`);
  if (hh !== undefined && (Number(hh) > 23 || Number(mm) > 59 || Number(ss ?? 0) > 59)) {
    throw bad('is not a real time of day: hours run from 00 to 23, minutes and seconds from 00 to 59.');
  }
  let offset = zone;
  if (zone && zone !== 'Z') {
    const [zh, zm] = [Number(zone.slice(1, 3)), Number(zone.slice(-2))];
    if (zh > 23 || zm > 59) throw bad(`has a time-zone offset, ${zone}, that does not exist.`);
    offset = `${zone.slice(0, 3)}:${zone.slice(-2)}`;
  }
  const normal =
    hh === undefined
      ? `${y}-${mo}-${d}`
      : `${y}-${mo}-${d}T${hh}:${mm}:${ss ?? '00'}${frac ? frac.slice(0, 4) : ''}${offset ?? ''}`;
  const at = new Date(normal);
  if (Number.isNaN(at.getTime())) throw bad('is not an ISO-8601 date or date-time.');
  return at;
}

/** The device certificate among everything given: the one a key belongs to, else the first that is not a CA. */
function pickLeaf(certs: X509Certificate[], keys: KeyObject[], fromPfx: boolean): X509Certificate | undefined {
  if (fromPfx && certs[0]) return certs[0];
  return (
    certs.find((c) => keys.some((k) => keyMatches(c, k))) ??
    certs.find((c) => !certificateDetails(c).basicConstraints?.ca && !isSelfSigned(c)) ??
    certs[0]
  );
}

export interface CheckJson {
  hostname: string;
  at: string;
  requirements: RequirementProfile;
  online: boolean;
  certificate: ReturnType<typeof inspectCertificate>;
  chain: { subject: string; role: string; sha256: string }[];
  findings: Finding[];
  summary: ReturnType<typeof summarise>;
  warnings: string[];
}

export async function run(argv: string[], io: CliIo): Promise<number> {
  try {
    const { values } = parseOptions(argv, OPTIONS, false);
    if (helpAsked(io, values, HELP)) return EXIT.ok;
    if (values.pfx !== undefined && values.cert !== undefined)
      throw new UsageError('Give either --pfx or --cert, not both.');
    if (values.pfx === undefined && values.cert === undefined)
      throw new UsageError('Say what to check: --pfx FILE, or --cert FILE (with --key FILE).');
    if (values.pfx !== undefined && values.key !== undefined)
      throw new UsageError('--key goes with --cert; a PFX carries its own key.');
    const hostname = values.hostname?.trim();
    if (!hostname)
      throw new UsageError(
        "--hostname is required: the Mac's host name exactly as macOS shows it, e.g. MAC01.local.",
        'On the Mac: `scutil --get LocalHostName` (add .local), or System Settings > General > Sharing.',
      );
    const at = values.at !== undefined ? parseAt(values.at) : new Date();
    const checks = parseOnlineOptions(values);
    const pw = parsePasswordOptions(values);
    const passwords = new PasswordSource(io, pw.env, pw.file);

    const load = (p: string): Promise<LoadedMaterial> => passwords.loadArgument(p);
    const mainPath = (values.pfx ?? values.cert)!;
    const main = await load(mainPath);
    const keyFile = values.key !== undefined ? await load(values.key) : undefined;
    const caFiles: LoadedMaterial[] = [];
    for (const p of values.ca ?? []) caFiles.push(await load(p));

    const certs = [...main.certificates, ...(keyFile?.certificates ?? [])];
    const keys = [...main.privateKeys, ...(keyFile?.privateKeys ?? [])];
    const fromPfx = main.kinds.includes('pkcs12');
    const leaf = pickLeaf(certs, keys, fromPfx);
    if (!leaf)
      throw new OnboardError(
        'no-certificate',
        `${mainPath} holds no certificate to check.`,
        main.csrs.length
          ? 'This is a certificate request: send it to your PKI team and check the certificate they return.'
          : 'Pass the device certificate with --cert or the PFX with --pfx.',
      );
    if (values.key !== undefined && keyFile && keyFile.privateKeys.length === 0) {
      throw new OnboardError(
        'no-private-key',
        `${values.key} holds no private key.`,
        'Pass the key file that was made with the certificate request.',
      );
    }
    const privateKey = keys.find((k) => keyMatches(leaf, k)) ?? keys[0];
    const caCertificates = caFiles.flatMap((m) => m.certificates);
    const extraCertificates = certs.filter((c) => c !== leaf);
    const online = checks.online
      ? await runOnlineChecks({ leaf, chain: extraCertificates, caCertificates, timeoutMs: checks.timeoutMs })
      : undefined;
    const findings = checkClientCertificate({
      certificate: leaf,
      privateKey,
      caCertificates,
      hostname,
      at,
      extraCertificates,
      requirements: checks.requirements,
      ...(online ? { online: online.endpoints } : {}),
      ...(fromPfx && main.pfx ? { pfx: main.pfx } : {}),
    }).map(cliFinding);
    if (online) findings.push(...online.findings.map(cliFinding));
    const summary = summarise(findings);
    const warnings = [main, keyFile, ...caFiles]
      .flatMap((m) => m?.warnings ?? [])
      .map((w) => w.split(io.cwd + '/').join(''));

    if (values.json) {
      const chain = buildChain(leaf, [...caCertificates, ...extraCertificates], { at }).chain;
      const out: CheckJson = {
        hostname,
        at: at.toISOString(),
        requirements: checks.requirements,
        online: checks.online,
        certificate: inspectCertificate(leaf),
        chain: chain.map((c) => {
          const i = inspectCertificate(c);
          return { subject: i.subject, role: i.role, sha256: i.sha256 };
        }),
        findings,
        summary,
        warnings,
      };
      writeJson(io, out);
    } else {
      const info = inspectCertificate(leaf);
      const lines = [
        `Checking ${info.subject} (serial ${info.serialNumber}, issued by ${info.issuer}) for host ${hostname} at ${at.toISOString()}`,
        `Requirements: ${PROFILE_NAMES[checks.requirements]}${checks.online ? '; CRLs and OCSP responders asked now' : ''}`,
        '',
      ];
      for (const f of findings) {
        lines.push(`${MARK[f.status]} ${f.id}: ${f.title}`);
        lines.push(`    ${f.detail}`);
        if (f.fix && (f.status === 'fail' || f.status === 'warn')) lines.push(`    Fix: ${f.fix}`);
        if (f.source) lines.push(`    From: ${f.source}`);
      }
      for (const w of warnings) lines.push(`! note: ${w}`);
      lines.push('');
      lines.push(
        `Result: ${summary.pass} passed, ${summary.warn} warning${summary.warn === 1 ? '' : 's'}, ${summary.fail} failed, ${summary.info} for information. ` +
          (summary.ok
            ? summary.warn
              ? 'No requirement failed; read the ! items.'
              : 'Meets every 1E requirement.'
            : 'Not ready for 1E: fix the ✗ items above.'),
      );
      io.stdout.write(lines.join('\n') + '\n');
    }
    return summary.ok ? EXIT.ok : EXIT.failed;
  } catch (e) {
    return reportError(io, 'check', e);
  }
}
