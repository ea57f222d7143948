// `onboard --version` and `onboard --help` side by side with a bare `node -e 0` (goal: --version within 1.1×).
import { cpus } from 'node:os';
import { join } from 'node:path';
import {
  environmentSentence,
  interleaveEnvironments,
  loadSentence,
  median,
  methodSentence,
  ratioOf,
  ratioTable,
} from './timing';
import type { BenchSection } from './types';

const BIN = join(__dirname, '..', '..', 'bin', 'onboard.js');
const ROUNDS = 30;
const GOAL = 1.1;

export async function run(): Promise<BenchSection> {
  const results = await interleaveEnvironments(
    [
      { label: '`node -e 0` (Node itself, the anchor)', argv: [process.execPath, '-e', '0'] },
      { label: '`onboard --version`', argv: [process.execPath, BIN, '--version'] },
      { label: '`onboard --help`', argv: [process.execPath, BIN, '--help'] },
    ],
    ROUNDS,
  );
  const t0 = results[0]!.t;
  const tables = results.flatMap(({ environment, t }) => {
    const ratio = ratioOf(t.rows[1]!.wall, t.rows[0]!.wall);
    const cpu = t.cpuMeter ? ratioOf(t.rows[1]!.cpu, t.rows[0]!.cpu) : undefined;
    return [
      `### ${environment.heading}`,
      '',
      ...ratioTable(t, 0),
      '',
      `Goal: \`onboard --version\` within ${GOAL}× \`node -e 0\`: **${ratio <= GOAL ? 'met' : 'not met'}** (${ratio.toFixed(2)}× by wall-clock medians${cpu === undefined ? '' : `, ${cpu.toFixed(2)}× by CPU`}).`,
      '',
    ];
  });
  return {
    title: 'CLI start-up',
    markdown: [
      `${methodSentence(t0)} The dispatcher (\`dist/cli/main.js\`, one bundled file) loads no verb for these two.`,
      '',
      environmentSentence(results.map(({ environment, t }) => ({ environment, ms: median(t.rows[0]!.wall) }))),
      '',
      ...tables,
      loadSentence(t0, cpus().length),
    ].join('\n'),
  };
}
