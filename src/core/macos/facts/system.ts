// Reading the Mac's own commands: one parser per output of sw_vers, uname, sysctl, scutil, dsconfigad, id, pkgutil, launchctl and hdiutil.
import type { CommandResult } from '../types';

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
export interface DomainBinding {
  forest: string | null;
  domain: string;
  computerAccount: string | null;
}

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

/**
 * `launchctl managername`: the name of the launchd session this process runs in, e.g. `Aqua`.
 * launchd-842's launchctl.c (managername_cmd) prints it on stdout, or `Unknown job manager!` with
 * exit 1; the names it knows are LoginWindow, Background, Aqua, StandardIO and System
 * (liblaunch/vproc_priv.h). Recorded on current macOS: `Aqua` in Terminal, `Background` over SSH
 * (thekodelab.com, "macOS GUI Terminal vs. SSH Sessions"; NousResearch/hermes-agent#40983).
 * See test/fixtures/macos/launchctl/.
 */
export function parseManagerName(r: CommandResult): string | null {
  if (r.exitCode !== 0) return null;
  const name = r.stdout.split('\n')[0]!.trim();
  return /^[A-Za-z]+$/.test(name) ? name : null;
}

/**
 * Only an Aqua session (a GUI login: Terminal, `sudo` typed in it, an app) can show the
 * SecurityAgent dialog that admin trust changes need since macOS 11: authd refuses a caller
 * whose audit session has no graphic access (Security-61439.140.12, OSX/authd/engine.c#L1010-1019).
 */
export function sessionCanShowDialogs(session: string | null): boolean {
  return session === 'Aqua';
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
