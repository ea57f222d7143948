// Everything a simulated Mac holds (its fixed facts, keychain, packages, files, launchd jobs, mounts), in one place, and its saved form.
import type { X509Certificate } from 'node:crypto';

export type SimTrustResult = 'trustRoot' | 'trustAsRoot' | 'deny' | 'unspecified';

/**
 * The launchd session the simulated Mac's processes run in (`launchctl managername` prints it):
 * `aqua` a person logged in at the Mac (Terminal, `sudo` typed in it, the app); `background` an
 * SSH login; `system` a launchd daemon such as an MDM agent. Only `aqua` can show the dialog an
 * admin trust change needs (see trust-settings.ts).
 */
export type SimSession = 'aqua' | 'background' | 'system';
export const SIM_SESSIONS: readonly SimSession[] = ['aqua', 'background', 'system'];

export interface SimulatedMacOptions {
  /** e.g. '14.4.1' (default). macOS 12 to 14 refuse PFX files that are not 3DES/SHA-1, as the real ones do. */
  macosVersion?: string;
  build?: string;
  arch?: 'arm64' | 'x86_64';
  /** Rosetta 2 installed (Apple Silicon only; Intel Macs run Intel code natively). */
  rosetta?: boolean;
  localHostName?: string;
  computerName?: string;
  /** scutil HostName; unset by default, as on most Macs. */
  hostName?: string | null;
  /** Active Directory binding (dsconfigad -show); none by default. */
  domain?: { domain: string; forest?: string; computerAccount?: string } | null;
  /** The user is in the admin group (default true). */
  admin?: boolean;
  /** An installed 1E Client. */
  client?: { version: string; conf?: string; confPath?: string; running?: boolean } | null;
  /**
   * Certificates already in the System keychain (PEM or parsed), optionally with an
   * admin-domain trust setting: `trusted: true` is `trustRoot` for every purpose; `trust`
   * names another result (e.g. 'deny' for Never Trust).
   */
  certificates?: { certificate: X509Certificate | string; trusted?: boolean; trust?: SimTrustResult }[];
  /** What each disk image (by path) holds; default: one package named like the image. */
  diskImages?: Record<string, string[]>;
  /** Clock for install times, pids and certificate validity. */
  now?: () => Date;
  /** Where its processes run (default 'aqua': a person at the Mac). */
  session?: SimSession;
}

/** An admin-domain trust setting as `add-trusted-cert -d` records it. */
export interface SimTrust {
  result: SimTrustResult;
  policies: string[];
  modDate: Date;
}
export interface SimCertificate {
  x509: X509Certificate;
  pem: string;
  sha256: string;
  sha1: string;
}
/**
 * One certificate's entry in the admin trust settings. Trust settings are keyed by the
 * certificate's SHA-1 and need not name a certificate in any keychain: `add-trusted-cert`
 * without `-k` adds nothing to a keychain (trusted_cert_add.c#L484, "note we do NOT add by default").
 */
export interface SimTrustEntry {
  x509: X509Certificate;
  pem: string;
  sha1: string;
  trust: SimTrust;
}
export interface SimIdentity {
  sha1: string;
  name: string;
  anyApp: boolean;
  apps: string[];
}
export interface SimPackage {
  id: string;
  version: string;
  volume: string;
  location: string;
  installTime: number;
  files: string[];
}
export interface SimFile {
  content: Buffer;
  mode: number;
}
export interface SimJob {
  label: string;
  plist: string;
  running: boolean;
  pid: number | null;
  lastExit: string;
}

export interface SavedTrust {
  result: SimTrustResult;
  policies: string[];
  modDate: string;
}

/**
 * Everything that lasts on a simulated Mac, as plain JSON (`onboard apply --simulate-state FILE`):
 * its fixed facts, keychain, packages, files and launchd jobs. Not kept: mounts, prompts, the
 * command log and failure rules, which belong to one run.
 */
export interface SimulatedMacState {
  format: 'onboard-simulated-mac/1';
  macosVersion: string;
  build: string;
  arch: 'arm64' | 'x86_64';
  rosetta: boolean;
  names: { localHostName: string; computerName: string; hostName: string | null };
  domain: { domain: string; forest?: string; computerAccount?: string } | null;
  admin: boolean;
  /** The System keychain's certificates, each with its admin trust setting (null: none). */
  certificates: { pem: string; trust: SavedTrust | null }[];
  /** Admin trust settings of certificates that are not in the keychain. */
  adminTrust?: { pem: string; trust: SavedTrust }[];
  identities: { sha1: string; name: string; anyApp: boolean; apps: string[] }[];
  packages: { id: string; version: string; volume: string; location: string; installTime: number; files: string[] }[];
  /** Contents base64, mode as a number. */
  files: { path: string; mode: number; base64: string }[];
  /** Folders made beyond the system ones every Mac has. */
  dirs: string[];
  launchd: { label: string; plist: string; running: boolean; pid: number | null; lastExit: string }[];
  nextPid: number;
  /** The session the next run works in (absent in states saved before it was modelled: 'aqua'). */
  session?: SimSession;
}

function saved(t: SimTrustEntry | undefined): SavedTrust | null {
  return t ? { result: t.trust.result, policies: [...t.trust.policies], modDate: t.trust.modDate.toISOString() } : null;
}

/** Folders every Mac has (no source: the few the modelled commands touch). */
export const SYSTEM_DIRS = [
  '/',
  '/Library',
  '/Library/Application Support',
  '/Library/Logs',
  '/Library/LaunchDaemons',
  '/Library/Keychains',
  '/etc',
  '/tmp',
  '/Volumes',
  '/usr',
  '/usr/bin',
];

/**
 * The one place a simulated Mac's data lives; the program modules read and change it. Fixed facts
 * come from the options; the rest starts empty and is filled by the SimulatedMac or a saved state.
 */
export class MacState {
  readonly now: () => Date;
  readonly version: string;
  readonly build: string;
  readonly arch: 'arm64' | 'x86_64';
  rosetta: boolean;
  readonly names: { localHostName: string; computerName: string; hostName: string | null };
  readonly domain: SimulatedMacOptions['domain'];
  readonly admin: boolean;
  readonly diskImages: Record<string, string[]>;
  /** Not a fact of the Mac but of where the caller runs: a rerun may come from another session. */
  session: SimSession;
  certificates: SimCertificate[] = [];
  /** The admin-domain trust settings, by upper-case SHA-1. */
  readonly adminTrust = new Map<string, SimTrustEntry>();
  identities: SimIdentity[] = [];
  readonly packages = new Map<string, SimPackage>();
  readonly files = new Map<string, SimFile>();
  readonly dirs = new Set<string>(SYSTEM_DIRS);
  readonly jobs = new Map<string, SimJob>();
  /** Mount point to the image mounted there. */
  readonly mounts = new Map<string, string>();
  nextPid = 400;

  constructor(opts: SimulatedMacOptions) {
    this.now = opts.now ?? (() => new Date());
    this.version = opts.macosVersion ?? '14.4.1';
    this.build = opts.build ?? '23E224';
    this.arch = opts.arch ?? 'arm64';
    this.rosetta = this.arch === 'arm64' ? (opts.rosetta ?? false) : false;
    this.names = {
      localHostName: opts.localHostName ?? 'MAC01',
      computerName: opts.computerName ?? opts.localHostName ?? 'MAC01',
      hostName: opts.hostName ?? null,
    };
    this.domain = opts.domain ?? null;
    this.admin = opts.admin ?? true;
    this.diskImages = opts.diskImages ?? {};
    this.session = opts.session ?? 'aqua';
  }

  majorVersion(): number {
    return Number(this.version.split('.')[0]);
  }

  /** The lasting state, for saving between runs (see SimulatedMacState). */
  toJSON(): SimulatedMacState {
    return {
      format: 'onboard-simulated-mac/1',
      macosVersion: this.version,
      build: this.build,
      arch: this.arch,
      rosetta: this.rosetta,
      names: { ...this.names },
      domain: this.domain ? { ...this.domain } : null,
      admin: this.admin,
      certificates: this.certificates.map((c) => ({ pem: c.pem, trust: saved(this.adminTrust.get(c.sha1)) })),
      adminTrust: [...this.adminTrust.values()]
        .filter((t) => !this.certificates.some((c) => c.sha1 === t.sha1))
        .map((t) => ({ pem: t.pem, trust: saved(t)! })),
      identities: this.identities.map((i) => ({ ...i, apps: [...i.apps] })),
      packages: [...this.packages.values()].map((p) => ({ ...p, files: [...p.files] })),
      files: [...this.files.entries()].map(([path, f]) => ({
        path,
        mode: f.mode,
        base64: f.content.toString('base64'),
      })),
      dirs: [...this.dirs].filter((d) => !SYSTEM_DIRS.includes(d)),
      launchd: [...this.jobs.values()].map((j) => ({ ...j })),
      nextPid: this.nextPid,
      session: this.session,
    };
  }

  /** Takes identities, packages, files, folders and jobs from a saved state (certificates are the keychain's to add). */
  restore(state: SimulatedMacState): void {
    this.identities = state.identities.map((i) => ({
      sha1: String(i.sha1),
      name: String(i.name),
      anyApp: i.anyApp === true,
      apps: i.apps.map(String),
    }));
    for (const p of state.packages) this.packages.set(p.id, { ...p, files: [...p.files] });
    for (const f of state.files)
      this.files.set(f.path, { content: Buffer.from(f.base64, 'base64'), mode: Number(f.mode) });
    for (const d of state.dirs) this.dirs.add(d);
    for (const j of state.launchd) this.jobs.set(j.label, { ...j });
    if (Number.isInteger(state.nextPid)) this.nextPid = state.nextPid;
    if (state.session !== undefined && SIM_SESSIONS.includes(state.session)) this.session = state.session;
  }
}
