// Builds everything the app, the CLI, the preview and the benchmarks run from, into dist/.
// Main-process code is transpiled file by file (not bundled) so the CLI can load verbs lazily;
// the sandboxed preload and the renderer are bundled, because neither may require local files.
import { build } from 'esbuild';
import { readdirSync, statSync, mkdirSync, copyFileSync, rmSync, renameSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const finalDist = join(root, 'dist');
// Build beside dist/ and swap it in at the end, so a running preview or test never sees a half-empty dist/.
const dist = join(root, `dist.build-${process.pid}`);

function tsFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...tsFiles(p));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

const started = Date.now();

const nodeFiles = [...tsFiles(join(root, 'src')), ...tsFiles(join(root, 'bench'))].filter(
  (f) => !f.endsWith('preload.ts'),
);

try {
  await Promise.all([
    build({
      entryPoints: nodeFiles,
      outdir: dist,
      outbase: root,
      bundle: false,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      sourcemap: 'linked',
      // Turn `await import('./x')` into a lazy require so verbs load only when used.
      supported: { 'dynamic-import': false },
      logLevel: 'warning',
    }),
    build({
      entryPoints: [join(root, 'src/main/preload.ts')],
      outfile: join(dist, 'src/main/preload.js'),
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external: ['electron'],
      logLevel: 'warning',
    }),
    build({
      entryPoints: { app: join(root, 'renderer/main.tsx') },
      outdir: join(dist, 'renderer'),
      bundle: true,
      platform: 'browser',
      // A classic script: file:// pages cannot load ES modules without extra privileges.
      format: 'iife',
      target: 'chrome120',
      jsx: 'automatic',
      minify: true,
      sourcemap: 'linked',
      define: { 'process.env.NODE_ENV': '"production"' },
      loader: { '.svg': 'file', '.png': 'file' },
      metafile: true,
      logLevel: 'warning',
    }),
  ]);
} catch (e) {
  rmSync(dist, { recursive: true, force: true });
  throw e;
}
mkdirSync(join(dist, 'renderer'), { recursive: true });
copyFileSync(join(root, 'renderer/index.html'), join(dist, 'renderer/index.html'));
const old = `${finalDist}.old-${process.pid}`;
if (existsSync(finalDist)) renameSync(finalDist, old);
renameSync(dist, finalDist);
rmSync(old, { recursive: true, force: true });
if (!process.env.ONBOARD_QUIET_BUILD) console.log(`onboard: built dist/ in ${Date.now() - started} ms`);
