// A stateful stand-in for a Mac (macOS cannot run here): keychain, trust, identities, packages, files, launchd; real output formats.
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import forge from 'node-forge';
import { basename, posix } from 'node:path';
import { analysePfx, readPfx } from '../../pki/pkcs12';
import { isOnboardError } from '../../errors';
import type { ActionAwareExecutor, PrivilegedRunner } from '../execute';
import { InProcessPrivilegedRunner } from '../execute';
import {
  BIN,
  CLIENT_BINARY,
  CLIENT_LAUNCHD_LABEL,
  CLIENT_LOG,
  CLIENT_PACKAGE_ID,
  CLIENT_PLIST,
  DAEMON_LOG,
  DEFAULT_CONF_PATH,
  SYSTEM_KEYCHAIN,
} from '../paths';
import { displayCommand } from '../quote';
import type { Command, CommandResult } from '../types';
import { listZipEntries } from '../zip';
import { CONF_MERGE_PROGRAM, confHoldsMerge, mergedConfText, parseConfSettingsFile } from '../conf-merge';

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
}

/** A rule that makes a command fail without changing anything, for rollback tests. */
export interface FailureRule {
  /** Matches the action (by id) the command runs for, as told by the plan executor. */
  actionId?: string;
  program?: string;
  /** Every one of these must appear in argv. */
  argsInclude?: string[];
  exitCode?: number;
  stderr?: string;
  /** How many times it fires (default: always). */
  times?: number;
}

export type SimTrustResult = 'trustRoot' | 'trustAsRoot' | 'deny' | 'unspecified';
/** An admin-domain trust setting as `add-trusted-cert -d` records it. */
interface SimTrust {
  result: SimTrustResult;
  policies: string[];
  modDate: Date;
}
interface SimCertificate {
  x509: X509Certificate;
  pem: string;
  sha256: string;
  sha1: string;
  trust: SimTrust | null;
}

/** Trusted as a root: what makes chains (and so identities) valid. */
function trusted(c: SimCertificate): boolean {
  return c.trust !== null && (c.trust.result === 'trustRoot' || c.trust.result === 'trustAsRoot');
}

/** kSecTrustSettingsResult values. */
const TRUST_RESULT_CODE: Record<SimTrustResult, number> = { trustRoot: 1, trustAsRoot: 2, deny: 3, unspecified: 4 };
interface SimIdentity {
  sha1: string;
  name: string;
  anyApp: boolean;
  apps: string[];
}
interface SimPackage {
  id: string;
  version: string;
  volume: string;
  location: string;
  installTime: number;
  files: string[];
}
interface SimFile {
  content: Buffer;
  mode: number;
}
interface SimJob {
  label: string;
  plist: string;
  running: boolean;
  pid: number | null;
  lastExit: string;
}

export interface SimulatedMacSnapshot {
  macos: { version: string; build: string };
  arch: 'arm64' | 'x86_64';
  rosetta: boolean;
  hostNames: { localHostName: string; computerName: string; hostName: string | null };
  certificates: {
    sha256: string;
    sha1: string;
    subject: string;
    trusted: boolean;
    trustSetting: SimTrustResult | null;
  }[];
  identities: { sha1: string; name: string; anyApp: boolean; apps: string[] }[];
  packages: { id: string; version: string; location: string; files: string[] }[];
  files: Record<string, string>;
  launchd: { label: string; running: boolean; pid: number | null }[];
  mounts: string[];
  /** One entry per administrator prompt shown (its title). */
  adminPrompts: string[];
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
  certificates: { pem: string; trust: { result: SimTrustResult; policies: string[]; modDate: string } | null }[];
  identities: { sha1: string; name: string; anyApp: boolean; apps: string[] }[];
  packages: { id: string; version: string; volume: string; location: string; installTime: number; files: string[] }[];
  /** Contents base64, mode as a number. */
  files: { path: string; mode: number; base64: string }[];
  /** Folders made beyond the system ones every Mac has. */
  dirs: string[];
  launchd: { label: string; plist: string; running: boolean; pid: number | null; lastExit: string }[];
  nextPid: number;
}

export interface SimulatedCommandRecord {
  line: string;
  root: boolean;
  exitCode: number;
  actionId: string | null;
}

const DEFAULT_CONF = [
  '# 1E Client configuration file',
  '# Switch and BackgroundChannelUrl are set by the installation script.',
  'Switch=',
  'BackgroundChannelUrl=',
  'LoggingLevel=Info',
  'LogPath=/Library/Logs/1E.Client.log',
  'AuthenticationPolicy=optional',
  '',
].join('\n');

const PACKAGE_FILES = [
  'Application Support/1E/Client/1E.Client',
  'Application Support/1E/Client/1E.Client.conf',
  'Application Support/1E/Client/scripts/uninstall.sh',
  'LaunchDaemons/com.1e.pkg.1E.Client.plist',
];

const SYSTEM_DIRS = [
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
const COMPATIBLE_KEY_BAG = 'pbeWithSHA1And3-KeyTripleDES-CBC';
const MAC_VERIFY_FAILED =
  'security: SecKeychainItemImport: MAC verification failed during PKCS12 import (wrong password?)\n';

const ok = (stdout = '', stderr = ''): CommandResult => ({ exitCode: 0, stdout, stderr });
const err = (exitCode: number, stderr: string, stdout = ''): CommandResult => ({
  exitCode,
  stdout,
  stderr: stderr.endsWith('\n') ? stderr : stderr + '\n',
});

function hex(cert: X509Certificate, which: 'fingerprint' | 'fingerprint256'): string {
  return cert[which].replace(/:/g, '').toUpperCase();
}

function cnOf(cert: X509Certificate): string {
  const m = /(?:^|\n)CN=([^\n]*)/.exec(cert.subject);
  return m ? m[1]! : (cert.subject.split('\n')[0] ?? '');
}

function toCert(c: X509Certificate | string): X509Certificate {
  return typeof c === 'string' ? new X509Certificate(c) : c;
}

/** The simulated Mac. `run` acts as the logged-in administrator; `asRoot()` as root (inside an admin batch). */
export class SimulatedMac implements ActionAwareExecutor {
  readonly kind = 'simulated' as const;
  private readonly now: () => Date;
  private readonly version: string;
  private readonly build: string;
  private readonly arch: 'arm64' | 'x86_64';
  private rosetta: boolean;
  private readonly names: { localHostName: string; computerName: string; hostName: string | null };
  private readonly domain: SimulatedMacOptions['domain'];
  private readonly admin: boolean;
  private readonly diskImages: Record<string, string[]>;
  private certificates: SimCertificate[] = [];
  private identities: SimIdentity[] = [];
  private readonly packages = new Map<string, SimPackage>();
  private readonly files = new Map<string, SimFile>();
  private readonly dirs = new Set<string>(SYSTEM_DIRS);
  private readonly jobs = new Map<string, SimJob>();
  private readonly mounts = new Map<string, string>();
  private readonly prompts: string[] = [];
  private readonly rules: FailureRule[] = [];
  private readonly log: SimulatedCommandRecord[] = [];
  private currentAction: string | null = null;
  private nextPid = 400;
  /** Set to false to simulate a technician cancelling the administrator prompt. */
  grantAdminPrompts = true;

  constructor(opts: SimulatedMacOptions = {}) {
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
    for (const c of opts.certificates ?? []) {
      const result = c.trust ?? (c.trusted ? 'trustRoot' : null);
      this.addCertificate(toCert(c.certificate), result ? { result, policies: [], modDate: this.now() } : null);
    }
    if (opts.client) {
      this.installPackage(opts.client.version);
      const confPath = opts.client.confPath ?? DEFAULT_CONF_PATH;
      if (confPath !== DEFAULT_CONF_PATH) this.files.delete(DEFAULT_CONF_PATH);
      if (opts.client.conf !== undefined) this.writeFile(confPath, Buffer.from(opts.client.conf), 0o644);
      if (opts.client.running) this.loadJob(true);
    }
  }

  // ---- test and preview controls

  /** Makes matching commands fail (without changing anything). */
  failWhen(rule: FailureRule): void {
    this.rules.push({ ...rule });
  }

  /** Called by the plan executor so failure rules can name actions. */
  beginAction(actionId: string | null): void {
    this.currentAction = actionId;
  }

  /** An executor that runs commands as root on this same Mac. */
  asRoot(): ActionAwareExecutor {
    return {
      kind: 'simulated',
      run: (c: Command) => Promise.resolve(this.execute(c, true)),
      beginAction: (id: string | null) => this.beginAction(id),
    };
  }

  /** Shows (records) one administrator prompt; false when the technician cancels it (grantAdminPrompts = false). */
  adminPrompt(title: string): boolean {
    this.prompts.push(title);
    return this.grantAdminPrompts;
  }

  /** One administrator prompt per batch, like PrivilegedBatch on a real Mac. */
  privilegedRunner(): PrivilegedRunner {
    return new InProcessPrivilegedRunner(this);
  }

  /** Adds lines to a log file (e.g. a client error the verifier should diagnose). */
  appendLog(path: string, text: string): void {
    const prev = this.files.get(path)?.content ?? Buffer.alloc(0);
    this.writeFile(path, Buffer.concat([prev, Buffer.from(text.endsWith('\n') ? text : text + '\n')]), 0o644);
  }

  /** Every command run so far (secrets masked). */
  commands(): readonly SimulatedCommandRecord[] {
    return this.log.map((r) => ({ ...r }));
  }

  snapshot(): SimulatedMacSnapshot {
    const files: Record<string, string> = {};
    for (const [p, f] of [...this.files.entries()].sort(([a], [b]) => a.localeCompare(b)))
      files[p] = f.content.toString('utf8');
    return deepFreeze({
      macos: { version: this.version, build: this.build },
      arch: this.arch,
      rosetta: this.rosetta,
      hostNames: { ...this.names },
      certificates: this.certificates.map((c) => ({
        sha256: c.sha256,
        sha1: c.sha1,
        subject: c.x509.subject,
        trusted: trusted(c),
        trustSetting: c.trust?.result ?? null,
      })),
      identities: this.identities.map((i) => ({ ...i, apps: [...i.apps] })),
      packages: [...this.packages.values()].map((p) => ({
        id: p.id,
        version: p.version,
        location: p.location,
        files: [...p.files],
      })),
      files,
      launchd: [...this.jobs.values()].map((j) => ({ label: j.label, running: j.running, pid: j.pid })),
      mounts: [...this.mounts.keys()],
      adminPrompts: [...this.prompts],
    });
  }

  run(command: Command): Promise<CommandResult> {
    return Promise.resolve(this.execute(command, false));
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
      certificates: this.certificates.map((c) => ({
        pem: c.pem,
        trust: c.trust
          ? { result: c.trust.result, policies: [...c.trust.policies], modDate: c.trust.modDate.toISOString() }
          : null,
      })),
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
    };
  }

  /** A simulated Mac as a saved state left it. Throws (TypeError or the certificate parser's error) on a state that is not one. */
  static fromJSON(state: SimulatedMacState, opts: Pick<SimulatedMacOptions, 'now' | 'diskImages'> = {}): SimulatedMac {
    if (state?.format !== 'onboard-simulated-mac/1') throw new TypeError('not an onboard-simulated-mac/1 state');
    const mac = new SimulatedMac({
      ...opts,
      macosVersion: String(state.macosVersion),
      build: String(state.build),
      arch: state.arch === 'x86_64' ? 'x86_64' : 'arm64',
      rosetta: state.rosetta === true,
      localHostName: String(state.names.localHostName),
      computerName: String(state.names.computerName),
      hostName: state.names.hostName ?? null,
      domain: state.domain ?? null,
      admin: state.admin !== false,
    });
    for (const c of state.certificates) {
      const trust = c.trust
        ? { result: c.trust.result, policies: [...c.trust.policies], modDate: new Date(c.trust.modDate) }
        : null;
      mac.addCertificate(new X509Certificate(c.pem), trust);
    }
    mac.identities = state.identities.map((i) => ({
      sha1: String(i.sha1),
      name: String(i.name),
      anyApp: i.anyApp === true,
      apps: i.apps.map(String),
    }));
    for (const p of state.packages) mac.packages.set(p.id, { ...p, files: [...p.files] });
    for (const f of state.files)
      mac.files.set(f.path, { content: Buffer.from(f.base64, 'base64'), mode: Number(f.mode) });
    for (const d of state.dirs) mac.dirs.add(d);
    for (const j of state.launchd) mac.jobs.set(j.label, { ...j });
    if (Number.isInteger(state.nextPid)) mac.nextPid = state.nextPid;
    return mac;
  }

  // ---- the command dispatcher

  private execute(c: Command, root: boolean): CommandResult {
    const rule = this.rules.find((r) => (r.times ?? 1) > 0 && this.matches(r, c));
    let result: CommandResult;
    if (rule) {
      if (rule.times !== undefined) rule.times--;
      result = err(rule.exitCode ?? 1, rule.stderr ?? `${basename(c.program)}: simulated failure`);
    } else {
      try {
        result = this.dispatch(c, root);
      } catch (e) {
        result = err(1, `${basename(c.program)}: ${(e as Error).message}`);
      }
    }
    this.log.push({ line: displayCommand(c), root, exitCode: result.exitCode, actionId: this.currentAction });
    return result;
  }

  private matches(r: FailureRule, c: Command): boolean {
    if (r.actionId !== undefined && r.actionId !== this.currentAction) return false;
    if (r.program !== undefined && r.program !== c.program) return false;
    if (r.argsInclude && !r.argsInclude.every((a) => c.args.includes(a))) return false;
    return r.actionId !== undefined || r.program !== undefined || r.argsInclude !== undefined;
  }

  private dispatch(c: Command, root: boolean): CommandResult {
    const a = c.args;
    switch (c.program) {
      case BIN.swVers:
        return ok(`ProductName:\t\tmacOS\nProductVersion:\t\t${this.version}\nBuildVersion:\t\t${this.build}\n`);
      case BIN.uname:
        return a[0] === '-m' ? ok(`${this.arch}\n`) : ok('Darwin\n');
      case BIN.sysctl:
        if (a[0] === '-n' && a[1] === 'sysctl.proc_translated')
          return this.arch === 'arm64' ? ok('0\n') : err(1, "sysctl: unknown oid 'sysctl.proc_translated'");
        return err(1, `sysctl: unknown oid '${a[a.length - 1] ?? ''}'`);
      case BIN.arch:
        if (a[0] === '-x86_64') {
          if (this.arch === 'x86_64' || this.rosetta) return ok();
          return err(1, `arch: posix_spawnp: ${a[1] ?? ''}: Bad CPU type in executable`);
        }
        return ok(`${this.arch}\n`);
      case BIN.true:
        return ok();
      case BIN.scutil:
        return this.scutil(a);
      case BIN.hostname:
        return ok(`${this.names.hostName ?? `${this.names.localHostName}.local`}\n`);
      case BIN.dsconfigad:
        if (!this.domain) return ok();
        return ok(
          [
            `Active Directory Forest          = ${this.domain.forest ?? this.domain.domain}`,
            `Active Directory Domain          = ${this.domain.domain}`,
            `Computer Account                 = ${this.domain.computerAccount ?? this.names.localHostName.toLowerCase() + '$'}`,
            '',
            'Advanced Options - User Experience',
            '  Create mobile account at login = Disabled',
            '',
          ].join('\n'),
        );
      case BIN.id:
        if (a[0] === '-Gn')
          return ok(
            `staff everyone localaccounts _appserverusr${this.admin ? ' admin _appserveradm _lpadmin' : ''} com.apple.sharepoint.group.1 _analyticsusers\n`,
          );
        if (a[0] === '-u') return ok(root ? '0\n' : '501\n');
        return ok(root ? 'uid=0(root) gid=0(wheel)\n' : 'uid=501(tech) gid=20(staff)\n');
      case BIN.pkgutil:
        return this.pkgutil(a, root);
      case BIN.launchctl:
        return this.launchctl(a, root);
      case BIN.security:
        return this.security(a, root);
      case BIN.hdiutil:
        return this.hdiutil(a);
      case BIN.ditto:
        return this.ditto(a);
      case BIN.installer:
        return this.installer(a, root);
      case BIN.softwareupdate:
        return this.softwareupdate(a, root);
      case BIN.install:
        return this.installCmd(a, root);
      case BIN.cp:
        return this.cp(a, root);
      case BIN.rm:
        return this.rm(a, root);
      case BIN.mkdir:
        return this.mkdir(a, root);
      case BIN.cmp:
        return this.cmp(a);
      case BIN.awk:
        return this.awk(a, root);
      case BIN.cat: {
        const p = a[0] ?? '';
        const data = this.readAny(p);
        return data ? ok(data.toString('utf8')) : err(1, `cat: ${p}: No such file or directory`);
      }
      case BIN.tail: {
        const n = a[0] === '-n' ? Number(a[1]) : 10;
        const p = a[a.length - 1] ?? '';
        const data = this.readAny(p);
        if (!data) return err(1, `tail: ${p}: No such file or directory`);
        const lines = data.toString('utf8').split('\n');
        if (lines[lines.length - 1] === '') lines.pop();
        return ok(
          lines
            .slice(Math.max(0, lines.length - n))
            .map((l) => l + '\n')
            .join(''),
        );
      }
      case BIN.test:
        return this.test(a);
      default:
        return err(127, `${c.program}: command not found (the simulated Mac does not model it)`);
    }
  }

  // ---- host names, packages, launchd

  private scutil(a: readonly string[]): CommandResult {
    if (a[0] !== '--get') return err(1, 'usage: scutil --get pref');
    const v =
      a[1] === 'LocalHostName'
        ? this.names.localHostName
        : a[1] === 'ComputerName'
          ? this.names.computerName
          : a[1] === 'HostName'
            ? this.names.hostName
            : null;
    return v === null ? err(1, `${a[1] ?? ''}: not set`) : ok(`${v}\n`);
  }

  private pkgutil(a: readonly string[], root: boolean): CommandResult {
    const id = a[a.length - 1] ?? '';
    const pkg = this.packages.get(id);
    const none = err(1, `No receipt for '${id}' found at '/'.`);
    if (a[0] === '--pkgs') return ok([...this.packages.keys()].map((k) => k + '\n').join(''));
    if (a[0] === '--pkg-info') {
      if (!pkg) return none;
      return ok(
        `package-id: ${pkg.id}\nversion: ${pkg.version}\nvolume: ${pkg.volume}\nlocation: ${pkg.location}\ninstall-time: ${pkg.installTime}\n`,
      );
    }
    if (a.includes('--files')) return pkg ? ok(pkg.files.map((f) => f + '\n').join('')) : none;
    if (a[0] === '--forget') {
      if (!root) return err(1, 'Must be run as root');
      if (!pkg) return none;
      this.packages.delete(id);
      return ok(`Forgot package '${id}' on '/'.\n`);
    }
    return err(1, 'pkgutil: unknown option');
  }

  private clientCanRun(): boolean {
    return this.files.has(CLIENT_BINARY) && (this.arch === 'x86_64' || this.rosetta);
  }

  private startJob(job: SimJob): void {
    if (this.clientCanRun()) {
      job.running = true;
      job.pid = this.nextPid++;
      const conf = this.readAny(DEFAULT_CONF_PATH)?.toString('utf8') ?? '';
      const sw = /^\s*Switch\s*=\s*(.*)$/im.exec(conf)?.[1] ?? '';
      const version = this.packages.get(CLIENT_PACKAGE_ID)?.version ?? 'unknown';
      const t = this.now().toISOString().replace('T', ' ').replace('Z', '');
      this.appendLog(
        CLIENT_LOG,
        `${t} INFO  - 1E Client ${version} starting (pid ${job.pid})\n${t} INFO  - Connecting to Switch ${sw || '(not configured)'}`,
      );
    } else {
      job.running = false;
      job.pid = null;
      job.lastExit = this.files.has(CLIENT_BINARY)
        ? '(spawn failed: 86: Bad CPU type in executable)'
        : '(spawn failed: 2: No such file or directory)';
      this.appendLog(DAEMON_LOG, `${this.now().toISOString()} launchd: ${CLIENT_LAUNCHD_LABEL}: ${job.lastExit}`);
    }
  }

  private loadJob(start: boolean): SimJob {
    const job: SimJob = {
      label: CLIENT_LAUNCHD_LABEL,
      plist: CLIENT_PLIST,
      running: false,
      pid: null,
      lastExit: '(never exited)',
    };
    this.jobs.set(job.label, job);
    if (start) this.startJob(job);
    return job;
  }

  private launchctl(a: readonly string[], root: boolean): CommandResult {
    const verb = a[0];
    const target = verb === 'print' || verb === 'bootout' || verb === 'kickstart' ? (a[a.length - 1] ?? '') : '';
    const label = target.replace(/^system\//, '');
    if (verb === 'print') {
      const job = this.jobs.get(label);
      if (!job || !target.startsWith('system/'))
        return err(113, `Could not find service "${label}" in domain for system`);
      return ok(this.printJob(job));
    }
    if (verb === 'list') {
      return ok(
        'PID\tStatus\tLabel\n' +
          [...this.jobs.values()].map((j) => `${j.running ? j.pid : '-'}\t0\t${j.label}\n`).join(''),
      );
    }
    if (!root)
      return err(
        1,
        `${verb === 'bootstrap' ? 'Bootstrap' : verb === 'bootout' ? 'Boot-out' : 'Operation'} failed: 1: Operation not permitted`,
      );
    switch (verb) {
      case 'bootstrap':
      case 'load': {
        const plist = a[a.length - 1] ?? '';
        if (!this.files.has(plist))
          return verb === 'bootstrap'
            ? err(5, 'Bootstrap failed: 5: Input/output error')
            : err(1, `${plist}: No such file or directory`);
        if (this.jobs.has(CLIENT_LAUNCHD_LABEL)) {
          return verb === 'bootstrap'
            ? err(5, 'Bootstrap failed: 5: Input/output error\nTry re-running the command as root for richer errors.')
            : ok('', `${plist}: service already loaded\n`);
        }
        this.loadJob(true);
        return ok();
      }
      case 'bootout':
      case 'unload': {
        const name = verb === 'unload' ? CLIENT_LAUNCHD_LABEL : label;
        if (!this.jobs.has(name))
          return verb === 'bootout'
            ? err(3, 'Boot-out failed: 3: No such process')
            : err(1, `Unload failed: 113: Could not find specified service`);
        this.jobs.delete(name);
        return ok();
      }
      case 'kickstart': {
        const job = this.jobs.get(label);
        if (!job) return err(113, `Could not find service "${label}" in domain for system`);
        if (job.running && !a.includes('-k')) return ok();
        this.startJob(job);
        return ok();
      }
      default:
        return err(1, `Unrecognized subcommand: ${verb ?? ''}`);
    }
  }

  private printJob(j: SimJob): string {
    return [
      `system/${j.label} = {`,
      '\tactive count = 1',
      `\tpath = ${j.plist}`,
      '\ttype = LaunchDaemon',
      `\tstate = ${j.running ? 'running' : 'not running'}`,
      '',
      `\tprogram = ${CLIENT_BINARY}`,
      '\targuments = {',
      `\t\t${CLIENT_BINARY}`,
      '\t}',
      '',
      '\tdefault environment = {',
      '\t\tPATH => /usr/bin:/bin:/usr/sbin:/sbin',
      '\t}',
      '',
      '\tdomain = system',
      '\tminimum runtime = 10',
      '\texit timeout = 5',
      '\truns = 1',
      ...(j.running && j.pid !== null ? [`\tpid = ${j.pid}`] : []),
      '\timmediate reason = speculative',
      `\tlast exit code = ${j.running ? '(never exited)' : j.lastExit}`,
      '',
      '\tproperties = keepalive | runatload | inferred program',
      '}',
      '',
    ].join('\n');
  }

  // ---- keychain

  /** Adds a certificate (once); a trust setting given replaces the one it had. */
  private addCertificate(x509: X509Certificate, trust: SimTrust | null): SimCertificate {
    const sha256 = hex(x509, 'fingerprint256');
    const existing = this.certificates.find((c) => c.sha256 === sha256);
    if (existing) {
      if (trust) existing.trust = trust;
      return existing;
    }
    const c: SimCertificate = { x509, pem: x509.toString(), sha256, sha1: hex(x509, 'fingerprint'), trust };
    this.certificates.push(c);
    return c;
  }

  private identityValid(id: SimIdentity): boolean {
    return this.identityProblem(id) === null;
  }

  /**
   * Why find-identity -v leaves an identity out (null: valid): out of date, no client
   * authentication, or no chain to a root trusted in the keychain; the codes are the ones
   * find-identity prints after the name.
   */
  private identityProblem(id: SimIdentity): string | null {
    const leaf = this.certificates.find((c) => c.sha1 === id.sha1);
    if (!leaf) return 'CSSMERR_TP_CERT_NOT_FOUND';
    const now = this.now().getTime();
    const eku = leaf.x509.keyUsage;
    if (eku && eku.length > 0 && !eku.includes('1.3.6.1.5.5.7.3.2')) return 'CSSMERR_APPLETP_SSL_BAD_EXT_KEY_USE';
    let cur = leaf;
    for (let depth = 0; depth < 10; depth++) {
      if (now > new Date(cur.x509.validTo).getTime()) return 'CSSMERR_TP_CERT_EXPIRED';
      if (now < new Date(cur.x509.validFrom).getTime()) return 'CSSMERR_TP_CERT_NOT_VALID_YET';
      if (cur.trust?.result === 'deny') return 'CSSMERR_TP_NOT_TRUSTED';
      if (trusted(cur)) return null;
      const issuer = this.certificates.find(
        (c) => c !== cur && cur.x509.checkIssued(c.x509) && safeVerify(cur.x509, c.x509),
      );
      if (!issuer) return 'CSSMERR_TP_NOT_TRUSTED';
      cur = issuer;
    }
    return 'CSSMERR_TP_NOT_TRUSTED';
  }

  /** The plist `security trust-settings-export` writes: trustList keyed by SHA-1, each with issuer, serial, date and constraints. */
  private trustSettingsPlist(list: SimCertificate[]): string {
    const data = (bytes: Buffer, indent: string) => {
      const b64 = bytes.toString('base64');
      const lines: string[] = [];
      for (let i = 0; i < b64.length; i += 52) lines.push(indent + b64.slice(i, i + 52));
      return [`${indent.slice(1)}<data>`, ...lines, `${indent.slice(1)}</data>`];
    };
    const out = [
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
      '<plist version="1.0">',
      '<dict>',
      '\t<key>trustList</key>',
      '\t<dict>',
    ];
    for (const c of list) {
      const t = c.trust!;
      const { issuer, serial } = issuerAndSerial(c.x509);
      out.push(
        `\t\t<key>${c.sha1}</key>`,
        '\t\t<dict>',
        '\t\t\t<key>issuerName</key>',
        ...data(issuer, '\t\t\t\t'),
        '\t\t\t<key>modDate</key>',
        `\t\t\t<date>${t.modDate.toISOString().replace(/\.\d{3}Z$/, 'Z')}</date>`,
        '\t\t\t<key>serialNumber</key>',
        ...data(serial, '\t\t\t\t'),
        '\t\t\t<key>trustSettings</key>',
      );
      // trustRoot for every policy is written as an empty list of constraints.
      if (t.result === 'trustRoot' && t.policies.length === 0) {
        out.push('\t\t\t<array/>');
      } else {
        out.push('\t\t\t<array>');
        for (const policy of t.policies.length ? t.policies : [null]) {
          out.push('\t\t\t\t<dict>');
          if (policy)
            out.push('\t\t\t\t\t<key>kSecTrustSettingsPolicyName</key>', `\t\t\t\t\t<string>${policy}</string>`);
          out.push(
            '\t\t\t\t\t<key>kSecTrustSettingsResult</key>',
            `\t\t\t\t\t<integer>${TRUST_RESULT_CODE[t.result]}</integer>`,
            '\t\t\t\t</dict>',
          );
        }
        out.push('\t\t\t</array>');
      }
      out.push('\t\t</dict>');
    }
    out.push('\t</dict>', '\t<key>trustVersion</key>', '\t<integer>1</integer>', '</dict>', '</plist>', '');
    return out.join('\n');
  }

  private readCertificateFile(path: string): X509Certificate | null {
    const data = this.readAny(path);
    if (!data) return null;
    try {
      return new X509Certificate(data);
    } catch {
      return null;
    }
  }

  private security(a: readonly string[], root: boolean): CommandResult {
    const verb = a[0];
    const writesSystem = a.includes(SYSTEM_KEYCHAIN) || verb === 'add-trusted-cert' || verb === 'remove-trusted-cert';
    switch (verb) {
      case 'find-certificate': {
        const pem = a.includes('-p');
        const hashes = a.includes('-Z');
        return ok(
          this.certificates
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
      case 'find-identity': {
        const validOnly = a.includes('-v');
        const lines = (list: SimIdentity[]) => list.map((i, n) => `  ${n + 1}) ${i.sha1} "${i.name}"`);
        const valid = this.identities.filter((i) => this.identityValid(i));
        if (validOnly) return ok([...lines(valid), `     ${valid.length} valid identities found`, ''].join('\n'));
        const policy = a.includes('-p') ? a[a.indexOf('-p') + 1] : undefined;
        const matching = this.identities.map((i, n) => {
          const problem = this.identityProblem(i);
          return `  ${n + 1}) ${i.sha1} "${i.name}"${problem ? ` (${problem})` : ''}`;
        });
        return ok(
          [
            ...(policy ? [`Policy: ${policy === 'ssl-client' ? 'SSL (client)' : policy}`] : []),
            '  Matching identities',
            ...matching,
            `     ${this.identities.length} identities found`,
            '',
            '  Valid identities only',
            ...lines(valid),
            `     ${valid.length} valid identities found`,
            '',
          ].join('\n'),
        );
      }
      case 'add-trusted-cert': {
        if (!root)
          return err(
            1,
            'SecTrustSettingsSetTrustSettings: The authorization was denied since no user interaction was possible.',
          );
        const file = a[a.length - 1] ?? '';
        const cert = this.readCertificateFile(file);
        if (!cert) return err(1, `Error reading file ${file}`);
        const ri = a.indexOf('-r');
        const result = (ri >= 0 ? a[ri + 1] : 'trustRoot') as SimTrustResult;
        if (!(result in TRUST_RESULT_CODE)) return err(1, `Unknown resultType (${String(result)})`);
        // trustRoot is only for self-signed certificates, as on macOS.
        if (result === 'trustRoot' && !(cert.checkIssued(cert) && safeVerify(cert, cert)))
          return err(
            1,
            'SecTrustSettingsSetTrustSettings: One or more parameters passed to a function were not valid.',
          );
        const policies: string[] = [];
        a.forEach((v, i) => {
          if (v === '-p' && a[i + 1] !== undefined) policies.push(a[i + 1]!);
        });
        this.addCertificate(cert, { result, policies, modDate: this.now() });
        return ok();
      }
      case 'trust-settings-export': {
        const file = a[a.length - 1] ?? '';
        // Only the admin domain (-d) holds settings on this Mac; the user domain is empty.
        const list = a.includes('-d') ? this.certificates.filter((c) => c.trust !== null) : [];
        if (list.length === 0)
          return err(1, 'SecTrustSettingsCreateExternalRepresentation: No Trust Settings were found.');
        // The file is written where it was asked for: the private temp folder of the process asking, on this computer.
        if (this.isSystemPath(file) || file.startsWith('/Volumes/'))
          return err(1, `Error writing ${file}: Permission denied`);
        try {
          writeFileSync(file, this.trustSettingsPlist(list), { mode: 0o600 });
        } catch (e) {
          return err(1, `Error writing ${file}: ${(e as Error).message}`);
        }
        return ok();
      }
      case 'add-certificates': {
        if (!root && writesSystem) return err(1, 'security: SecCertificateAddToKeychain: Write permissions error.');
        const file = a[a.length - 1] ?? '';
        const cert = this.readCertificateFile(file);
        if (!cert) return err(1, `security: Error reading ${file}`);
        if (this.certificates.some((c) => c.sha256 === hex(cert, 'fingerprint256')))
          return err(1, 'security: SecCertificateAddToKeychain: The specified item already exists in the keychain.');
        this.addCertificate(cert, null);
        return ok();
      }
      case 'remove-trusted-cert': {
        if (!root)
          return err(
            1,
            'SecTrustSettingsRemoveTrustSettings: The authorization was denied since no user interaction was possible.',
          );
        const cert = this.readCertificateFile(a[a.length - 1] ?? '');
        const c = cert && this.certificates.find((x) => x.sha256 === hex(cert, 'fingerprint256'));
        if (!c || c.trust === null)
          return err(1, 'SecTrustSettingsRemoveTrustSettings: The specified item could not be found in the keychain.');
        c.trust = null;
        return ok();
      }
      case 'delete-certificate': {
        if (!root) return err(1, 'Unable to delete certificate: Write permissions error.');
        const sha = (a[a.indexOf('-Z') + 1] ?? '').toUpperCase();
        const before = this.certificates.length;
        this.certificates = this.certificates.filter((c) => c.sha1 !== sha && c.sha256 !== sha);
        if (this.certificates.length === before) return err(1, `Unable to delete certificate matching "${sha}"`);
        this.identities = this.identities.filter((i) => i.sha1 !== sha);
        return ok();
      }
      case 'delete-identity': {
        if (!root) return err(1, 'Unable to delete identity: Write permissions error.');
        const sha = (a[a.indexOf('-Z') + 1] ?? '').toUpperCase();
        if (!this.identities.some((i) => i.sha1 === sha)) return err(1, `Unable to delete identity matching "${sha}"`);
        this.identities = this.identities.filter((i) => i.sha1 !== sha);
        this.certificates = this.certificates.filter((c) => c.sha1 !== sha);
        return ok();
      }
      case 'import':
        return this.importPfx(a, root);
      default:
        return err(1, `security: unknown command "${verb ?? ''}"`);
    }
  }

  private majorVersion(): number {
    return Number(this.version.split('.')[0]);
  }

  private importPfx(a: readonly string[], root: boolean): CommandResult {
    const file = a[1] ?? '';
    const opt = (name: string) => (a.indexOf(name) > 0 ? a[a.indexOf(name) + 1] : undefined);
    const keychain = opt('-k');
    const password = opt('-P') ?? '';
    if (keychain === SYSTEM_KEYCHAIN && !root)
      return err(1, 'security: SecKeychainItemImport: Write permissions error.');
    const der = this.readAny(file);
    if (!der) return err(1, `security: Error reading infile ${file}: No such file or directory`);
    if (opt('-f') !== 'pkcs12' && !/\.(p12|pfx)$/i.test(file))
      return err(1, 'security: SecKeychainItemImport: Unknown format in import.');
    let contents;
    try {
      const analysis = analysePfx(der, password);
      const major = this.majorVersion();
      if (
        major >= 12 &&
        major <= 14 &&
        (analysis.macAlgorithm !== 'sha1' || analysis.keyBagAlgorithms.some((k) => k !== COMPATIBLE_KEY_BAG))
      )
        return err(1, MAC_VERIFY_FAILED);
      if (major >= 15 && password === '' && opt('-f') === 'pkcs12') return err(1, MAC_VERIFY_FAILED);
      contents = readPfx(der, password);
    } catch (e) {
      if (isOnboardError(e) && e.code === 'pfx-wrong-password') return err(1, MAC_VERIFY_FAILED);
      return err(1, 'security: SecKeychainItemImport: Unknown format in import.');
    }
    const leaf = contents.certificates[0];
    if (contents.key && leaf) {
      const sha1 = hex(leaf, 'fingerprint');
      if (this.identities.some((i) => i.sha1 === sha1))
        return err(1, 'security: SecKeychainItemImport: The specified item already exists in the keychain.');
      const apps: string[] = [];
      a.forEach((v, i) => {
        if (v === '-T' && a[i + 1] !== undefined) apps.push(a[i + 1]!);
      });
      // security builds each -T entry from the program on disk (SecTrustedApplicationCreateFromPath): a missing one fails the import.
      const missing = apps.find((app) => !this.files.has(app));
      if (missing)
        return err(1, `security: SecTrustedApplicationCreateFromPath(${missing}): No such file or directory`);
      for (const c of contents.certificates) this.addCertificate(c, null);
      this.identities.push({ sha1, name: contents.friendlyName ?? cnOf(leaf), anyApp: a.includes('-A'), apps });
      const others = contents.certificates.length - 1;
      return ok(
        `1 identity imported.\n${others > 0 ? `${others} certificate${others === 1 ? '' : 's'} imported.\n` : ''}`,
      );
    }
    for (const c of contents.certificates) this.addCertificate(c, null);
    return ok(`${contents.certificates.length} certificates imported.\n`);
  }

  // ---- media and installation

  private hdiutil(a: readonly string[]): CommandResult {
    if (a[0] === 'attach') {
      const image = a[a.length - 1] ?? '';
      const mi = a.indexOf('-mountpoint');
      const mount = mi > 0 ? (a[mi + 1] ?? '') : `/Volumes/${basename(image).replace(/\.dmg$/i, '')}`;
      const data = this.readAny(image);
      if (!data) return err(1, 'hdiutil: attach failed - No such file or directory');
      if (data.length < 512 || data.subarray(data.length - 512, data.length - 508).toString('latin1') !== 'koly')
        return err(1, 'hdiutil: attach failed - image not recognized');
      if (this.mounts.has(mount)) return err(1, 'hdiutil: attach failed - Resource busy');
      this.mounts.set(mount, image);
      this.dirs.add(mount);
      for (const name of this.diskImages[image] ?? [basename(image).replace(/\.dmg$/i, '') + '.pkg']) {
        this.files.set(posix.join(mount, name), { content: Buffer.from(`xar!simulated package ${name}`), mode: 0o644 });
      }
      const plist = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
        '<plist version="1.0">',
        '<dict>',
        '\t<key>system-entities</key>',
        '\t<array>',
        '\t\t<dict>',
        '\t\t\t<key>content-hint</key>',
        '\t\t\t<string>GUID_partition_scheme</string>',
        '\t\t\t<key>dev-entry</key>',
        '\t\t\t<string>/dev/disk4</string>',
        '\t\t\t<key>potentially-mountable</key>',
        '\t\t\t<false/>',
        '\t\t</dict>',
        '\t\t<dict>',
        '\t\t\t<key>content-hint</key>',
        '\t\t\t<string>Apple_HFS</string>',
        '\t\t\t<key>dev-entry</key>',
        '\t\t\t<string>/dev/disk4s1</string>',
        '\t\t\t<key>mount-point</key>',
        `\t\t\t<string>${mount.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}</string>`,
        '\t\t\t<key>potentially-mountable</key>',
        '\t\t\t<true/>',
        '\t\t\t<key>volume-kind</key>',
        '\t\t\t<string>hfs</string>',
        '\t\t</dict>',
        '\t</array>',
        '</dict>',
        '</plist>',
        '',
      ].join('\n');
      return ok(plist);
    }
    if (a[0] === 'detach' || a[0] === 'eject') {
      const mount = a[1] ?? '';
      if (!this.mounts.has(mount)) return err(1, `hdiutil: ${a[0]} failed - No such file or directory`);
      this.mounts.delete(mount);
      for (const p of [...this.files.keys()]) if (p.startsWith(mount + '/')) this.files.delete(p);
      this.dirs.delete(mount);
      return ok('"disk4" ejected.\n');
    }
    return err(1, `hdiutil: unknown verb ${a[0] ?? ''}`);
  }

  private ditto(a: readonly string[]): CommandResult {
    if (a[0] !== '-x' || a[1] !== '-k') return err(1, 'ditto: only -x -k is simulated');
    const zip = a[2] ?? '';
    const dest = a[3] ?? '';
    const data = this.readAny(zip);
    if (!data) return err(1, `ditto: ${zip}: No such file or directory`);
    let entries;
    try {
      entries = listZipEntries(data);
    } catch {
      return err(1, `ditto: Couldn't read pkzip signature.`);
    }
    for (const e of entries) {
      if (e.directory) {
        this.dirs.add(posix.join(dest, e.name));
        continue;
      }
      // Package payloads are not unpacked: a package is known by its name.
      this.files.set(posix.join(dest, e.name), {
        content: Buffer.from(`xar!simulated package ${basename(e.name)}`),
        mode: 0o644,
      });
    }
    return ok();
  }

  private installPackage(version: string): boolean {
    const upgrade = this.packages.has(CLIENT_PACKAGE_ID);
    this.packages.set(CLIENT_PACKAGE_ID, {
      id: CLIENT_PACKAGE_ID,
      version,
      volume: '/',
      location: 'Library',
      installTime: Math.floor(this.now().getTime() / 1000),
      files: [...PACKAGE_FILES],
    });
    this.writeFile(CLIENT_BINARY, Buffer.from(`simulated 1E.Client ${version} (x86_64)\n`), 0o755);
    // As the seed says: installing the package resets 1E.Client.conf to its defaults.
    this.writeFile(DEFAULT_CONF_PATH, Buffer.from(DEFAULT_CONF), 0o644);
    this.writeFile('/Library/Application Support/1E/Client/scripts/uninstall.sh', Buffer.from('#!/bin/sh\n'), 0o755);
    this.writeFile(
      CLIENT_PLIST,
      Buffer.from(
        `<?xml version="1.0" encoding="UTF-8"?>\n<plist version="1.0"><dict><key>Label</key><string>${CLIENT_LAUNCHD_LABEL}</string><key>RunAtLoad</key><true/></dict></plist>\n`,
      ),
      0o644,
    );
    return upgrade;
  }

  private installer(a: readonly string[], root: boolean): CommandResult {
    const pkg = a[a.indexOf('-pkg') + 1] ?? '';
    if (a[a.indexOf('-target') + 1] !== '/') return err(1, 'installer: Error - the target volume is invalid.');
    const data = this.readAny(pkg);
    if (!data || data.subarray(0, 4).toString('latin1') !== 'xar!')
      return err(1, `installer: Error the package path specified was invalid: '${pkg}'.`);
    if (!root) return err(1, 'installer: Must be run as root to install this package.');
    const version = /[vV_-](\d+\.\d+(?:\.\d+){0,2})/.exec(basename(pkg))?.[1] ?? '24.1.0.0';
    const upgrade = this.installPackage(version);
    return ok(
      `installer: Package name is 1E Client\ninstaller: ${upgrade ? 'Upgrading' : 'Installing'} at base path /\ninstaller: The ${upgrade ? 'upgrade' : 'install'} was successful.\n`,
    );
  }

  private softwareupdate(a: readonly string[], root: boolean): CommandResult {
    if (!a.includes('--install-rosetta')) return err(1, 'softwareupdate: only --install-rosetta is simulated');
    if (this.arch === 'x86_64')
      return err(
        1,
        "softwareupdate: unrecognized option `--install-rosetta'\nusage: softwareupdate <cmd> [<args> ...]",
      );
    if (!root && !a.includes('--agree-to-license'))
      return err(1, 'Installing Rosetta 2 requires agreeing to the license.');
    this.rosetta = true;
    return ok(
      'By using the agreetolicense option, you are agreeing that you have run this tool with the license only option and have read and agreed to the terms.\nIf you do not agree, press CTRL-C and cancel this process immediately.\nInstall of Rosetta 2 finished successfully\n',
    );
  }

  // ---- files

  private isSystemPath(p: string): boolean {
    return p.startsWith('/Library/') || p.startsWith('/etc/') || p.startsWith('/usr/') || p.startsWith('/System/');
  }

  private dirExists(p: string): boolean {
    if (this.dirs.has(p)) return true;
    for (const f of this.files.keys()) if (f.startsWith(p + '/')) return true;
    try {
      return !this.isSystemPath(p) && statSync(p).isDirectory();
    } catch {
      return false;
    }
  }

  /** A file of the Mac, or (for inputs the plan made in its private workspace) a file on this computer. */
  private readAny(p: string): Buffer | null {
    const f = this.files.get(p);
    if (f) return f.content;
    if (this.isSystemPath(p) || p.startsWith('/Volumes/')) return null;
    try {
      return existsSync(p) && statSync(p).isFile() ? readFileSync(p) : null;
    } catch {
      return null;
    }
  }

  private writeFile(p: string, content: Buffer, mode: number): void {
    this.files.set(p, { content, mode });
  }

  private installCmd(a: readonly string[], root: boolean): CommandResult {
    let mode = 0o755;
    let directory = false;
    const rest: string[] = [];
    for (let i = 0; i < a.length; i++) {
      const v = a[i]!;
      if (v === '-m') {
        mode = parseInt(a[++i] ?? '755', 8);
        continue;
      }
      if (v === '-o' || v === '-g') {
        i++;
        continue;
      }
      if (v === '-d') {
        directory = true;
        continue;
      }
      if (v.startsWith('-') && v.length > 1) continue;
      rest.push(v);
    }
    if (directory) {
      for (const d of rest) {
        if (this.isSystemPath(d) && !root) return err(71, `install: mkdir ${d}: Permission denied`);
        this.dirs.add(d);
      }
      return ok();
    }
    const [src, dest] = rest;
    if (!src || !dest)
      return err(64, 'usage: install [-bCcpSsUv] [-f flags] [-g group] [-m mode] [-o owner] file1 file2');
    const data = this.readAny(src);
    if (!data) return err(71, `install: ${src}: No such file or directory`);
    if (this.isSystemPath(dest) && !root) return err(71, `install: ${dest}: Permission denied`);
    if (!this.dirExists(posix.dirname(dest))) return err(71, `install: ${dest}: No such file or directory`);
    this.writeFile(dest, Buffer.from(data), mode);
    return ok();
  }

  private cp(a: readonly string[], root: boolean): CommandResult {
    const rest = a.filter((v) => !v.startsWith('-'));
    const [src, dest] = rest;
    if (!src || !dest) return err(64, 'usage: cp [-R [-H | -L | -P]] [-fi | -n] [-aclpSsvXx] source_file target_file');
    const data = this.readAny(src);
    if (!data) return err(1, `cp: ${src}: No such file or directory`);
    if (this.isSystemPath(dest) && !root) return err(1, `cp: ${dest}: Permission denied`);
    if (!this.dirExists(posix.dirname(dest))) return err(1, `cp: ${dest}: No such file or directory`);
    this.writeFile(dest, Buffer.from(data), this.files.get(src)?.mode ?? 0o644);
    return ok();
  }

  private rm(a: readonly string[], root: boolean): CommandResult {
    const dd = a.indexOf('--');
    const paths = dd >= 0 ? a.slice(dd + 1) : a.filter((v) => !v.startsWith('-'));
    const force = a.slice(0, dd >= 0 ? dd : a.length).some((v) => v.startsWith('-') && v.includes('f'));
    for (const p of paths) {
      if (this.isSystemPath(p) && !root) return err(1, `rm: ${p}: Permission denied`);
      if (!this.files.delete(p) && !force) return err(1, `rm: ${p}: No such file or directory`);
    }
    return ok();
  }

  private mkdir(a: readonly string[], root: boolean): CommandResult {
    for (const d of a.filter((v) => !v.startsWith('-'))) {
      if (this.isSystemPath(d) && !root) return err(1, `mkdir: ${d}: Permission denied`);
      this.dirs.add(d);
    }
    return ok();
  }

  private cmp(a: readonly string[]): CommandResult {
    const [x, y] = a.filter((v) => !v.startsWith('-'));
    const bx = this.readAny(x ?? '');
    const by = this.readAny(y ?? '');
    if (!bx || !by) return err(2, `cmp: ${!bx ? x : y}: No such file or directory`);
    return bx.equals(by) ? ok() : { exitCode: 1, stdout: a.includes('-s') ? '' : `${x} ${y} differ\n`, stderr: '' };
  }

  /**
   * awk runs one program here: Onboard's 1E.Client.conf merge (the same file the plan wrote),
   * with its twin's semantics; the integration tests prove the real awk gives the same bytes.
   */
  private awk(a: readonly string[], root: boolean): CommandResult {
    if (a[0] !== '-f') return err(2, 'awk: the simulated Mac runs awk only with -f PROGRAM');
    const program = this.readAny(a[1] ?? '');
    if (!program) return err(2, `awk: can't open file ${a[1] ?? ''}`);
    if (program.toString('utf8') !== CONF_MERGE_PROGRAM)
      return err(2, 'awk: the simulated Mac models only the 1E.Client.conf merge program');
    const [mode, settingsPath, target, ...bases] = a.slice(2);
    if (mode !== 'merge' && mode !== 'check') return err(2, `onboard conf merge: unknown mode ${mode ?? ''}`);
    const settings = this.readAny(settingsPath ?? '');
    if (!settings) return err(2, `onboard conf merge: cannot read ${settingsPath ?? ''}`);
    let base: string | null = null;
    for (const b of bases) {
      const data = this.readAny(b);
      if (data) {
        base = data.toString('utf8');
        break;
      }
    }
    const merged = mergedConfText(base, parseConfSettingsFile(settings.toString('utf8')));
    if (mode === 'check')
      return {
        exitCode: confHoldsMerge(this.readAny(target ?? '')?.toString('utf8') ?? null, merged) ? 0 : 1,
        stdout: '',
        stderr: '',
      };
    if (!target) return err(2, 'onboard conf merge: no target');
    if (this.isSystemPath(target) && !root) return err(2, `awk: can't redirect to ${target}`);
    this.writeFile(target, Buffer.from(merged), this.files.get(target)?.mode ?? 0o644);
    return ok();
  }

  private test(a: readonly string[]): CommandResult {
    const negate = a[0] === '!';
    const [op, p] = negate ? a.slice(1) : a;
    let yes: boolean;
    if (op === '-d') yes = this.dirExists(p ?? '');
    else if (op === '-f' || op === '-e')
      yes = this.readAny(p ?? '') !== null || (op === '-e' && this.dirExists(p ?? ''));
    else return err(2, `test: ${op ?? ''}: unary operator expected`);
    return { exitCode: (negate ? !yes : yes) ? 0 : 1, stdout: '', stderr: '' };
  }
}

function safeVerify(cert: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return cert.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

/** The issuer Name (DER) and the serial number's bytes, as the trust settings record them. */
function issuerAndSerial(cert: X509Certificate): { issuer: Buffer; serial: Buffer } {
  const asn = forge.asn1.fromDer(forge.util.createBuffer(cert.raw.toString('binary')));
  const tbs = (asn.value as forge.asn1.Asn1[])[0]!.value as forge.asn1.Asn1[];
  const at = tbs[0]!.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC ? 1 : 0;
  return {
    serial: Buffer.from(tbs[at]!.value as string, 'binary'),
    issuer: Buffer.from(forge.asn1.toDer(tbs[at + 2]!).getBytes(), 'binary'),
  };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value as Record<string, unknown>)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
