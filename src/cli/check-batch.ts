// `onboard check --batch`: a fleet's device certificates or PFX files checked in one run, on every core (worker threads).
import { X509Certificate } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, dirname, extname, join, relative, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { readInputFile } from '../core/fsutil';
import { OnboardError, describeError } from '../core/errors';
import {
  checkDeviceFile,
  type FileCheckContext,
  type FileCheckJob,
  type FileCheckResult,
} from '../core/pki/check-file';
import { hostnameProblem } from '../core/pki/csr';
import { loadFile } from '../core/pki/load';
import { helpAsked, parseOptions, readSecret, resolvePath, UsageError, writeJson } from './common';
import { cliError, cliFinding } from './advice';
import { EXIT, type CliIo } from './io';
import type { WorkerSetup } from './check-batch-worker';

export const BATCH_HELP = `Usage: onboard check --batch DIR|FILE... [--hosts-csv F] [--ca FILE]... [--at ISO-8601]
                     [--password-env VAR | --password-file F] [--workers N] [--json]
       onboard check --hosts-csv F [--batch DIR] ...

Checks many device certificates or PFX files in one run, each against every 1E requirement
(the checks of onboard check --pfx / --cert), on every core of this computer.

  --batch DIR|FILE  the files to check; a folder stands for its .pfx, .p12, .pem, .cer, .crt
                    and .der files. More files may follow (onboard check --batch devices/*.pfx)
  --hosts-csv F     pairs files with host names, one Mac a line: HOST[,FILE]. The host names
                    file of onboard lab issue --hosts-csv works as it is: a line without FILE
                    means HOST.pfx (else .p12, .pem, .cer, .crt, .der) in the --batch folder, or
                    in F's folder. Without --hosts-csv, each file's host name is its file name
                    without the extension (MAC01.local.pfx: MAC01.local), as lab issue names them
  --ca FILE         CA certificates to trust (repeat as needed)
  --at ISO-8601     judge validity at this time instead of now
  --password-env VAR / --password-file F   the password of the PFX files (one for all)
  --workers N       threads that check, this one included (default: one per core; 1: this
                    thread alone)
  --json            print JSON (see docs/cli-fleet.md)

Exit codes: 0 every file meets every requirement, 1 a requirement failed, 2 usage error or a
file could not be checked (every other file is still checked and reported).`;

const OPTIONS = {
  batch: { type: 'string', multiple: true },
  'hosts-csv': { type: 'string' },
  ca: { type: 'string', multiple: true },
  at: { type: 'string' },
  'password-env': { type: 'string' },
  'password-file': { type: 'string' },
  workers: { type: 'string' },
  json: { type: 'boolean' },
} as const;

const DEVICE_FILE = /\.(pfx|p12|pem|cer|crt|der)$/i;
const EXTENSIONS = ['.pfx', '.p12', '.pem', '.cer', '.crt', '.der'];
/** Bounds the work one command line can cause. */
const MAX_FILES = 100_000;
/** Below this many files per thread, starting a worker costs more than it saves. */
const FILES_PER_WORKER = 48;
const CHUNK = 32;

/** The host name a lab-issued file carries in its name: MAC01.local.pfx is MAC01.local. */
export function hostFromFileName(path: string): string {
  const name = basename(path);
  return DEVICE_FILE.test(name) ? name.slice(0, -extname(name).length) : name;
}

/** A folder's entries; a folder that cannot be listed (permissions) is the technician's to fix, not an internal error. */
async function listFolder(path: string): Promise<string[]> {
  try {
    return await fs.readdir(path);
  } catch (e) {
    const denied = ['EACCES', 'EPERM'].includes((e as NodeJS.ErrnoException).code ?? '');
    throw new OnboardError(
      'file-unreadable',
      `${path}: ${denied ? 'permission denied' : describeError(e)} (the folder cannot be listed).`,
      "Fix the folder's permissions, or copy the files to a folder you can read.",
    );
  }
}

async function expand(io: CliIo, args: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const a of args) {
    const path = resolvePath(io, a);
    const st = await fs.stat(path).catch(() => null);
    if (st?.isDirectory()) {
      const names = (await listFolder(path)).filter((n) => DEVICE_FILE.test(n)).sort();
      out.push(...names.map((n) => join(path, n)));
    } else out.push(path); // a missing file is reported as that file's error
    if (out.length > MAX_FILES)
      throw new UsageError(`More than ${MAX_FILES.toLocaleString('en')} files were given; check them in groups.`);
  }
  return out;
}

/** The cells of one CSV line (RFC 4180 quotes allowed), trimmed. */
function splitCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      cells.push(cell.trim());
      cell = '';
    } else cell += ch;
  }
  cells.push(cell.trim());
  return cells;
}

/** The jobs a hosts CSV names; each bad line becomes that line's error, not the whole run's. */
async function jobsFromCsv(io: CliIo, csvArg: string, folders: string[]): Promise<(FileCheckJob | FileCheckResult)[]> {
  const csvPath = resolvePath(io, csvArg);
  const text = (await readInputFile(csvPath)).toString('utf8').replace(/^\uFEFF/, '');
  const where = folders.length ? folders : [dirname(csvPath)];
  const jobs: (FileCheckJob | FileCheckResult)[] = [];
  const seen = new Map<string, number>();
  const lines = text.split(/\r?\n/);
  if (lines.length > MAX_FILES)
    throw new UsageError(`${csvArg} has more than ${MAX_FILES.toLocaleString('en')} lines.`);
  for (const [i, raw] of lines.entries()) {
    if (raw.trim() === '' || raw.trimStart().startsWith('#')) continue;
    const [host = '', file = ''] = splitCsvLine(raw);
    if (jobs.length === 0 && /^(host ?name|host|name|computer ?name)$/i.test(host)) continue;
    const at = `${csvArg}:${i + 1}`;
    const bad = (message: string): FileCheckResult => ({
      file: file || at,
      hostname: host,
      verdict: 'error',
      error: { code: 'bad-hosts-csv', message: `${at}: ${message}`, hint: 'Fix that line of the hosts file.' },
    });
    const problem = hostnameProblem(host);
    if (problem) {
      jobs.push(bad(problem));
      continue;
    }
    const first = seen.get(host.toLowerCase());
    if (first !== undefined) {
      jobs.push(bad(`"${host}" is a duplicate of line ${first}`));
      continue;
    }
    seen.set(host.toLowerCase(), i + 1);
    const candidates = file
      ? where.map((d) => resolve(d, file))
      : where.flatMap((d) => EXTENSIONS.map((e) => join(d, host + e)));
    const path = candidates.find((c) => existsSync(c));
    if (!path) {
      jobs.push(
        bad(
          file ? `${file} is not there` : `no ${host}.pfx (or .p12, .pem, .cer, .crt, .der) in ${where.join(' or ')}`,
        ),
      );
      continue;
    }
    jobs.push({ path, file: relative(io.cwd, path) || path, hostname: host });
  }
  if (jobs.length === 0) throw new UsageError(`${csvArg} names no Mac.`, 'Put one host name a line: HOST[,FILE].');
  return jobs;
}

function contextOf(setup: WorkerSetup): FileCheckContext {
  return {
    caCertificates: setup.caDer.map((d) => new X509Certificate(d)),
    at: new Date(setup.at),
    ...(setup.password !== undefined ? { password: setup.password } : {}),
  };
}

const stopped = (jobs: FileCheckJob[], e: unknown): FileCheckResult[] =>
  jobs.map((j) => ({
    file: j.file,
    hostname: j.hostname,
    verdict: 'error',
    error: {
      code: 'internal',
      message: `A worker thread stopped: ${String(e)}`,
      hint: 'This is a bug: please report it.',
    },
  }));

/**
 * Runs the jobs on `threads` threads, this one included: it checks chunks from the start while the
 * worker threads load (each loads the checks anew, which takes as long as checking dozens of files).
 * Each worker is handed its first chunks when it is made, so every thread started does check files
 * and the count returned is what happened (0: this thread alone), and keeps one chunk queued behind
 * the one it checks, so it never waits for this thread to finish a chunk before it gets the next.
 */
async function runJobs(
  jobs: FileCheckJob[],
  setup: WorkerSetup,
  threads: number,
): Promise<{ results: FileCheckResult[]; threads: number }> {
  const results = new Array<FileCheckResult>(jobs.length);
  const ctx = contextOf(setup);
  const workerFile = join(__dirname, 'check-batch-worker.js');
  // From TypeScript sources (the unit tests) there is no compiled worker: everything is checked in this thread.
  const helpers = existsSync(workerFile) ? threads - 1 : 0;
  let next = 0;
  const take = (size: number) => {
    const start = next;
    next = Math.min(jobs.length, next + size);
    return { start, chunk: jobs.slice(start, next) };
  };
  const startWorker = () => {
    const worker = new Worker(workerFile, { workerData: setup });
    const inFlight: { start: number; chunk: FileCheckJob[] }[] = [];
    let finished!: () => void;
    const ended = new Promise<void>((resolve) => (finished = resolve));
    const finish = () => {
      worker.removeAllListeners();
      void worker.terminate().then(finished);
    };
    const send = () => {
      const job = take(CHUNK);
      if (job.chunk.length > 0) {
        inFlight.push(job);
        worker.postMessage(job.chunk);
      } else if (inFlight.length === 0) finish();
    };
    worker.on('message', (answers: FileCheckResult[]) => {
      const { start } = inFlight.shift()!;
      answers.forEach((r, k) => (results[start + k] = r));
      send();
    });
    // A thread that fails reports its files as errors and takes no more; the others carry on.
    const fail = (e: unknown) => {
      for (const { start, chunk } of inFlight.splice(0)) stopped(chunk, e).forEach((r, k) => (results[start + k] = r));
      finish();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(`it exited with code ${code}`));
    send();
    return { ended, send };
  };
  // Every worker gets a first chunk before any gets a second (there are at least FILES_PER_WORKER files a thread).
  const workers = Array.from({ length: helpers }, startWorker);
  for (const w of workers) w.send();
  // This thread's chunks are smaller: while it checks one, the workers' answers wait.
  for (let job = take(CHUNK / 2); job.chunk.length > 0; job = take(CHUNK / 2)) {
    job.chunk.forEach((j, k) => (results[job.start + k] = checkDeviceFile(j, ctx)));
    await new Promise((resolve) => setImmediate(resolve));
  }
  await Promise.all(workers.map((w) => w.ended));
  return { results, threads: helpers > 0 ? helpers + 1 : 0 };
}

export async function runBatch(argv: string[], io: CliIo, parseAt: (text: string) => Date): Promise<number> {
  const { values, positionals } = parseOptions(argv, OPTIONS, true);
  if (helpAsked(io, values, BATCH_HELP)) return EXIT.ok;
  const inputs = [...(values.batch ?? []), ...positionals];
  if (!values['hosts-csv'] && inputs.length === 0) throw new UsageError('--batch needs the folder or files to check.');
  if (values['password-env'] !== undefined && values['password-file'] !== undefined)
    throw new UsageError('Give either --password-env or --password-file, not both.');
  let workers = availableParallelism();
  if (values.workers !== undefined) {
    workers = Number(values.workers);
    if (!Number.isInteger(workers) || workers < 1 || workers > 64)
      throw new UsageError(`--workers must be a whole number from 1 to 64, not '${values.workers}'.`);
  }
  const at = values.at !== undefined ? parseAt(values.at) : new Date();
  const caDer: Uint8Array[] = [];
  for (const f of values.ca ?? []) caDer.push(...(await loadFile(resolvePath(io, f))).certificates.map((c) => c.raw));

  const listed: (FileCheckJob | FileCheckResult)[] = values['hosts-csv']
    ? await jobsFromCsv(
        io,
        values['hosts-csv'],
        inputs.map((a) => resolvePath(io, a)),
      )
    : (await expand(io, inputs)).map((path) => ({
        path,
        file: relative(io.cwd, path) || path,
        hostname: hostFromFileName(path),
      }));
  if (listed.length === 0) throw new UsageError('There is no device file to check in what --batch names.');
  const jobs = listed.filter((j): j is FileCheckJob => 'path' in j);
  const needsPassword = jobs.some((j) => /\.(pfx|p12)$/i.test(j.path));
  const password =
    values['password-env'] !== undefined || values['password-file'] !== undefined || (needsPassword && io.stdin.isTTY)
      ? await readSecret(io, {
          env: values['password-env'],
          file: values['password-file'],
          prompt: 'Password of the PFX files',
          optionNames: ['--password-env', '--password-file'],
          optional: true,
        })
      : undefined;
  const threads = Math.max(1, Math.min(workers, Math.ceil(jobs.length / FILES_PER_WORKER)));
  const started = process.hrtime.bigint();
  const { results: checked, threads: ran } = await runJobs(
    jobs,
    { caDer, at: at.getTime(), ...(password !== undefined ? { password } : {}) },
    threads,
  );
  const elapsedMs = Math.round(Number(process.hrtime.bigint() - started) / 1e6);
  let k = 0;
  // Fixes and errors in the CLI's words, as onboard check prints them for one file.
  const results = listed
    .map((j) => ('path' in j ? checked[k++]! : j))
    .map((r) => ({
      ...r,
      ...(r.problems ? { problems: r.problems.map(cliFinding) } : {}),
      ...(r.error ? { error: { code: r.error.code, ...cliError(r.error) } } : {}),
    }));
  const count = (v: FileCheckResult['verdict']) => results.filter((r) => r.verdict === v).length;
  const summary = {
    files: results.length,
    pass: count('pass'),
    warn: count('warn'),
    fail: count('fail'),
    error: count('error'),
  };
  // workers: the threads that really checked the files, this one included; 1 when it did alone (no worker was started).
  if (values.json) writeJson(io, { at: at.toISOString(), workers: Math.max(1, ran), elapsedMs, summary, results });
  else {
    const lines: string[] = [];
    for (const r of results) {
      const ids = (r.problems ?? []).filter((p) => p.status === r.verdict).map((p) => p.id);
      if (r.verdict === 'fail') lines.push(`✗ ${r.file} (${r.hostname}): ${ids.join(', ')}`);
      else if (r.verdict === 'warn') lines.push(`! ${r.file} (${r.hostname}): ${ids.join(', ')}`);
      else if (r.verdict === 'error') lines.push(`✗ ${r.file}: could not be checked: ${r.error!.message}`);
    }
    lines.push(
      `Result: ${summary.files} file${summary.files === 1 ? '' : 's'}: ${summary.pass} meet every requirement, ${summary.warn} with warnings, ${summary.fail} failed, ${summary.error} could not be checked (${threads} thread${threads === 1 ? '' : 's'}, ${elapsedMs} ms).`,
    );
    io.stdout.write(lines.join('\n') + '\n');
  }
  if (summary.error) return EXIT.usage;
  return summary.fail ? EXIT.failed : EXIT.ok;
}
