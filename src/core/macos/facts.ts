// What the Mac is like right now: one read-only command per fact, one parser per command's output.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { withPrivateTempDir } from '../fsutil';
import { BIN, CLIENT_LAUNCHD_LABEL, CLIENT_PACKAGE_ID, CONF_PATHS, SYSTEM_KEYCHAIN } from './paths';
import { confValues, parseConf } from './conf';
import { isPlistDict, parsePlist } from './plist';
import type { Command, CommandResult, Executor } from './types';

export interface SwVers {
  productName: string;
  version: string;
  build: string;
}
export interface PkgInfo {
  packageId: string;
  version: string;
  volume: string;
  location: string;
  installTime: number | null;
}
export interface LaunchdJob {
  state: string;
  running: boolean;
  pid: number | null;
  path: string | null;
  program: string | null;
  lastExitCode: string | null;
}
export interface KeychainCertificate {
  sha256: string | null;
  sha1: string;
  pem: string;
}
export interface KeychainIdentity {
  sha1: string;
  name: string;
}
/** An identity as `find-identity` without `-v` lists it: `problem` says why it is not valid (e.g. CSSMERR_TP_CERT_EXPIRED). */
export interface KeychainIdentityEntry extends KeychainIdentity {
  problem: string | null;
}

/**
 * One certificate's admin-domain trust setting (`security trust-settings-export -d`), keyed
 * by the certificate's SHA-1. `trust-root`: trusted as a root (an empty settings list means
 * for every purpose, which is what `add-trusted-cert -r trustRoot` without `-p` writes);
 * `trust-as-root`; `deny` (Never Trust); `unspecified` (a setting that decides nothing).
 */
export interface TrustSetting {
  sha1: string;
  result: 'trust-root' | 'trust-as-root' | 'deny' | 'unspecified';
  /** The policies the setting is limited to (e.g. sslServer); empty: every policy. */
  policies: string[];
}
export interface DomainBinding {
  forest: string | null;
  domain: string;
  computerAccount: string | null;
}

export interface MacFacts {
  /** False when the plan is made away from the Mac: every unknown fact is null and decided at run time. */
  known: boolean;
  macos: SwVers | null;
  arch: 'arm64' | 'x86_64' | null;
  /** This process runs under Rosetta translation. */
  translated: boolean | null;
  /** Intel code runs (always true on Intel Macs). */
  rosettaWorks: boolean | null;
  localHostName: string | null;
  computerName: string | null;
  hostName: string | null;
  hostname: string | null;
  /** The name 1E expects in the client certificate: <LocalHostName>.local, or the FQDN when domain-joined. */
  expectedHostName: string | null;
  domain: DomainBinding | null;
  admin: boolean | null;
  client: PkgInfo | null;
  daemon: LaunchdJob | null;
  conf: { path: string; text: string; values: Record<string, string> } | null;
  certificates: KeychainCertificate[];
  /** Valid SSL client identities (`find-identity -v`). */
  identities: KeychainIdentity[];
  /** Every SSL client identity, valid or not (an expired one is still there to be replaced). */
  allIdentities: KeychainIdentityEntry[];
  /** Admin-domain trust settings; null when they could not be read. */
  trustSettings: TrustSetting[] | null;
}

/** Facts for a plan made without looking at the Mac (e.g. a script exported for an MDM tool). */
export function unknownFacts(): MacFacts {
  return {
    known: false,
    macos: null,
    arch: null,
    translated: null,
    rosettaWorks: null,
    localHostName: null,
    computerName: null,
    hostName: null,
    hostname: null,
    expectedHostName: null,
    domain: null,
    admin: null,
    client: null,
    daemon: null,
    conf: null,
    certificates: [],
    identities: [],
    allIdentities: [],
    trustSettings: null,
  };
}

// ---- one command per fact, exactly as gatherFacts runs them (also answered by the simulated Mac)

export const FACT_COMMANDS = {
  swVers: { program: BIN.swVers, args: [] },
  uname: { program: BIN.uname, args: ['-m'] },
  translated: { program: BIN.sysctl, args: ['-n', 'sysctl.proc_translated'] },
  rosetta: { program: BIN.arch, args: ['-x86_64', BIN.true] },
  localHostName: { program: BIN.scutil, args: ['--get', 'LocalHostName'] },
  computerName: { program: BIN.scutil, args: ['--get', 'ComputerName'] },
  hostName: { program: BIN.scutil, args: ['--get', 'HostName'] },
  hostname: { program: BIN.hostname, args: [] },
  dsconfigad: { program: BIN.dsconfigad, args: ['-show'] },
  groups: { program: BIN.id, args: ['-Gn'] },
  pkgInfo: { program: BIN.pkgutil, args: ['--pkg-info', CLIENT_PACKAGE_ID] },
  pkgFiles: { program: BIN.pkgutil, args: ['--only-files', '--files', CLIENT_PACKAGE_ID] },
  launchctlPrint: { program: BIN.launchctl, args: ['print', `system/${CLIENT_LAUNCHD_LABEL}`] },
  findCertificate: { program: BIN.security, args: ['find-certificate', '-a', '-Z', '-p', SYSTEM_KEYCHAIN] },
  findIdentity: { program: BIN.security, args: ['find-identity', '-v', '-p', 'ssl-client', SYSTEM_KEYCHAIN] },
  findIdentityAll: { program: BIN.security, args: ['find-identity', '-p', 'ssl-client', SYSTEM_KEYCHAIN] },
} satisfies Record<string, Command>;

/** `security trust-settings-export -d FILE`: the admin-domain trust settings as a property list, written to FILE. */
export function trustSettingsExportCommand(file: string): Command {
  return { program: BIN.security, args: ['trust-settings-export', '-d', file] };
}

export function catCommand(path: string): Command {
  return { program: BIN.cat, args: [path] };
}

export function tailCommand(path: string, lines: number): Command {
  return { program: BIN.tail, args: ['-n', String(lines), path] };
}

// ---- parsers: each takes the command's standard output as the real command prints it

/** `sw_vers`: `ProductName:\t\tmacOS` / `ProductVersion:\t\t14.4.1` / `BuildVersion:\t\t23E224`. */
export function parseSwVers(text: string): SwVers | null {
  const fields = keyValueLines(text, ':');
  const version = fields.get('ProductVersion');
  if (!version) return null;
  return { productName: fields.get('ProductName') ?? 'macOS', version, build: fields.get('BuildVersion') ?? '' };
}

/** `uname -m`. */
export function parseUname(text: string): 'arm64' | 'x86_64' | null {
  const v = text.trim();
  return v === 'arm64' || v === 'x86_64' ? v : null;
}

/** `sysctl -n sysctl.proc_translated`: 1 under Rosetta, 0 native; the OID is missing on Intel (non-zero exit). */
export function parseSysctlTranslated(r: CommandResult): boolean {
  return r.exitCode === 0 && r.stdout.trim() === '1';
}

/** `scutil --get NAME`: the value, or null when it is "not set" (exit 1). */
export function parseScutilGet(r: CommandResult): string | null {
  if (r.exitCode !== 0) return null;
  const v = r.stdout.replace(/\r?\n$/, '');
  return v.length > 0 ? v : null;
}

/** `dsconfigad -show`: prints nothing when the Mac is not bound to Active Directory. */
export function parseDsconfigad(text: string): DomainBinding | null {
  const fields = keyValueLines(text, '=');
  const domain = fields.get('Active Directory Domain');
  if (!domain) return null;
  return {
    forest: fields.get('Active Directory Forest') ?? null,
    domain,
    computerAccount: fields.get('Computer Account') ?? null,
  };
}

/** `id -Gn`: group names separated by spaces. */
export function parseIdGroups(text: string): string[] {
  return text.trim().split(/\s+/).filter(Boolean);
}

/** `pkgutil --pkg-info ID`: `package-id:`, `version:`, `volume:`, `location:`, `install-time:` lines. */
export function parsePkgInfo(text: string): PkgInfo | null {
  const fields = keyValueLines(text, ':');
  const packageId = fields.get('package-id');
  if (!packageId) return null;
  const t = Number(fields.get('install-time'));
  return {
    packageId,
    version: fields.get('version') ?? '',
    volume: fields.get('volume') ?? '/',
    location: fields.get('location') ?? '/',
    installTime: Number.isFinite(t) && t > 0 ? t : null,
  };
}

/** `pkgutil --only-files --files ID`: one path per line, relative to the package's install location. */
export function parsePkgFiles(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.replace(/\r$/, ''))
    .filter((l) => l.length > 0);
}

/** `launchctl print system/LABEL`: the job block with `state = running` and `pid = N` lines. */
export function parseLaunchctlPrint(text: string): LaunchdJob | null {
  if (!/=\s*\{/.test(text)) return null;
  // Only the job's own top-level lines (one tab deep) count; nested blocks repeat words like "state".
  const top = new Map<string, string>();
  let depth = 0;
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (depth === 1) {
      const m = /^([a-z][a-z ]*?)\s*=\s*(.*)$/.exec(trimmed);
      if (m && !m[2]!.endsWith('{') && !top.has(m[1]!)) top.set(m[1]!, m[2]!);
    }
    if (trimmed.endsWith('{')) depth++;
    if (trimmed === '}') depth--;
  }
  const state = top.get('state') ?? 'unknown';
  const pid = top.has('pid') ? Number(top.get('pid')) : null;
  return {
    state,
    running: state === 'running',
    pid: pid !== null && Number.isInteger(pid) ? pid : null,
    path: top.get('path') ?? null,
    program: top.get('program') ?? null,
    lastExitCode: top.get('last exit code') ?? null,
  };
}

/** `security find-certificate -a -Z -p KEYCHAIN`: `SHA-256 hash:` (newer macOS), `SHA-1 hash:`, then the PEM. */
export function parseFindCertificate(text: string): KeychainCertificate[] {
  const out: KeychainCertificate[] = [];
  let sha256: string | null = null;
  let sha1: string | null = null;
  let pem: string[] | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    const h256 = /^SHA-256 hash:\s*([0-9A-Fa-f]{64})\s*$/.exec(line);
    const h1 = /^SHA-1 hash:\s*([0-9A-Fa-f]{40})\s*$/.exec(line);
    if (h256) {
      sha256 = h256[1]!.toUpperCase();
      continue;
    }
    if (h1) {
      sha1 = h1[1]!.toUpperCase();
      continue;
    }
    if (line === '-----BEGIN CERTIFICATE-----') {
      pem = [line];
      continue;
    }
    if (pem) {
      pem.push(line);
      if (line === '-----END CERTIFICATE-----') {
        if (sha1) out.push({ sha256, sha1, pem: pem.join('\n') + '\n' });
        sha256 = null;
        sha1 = null;
        pem = null;
      }
    }
  }
  return out;
}

/** `security find-identity -v -p ssl-client KEYCHAIN`: `  1) <SHA1> "<name>"` lines, then `N valid identities found`. */
export function parseFindIdentity(text: string): KeychainIdentity[] {
  const out: KeychainIdentity[] = [];
  const seen = new Set<string>();
  for (const line of text.split('\n')) {
    const m = /^\s*\d+\)\s+([0-9A-Fa-f]{40})\s+"(.*)"\s*$/.exec(line.replace(/\r$/, ''));
    if (!m) continue;
    const sha1 = m[1]!.toUpperCase();
    if (seen.has(sha1)) continue;
    seen.add(sha1);
    out.push({ sha1, name: m[2]! });
  }
  return out;
}

/**
 * `security find-identity -p ssl-client KEYCHAIN` (no `-v`): the "Matching identities" part,
 * where an invalid identity carries its reason after the name, e.g.
 * `  2) <SHA1> "MAC01.local" (CSSMERR_TP_CERT_EXPIRED)`.
 */
export function parseFindIdentityAll(text: string): KeychainIdentityEntry[] {
  const out: KeychainIdentityEntry[] = [];
  const seen = new Set<string>();
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    // The second part repeats the valid ones: the first part already listed every identity.
    if (/^\s*Valid identities only\s*$/.test(line)) break;
    const m = /^\s*\d+\)\s+([0-9A-Fa-f]{40})\s+"(.*)"(?:\s+\(([^()]*)\))?\s*$/.exec(line);
    if (!m) continue;
    const sha1 = m[1]!.toUpperCase();
    if (seen.has(sha1)) continue;
    seen.add(sha1);
    out.push({ sha1, name: m[2]!, problem: m[3] ?? null });
  }
  return out;
}

const TRUST_RESULTS: Record<number, TrustSetting['result']> = {
  1: 'trust-root',
  2: 'trust-as-root',
  3: 'deny',
  4: 'unspecified',
};

/**
 * The property list `security trust-settings-export` writes: `trustList` maps each
 * certificate's SHA-1 (hex) to a dict whose `trustSettings` array holds the usage
 * constraints; each constraint may name a policy (`kSecTrustSettingsPolicyName`) and a result
 * (`kSecTrustSettingsResult`: 1 trust root, the default; 2 trust as root; 3 deny; 4 unspecified).
 * A denial anywhere wins; then a trust result; otherwise the setting decides nothing.
 */
export function parseTrustSettings(xml: string): TrustSetting[] {
  const root = parsePlist(xml);
  if (!isPlistDict(root)) throw new Error('the trust settings are not a dictionary');
  const list = root.trustList;
  if (list === undefined) return [];
  if (!isPlistDict(list)) throw new Error('trustList is not a dictionary');
  const out: TrustSetting[] = [];
  for (const [key, entry] of Object.entries(list)) {
    if (!/^[0-9A-Fa-f]{40}$/.test(key) || !isPlistDict(entry)) continue;
    const settings = Array.isArray(entry.trustSettings) ? entry.trustSettings : [];
    const results: TrustSetting['result'][] = [];
    const policies: string[] = [];
    for (const c of settings) {
      if (!isPlistDict(c)) continue;
      const r =
        typeof c.kSecTrustSettingsResult === 'number'
          ? (TRUST_RESULTS[c.kSecTrustSettingsResult] ?? 'unspecified')
          : 'trust-root';
      results.push(r);
      if (typeof c.kSecTrustSettingsPolicyName === 'string' && r !== 'unspecified' && r !== 'deny')
        policies.push(c.kSecTrustSettingsPolicyName);
    }
    const result: TrustSetting['result'] =
      settings.length === 0
        ? 'trust-root'
        : results.includes('deny')
          ? 'deny'
          : results.includes('trust-root')
            ? 'trust-root'
            : results.includes('trust-as-root')
              ? 'trust-as-root'
              : 'unspecified';
    // A trusting constraint without a policy name applies to every policy.
    const everyPolicy =
      settings.length === 0 ||
      settings.some(
        (c) =>
          isPlistDict(c) &&
          c.kSecTrustSettingsPolicyName === undefined &&
          c.kSecTrustSettingsPolicy === undefined &&
          (c.kSecTrustSettingsResult === undefined ||
            c.kSecTrustSettingsResult === 1 ||
            c.kSecTrustSettingsResult === 2),
      );
    out.push({ sha1: key.toUpperCase(), result, policies: everyPolicy ? [] : [...new Set(policies)] });
  }
  return out;
}

/** True when the certificate with this SHA-1 is trusted as a root in the admin domain. */
export function isTrustedRoot(settings: readonly TrustSetting[], sha1: string): boolean {
  const s = settings.find((t) => t.sha1 === sha1.toUpperCase());
  return s !== undefined && (s.result === 'trust-root' || s.result === 'trust-as-root');
}

/** Runs the export into a private folder of this computer (the Mac the executor drives) and reads it back. */
async function readTrustSettings(executor: Executor): Promise<TrustSetting[] | null> {
  return withPrivateTempDir(async (dir) => {
    const file = join(dir, 'trust-settings.plist');
    const r = await executor.run(trustSettingsExportCommand(file));
    if (r.exitCode !== 0) return /No Trust Settings were found/i.test(r.stderr + r.stdout) ? [] : null;
    try {
      return parseTrustSettings(await fs.readFile(file, 'utf8'));
    } catch {
      return null;
    }
  }, 'onboard-trust-');
}

/** `hdiutil attach -plist`: the mount points of the attached image's volumes. */
export function parseHdiutilAttach(plist: string): string[] {
  const out: string[] = [];
  const re = /<key>mount-point<\/key>\s*<string>([^<]*)<\/string>/g;
  for (let m = re.exec(plist); m; m = re.exec(plist)) out.push(decodeXml(m[1]!));
  return out;
}

function decodeXml(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

function keyValueLines(text: string, sep: ':' | '='): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    const i = line.indexOf(sep);
    if (i <= 0) continue;
    const key = line.slice(0, i).trim();
    if (!out.has(key)) out.set(key, line.slice(i + 1).trim());
  }
  return out;
}

/** The host name 1E expects in the certificate's CN or DNS SAN. */
export function expectedHostName(
  f: Pick<MacFacts, 'localHostName' | 'hostName' | 'hostname' | 'domain'>,
): string | null {
  if (f.domain) {
    if (f.hostName && f.hostName.toLowerCase().endsWith(`.${f.domain.domain.toLowerCase()}`)) return f.hostName;
    const account = f.domain.computerAccount?.replace(/\$$/, '');
    if (account) return `${account}.${f.domain.domain}`;
  }
  if (f.localHostName) return `${f.localHostName}.local`;
  return f.hostname;
}

/** Asks the Mac everything the plans and the verifier need, with read-only commands only. */
export async function gatherFacts(executor: Executor): Promise<MacFacts> {
  const run = (c: Command) => executor.run(c);
  const [sw, un, tr, ro, lhn, cn, hn, hnCmd, ds, groups, pkg, lc, certs, ids, allIds] = await Promise.all([
    run(FACT_COMMANDS.swVers),
    run(FACT_COMMANDS.uname),
    run(FACT_COMMANDS.translated),
    run(FACT_COMMANDS.rosetta),
    run(FACT_COMMANDS.localHostName),
    run(FACT_COMMANDS.computerName),
    run(FACT_COMMANDS.hostName),
    run(FACT_COMMANDS.hostname),
    run(FACT_COMMANDS.dsconfigad),
    run(FACT_COMMANDS.groups),
    run(FACT_COMMANDS.pkgInfo),
    run(FACT_COMMANDS.launchctlPrint),
    run(FACT_COMMANDS.findCertificate),
    run(FACT_COMMANDS.findIdentity),
    run(FACT_COMMANDS.findIdentityAll),
  ]);
  const trustSettings = await readTrustSettings(executor);
  let conf: MacFacts['conf'] = null;
  for (const path of CONF_PATHS) {
    const r = await run(catCommand(path));
    if (r.exitCode === 0) {
      conf = { path, text: r.stdout, values: confValues(parseConf(r.stdout)) };
      break;
    }
  }
  const arch = un.exitCode === 0 ? parseUname(un.stdout) : null;
  const translated = parseSysctlTranslated(tr);
  const base = {
    localHostName: parseScutilGet(lhn),
    computerName: parseScutilGet(cn),
    hostName: parseScutilGet(hn),
    hostname: hnCmd.exitCode === 0 ? hnCmd.stdout.trim() || null : null,
    domain: ds.exitCode === 0 ? parseDsconfigad(ds.stdout) : null,
  };
  return {
    known: true,
    macos: sw.exitCode === 0 ? parseSwVers(sw.stdout) : null,
    // Under Rosetta uname says x86_64; the hardware is still Apple Silicon.
    arch: translated ? 'arm64' : arch,
    translated,
    rosettaWorks: ro.exitCode === 0,
    ...base,
    expectedHostName: expectedHostName(base),
    admin: groups.exitCode === 0 ? parseIdGroups(groups.stdout).includes('admin') : null,
    client: pkg.exitCode === 0 ? parsePkgInfo(pkg.stdout) : null,
    daemon: lc.exitCode === 0 ? parseLaunchctlPrint(lc.stdout) : null,
    conf,
    certificates: certs.exitCode === 0 ? parseFindCertificate(certs.stdout) : [],
    identities: ids.exitCode === 0 ? parseFindIdentity(ids.stdout) : [],
    allIdentities: allIds.exitCode === 0 ? parseFindIdentityAll(allIds.stdout) : [],
    trustSettings,
  };
}
