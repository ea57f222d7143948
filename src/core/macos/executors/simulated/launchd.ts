// The simulated Mac's launchd: the 1E Client's daemon job, what launchctl prints and changes, and what starting the client logs.
import {
  BIN,
  CLIENT_BINARY,
  CLIENT_LAUNCHD_LABEL,
  CLIENT_LOG,
  CLIENT_PACKAGE_ID,
  CLIENT_PLIST,
  DAEMON_LOG,
  DEFAULT_CONF_PATH,
} from '../../paths';
import type { CommandResult } from '../../types';
import { err, ok, type ProgramTable } from './command';
import { appendLog, readAny } from './files';
import type { MacState, SimJob, SimSession } from './state';

/** The client is Intel code: it runs on an Intel Mac, or on Apple Silicon with Rosetta (seed 003). */
function clientCanRun(mac: MacState): boolean {
  return mac.files.has(CLIENT_BINARY) && (mac.arch === 'x86_64' || mac.rosetta);
}

/**
 * Starts the job. The client's log lines are Onboard's own invention (no real 1E Client log was
 * recorded). A client that cannot start fails to spawn with errno 86, EBADARCH "Bad CPU type in
 * executable" (xnu bsd/sys/errno.h), or 2, ENOENT, when its program is gone; the wording of the
 * daemon log line has no source.
 */
function startJob(mac: MacState, job: SimJob): void {
  if (clientCanRun(mac)) {
    job.running = true;
    job.pid = mac.nextPid++;
    const conf = readAny(mac, DEFAULT_CONF_PATH)?.toString('utf8') ?? '';
    const sw = /^\s*Switch\s*=\s*(.*)$/im.exec(conf)?.[1] ?? '';
    const version = mac.packages.get(CLIENT_PACKAGE_ID)?.version ?? 'unknown';
    const t = mac.now().toISOString().replace('T', ' ').replace('Z', '');
    appendLog(
      mac,
      CLIENT_LOG,
      `${t} INFO  - 1E Client ${version} starting (pid ${job.pid})\n${t} INFO  - Connecting to Switch ${sw || '(not configured)'}`,
    );
  } else {
    job.running = false;
    job.pid = null;
    job.lastExit = mac.files.has(CLIENT_BINARY)
      ? '(spawn failed: 86: Bad CPU type in executable)'
      : '(spawn failed: 2: No such file or directory)';
    appendLog(mac, DAEMON_LOG, `${mac.now().toISOString()} launchd: ${CLIENT_LAUNCHD_LABEL}: ${job.lastExit}`);
  }
}

/** Loads the client's job (RunAtLoad: the package's plist asks launchd to start it at once). */
export function loadClientJob(mac: MacState, start: boolean): SimJob {
  const job: SimJob = {
    label: CLIENT_LAUNCHD_LABEL,
    plist: CLIENT_PLIST,
    running: false,
    pid: null,
    lastExit: '(never exited)',
  };
  mac.jobs.set(job.label, job);
  if (start) startJob(mac, job);
  return job;
}

/**
 * launchctl, as root for every change (launchctl(1): "root privileges are required to make
 * modifications" to the system domain). Sources for the messages:
 * - print/kickstart of an unknown service: "Could not find service ... in domain for ..." and
 *   exit 113 (seen in NousResearch/hermes-agent#26971 and msitarzewski/brew-browser#51);
 * - bootstrap failures: "Bootstrap failed: 5: Input/output error", also when the job is already
 *   loaded, with "Try re-running the command as root for richer errors." (pirj/noclamshell#25,
 *   DeterminateSystems/nix-installer#1157);
 * - bootout of an unknown job: "Boot-out failed: 3: No such process" (DeterminateSystems/nix-installer#1148);
 * - unload of an unknown job: "Could not find specified service" (kyleneideck/BackgroundMusic#169);
 * - the legacy load and unload "will only return a non-zero exit code due to improper usage.
 *   Otherwise, zero is always returned" (launchctl(1), keith/xcode-man-pages docs/launchctl.1.html#L484-488):
 *   a failed load prints "Load failed: 5: Input/output error" and "Try running `launchctl bootstrap`
 *   as root for richer errors." and exits 0 (recorded on 12, 15.3.1 and 26: haimgel/display-switch#85,
 *   lslqtz/bclm_loop#2, ironcrafter54/mac2mqtt#8; danielmiessler/LifeOS#2068), so only print tells;
 * - managername prints the session's name: Aqua, Background or System (see parseManagerName).
 * No source was found for the non-root refusals or list's layout.
 */
function launchctl(mac: MacState, a: readonly string[], root: boolean): CommandResult {
  const verb = a[0];
  if (verb === 'managername') return ok(`${SESSION_NAMES[mac.session]}\n`);
  const target = verb === 'print' || verb === 'bootout' || verb === 'kickstart' ? (a[a.length - 1] ?? '') : '';
  const label = target.replace(/^system\//, '');
  if (verb === 'print') {
    const job = mac.jobs.get(label);
    if (!job || !target.startsWith('system/'))
      return err(113, `Could not find service "${label}" in domain for system`);
    return ok(printJob(job));
  }
  if (verb === 'list') {
    return ok(
      'PID\tStatus\tLabel\n' +
        [...mac.jobs.values()].map((j) => `${j.running ? j.pid : '-'}\t0\t${j.label}\n`).join(''),
    );
  }
  const legacy = verb === 'load' || verb === 'unload';
  if (!root)
    return legacyStatus(
      legacy,
      err(
        1,
        `${verb === 'bootstrap' ? 'Bootstrap' : verb === 'bootout' ? 'Boot-out' : verb === 'load' ? 'Load' : verb === 'unload' ? 'Unload' : 'Operation'} failed: 1: Operation not permitted`,
      ),
    );
  switch (verb) {
    case 'bootstrap':
    case 'load': {
      const plist = a[a.length - 1] ?? '';
      if (!mac.files.has(plist) || mac.jobs.has(CLIENT_LAUNCHD_LABEL))
        return verb === 'bootstrap'
          ? err(5, 'Bootstrap failed: 5: Input/output error\nTry re-running the command as root for richer errors.')
          : legacyStatus(
              true,
              err(
                5,
                'Load failed: 5: Input/output error\nTry running `launchctl bootstrap` as root for richer errors.',
              ),
            );
      loadClientJob(mac, true);
      return ok();
    }
    case 'bootout':
    case 'unload': {
      const name = verb === 'unload' ? CLIENT_LAUNCHD_LABEL : label;
      if (!mac.jobs.has(name))
        return verb === 'bootout'
          ? err(3, 'Boot-out failed: 3: No such process')
          : legacyStatus(true, err(113, 'Unload failed: 113: Could not find specified service'));
      mac.jobs.delete(name);
      return ok();
    }
    case 'kickstart': {
      const job = mac.jobs.get(label);
      if (!job) return err(113, `Could not find service "${label}" in domain for system`);
      // -k kills a running job first (launchctl(1)); without it a running job is left alone.
      if (job.running && !a.includes('-k')) return ok();
      startJob(mac, job);
      return ok();
    }
    default:
      return err(1, `Unrecognized subcommand: ${verb ?? ''}`);
  }
}

/** The legacy verbs exit 0 whatever happened (launchctl(1)): the message stays, the status goes. */
function legacyStatus(legacy: boolean, r: CommandResult): CommandResult {
  return legacy ? { ...r, exitCode: 0 } : r;
}

const SESSION_NAMES: Record<SimSession, string> = { aqua: 'Aqua', background: 'Background', system: 'System' };

/**
 * launchctl print system/LABEL: a "name = {" block of "key = value" lines one tab deep, nested
 * blocks deeper. launchctl(1) calls this output "NOT API"; the keys and layout follow what current
 * macOS prints for a daemon, without a full recorded output kept here.
 */
function printJob(j: SimJob): string {
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

export const LAUNCHD_PROGRAMS: ProgramTable = { [BIN.launchctl]: launchctl };
