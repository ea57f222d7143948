// `npm run bench`: runs every bench/*.ts module (or those named on the command line) and
// rewrites docs/benchmarks.md with their sections and the machine they ran on.
import { readdirSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { cpus, totalmem, release } from 'node:os';
import { join, basename } from 'node:path';
import { execFileSync } from 'node:child_process';
import type { BenchModule, BenchSection } from './types';

const docPath = join(__dirname, '..', '..', 'docs', 'benchmarks.md');

function opensslVersion(): string {
  try {
    return execFileSync('openssl', ['version'], { encoding: 'utf8' }).trim();
  } catch {
    return 'openssl not found';
  }
}

/** Keeps sections of modules not run this time, so one bench can be rerun alone. */
function previousSections(): Map<string, string> {
  const map = new Map<string, string>();
  if (!existsSync(docPath)) return map;
  const text = readFileSync(docPath, 'utf8');
  for (const m of text.matchAll(/<!-- bench:(\S+) -->\n([\s\S]*?)<!-- \/bench:\1 -->/g)) map.set(m[1]!, m[2]!);
  return map;
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const names = readdirSync(__dirname)
    .filter((f) => f.endsWith('.js') && !['run.js', 'types.js', 'timing.js'].includes(f))
    .map((f) => basename(f, '.js'))
    .sort();
  const sections = previousSections();
  for (const name of names) {
    if (only.length && !only.includes(name)) continue;
    process.stdout.write(`bench ${name}: running...\n`);
    const mod = require(join(__dirname, `${name}.js`)) as BenchModule;
    const started = Date.now();
    const s: BenchSection = await mod.run();
    sections.set(
      name,
      `## ${s.title}\n\n${s.markdown.trim()}\n\n_Module \`bench/${name}.ts\`, ran ${new Date().toISOString()} in ${((Date.now() - started) / 1000).toFixed(1)} s._\n\n`,
    );
    process.stdout.write(`bench ${name}: done\n`);
  }
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const header = [
    '# Benchmarks',
    '',
    'Written by `npm run bench` (run `npm run bench -- NAME` to rerun one module). Goals are measured here, never asserted in tests.',
    '',
    "Commands are timed in pairs (`bench/timing.ts`): each round runs the anchor and every subject once, in turn, so other work on a shared machine weighs on both; the tables give medians and each row's ratio to its anchor, by wall time and by CPU time, with the machine's load averages. Compare ratios, not milliseconds. When the load is above the core count, a command made of several steps (Onboard's verify, the OpenSSL sequence) waits for a core at each step, so wall ratios between commands of different shapes move with the load; CPU ratios move much less.",
    '',
    `Last machine: ${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Linux ${release()}, Node ${process.version}, ${opensslVersion()}.`,
    '',
  ].join('\n');
  const body = [...sections.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `<!-- bench:${k} -->\n${v}<!-- /bench:${k} -->\n`)
    .join('\n');
  writeFileSync(docPath, header + '\n' + body);
  process.stdout.write(`wrote ${docPath}\n`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
