// Many Macs' verify reports (onboard-report/N JSON) read defensively and merged into one fleet view: one row per Mac, newest report wins.
import type { FindingStatus } from '../verify/findings';

/** The report formats this reader was written for; a later /N is read as far as its fields are the same. */
export const KNOWN_REPORT_FORMAT = 'onboard-report/1';

export type Verdict = 'pass' | 'warn' | 'fail';

export interface FleetFinding {
  id: string;
  status: FindingStatus;
  title: string;
  detail: string;
  fix: string;
}

/** One Mac, from its newest report. */
export interface FleetMac {
  host: string;
  verdict: Verdict;
  /** Ids of the checks that failed, then those that warned. */
  failing: string[];
  warnings: string[];
  /** The failed and warned checks in full, with their fixes. */
  problems: FleetFinding[];
  counts: Record<FindingStatus, number>;
  certificateSubject: string | null;
  /** ISO 8601, or null when the report carries no client certificate. */
  certificateExpiry: string | null;
  clientVersion: string | null;
  /** When the report was made (ISO 8601). */
  reportTime: string;
  /**
   * The Mac side of the verification was Onboard's simulated Mac (the report's SIMULATED stamp);
   * null for a report written before the stamp existed, which does not say.
   */
  simulated: boolean | null;
  format: string;
  onboardVersion: string | null;
  file: string;
}

export interface FleetProblemFile {
  file: string;
  reason: string;
}

export interface FleetView {
  /** Worst first: fail, warn, pass; then most failed checks, soonest expiry, host name. */
  macs: FleetMac[];
  /** Older reports of a Mac that a newer one replaced. */
  superseded: { file: string; host: string; reportTime: string; newer: string }[];
  unreadable: FleetProblemFile[];
  counts: Record<Verdict, number>;
  simulated: number;
  /** Reports that predate the SIMULATED stamp, so do not say whether their Mac was real. */
  unstamped: number;
  /** How many reports each format and each Onboard version wrote, e.g. { "onboard-report/1": 3 }. */
  formats: Record<string, number>;
  onboardVersions: Record<string, number>;
  /** Sentences about the set as a whole (newer formats, mixed versions, simulated Macs). */
  notes: string[];
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);
const STATUSES: readonly FindingStatus[] = ['pass', 'warn', 'fail', 'info'];

function isoOrNull(v: unknown): string | null {
  const s = str(v);
  if (!s) return null;
  const t = Date.parse(s);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

function machineFact(report: Json, label: string): string | null {
  const machine = Array.isArray(report.machine) ? report.machine : [];
  for (const m of machine) if (isObject(m) && m.label === label) return str(m.value);
  return null;
}

function commonNameOf(subject: string | null): string | null {
  const m = subject ? /(?:^|,\s*)CN=((?:\\.|[^,])+)/.exec(subject) : null;
  return m ? m[1]!.replace(/\\(.)/g, '$1') : null;
}

/** The Mac's name as 1E knows it, from the best fact the report has, else the certificate, else the file. */
function hostOf(report: Json, subject: string | null, file: string): string {
  const checkedFrom = machineFact(report, 'Checked from')?.replace(/\s*\(.*\)$/, '') ?? null;
  return (
    machineFact(report, 'Name 1E expects in the certificate') ??
    str(report.macName) ??
    machineFact(report, 'Local host name') ??
    machineFact(report, 'Host name') ??
    commonNameOf(subject) ??
    checkedFrom ??
    file.replace(/^.*[\\/]/, '').replace(/\.json$/i, '')
  );
}

function findingsOf(report: Json): FleetFinding[] {
  const list = Array.isArray(report.findings) ? report.findings : [];
  const out: FleetFinding[] = [];
  for (const f of list) {
    if (!isObject(f)) continue;
    const status = STATUSES.find((s) => s === f.status);
    const id = str(f.id);
    if (!status || !id) continue;
    out.push({ id, status, title: str(f.title) ?? id, detail: str(f.detail) ?? '', fix: str(f.fix) ?? '' });
  }
  return out;
}

/** Whether the report says its Mac side was simulated (its SIMULATED stamp); null when it predates the stamp. */
function simulatedOf(report: Json): boolean | null {
  return typeof report.simulated === 'boolean' ? report.simulated : null;
}

export type ReadResult = { ok: true; mac: FleetMac } | { ok: false; reason: string };

/**
 * One report file's text, read as far as it can be: anything that is not JSON, or JSON without
 * an `onboard-report/N` format and a verification, is unreadable (with the reason); a newer format
 * is read by the fields this one knows.
 */
export function readFleetReport(text: string, file: string): ReadResult {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'not JSON (write the report with onboard verify --report FILE.json)' };
  }
  if (!isObject(raw)) return { ok: false, reason: 'not an Onboard report (not a JSON object)' };
  const format = str(raw.format);
  if (!format || !/^onboard-report\/\d+$/.test(format))
    return { ok: false, reason: 'not an Onboard report (no "format": "onboard-report/N")' };
  const v = raw.verification;
  if (!isObject(v)) return { ok: false, reason: `an ${format} report without its verification` };
  const findings = findingsOf(raw);
  const counts: Record<FindingStatus, number> = { pass: 0, warn: 0, fail: 0, info: 0 };
  for (const f of findings) counts[f.status]++;
  const failing = findings.filter((f) => f.status === 'fail');
  const warned = findings.filter((f) => f.status === 'warn');
  // A report that says it did not pass fails even if its findings were lost on the way.
  const verdict: Verdict = failing.length > 0 || v.ok === false ? 'fail' : warned.length > 0 ? 'warn' : 'pass';
  const cert = isObject(raw.clientCertificate) ? raw.clientCertificate : null;
  const subject = cert ? str(cert.subject) : null;
  const reportTime = isoOrNull(raw.generatedAt) ?? isoOrNull(v.finishedAt);
  if (!reportTime) return { ok: false, reason: `an ${format} report without the time it was made (generatedAt)` };
  const tool = isObject(raw.tool) ? raw.tool : null;
  return {
    ok: true,
    mac: {
      host: hostOf(raw, subject, file),
      verdict,
      failing: failing.map((f) => f.id),
      warnings: warned.map((f) => f.id),
      problems: [...failing, ...warned],
      counts,
      certificateSubject: subject,
      certificateExpiry: cert ? isoOrNull(cert.notAfter) : null,
      clientVersion: machineFact(raw, '1E Client'),
      reportTime,
      simulated: simulatedOf(raw),
      format,
      onboardVersion: tool ? str(tool.version) : null,
      file,
    },
  };
}

const RANK: Record<Verdict, number> = { fail: 0, warn: 1, pass: 2 };

/** Worst first; within a verdict, more failed checks first, then the certificate that expires soonest. */
export function worstFirst(a: FleetMac, b: FleetMac): number {
  return (
    RANK[a.verdict] - RANK[b.verdict] ||
    b.failing.length - a.failing.length ||
    (a.certificateExpiry ?? '9999').localeCompare(b.certificateExpiry ?? '9999') ||
    a.host.localeCompare(b.host)
  );
}

const tally = (values: string[]) => {
  const out: Record<string, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
};

/** Merges what was read: the newest report of each Mac (by host name, any case) wins; the rest are listed as superseded. */
export function mergeFleet(read: readonly ({ file: string } & ReadResult)[]): FleetView {
  const newest = new Map<string, FleetMac>();
  const superseded: FleetView['superseded'] = [];
  const unreadable: FleetProblemFile[] = [];
  for (const r of read) {
    if (!r.ok) {
      unreadable.push({ file: r.file, reason: r.reason });
      continue;
    }
    const key = r.mac.host.toLowerCase();
    const seen = newest.get(key);
    // Later arguments win a tie, so `fleet report old/*.json new/*.json` keeps the new ones.
    if (!seen || r.mac.reportTime >= seen.reportTime) {
      if (seen) superseded.push({ file: seen.file, host: seen.host, reportTime: seen.reportTime, newer: r.mac.file });
      newest.set(key, r.mac);
    } else {
      superseded.push({ file: r.mac.file, host: r.mac.host, reportTime: r.mac.reportTime, newer: seen.file });
    }
  }
  const macs = [...newest.values()].sort(worstFirst);
  const counts: Record<Verdict, number> = { pass: 0, warn: 0, fail: 0 };
  for (const m of macs) counts[m.verdict]++;
  const formats = tally(macs.map((m) => m.format));
  const onboardVersions = tally(macs.map((m) => m.onboardVersion ?? 'unknown'));
  const notes: string[] = [];
  const newer = Object.keys(formats).filter((f) => f !== KNOWN_REPORT_FORMAT);
  if (newer.length)
    notes.push(
      `${newer.map((f) => `${formats[f]} report${formats[f] === 1 ? '' : 's'} in ${f}`).join(', ')}: read by the fields of ${KNOWN_REPORT_FORMAT}; update Onboard to see everything in them.`,
    );
  if (Object.keys(onboardVersions).length > 1)
    notes.push(
      `The reports come from several Onboard versions (${Object.entries(onboardVersions)
        .map(([v, n]) => `${v}: ${n}`)
        .join(', ')}); checks added in later versions are missing from older reports.`,
    );
  const simulated = macs.filter((m) => m.simulated === true).length;
  if (simulated)
    notes.push(
      `${simulated} report${simulated === 1 ? ' was' : 's were'} made against the simulated Mac, not a real one: ${simulated === 1 ? 'it proves' : 'they prove'} nothing about a Mac.`,
    );
  const unstamped = macs.filter((m) => m.simulated === null).length;
  if (unstamped)
    notes.push(
      `${unstamped} report${unstamped === 1 ? ' predates' : 's predate'} the SIMULATED stamp, so ${unstamped === 1 ? 'it does' : 'they do'} not say whether the Mac side was a real Mac.`,
    );
  return { macs, superseded, unreadable, counts, simulated, unstamped, formats, onboardVersions, notes };
}

/** CSV (RFC 4180), one row per Mac, worst first; cells that a spreadsheet would run as a formula are defused. */
export function renderFleetCsv(view: FleetView): string {
  const cell = (s: string) => {
    const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
    return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  const header = [
    'host',
    'verdict',
    'failing_checks',
    'warning_checks',
    'certificate_expiry',
    'client_version',
    'report_time',
    'simulated',
    'onboard_version',
    'file',
  ];
  const rows = view.macs.map((m) => [
    m.host,
    m.verdict,
    m.failing.join(' '),
    m.warnings.join(' '),
    m.certificateExpiry ?? '',
    m.clientVersion ?? '',
    m.reportTime,
    m.simulated === null ? 'unknown' : m.simulated ? 'yes' : 'no',
    m.onboardVersion ?? '',
    m.file,
  ]);
  return [header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}
