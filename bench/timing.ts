// Side-by-side timing of commands: each run spawned in turn with the others (so other work on a shared machine
// slows every command alike), wall time from spawn to exit, CPU time from perf or GNU time, and the load meanwhile.
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
  /** Sorted CPU times (the command and its children), ms; empty without a CPU meter. */
  cpu: number[];
}

export interface Interleaved {
  rows: Timing[];
  /** 1-minute load averages before and after, and the highest seen between rounds. */
  load: { before: number; after: number; max: number };
  rounds: number;
  /** What measured the CPU times (undefined: neither perf nor GNU time works here, so no CPU column). */
  cpuMeter?: string;
}

/**
 * How a run's CPU time (the command and its children) is read: a wrapper writing to a file, and its parser, which
 * may also give the command's own elapsed time (then the wrapper's start-up is not in the wall time).
 */
interface CpuMeter {
  name: string;
  wrap(file: string): string[];
  parse(file: string): { cpu: number; wall?: number; code?: number } | undefined;
}

// perf's task-clock has microsecond resolution and perf times the command itself; GNU time's %U %S has only
// hundredths of a second, coarse against a 100 ms process, so it is the fallback.
const METERS: CpuMeter[] = [
  {
    name: '`perf stat -e task-clock` (wall time: its "time elapsed"; a `/bin/sh` inside it, about 1 ms in every row, keeps the exit status, which perf drops)',
    wrap: (file) => [
      '/usr/bin/perf',
      'stat',
      '-e',
      'task-clock',
      '-o',
      file,
      '--',
      '/bin/sh',
      '-c',
      '"$@"; echo $? > "$0"',
      `${file}.rc`,
    ],
    parse: (file) => {
      const text = readFileSync(file, 'utf8');
      const cpu = /([\d.]+) msec task-clock/.exec(text);
      const wall = /([\d.]+) seconds time elapsed/.exec(text);
      const code = Number(readFileSync(`${file}.rc`, 'utf8'));
      return cpu && wall ? { cpu: Number(cpu[1]), wall: Number(wall[1]) * 1000, code } : undefined;
    },
  },
  {
    name: 'GNU time',
    wrap: (file) => ['/usr/bin/time', '-f', '%U %S', '-o', file],
    parse: (file) => {
      const m = /([\d.]+) ([\d.]+)\s*$/.exec(readFileSync(file, 'utf8'));
      return m ? { cpu: (Number(m[1]) + Number(m[2])) * 1000 } : undefined;
    },
  },
];

export const median = (sorted: number[]) => sorted[Math.floor(sorted.length / 2)] ?? NaN;
export const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

/** The first meter that is installed and measures `true` here (perf may be barred by perf_event_paranoid). */
function cpuMeter(file: string): CpuMeter | undefined {
  for (const m of METERS) {
    if (!existsSync(m.wrap(file)[0]!)) continue;
    try {
      if (spawnSync(m.wrap(file)[0]!, [...m.wrap(file).slice(1), 'true']).status === 0) {
        if (m.parse(file) !== undefined) return m;
      }
    } catch {
      // not usable here: try the next
    } finally {
      rmSync(file, { force: true });
      rmSync(`${file}.rc`, { force: true });
    }
  }
  return undefined;
}

function runOnce(c: Case, meter: CpuMeter | undefined, file: string): Promise<{ wall: number; cpu?: number }> {
  const argv = meter ? [...meter.wrap(file), ...c.argv] : c.argv;
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    execFile(
      argv[0]!,
      argv.slice(1),
      { env: c.env ?? process.env, cwd: c.cwd, maxBuffer: 16 * 1024 * 1024 },
      (err, _out, stderr) => {
        const wall = Number(process.hrtime.bigint() - t0) / 1e6;
        const measured = err ? undefined : meter?.parse(file);
        const code = measured?.code ?? (err ? (typeof err.code === 'number' ? err.code : -1) : 0);
        if (!(c.okCodes ?? [0]).includes(code))
          return reject(new Error(`${c.label} exited ${code}: ${String(stderr).slice(0, 400)}`));
        resolve({ wall: measured?.wall ?? wall, cpu: measured?.cpu });
      },
    );
  });
}

/**
 * Runs every case once per round, in turn, for `rounds` rounds after `warmup` rounds that fill the file
 * cache and are not counted. Asynchronous, so servers in this process keep answering.
 */
export async function interleave(cases: Case[], rounds: number, warmup = 2): Promise<Interleaved> {
  const file = join(tmpdir(), `onboard-bench-cpu-${process.pid}`);
  const meter = cpuMeter(file);
  const rows: Timing[] = cases.map((c) => ({ label: c.label, wall: [], cpu: [] }));
  const before = loadavg()[0]!;
  let max = before;
  try {
    for (let r = 0; r < warmup + rounds; r++) {
      for (const [i, c] of cases.entries()) {
        const t = await runOnce(c, meter, file);
        if (r < warmup) continue;
        rows[i]!.wall.push(t.wall);
        if (t.cpu !== undefined) rows[i]!.cpu.push(t.cpu);
      }
      max = Math.max(max, loadavg()[0]!);
    }
  } finally {
    rmSync(file, { force: true });
    rmSync(`${file}.rc`, { force: true });
  }
  for (const row of rows) {
    row.wall.sort((a, b) => a - b);
    row.cpu.sort((a, b) => a - b);
  }
  return { rows, load: { before, after: loadavg()[0]!, max }, rounds, cpuMeter: meter?.name };
}

/** A markdown table of the rows, each as a ratio of the anchor row (wall and CPU medians). */
export function ratioTable(t: Interleaved, anchor: number): string[] {
  const a = t.rows[anchor]!;
  const head = t.cpuMeter
    ? [
        '| command | median ms | p90 ms | ÷ anchor | CPU ms (median) | CPU ÷ anchor |',
        '| --- | ---: | ---: | ---: | ---: | ---: |',
      ]
    : ['| command | median ms | p90 ms | ÷ anchor |', '| --- | ---: | ---: | ---: |'];
  return [
    ...head,
    ...t.rows.map((r) => {
      const cells = [r.label, median(r.wall).toFixed(0), pct(r.wall, 90).toFixed(0), ratio(r.wall, a.wall)];
      if (t.cpuMeter) cells.push(median(r.cpu).toFixed(0), ratio(r.cpu, a.cpu));
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

/** One sentence on how the pairs were timed, for every section that uses interleave(). */
export function methodSentence(t: Interleaved, warmup = 2): string {
  const cpu = t.cpuMeter ? `; CPU time (the command and its children) from ${t.cpuMeter}` : '; no CPU meter here';
  return `Each command run ${t.rounds} times, in turn with the others, after ${warmup} warm-up rounds; wall time from start to exit${cpu}.`;
}

/** The variable this machine's shell sets (to Debian's whole CA bundle) and a Mac normally does not. */
export const EXTRA_CA_VAR = 'NODE_EXTRA_CA_CERTS';

export interface Environment {
  /** 'mac': the variable removed, as on a technician's Mac; 'shell': the environment the bench was started in. */
  name: 'mac' | 'shell';
  heading: string;
}

const certificatesIn = (file: string) => {
  try {
    return (readFileSync(file, 'latin1').match(/-----BEGIN CERTIFICATE-----/g) ?? []).length;
  } catch {
    return 0;
  }
};

/** Where commands are timed: as on a Mac, and also as this shell runs them when it sets an extra CA file. */
export function environments(): Environment[] {
  const out: Environment[] = [{ name: 'mac', heading: `As on a Mac (\`${EXTRA_CA_VAR}\` unset)` }];
  const file = process.env[EXTRA_CA_VAR];
  if (file)
    out.push({
      name: 'shell',
      heading: `As this machine's shell runs it (\`${EXTRA_CA_VAR}=${file}\`, ${certificatesIn(file)} certificates)`,
    });
  return out;
}

/** `base` (default: this process's environment) as it is in `e`. */
export function environmentFor(e: Environment, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  if (e.name === 'shell') return base;
  const env = { ...base };
  delete env[EXTRA_CA_VAR];
  return env;
}

/**
 * interleave() of every case in every environment in the same rounds (so the same load weighs on all), the rows
 * handed back per environment in the order of `cases`.
 */
export async function interleaveEnvironments(
  cases: Case[],
  rounds: number,
  warmup = 2,
): Promise<Array<{ environment: Environment; t: Interleaved }>> {
  const envs = environments();
  const all = envs.flatMap((e) => cases.map((c) => ({ ...c, env: environmentFor(e, c.env) })));
  const t = await interleave(all, rounds, warmup);
  return envs.map((environment, i) => ({
    environment,
    t: { ...t, rows: t.rows.slice(i * cases.length, (i + 1) * cases.length) },
  }));
}

/**
 * Why each section has a table per environment, with `node -e 0`'s median in each (null where a section has no
 * such row), for the sections whose commands start Node.
 */
export function environmentSentence(nodeMedians: Array<{ environment: Environment; ms: number | null }>): string {
  const shell = nodeMedians.find((n) => n.environment.name === 'shell');
  if (!shell) return `\`${EXTRA_CA_VAR}\` is not set here, as on a Mac, so there is one table.`;
  const mac = nodeMedians.find((n) => n.environment.name === 'mac');
  const figures =
    mac?.ms != null && shell.ms != null
      ? ` (\`node -e 0\` ${shell.ms.toFixed(0)} ms with it, ${mac.ms.toFixed(0)} ms without, in these rounds)`
      : '';
  return `This machine's environment sets \`${EXTRA_CA_VAR}\` to a CA bundle; Node 20 reads that file at start-up, before any script runs, and PEM-parses its own bundled root certificates with it${figures}. A Mac has no such variable unless someone sets one, so the first table is what a technician sees; the second is what a command started from this machine's shell sees. Each anchor runs in the same environment as the commands it is compared with.`;
}
