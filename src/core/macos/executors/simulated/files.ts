// The simulated Mac's files: what its file programs (install, cp, rm, mkdir, cmp, cat, tail, test, awk) see and change.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { posix } from 'node:path';
import { BIN } from '../../paths';
import type { CommandResult } from '../../types';
import { CONF_MERGE_PROGRAM, confHoldsMerge, mergedConfText, parseConfSettingsFile } from '../../conf-merge';
import { err, ok, status, type ProgramTable } from './command';
import type { MacState } from './state';

// Sources: the messages follow Apple's BSD tools (apple-oss-distributions/file_cmds-457.100.3 and
// text_cmds-199), which report a failing path with warn("%s", path), i.e. "prog: PATH: strerror".
// Permissions are modelled coarsely: without root nothing under /Library, /etc, /usr or /System
// is writable (no source: ownership and modes are not modelled).

export function isSystemPath(p: string): boolean {
  return p.startsWith('/Library/') || p.startsWith('/etc/') || p.startsWith('/usr/') || p.startsWith('/System/');
}

export function dirExists(mac: MacState, p: string): boolean {
  if (mac.dirs.has(p)) return true;
  for (const f of mac.files.keys()) if (f.startsWith(p + '/')) return true;
  try {
    return !isSystemPath(p) && statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/**
 * A file of the Mac, or (for inputs the plan made in its private workspace) a file on this
 * computer: plans hand the Mac files they wrote to a temporary folder here.
 */
export function readAny(mac: MacState, p: string): Buffer | null {
  const f = mac.files.get(p);
  if (f) return f.content;
  if (isSystemPath(p) || p.startsWith('/Volumes/')) return null;
  try {
    return existsSync(p) && statSync(p).isFile() ? readFileSync(p) : null;
  } catch {
    return null;
  }
}

export function writeFile(mac: MacState, p: string, content: Buffer, mode: number): void {
  mac.files.set(p, { content, mode });
}

/** Adds lines to a log file (the client's log lines are Onboard's own invention: no real log was recorded). */
export function appendLog(mac: MacState, path: string, text: string): void {
  const prev = mac.files.get(path)?.content ?? Buffer.alloc(0);
  writeFile(mac, path, Buffer.concat([prev, Buffer.from(text.endsWith('\n') ? text : text + '\n')]), 0o644);
}

/**
 * install(1): file_cmds install/xinstall.c; failures exit EX_OSERR (71) as `err(EX_OSERR, "mkdir %s", path)`
 * and `err(EX_OSERR, "%s", file)` do; usage exits 64 with the usage line of xinstall.c.
 */
function installProgram(mac: MacState, a: readonly string[], root: boolean): CommandResult {
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
      if (isSystemPath(d) && !root) return err(71, `install: mkdir ${d}: Permission denied`);
      mac.dirs.add(d);
    }
    return ok();
  }
  const [src, dest] = rest;
  if (!src || !dest)
    return err(64, 'usage: install [-bCcpSsUv] [-f flags] [-g group] [-m mode] [-o owner] file1 file2');
  const data = readAny(mac, src);
  if (!data) return err(71, `install: ${src}: No such file or directory`);
  if (isSystemPath(dest) && !root) return err(71, `install: ${dest}: Permission denied`);
  if (!dirExists(mac, posix.dirname(dest))) return err(71, `install: ${dest}: No such file or directory`);
  writeFile(mac, dest, Buffer.from(data), mode);
  return ok();
}

/** cp(1): file_cmds cp/cp.c and utils.c (`warn("%s", to.p_path)`); the usage line is cp's. Flags are ignored. */
function cpProgram(mac: MacState, a: readonly string[], root: boolean): CommandResult {
  const rest = a.filter((v) => !v.startsWith('-'));
  const [src, dest] = rest;
  if (!src || !dest) return err(64, 'usage: cp [-R [-H | -L | -P]] [-fi | -n] [-aclpSsvXx] source_file target_file');
  const data = readAny(mac, src);
  if (!data) return err(1, `cp: ${src}: No such file or directory`);
  if (isSystemPath(dest) && !root) return err(1, `cp: ${dest}: Permission denied`);
  if (!dirExists(mac, posix.dirname(dest))) return err(1, `cp: ${dest}: No such file or directory`);
  writeFile(mac, dest, Buffer.from(data), mac.files.get(src)?.mode ?? 0o644);
  return ok();
}

/** rm(1): file_cmds rm/rm.c (`warn("%s", f)`); -f hides a missing file, as rm's fflag does. */
function rmProgram(mac: MacState, a: readonly string[], root: boolean): CommandResult {
  const dd = a.indexOf('--');
  const paths = dd >= 0 ? a.slice(dd + 1) : a.filter((v) => !v.startsWith('-'));
  const force = a.slice(0, dd >= 0 ? dd : a.length).some((v) => v.startsWith('-') && v.includes('f'));
  for (const p of paths) {
    if (isSystemPath(p) && !root) return err(1, `rm: ${p}: Permission denied`);
    if (!mac.files.delete(p) && !force) return err(1, `rm: ${p}: No such file or directory`);
  }
  return ok();
}

/** mkdir(1): file_cmds mkdir/mkdir.c (`warn("%s", path)`). Every folder is made as if -p were given. */
function mkdirProgram(mac: MacState, a: readonly string[], root: boolean): CommandResult {
  for (const d of a.filter((v) => !v.startsWith('-'))) {
    if (isSystemPath(d) && !root) return err(1, `mkdir: ${d}: Permission denied`);
    mac.dirs.add(d);
  }
  return ok();
}

/** cmp(1): exit 0 same, 1 different, 2 trouble, as POSIX specifies; the wording has no source here. */
function cmpProgram(mac: MacState, a: readonly string[]): CommandResult {
  const [x, y] = a.filter((v) => !v.startsWith('-'));
  const bx = readAny(mac, x ?? '');
  const by = readAny(mac, y ?? '');
  if (!bx || !by) return err(2, `cmp: ${!bx ? x : y}: No such file or directory`);
  return bx.equals(by) ? ok() : { exitCode: 1, stdout: a.includes('-s') ? '' : `${x} ${y} differ\n`, stderr: '' };
}

/** cat(1): text_cmds cat/cat.c (`warn("%s", filename)`). */
function catProgram(mac: MacState, a: readonly string[]): CommandResult {
  const p = a[0] ?? '';
  const data = readAny(mac, p);
  return data ? ok(data.toString('utf8')) : err(1, `cat: ${p}: No such file or directory`);
}

/** tail -n N FILE: text_cmds tail (ierr(fn) prints "tail: FILE: strerror"); default 10 lines, as tail(1) says. */
function tailProgram(mac: MacState, a: readonly string[]): CommandResult {
  const n = a[0] === '-n' ? Number(a[1]) : 10;
  const p = a[a.length - 1] ?? '';
  const data = readAny(mac, p);
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

/**
 * awk runs one program here: Onboard's 1E.Client.conf merge (the same file the plan wrote),
 * with its twin's semantics; the integration tests prove the real awks (Debian's and Apple's,
 * in UTF-8 and C locales) give the same bytes. The program treats the file as bytes, so it is
 * read and written here as Latin-1 (one character per byte) whatever the locale (see conf-merge.ts).
 */
function awkProgram(mac: MacState, a: readonly string[], root: boolean): CommandResult {
  if (a[0] !== '-f') return err(2, 'awk: the simulated Mac runs awk only with -f PROGRAM');
  const program = readAny(mac, a[1] ?? '');
  if (!program) return err(2, `awk: can't open file ${a[1] ?? ''}`);
  if (program.toString('utf8') !== CONF_MERGE_PROGRAM)
    return err(2, 'awk: the simulated Mac models only the 1E.Client.conf merge program');
  const [mode, settingsPath, target, ...bases] = a.slice(2);
  if (mode !== 'merge' && mode !== 'check') return err(2, `onboard conf merge: unknown mode ${mode ?? ''}`);
  const settings = readAny(mac, settingsPath ?? '');
  if (!settings) return err(2, `onboard conf merge: cannot read ${settingsPath ?? ''}`);
  let base: string | null = null;
  for (const b of bases) {
    const data = readAny(mac, b);
    if (data) {
      base = data.toString('latin1');
      break;
    }
  }
  const merged = mergedConfText(base, parseConfSettingsFile(settings.toString('latin1')));
  if (mode === 'check')
    return status(confHoldsMerge(readAny(mac, target ?? '')?.toString('latin1') ?? null, merged) ? 0 : 1);
  if (!target) return err(2, 'onboard conf merge: no target');
  if (isSystemPath(target) && !root) return err(2, `awk: can't redirect to ${target}`);
  writeFile(mac, target, Buffer.from(merged, 'latin1'), mac.files.get(target)?.mode ?? 0o644);
  return ok();
}

/**
 * test(1) with -d, -f or -e (and a leading !): exit 0 true, 1 false, 2 error as POSIX specifies.
 * The error wording is bash's, not shell_cmds test/test.c's ("unexpected operator"): no recorded output.
 */
function testProgram(mac: MacState, a: readonly string[]): CommandResult {
  const negate = a[0] === '!';
  const [op, p] = negate ? a.slice(1) : a;
  let yes: boolean;
  if (op === '-d') yes = dirExists(mac, p ?? '');
  else if (op === '-f' || op === '-e') yes = readAny(mac, p ?? '') !== null || (op === '-e' && dirExists(mac, p ?? ''));
  else return err(2, `test: ${op ?? ''}: unary operator expected`);
  return status((negate ? !yes : yes) ? 0 : 1);
}

export const FILE_PROGRAMS: ProgramTable = {
  [BIN.install]: installProgram,
  [BIN.cp]: cpProgram,
  [BIN.rm]: rmProgram,
  [BIN.mkdir]: mkdirProgram,
  [BIN.cmp]: (mac, a) => cmpProgram(mac, a),
  [BIN.cat]: (mac, a) => catProgram(mac, a),
  [BIN.tail]: (mac, a) => tailProgram(mac, a),
  [BIN.awk]: awkProgram,
  [BIN.test]: (mac, a) => testProgram(mac, a),
};
