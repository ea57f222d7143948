// The onboarding report for the ticket: one data shape, rendered as self-contained HTML
// (prints well, no assets, no script) or JSON, with every secret scrubbed out.
import { hostname as osHostname, platform, release } from 'node:os';
import type { X509Certificate } from 'node:crypto';
import { version as toolVersion } from '../version';
import { inspectCertificate } from '../pki/inspect';
import { countByStatus, STATUS_LABEL, type FindingStatus, type VerifyFinding } from './findings';
import type { MachineFact } from './mac-checks';
import type { VerifyResult } from './verify';

export type { MachineFact };

/** One thing this onboarding run did to the Mac, e.g. { step: 'ca-certificates', title: 'Trust Acme Root CA', status: 'done' }. */
export interface ReportChange {
  step: string;
  title: string;
  /** done, skipped (already so), failed, undone, or not run. */
  status: 'done' | 'skipped' | 'failed' | 'undone' | 'not-run';
  detail?: string;
}

export interface ReportCertificate {
  subject: string;
  issuer: string;
  serialNumber: string;
  notBefore: string;
  notAfter: string;
  sha256: string;
}

export interface OnboardingReport {
  /** Shape version, for tools that read the JSON. */
  format: 'onboard-report/1';
  generatedAt: string;
  /**
   * The Mac side was Onboard's simulated Mac (the browser preview, or the app off a Mac): the checks say nothing about a
   * real Mac, so the report must never pass for proof. Absent in reports written before this field existed.
   */
  simulated: boolean;
  /** The verdict in one line, as the page's banner says it (SIMULATED first when simulated). */
  verdict: string;
  /** The name of the Mac the report is about (its local host name, else what else names it). */
  macName: string;
  tool: { name: 'onboard'; version: string };
  machine: MachineFact[];
  clientCertificate?: ReportCertificate;
  verification: {
    startedAt: string;
    finishedAt: string;
    ok: boolean;
    switchAddress: string;
    backgroundUrl?: string;
    tlsProtocol?: string;
    switchAnswer?: string;
    counts: Record<FindingStatus, number>;
  };
  findings: VerifyFinding[];
  changes: ReportChange[];
}

export interface BuildReportInput {
  result: VerifyResult;
  clientCertificate?: X509Certificate;
  changes?: ReportChange[];
  /** Facts about the machine; by default those the Mac-side checks gathered, else what this process sees. */
  machine?: MachineFact[];
  generatedAt?: Date;
  /** Values that must never appear (passwords): replaced wherever they occur. */
  secrets?: string[];
  /** The Mac side ran against the simulated Mac: the report is stamped SIMULATED everywhere. */
  simulated?: boolean;
}

const PRIVATE_KEY_BLOCK =
  /-----BEGIN ((?:RSA |EC |DSA |ENCRYPTED |OPENSSH )?PRIVATE KEY)-----[\s\S]*?(?:-----END \1-----|$)/g;
/** Shorter secrets are not searched for: replacing every "ab" would garble the report and hide nothing. */
export const MIN_REDACTED_SECRET_LENGTH = 4;

/** Removes private key blocks and the given secrets from every string inside `value`. */
export function redactSecrets<T>(value: T, secrets: readonly string[] = []): T {
  const needles = [...new Set(secrets.filter((s) => s.length >= MIN_REDACTED_SECRET_LENGTH))].sort(
    (a, b) => b.length - a.length,
  );
  const scrub = (s: string): string => {
    let out = s.replace(PRIVATE_KEY_BLOCK, '[private key removed]');
    for (const n of needles) out = out.split(n).join('••••');
    return out;
  };
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return scrub(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}

/** The Mac's name as a technician and the 1E platform know it: its local host name first. */
function macNameOf(machine: MachineFact[], certificateSubject: string | undefined): string {
  const fact = (label: string) => machine.find((m) => m.label === label)?.value;
  const cn = certificateSubject && /CN=([^,]+)/.exec(certificateSubject)?.[1]?.trim();
  return fact('Local host name') ?? fact('Computer name') ?? fact('Host name') ?? cn ?? 'this Mac';
}

/** The verdict in one line: what the banner says, and what the JSON carries for tools and tickets. */
export function reportVerdict(v: Pick<OnboardingReport['verification'], 'ok' | 'counts'>, simulated: boolean): string {
  const c = v.counts;
  const real = v.ok
    ? `VERIFIED: this Mac connects to the 1E platform${c.warn ? ` (${c.warn} warning${c.warn === 1 ? '' : 's'} to read)` : ''}.`
    : `NOT WORKING YET: ${c.fail} check${c.fail === 1 ? '' : 's'} failed. The fixes are listed with each failed check.`;
  if (!simulated) return real;
  return `SIMULATED: these checks ran against Onboard's simulated Mac, so this report proves nothing about a real Mac. In the simulation: ${v.ok ? `every check passed${c.warn ? ` (${c.warn} warning${c.warn === 1 ? '' : 's'})` : ''}` : `${c.fail} check${c.fail === 1 ? '' : 's'} failed`}.`;
}

/** Assembles the report from a verification result and what this onboarding run changed. */
export function buildReport(input: BuildReportInput): OnboardingReport {
  const r = input.result;
  const machine = input.machine ?? r.machine ?? [];
  const checkedFrom = { label: 'Checked from', value: `${osHostname()} (${platform()} ${release()})` };
  const simulated = input.simulated === true;
  const counts = countByStatus(r.findings);
  const certificate = input.clientCertificate ? inspectCertificate(input.clientCertificate) : undefined;
  const report: OnboardingReport = {
    format: 'onboard-report/1',
    generatedAt: (input.generatedAt ?? new Date()).toISOString(),
    simulated,
    verdict: reportVerdict({ ok: r.ok, counts }, simulated),
    macName: macNameOf(machine, certificate?.subject),
    tool: { name: 'onboard', version: toolVersion },
    machine: [...machine, checkedFrom],
    verification: {
      startedAt: r.startedAt,
      finishedAt: r.finishedAt,
      ok: r.ok,
      switchAddress: r.switchAddress,
      ...(r.backgroundUrl ? { backgroundUrl: r.backgroundUrl } : {}),
      ...(r.tlsProtocol ? { tlsProtocol: r.tlsProtocol } : {}),
      ...(r.switchAnswer ? { switchAnswer: r.switchAnswer } : {}),
      counts,
    },
    findings: r.findings.map((f) => ({ ...f })),
    changes: (input.changes ?? []).map((c) => ({ ...c })),
  };
  if (certificate) {
    const i = certificate;
    report.clientCertificate = {
      subject: i.subject,
      issuer: i.issuer,
      serialNumber: i.serialNumber,
      notBefore: i.notBefore,
      notAfter: i.notAfter,
      sha256: i.sha256,
    };
  }
  return redactSecrets(report, input.secrets);
}

export function renderReportJson(report: OnboardingReport): string {
  return JSON.stringify(redactSecrets(report), null, 2) + '\n';
}

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
const MARK: Record<FindingStatus, string> = { pass: '✓', warn: '!', fail: '✗', info: 'i' };
const CHANGE_LABEL: Record<ReportChange['status'], string> = {
  done: 'Done',
  skipped: 'Already so',
  failed: 'FAILED',
  undone: 'Undone',
  'not-run': 'Not run',
};

const CSS = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font: 14px/1.45 -apple-system, "Helvetica Neue", Helvetica, Arial, sans-serif; color: #1f2328; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
h2 { font-size: 1.15rem; margin: 1.75rem 0 .5rem; border-bottom: 1px solid #d0d7de; padding-bottom: .25rem; }
.sub { color: #57606a; margin: 0 0 1rem; }
.banner { border: 2px solid; border-radius: 6px; padding: .75rem 1rem; font-weight: 600; font-size: 1.05rem; }
.banner.ok { border-color: #1a7f37; background: #dafbe1; }
.banner.bad { border-color: #cf222e; background: #ffebe9; }
.banner.simulated { border-color: #9a6700; background: #fff8c5; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: .4rem .5rem; border-bottom: 1px solid #d8dee4; }
th { font-weight: 600; background: #f6f8fa; }
table.facts th { width: 16rem; background: none; font-weight: 500; color: #57606a; }
.badge { display: inline-block; min-width: 4.6rem; text-align: center; border: 1px solid; border-radius: 4px; padding: 0 .35rem; font-weight: 700; font-size: .85rem; white-space: nowrap; }
.pass .badge { color: #1a7f37; background: #dafbe1; border-color: #1a7f37; }
.warn .badge { color: #7d4e00; background: #fff8c5; border-color: #9a6700; }
.fail .badge { color: #a40e26; background: #ffebe9; border-color: #cf222e; }
.info .badge { color: #0550ae; background: #ddf4ff; border-color: #0969da; }
tr.fail td { background: #fff5f5; }
.title { font-weight: 600; }
.detail { color: #3d444d; margin-top: .15rem; }
.fix { margin-top: .25rem; }
.id, code { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: .8rem; color: #57606a; }
code { word-break: break-all; }
td.id { white-space: nowrap; }
footer { margin-top: 2rem; color: #57606a; font-size: .8rem; }
@media print {
  body { margin: 0; max-width: none; font-size: 10pt; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  h2 { break-after: avoid; }
  tr, .banner { break-inside: avoid; }
  thead { display: table-header-group; }
}
`;

/**
 * A time as the technician's clock shows it, to the second, with its offset from UTC so a reader elsewhere can place
 * it: 2025-03-01 11:00:03 (UTC+01:00). Text that is not a time is shown as it is.
 */
export function localTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const two = (n: number) => String(n).padStart(2, '0');
  const offset = -d.getTimezoneOffset();
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())} (UTC${sign}${two(Math.floor(abs / 60))}:${two(abs % 60)})`;
}

function factsTable(rows: { label: string; value: string; code?: boolean }[]): string {
  return `<table class="facts"><tbody>${rows.map((r) => `<tr><th scope="row">${esc(r.label)}</th><td>${r.code ? `<code>${esc(r.value)}</code>` : esc(r.value)}</td></tr>`).join('')}</tbody></table>`;
}

/** The report as one HTML page: inline CSS only, no script, no external resource. */
export function renderReportHtml(input: OnboardingReport): string {
  const report = redactSecrets(input);
  const v = report.verification;
  const c = v.counts;
  const who = report.macName;
  const simulated = report.simulated;
  const verdict = report.verdict;
  const tone = simulated ? 'simulated' : v.ok ? 'ok' : 'bad';
  const mark = simulated ? '⚠' : v.ok ? '✓' : '✗';
  const banner = `<div class="banner ${tone}" role="status">${mark} ${esc(verdict)}</div>`;
  const runRows = [
    { label: 'Switch', value: v.switchAddress, code: true },
    ...(v.backgroundUrl ? [{ label: 'Background Channel', value: v.backgroundUrl, code: true }] : []),
    ...(v.tlsProtocol ? [{ label: 'TLS version negotiated', value: v.tlsProtocol.replace('TLSv', 'TLS ') }] : []),
    ...(v.switchAnswer ? [{ label: 'Switch answer', value: v.switchAnswer, code: true }] : []),
    { label: 'Verification started', value: localTime(v.startedAt) },
    { label: 'Verification finished', value: localTime(v.finishedAt) },
    { label: 'Report generated', value: localTime(report.generatedAt) },
    { label: 'Result', value: `${c.pass} passed, ${c.warn} warning(s), ${c.fail} failed, ${c.info} for information` },
  ];
  const cert = report.clientCertificate;
  const certSection = cert
    ? `<h2>Client certificate</h2>${factsTable([
        { label: 'Subject', value: cert.subject },
        { label: 'Issuer', value: cert.issuer },
        { label: 'Serial number', value: cert.serialNumber, code: true },
        { label: 'Valid from', value: localTime(cert.notBefore) },
        { label: 'Valid until', value: localTime(cert.notAfter) },
        { label: 'SHA-256 fingerprint', value: cert.sha256, code: true },
      ])}`
    : '';
  const findingRows = report.findings
    .map(
      (f) =>
        `<tr class="${f.status}"><td><span class="badge">${MARK[f.status]} ${STATUS_LABEL[f.status]}</span></td><td><div class="title">${esc(f.title)}</div><div class="detail">${esc(f.detail)}</div>${f.fix && f.status !== 'pass' ? `<div class="fix"><strong>Fix:</strong> ${esc(f.fix)}</div>` : ''}</td><td class="id">${esc(f.id)}</td></tr>`,
    )
    .join('\n');
  const changes = report.changes.length
    ? `<table><thead><tr><th>Step</th><th>Change</th><th>Outcome</th></tr></thead><tbody>${report.changes.map((ch) => `<tr class="${ch.status === 'failed' ? 'fail' : ch.status === 'done' ? 'pass' : 'info'}"><td class="id">${esc(ch.step)}</td><td>${esc(ch.title)}${ch.detail ? `<div class="detail">${esc(ch.detail)}</div>` : ''}</td><td><span class="badge">${esc(CHANGE_LABEL[ch.status])}</span></td></tr>`).join('\n')}</tbody></table>`
    : '<p>This run changed nothing on the Mac (verification only).</p>';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${simulated ? 'SIMULATED ' : ''}1E onboarding report: ${esc(who)}</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>${simulated ? 'SIMULATED ' : ''}1E onboarding report: ${esc(who)}</h1>
<p class="sub">Generated ${esc(localTime(report.generatedAt))} by onboard ${esc(report.tool.version)}</p>
${banner}
</header>
<main>
<h2>Verification</h2>
${factsTable(runRows)}
<h2>Checks</h2>
<table><thead><tr><th scope="col">Status</th><th scope="col">Check</th><th scope="col">Id</th></tr></thead><tbody>
${findingRows}
</tbody></table>
<h2>Machine</h2>
${factsTable(report.machine)}
${certSection}
<h2>Changes made by this onboarding run</h2>
${changes}
</main>
<footer>Statuses: ✓ PASS works; ! WARN works, read the note; ✗ FAIL must be fixed; i INFO for the record. Finding ids are documented in docs/cli-verify.md.</footer>
</body>
</html>
`;
}
