// How long `onboard --version` and `onboard --help` take from process start to exit (goal: under 150 ms).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { BenchSection } from './types';

const bin = join(__dirname, '..', '..', 'bin', 'onboard.js');

function timeRuns(args: string[], runs: number): number[] {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.status !== 0) throw new Error(`onboard ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
    times.push(ms);
  }
  return times.sort((a, b) => a - b);
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

export async function run(): Promise<BenchSection> {
  const runs = 30;
  timeRuns(['--version'], 3); // warm the file cache
  const baseline = (() => {
    const t: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = process.hrtime.bigint();
      spawnSync(process.execPath, ['-e', '0']);
      t.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    return t.sort((a, b) => a - b);
  })();
  const rows = [
    ['`node -e 0` (Node itself, the floor)', baseline],
    ['`onboard --version`', timeRuns(['--version'], runs)],
    ['`onboard --help`', timeRuns(['--help'], runs)],
  ] as const;
  const version = rows[1][1];
  const met = pct(version, 50) < 150;
  return {
    title: 'CLI start-up',
    markdown: [
      `Each command spawned ${runs} times from Node (\`spawnSync\`), wall time from spawn to exit. Verbs are loaded lazily, so \`--version\` loads only the dispatcher.`,
      '',
      '| command | median ms | p90 ms | min ms |',
      '| --- | ---: | ---: | ---: |',
      ...rows.map(
        ([label, t]) => `| ${label} | ${pct(t, 50).toFixed(1)} | ${pct(t, 90).toFixed(1)} | ${t[0]!.toFixed(1)} |`,
      ),
      '',
      `Goal: \`onboard --version\` under 150 ms. ${met ? '**Met**' : '**Not met**'} (median ${pct(version, 50).toFixed(1)} ms).`,
    ].join('\n'),
  };
}
