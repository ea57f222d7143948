// A folder of stand-in programs at macOS paths (under a prefix) that record their argv exactly, for running generated scripts with the real /bin/sh.
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface RecordedCall {
  program: string;
  args: string[];
}

export interface FakePrograms {
  /** Prepend to absolute program paths. */
  prefix: string;
  /** Every call so far, in order. */
  calls(): Promise<RecordedCall[]>;
  /** Files a fake `security import` received, copied so tests can open them after the script removed them. */
  importedFile(n: number): string;
  /** What a fake `install` was asked to install. */
  installedFile(n: number): string;
  cleanup(): Promise<void>;
}

export interface FakeSpec {
  /** Exit status per program path (default 0), or per "program word" when any argument is that word (e.g. "/bin/launchctl print", "/usr/bin/awk check"). */
  exit?: Record<string, number>;
  /** Standard output per program path, or per "program word" as for `exit` (that one wins). */
  stdout?: Record<string, string>;
  /**
   * Per "program word": text the call writes to its last argument when that is under /tmp (e.g.
   * the property list `security trust-settings-export -d FILE` writes).
   */
  writes?: Record<string, string>;
  /** Standard error per "program word" (e.g. "/usr/bin/security trust-settings-export"). */
  stderr?: Record<string, string>;
  /**
   * What `launchctl managername` prints (default `Aqua`: a person at the Mac, as when the script
   * is run with sudo in Terminal); the empty string makes it fail as on an unknown session.
   */
  session?: string;
  /**
   * launchd takes no job: `bootstrap` fails (exit 5) and the legacy `load` prints the recorded
   * "Load failed: 5: Input/output error" yet exits 0 (launchctl(1)), so `print` never finds it.
   */
  launchdRefuses?: boolean;
  /**
   * Program paths that, after recording, run the real program at this path (e.g. mktemp, rm,
   * openssl) when every absolute path in their argv is under /tmp; otherwise they only record.
   */
  passthrough?: Record<string, string>;
  /**
   * Passthrough programs that only READ absolute paths except the argument at this position
   * (1-based): they run for real when that one is under /tmp (e.g. awk's merge reads
   * /Library/... paths, which do not exist here, and writes only its target).
   */
  passthroughWriteArg?: Record<string, number>;
  /** Calls whose argv contains this exact word fail with exit 1. */
  failWhenArg?: string;
  /**
   * Paths (outside /tmp) that do not exist on the stand-in Mac when the script starts, e.g. the
   * 1E.Client.conf of a fresh Mac. With this set, `cp` and `test` answer about files as the real
   * ones do: `cp` of a missing source (one of these, or a /tmp path that is not there) fails
   * with macOS's message, and `test` sees these paths as missing.
   */
  absent?: string[];
  /**
   * Programs that, after recording, answer as the simulated Mac kept in `state` does (see
   * sim-standin.ts, bundled to `bundle`): for running scripts against macOS 11+'s trust rules.
   */
  simulated?: { bundle: string; state: string; programs: string[] };
  /** Paths a program makes when it is called (they stop being absent), e.g. the installer writes 1E.Client.conf. */
  creates?: Record<string, string[]>;
}

/** All macOS paths the plans and scripts use. */
const PROGRAMS = [
  '/usr/bin/security',
  '/usr/sbin/softwareupdate',
  '/usr/bin/arch',
  '/usr/sbin/installer',
  '/usr/bin/hdiutil',
  '/usr/bin/ditto',
  '/usr/sbin/pkgutil',
  '/bin/launchctl',
  '/usr/bin/install',
  '/bin/cp',
  '/bin/rm',
  '/bin/mkdir',
  '/usr/bin/cmp',
  '/bin/test',
  '/usr/bin/mktemp',
  '/bin/cat',
  '/usr/bin/awk',
  '/usr/bin/openssl',
  '/bin/stty',
  '/usr/bin/id',
  '/usr/bin/true',
  '/usr/bin/plutil',
  '/usr/bin/env',
];

function q(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export async function makeFakePrograms(spec: FakeSpec = {}): Promise<FakePrograms> {
  const prefix = await mkdtemp(join(tmpdir(), 'onboard-fake-mac-'));
  const calls = join(prefix, 'calls');
  await mkdir(calls);
  await writeFile(join(prefix, 'counter'), '0\n');
  const absentList = join(prefix, 'absent');
  for (const path of [...(spec.absent ?? []), ...Object.values(spec.creates ?? {}).flat()]) {
    if (path.includes('\n') || !path.startsWith('/') || path.startsWith('/tmp/'))
      throw new Error(`absent/creates takes one-line paths outside /tmp, not ${JSON.stringify(path)}`);
  }
  await writeFile(absentList, (spec.absent ?? []).map((p) => p + '\n').join(''));
  // Sets missing=1 when "$1" is not on the stand-in Mac.
  const isAbsent = [
    'onboard_fake_absent() {',
    '  missing=0',
    `  case $1 in /tmp/*) [ -e "$1" ] || missing=1 ;; *) while IFS= read -r p; do [ "$p" != "$1" ] || missing=1; done < ${q(absentList)} ;; esac`,
    '}',
  ];
  for (const program of PROGRAMS) {
    const path = join(prefix, program);
    await mkdir(dirname(path), { recursive: true });
    const real = spec.passthrough?.[program];
    const lines = [
      '#!/bin/sh',
      `n=$(/bin/cat ${q(join(prefix, 'counter'))}); n=$((n + 1)); echo "$n" > ${q(join(prefix, 'counter'))}`,
      `f=${q(calls)}/$(printf '%05d' "$n")`,
      `printf '%s\\0' ${q(program)} "$@" > "$f"`,
    ];
    if (program === '/usr/bin/env') {
      // env NAME=VALUE... PROGRAM ARGS: the assignments go to PROGRAM, which is a stand-in too.
      lines.push(
        'while [ $# -gt 0 ]; do case $1 in *=*) export "${1%%=*}=${1#*=}"; shift ;; *) break ;; esac; done',
        'onboard_fake_prog=$1; shift',
        `exec ${q(prefix)}"$onboard_fake_prog" "$@"`,
      );
    }
    if (spec.simulated?.programs.includes(program))
      lines.push(
        `exec ${q(process.execPath)} ${q(spec.simulated.bundle)} ${q(spec.simulated.state)} ${q(program)} "$@"`,
      );
    if (program === '/bin/launchctl') {
      const session = spec.session ?? 'Aqua';
      lines.push(
        session
          ? `if [ "$1" = managername ]; then printf '%s\\n' ${q(session)}; exit 0; fi`
          : `if [ "$1" = managername ]; then echo 'Unknown job manager!' >&2; exit 1; fi`,
      );
      // launchd remembers a job once it is registered: `print` then finds it (a confirm checks that).
      const loaded = q(join(prefix, 'launchd-loaded'));
      lines.push(
        spec.launchdRefuses
          ? `case $1 in bootstrap) echo 'Bootstrap failed: 5: Input/output error' >&2; exit 5 ;; load) echo 'Load failed: 5: Input/output error' >&2; exit 0 ;; esac`
          : `case $1 in bootstrap|load) : > ${loaded} ;; bootout|unload) /bin/rm -f ${loaded} ;; print) if [ -e ${loaded} ]; then exit 0; fi ;; esac`,
      );
    }
    if (program === '/usr/bin/security') {
      // Keep the file an import was given: the script deletes its workspace at exit.
      lines.push('if [ "$1" = import ]; then /bin/cp "$2" "$f.imported"; fi');
    }
    if (program === '/usr/bin/install') {
      // Keep what would have been installed (the source is the next-to-last argument).
      lines.push(
        'for a in "$@"; do src=$prev; prev=$a; done; if [ -f "$src" ]; then /bin/cp "$src" "$f.installed"; fi',
      );
    }
    if (spec.failWhenArg !== undefined)
      lines.push(
        `for a in "$@"; do if [ "$a" = ${q(spec.failWhenArg)} ]; then echo "simulated failure" >&2; exit 1; fi; done`,
      );
    if (spec.absent && program === '/bin/cp') {
      // cp [-p] SOURCE TARGET: the source is the next-to-last argument.
      lines.push(
        ...isAbsent,
        'src=; prev=; for a in "$@"; do src=$prev; prev=$a; done',
        'onboard_fake_absent "$src"',
        'if [ "$missing" = 1 ]; then printf \'cp: %s: No such file or directory\\n\' "$src" >&2; exit 1; fi',
      );
    }
    if (spec.absent && program === '/bin/test') {
      // test [!] -f PATH: a path that is not on the stand-in Mac is asked about a path that is not here either.
      lines.push(
        ...isAbsent,
        'last=; for a in "$@"; do last=$a; done',
        'onboard_fake_absent "$last"',
        'if [ "$missing" = 1 ]; then',
        '  n=$#; i=0',
        `  for a in "$@"; do i=$((i + 1)); shift; if [ "$i" = "$n" ]; then a=${q(join(prefix, 'no-such-file'))}; fi; set -- "$@" "$a"; done`,
        '  exec /usr/bin/test "$@"',
        'fi',
      );
    }
    for (const made of spec.creates?.[program] ?? []) {
      lines.push(
        `{ while IFS= read -r p; do [ "$p" = ${q(made)} ] || printf '%s\\n' "$p"; done < ${q(absentList)}; } > ${q(absentList)}.new && /bin/mv ${q(absentList)}.new ${q(absentList)}`,
      );
    }
    if (real) {
      // Never let a stand-in touch this machine outside the temp folder (e.g. mkdir /Library/...):
      // such calls only record, like the other stand-ins.
      const writeArg = spec.passthroughWriteArg?.[program];
      // A call whose every absolute path is under /tmp runs for real; with writeArg, also one
      // that writes only there.
      lines.push(
        'real=1',
        'for a in "$@"; do case $a in /*) case $a in /tmp/*|/dev/null) ;; *) real=0 ;; esac ;; esac; done',
      );
      if (writeArg !== undefined) lines.push('w=${' + String(writeArg) + ':-}', 'case $w in /tmp/*) real=1 ;; esac');
      lines.push(`if [ "$real" = 1 ]; then exec ${q(real)} "$@"; fi`);
    }
    const byWord = (key: string) => {
      const [prog, verb] = key.split(' ');
      return prog === program && verb !== undefined ? verb : undefined;
    };
    for (const [key, text] of Object.entries(spec.stdout ?? {}))
      if (byWord(key) !== undefined)
        lines.push(
          `for a in "$@"; do if [ "$a" = ${q(byWord(key)!)} ]; then printf '%s' ${q(text)}; worded=1; break; fi; done`,
        );
    for (const [key, text] of Object.entries(spec.writes ?? {}))
      if (byWord(key) !== undefined)
        lines.push(
          'last=; for a in "$@"; do last=$a; done',
          `for a in "$@"; do if [ "$a" = ${q(byWord(key)!)} ]; then case $last in /tmp/*) printf '%s' ${q(text)} > "$last" ;; esac; break; fi; done`,
        );
    for (const [key, text] of Object.entries(spec.stderr ?? {}))
      if (byWord(key) !== undefined)
        lines.push(
          `for a in "$@"; do if [ "$a" = ${q(byWord(key)!)} ]; then printf '%s' ${q(text)} >&2; break; fi; done`,
        );
    for (const [key, code] of Object.entries(spec.exit ?? {}))
      if (byWord(key) !== undefined)
        lines.push(`for a in "$@"; do if [ "$a" = ${q(byWord(key)!)} ]; then exit ${code}; fi; done`);
    if (spec.stdout?.[program] !== undefined)
      lines.push(`[ -n "\${worded:-}" ] || printf '%s' ${q(spec.stdout[program]!)}`);
    lines.push(`exit ${spec.exit?.[program] ?? 0}`);
    await writeFile(path, lines.join('\n') + '\n');
    await chmod(path, 0o755);
  }
  return {
    prefix,
    async calls() {
      const names = (await readdir(calls)).filter((n) => /^\d+$/.test(n)).sort();
      const out: RecordedCall[] = [];
      for (const n of names) {
        const parts = (await readFile(join(calls, n), 'utf8')).split('\0');
        parts.pop();
        out.push({ program: parts[0]!, args: parts.slice(1) });
      }
      return out;
    },
    importedFile(n: number) {
      return join(calls, `${String(n).padStart(5, '0')}.imported`);
    },
    installedFile(n: number) {
      return join(calls, `${String(n).padStart(5, '0')}.installed`);
    },
    cleanup: () => rm(prefix, { recursive: true, force: true }),
  };
}

/** Index (1-based, as the counter numbers calls) of calls matching a program. */
export async function callNumbers(fake: FakePrograms, program: string): Promise<number[]> {
  return (await fake.calls()).map((c, i) => (c.program === program ? i + 1 : 0)).filter((n) => n > 0);
}
