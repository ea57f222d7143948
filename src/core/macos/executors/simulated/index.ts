// A stateful stand-in for a Mac (macOS cannot run here): the SimulatedMac executor, answering each program from a table of handlers.
import { X509Certificate } from 'node:crypto';
import { basename } from 'node:path';
import type { ActionAwareExecutor, PrivilegedRunner } from '../../execute';
import { InProcessPrivilegedRunner } from '../../execute';
import { DEFAULT_CONF_PATH } from '../../paths';
import { displayCommand } from '../../quote';
import type { Command, CommandResult } from '../../types';
import { BIN } from '../../paths';
import { err, type CallContext, type ProgramHandler, type ProgramTable, type SimTrustDialog } from './command';
import { appendLog, FILE_PROGRAMS, writeFile } from './files';
import { addCertificate, setTrust, trustOf, trusted } from './keychain';
import { LAUNCHD_PROGRAMS, loadClientJob } from './launchd';
import { installClientPackage, PACKAGE_PROGRAMS } from './packages';
import { SECURITY_PROGRAMS } from './security';
import {
  MacState,
  type SavedTrust,
  type SimSession,
  type SimTrust,
  type SimTrustResult,
  type SimulatedMacOptions,
  type SimulatedMacState,
} from './state';
import { SYSTEM_PROGRAMS } from './system';

export type { SimSession, SimTrustResult, SimulatedMacOptions, SimulatedMacState } from './state';
export { SIM_SESSIONS } from './state';
export type { SimTrustDialog } from './command';

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
  /** Where its processes run now. */
  session: SimSession;
  /** One entry per SecurityAgent dialog an admin trust change showed (approved or not). */
  trustDialogs: SimTrustDialog[];
}

export interface SimulatedCommandRecord {
  line: string;
  root: boolean;
  exitCode: number;
  actionId: string | null;
}

/** Program path to handler, from each concern's table; a program claimed twice is a mistake caught at load. */
function programTable(tables: ProgramTable[]): ReadonlyMap<string, ProgramHandler> {
  const out = new Map<string, ProgramHandler>();
  for (const table of tables)
    for (const [program, handler] of Object.entries(table)) {
      if (out.has(program)) throw new Error(`the simulated Mac has two handlers for ${program}`);
      out.set(program, handler);
    }
  return out;
}

const PROGRAMS = programTable([SYSTEM_PROGRAMS, SECURITY_PROGRAMS, PACKAGE_PROGRAMS, LAUNCHD_PROGRAMS, FILE_PROGRAMS]);

/** Every program the simulated Mac answers for (absolute paths). */
export const SIMULATED_PROGRAMS: readonly string[] = [...PROGRAMS.keys()];

/** The simulated Mac. `run` acts as the logged-in administrator; `asRoot()` as root (inside an admin batch). */
export class SimulatedMac implements ActionAwareExecutor {
  readonly kind = 'simulated' as const;
  private readonly mac: MacState;
  private readonly prompts: string[] = [];
  private readonly dialogs: SimTrustDialog[] = [];
  private readonly rules: FailureRule[] = [];
  private readonly log: SimulatedCommandRecord[] = [];
  private currentAction: string | null = null;
  /** Set to false to simulate a technician cancelling the administrator prompt. */
  grantAdminPrompts = true;
  /** Set to false to simulate the person at the Mac cancelling the trust settings dialog. */
  grantTrustDialogs = true;

  constructor(opts: SimulatedMacOptions = {}) {
    this.mac = new MacState(opts);
    for (const c of opts.certificates ?? []) {
      const result = c.trust ?? (c.trusted ? 'trustRoot' : null);
      const x509 = typeof c.certificate === 'string' ? new X509Certificate(c.certificate) : c.certificate;
      addCertificate(this.mac, x509);
      if (result) setTrust(this.mac, x509, { result, policies: [], modDate: this.mac.now() });
    }
    if (opts.client) {
      installClientPackage(this.mac, opts.client.version);
      const confPath = opts.client.confPath ?? DEFAULT_CONF_PATH;
      if (confPath !== DEFAULT_CONF_PATH) this.mac.files.delete(DEFAULT_CONF_PATH);
      if (opts.client.conf !== undefined) writeFile(this.mac, confPath, Buffer.from(opts.client.conf), 0o644);
      if (opts.client.running) loadClientJob(this.mac, true);
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

  /** The launchd session the Mac's processes run in; a rerun may come from another one (e.g. SSH, then Terminal). */
  get session(): SimSession {
    return this.mac.session;
  }
  set session(s: SimSession) {
    this.mac.session = s;
  }

  /**
   * An executor that runs commands as root on this same Mac, in its session: root through `sudo`
   * typed in Terminal keeps the audit session, so a dialog can still appear (research: jorangreef/
   * sudo-prompt#137 and FiloSottile/mkcert#305 show the dialog after sudo in Terminal).
   */
  asRoot(): ActionAwareExecutor {
    return this.executorAs(true, this.mac.session === 'aqua');
  }

  /**
   * Root as `osascript … with administrator privileges` starts it (what PrivilegedBatch does on a
   * real Mac): no access to the GUI session, so an admin trust change is refused even with someone
   * at the Mac (recorded: arduino/arduino-create-agent#637 on 11.3, jorangreef/sudo-prompt#137).
   */
  asBatchRoot(): ActionAwareExecutor {
    return this.executorAs(true, false);
  }

  private executorAs(root: boolean, gui: boolean): ActionAwareExecutor {
    return {
      kind: 'simulated',
      run: (c: Command) => Promise.resolve(this.execute(c, root, gui)),
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
    appendLog(this.mac, path, text);
  }

  /** Every command run so far (secrets masked). */
  commands(): readonly SimulatedCommandRecord[] {
    return this.log.map((r) => ({ ...r }));
  }

  snapshot(): SimulatedMacSnapshot {
    const mac = this.mac;
    const files: Record<string, string> = {};
    for (const [p, f] of [...mac.files.entries()].sort(([a], [b]) => a.localeCompare(b)))
      files[p] = f.content.toString('utf8');
    return deepFreeze({
      macos: { version: mac.version, build: mac.build },
      arch: mac.arch,
      rosetta: mac.rosetta,
      hostNames: { ...mac.names },
      certificates: mac.certificates.map((c) => ({
        sha256: c.sha256,
        sha1: c.sha1,
        subject: c.x509.subject,
        trusted: trusted(mac, c),
        trustSetting: trustOf(mac, c.sha1)?.result ?? null,
      })),
      identities: mac.identities.map((i) => ({ ...i, apps: [...i.apps] })),
      packages: [...mac.packages.values()].map((p) => ({
        id: p.id,
        version: p.version,
        location: p.location,
        files: [...p.files],
      })),
      files,
      launchd: [...mac.jobs.values()].map((j) => ({ label: j.label, running: j.running, pid: j.pid })),
      mounts: [...mac.mounts.keys()],
      adminPrompts: [...this.prompts],
      session: mac.session,
      trustDialogs: this.dialogs.map((d) => ({ ...d })),
    });
  }

  /** Runs a command as the logged-in user, in the Mac's session. */
  run(command: Command): Promise<CommandResult> {
    return Promise.resolve(this.execute(command, false, this.mac.session === 'aqua'));
  }

  /** The lasting state, for saving between runs (see SimulatedMacState). */
  toJSON(): SimulatedMacState {
    return this.mac.toJSON();
  }

  /** A simulated Mac as a saved state left it. Throws (TypeError or the certificate parser's error) on a state that is not one. */
  static fromJSON(state: SimulatedMacState, opts: Pick<SimulatedMacOptions, 'now' | 'diskImages'> = {}): SimulatedMac {
    if (state?.format !== 'onboard-simulated-mac/1') throw new TypeError('not an onboard-simulated-mac/1 state');
    const sim = new SimulatedMac({
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
    const trust = (t: SavedTrust): SimTrust => ({
      result: t.result,
      policies: [...t.policies],
      modDate: new Date(t.modDate),
    });
    for (const c of state.certificates) {
      const x509 = new X509Certificate(c.pem);
      addCertificate(sim.mac, x509);
      if (c.trust) setTrust(sim.mac, x509, trust(c.trust));
    }
    for (const t of state.adminTrust ?? []) setTrust(sim.mac, new X509Certificate(t.pem), trust(t.trust));
    sim.mac.restore(state);
    return sim;
  }

  // ---- running a command: failure rules first, then the program's handler

  private execute(c: Command, root: boolean, gui: boolean): CommandResult {
    const rule = this.rules.find((r) => (r.times ?? 1) > 0 && this.matches(r, c));
    let result: CommandResult;
    if (rule) {
      if (rule.times !== undefined) rule.times--;
      result = err(rule.exitCode ?? 1, rule.stderr ?? `${basename(c.program)}: simulated failure`);
    } else {
      // env(1) NAME=VALUE... PROGRAM ARGS: the assignments go to the program it runs.
      const env: Record<string, string> = {};
      let { program, args } = c;
      if (program === BIN.env) {
        let i = 0;
        for (; i < args.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(args[i]!); i++) {
          const eq = args[i]!.indexOf('=');
          env[args[i]!.slice(0, eq)] = args[i]!.slice(eq + 1);
        }
        program = args[i] ?? '';
        args = args.slice(i + 1);
      }
      const handler = PROGRAMS.get(program);
      const ctx: CallContext = {
        gui,
        env,
        askApproval: (d) => {
          const approved = this.grantTrustDialogs;
          this.dialogs.push({ ...d, approved });
          return approved;
        },
      };
      try {
        result = handler
          ? handler(this.mac, args, root, ctx)
          : err(127, `${program || c.program}: command not found (the simulated Mac does not model it)`);
      } catch (e) {
        result = err(1, `${basename(program)}: ${(e as Error).message}`);
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
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value as Record<string, unknown>)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
