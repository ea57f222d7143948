// Installs what a fresh clone lacks before `npm start`, `npm test` or `npm run bench`:
// Node dependencies (without Electron's binary download) and, for tests, Debian's Chromium.
// Uses only Node's standard library, because it runs before node_modules exists.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const wantChromium = process.argv.includes('--chromium');

function run(cmd, args, env = {}) {
  execFileSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
}

function depsInstalled() {
  const marker = join(root, 'node_modules', '.package-lock.json');
  if (!existsSync(marker)) return false;
  // Reinstall when package-lock.json changed after the last install.
  return statSync(marker).mtimeMs >= statSync(join(root, 'package-lock.json')).mtimeMs - 1000;
}

if (!depsInstalled()) {
  console.log('onboard: installing Node dependencies (npm ci, Electron binary download skipped)...');
  run('npm', ['ci', '--no-audit', '--no-fund'], { ELECTRON_SKIP_BINARY_DOWNLOAD: '1' });
}

export function chromiumPath() {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean);
  return candidates.find((p) => existsSync(p)) ?? null;
}

if (wantChromium && !chromiumPath()) {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const debian = existsSync('/etc/debian_version');
  if (isRoot && debian) {
    console.log("onboard: installing Debian's chromium for the end-to-end tests...");
    run('apt-get', ['update', '-qq']);
    run('apt-get', ['install', '-y', '-qq', 'chromium'], { DEBIAN_FRONTEND: 'noninteractive' });
  } else {
    console.error(
      'onboard: the end-to-end tests need Chromium. Install it (Debian: sudo apt-get install chromium) or set CHROMIUM_PATH to its binary.',
    );
    process.exit(2);
  }
}

// Quietly confirm the lock file is readable JSON (a merge conflict there breaks npm ci).
JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
