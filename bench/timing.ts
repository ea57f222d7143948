// Side-by-side timing of commands: each run spawned in turn with the others (so other work on a shared machine
// slows every command alike), wall time from spawn to exit, CPU time from GNU time, and the load while it ran.
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Case {
  /** The row's label in the table, e.g. "`node -e 0` (the floor)". */
  label: string;
  argv: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Exit codes that count as a run (default 0 only). */
  okCodes?: number[];
}

export interface Timing {
  label: string;
  /** Sorted wall times, ms. */
  wall: number[];
  /** Sorted CPU times (user + system, children included), ms; empty without GNU time. */
  cpu: number[];
}

export interface Interleaved {
  rows: Timing[];
  /** 1-minute load averages before and after, and the highest seen between rounds. */
  load: { before: number; after: number; max: number };
  rounds: number;
  cpuMeasured: boolean;
}

const GNU_TIME = '/usr/bin/time';

export const median = (sorted: number[]) => sorted[Math.floor(sorted.length / 2)] ?? NaN;
export const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

/** GNU time is there and writes "%U %S" to a file (Debian's `time` package; BSD time lacks -f). */
function gnuTime(): boolean {
  if (!existsSync(GNU_TIME)) return false;
  const probe = join(tmpdir(), `onboard-bench-time-${process.pid}`);
  try {
    return (
      spawnSync(GNU_TIME, ['-f', '%U %S', '-o', probe, 'true']).status === 0 && /^\d/.test(readFileSync(probe, 'utf8'))
    );
  } catch {
    return false;
  } finally {
    rmSync(probe, { force: true });
  }
}

function runOnce(c: Case, timeFile: string | undefined): Promise<{ wall: number; cpu?: number }> {
  const argv = timeFile ? [GNU_TIME, '-f', '%U %S', '-o', timeFile, ...c.argv] : c.argv;
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    execFile(
      argv[0]!,
      argv.slice(1),
      { env: c.env ?? process.env, cwd: c.cwd, maxBuffer: 16 * 1024 * 1024 },
      (err, _out, stderr) => {
        const wall = Number(process.hrtime.bigint() - t0) / 1e6;
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        if (!(c.okCodes ?? [0]).includes(code))
          return reject(new Error(`${c.label} exited ${code}: ${String(stderr).slice(0, 400)}`));
        let cpu: number | undefined;
        if (timeFile) {
          const m = /([\d.]+) ([\d.]+)\s*$/.exec(readFileSync(timeFile, 'utf8'));
          if (m) cpu = (Number(m[1]) + Number(m[2])) * 1000;
        }
        resolve({ wall, cpu });
      },
    );
  });
}

/**
 * Runs every case once per round, in turn, for `rounds` rounds after `warmup` rounds that fill the file
 * cache and are not counted. Asynchronous, so servers in this process keep answering.
 */
export async function interleave(cases: Case[], rounds: number, warmup = 2): Promise<Interleaved> {
  const timeFile = gnuTime() ? join(tmpdir(), `onboard-bench-time-${process.pid}`) : undefined;
  const rows: Timing[] = cases.map((c) => ({ label: c.label, wall: [], cpu: [] }));
  const before = loadavg()[0]!;
  let max = before;
  try {
    for (let r = 0; r < warmup + rounds; r++) {
      for (const [i, c] of cases.entries()) {
        const t = await runOnce(c, timeFile);
        if (r < warmup) continue;
        rows[i]!.wall.push(t.wall);
        if (t.cpu !== undefined) rows[i]!.cpu.push(t.cpu);
      }
      max = Math.max(max, loadavg()[0]!);
    }
  } finally {
    if (timeFile) rmSync(timeFile, { force: true });
  }
  for (const row of rows) {
    row.wall.sort((a, b) => a - b);
    row.cpu.sort((a, b) => a - b);
  }
  return { rows, load: { before, after: loadavg()[0]!, max }, rounds, cpuMeasured: timeFile !== undefined };
}

/** A markdown table of the rows, each as a ratio of the anchor row (wall and CPU medians). */
export function ratioTable(t: Interleaved, anchor: number): string[] {
  const a = t.rows[anchor]!;
  const head = t.cpuMeasured
    ? [
        '| command | median ms | p90 ms | ÷ anchor | CPU ms (median) | CPU ÷ anchor |',
        '| --- | ---: | ---: | ---: | ---: | ---: |',
      ]
    : ['| command | median ms | p90 ms | ÷ anchor |', '| --- | ---: | ---: | ---: |'];
  return [
    ...head,
    ...t.rows.map((r) => {
      const cells = [r.label, median(r.wall).toFixed(0), pct(r.wall, 90).toFixed(0), ratio(r.wall, a.wall)];
      if (t.cpuMeasured) cells.push(median(r.cpu).toFixed(0), ratio(r.cpu, a.cpu));
      return `| ${cells.join(' | ')} |`;
    }),
  ];
}

export const ratioOf = (row: number[], anchor: number[]) => median(row) / median(anchor);
const ratio = (row: number[], anchor: number[]) => `${ratioOf(row, anchor).toFixed(2)}×`;

/** One sentence on the machine's load while the pairs ran, for every section that times commands. */
export function loadSentence(t: Interleaved, cores: number): string {
  const l = t.load;
  return `Machine load (1-minute average, ${cores} cores): ${l.before.toFixed(1)} before, ${l.after.toFixed(1)} after, at most ${l.max.toFixed(1)} between rounds${l.max > cores ? '; the machine was busier than it has cores, so every row is slower than on a quiet machine, but alike, since each round runs every command in turn' : ''}.`;
}
