// `npm start`: the desktop app where Electron's binary exists; otherwise (or with --preview)
// the browser preview over the simulated Mac, printing its address.
import { existsSync, readFileSync } from 'node:fs';
import { spawn, execFileSync } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const forcePreview = args.includes('--preview');
const passThrough = args.filter((a) => a !== '--preview');

execFileSync(process.execPath, [join(root, 'scripts/ensure.mjs')], { stdio: 'inherit' });
execFileSync(process.execPath, [join(root, 'scripts/build.mjs')], {
  stdio: 'inherit',
  env: { ...process.env, ONBOARD_QUIET_BUILD: '1' },
});

/** Finds Electron's binary without require('electron'), which would try to download it. */
function electronBinary() {
  const dir = join(root, 'node_modules', 'electron');
  const pathFile = join(dir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const bin = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(bin) ? bin : null;
}

const electron = forcePreview ? null : electronBinary();
let child;
if (electron) {
  child = spawn(electron, [root, ...passThrough], { stdio: 'inherit' });
} else {
  if (!forcePreview)
    console.log(
      'onboard: no Electron binary here (installed with ELECTRON_SKIP_BINARY_DOWNLOAD); starting the browser preview instead.',
    );
  child = spawn(process.execPath, [join(root, 'dist/src/preview/main.js'), ...passThrough], { stdio: 'inherit' });
}
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => process.exit(code ?? 0));
