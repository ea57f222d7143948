// `npm test`: installs what is missing, builds, type-checks, lints, then runs every test
// (unit, component, integration against real OpenSSL/TLS/HTTP peers, end-to-end in Chromium).
import { execFileSync } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const step = (label, cmd, args) => {
  console.log(`\n== ${label}`);
  execFileSync(cmd, args, { cwd: root, stdio: 'inherit' });
};

try {
  step('install what is missing', process.execPath, [join(root, 'scripts/ensure.mjs'), '--chromium']);
  step('build', process.execPath, [join(root, 'scripts/build.mjs')]);
  step('type-check', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']);
  step('format', bin('prettier'), ['--check', '--log-level=warn', '.']);
  step('lint', bin('eslint'), ['--max-warnings=0', '.']);
  step('tests', bin('vitest'), ['run', ...process.argv.slice(2)]);
} catch (e) {
  process.exitCode = typeof e.status === 'number' && e.status !== 0 ? e.status : 1;
}
