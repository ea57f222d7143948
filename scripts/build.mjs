// Builds everything the app, the CLI, the preview and the benchmarks run from, into dist/.
// Main-process code is transpiled file by file into dist/src/ (the app, the preview, the benchmarks);
// the `onboard` command is bundled into dist/cli/: the dispatcher alone, and one file per verb that it
// loads only when that verb runs, so start-up reads two files instead of dozens; the sandboxed preload
// and the renderer are bundled, because neither may require local files.
import { build } from 'esbuild';
import { readdirSync, readFileSync, statSync, mkdirSync, copyFileSync, rmSync, renameSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

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

// The verbs are the modules the dispatcher imports lazily: `load: () => import('./check')`.
const cliMain = join(root, 'src/cli/main.ts');
const verbs = [...readFileSync(cliMain, 'utf8').matchAll(/import\('\.\/([a-z-]+)'\)/g)].map((m) => m[1]);

/**
 * In the dispatcher's bundle each verb stays a separate file, loaded when that verb runs: through
 * src/cli/bundle-cache.ts, which hands V8 the code cache made below instead of compiling the verb's bundle again.
 */
const bundleCache = join(root, 'src/cli/bundle-cache.ts');
const verbsApart = {
  name: 'verbs-apart',
  setup(b) {
    b.onResolve({ filter: /^\.\/[a-z-]+$/ }, (args) => {
      if (args.kind === 'dynamic-import' && args.importer === cliMain && verbs.includes(args.path.slice(2)))
        return { path: args.path.slice(2), namespace: 'verb' };
      return undefined;
    });
    // CommonJS on purpose: a require()d module is initialised on first use, so `--version` loads none of it.
    b.onLoad({ filter: /.*/, namespace: 'verb' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(bundleCache)}).loadBundle(require('node:path').join(__dirname, ${JSON.stringify(`${args.path}.js`)})).exports;`,
      resolveDir: root,
      loader: 'js',
    }));
  },
};

// The preview's session thread loads once per browser connection: one bundled file starts faster than dozens.
const previewWorker = join(root, 'src/preview/session-worker.ts');
const nodeFiles = [...tsFiles(join(root, 'src')), ...tsFiles(join(root, 'bench'))].filter(
  (f) => !f.endsWith('preload.ts') && f !== previewWorker,
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
      // check --batch starts its worker threads from a file beside the check bundle: it is an entry of its own.
      entryPoints: Object.fromEntries([
        ['main', cliMain],
        ...verbs.map((v) => [v, join(root, 'src/cli', `${v}.ts`)]),
        ['check-batch-worker', join(root, 'src/cli/check-batch-worker.ts')],
      ]),
      outdir: join(dist, 'cli'),
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      // ws (the lab's Switch stand-in) loads from node_modules when used. node-forge's RC2 (for -legacy PFX files) is
      // bundled, still evaluated only on first use, so that the verb's code cache holds it compiled too.
      external: ['ws', 'zod', 'react', 'react-dom', 'zustand'],
      plugins: [verbsApart],
      sourcemap: 'linked',
      supported: { 'dynamic-import': false },
      logLevel: 'warning',
    }),
    build({
      entryPoints: [previewWorker],
      outfile: join(dist, 'src/preview/session-worker.js'),
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      packages: 'external',
      sourcemap: 'linked',
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
      // boot.js (index.html runs it first) asks for the Mac's facts while app.js still loads; see renderer/api.ts.
      entryPoints: { app: join(root, 'renderer/main.tsx'), boot: join(root, 'renderer/boot.ts') },
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
  // V8 code caches for the verb bundles, made by this node (src/cli/bundle-cache*.ts; the dispatcher is small).
  const { makeCodeCache } = createRequire(import.meta.url)(join(dist, 'src/cli/bundle-cache-make.js'));
  for (const name of verbs) makeCodeCache(join(dist, 'cli', `${name}.js`), join(finalDist, 'cli', `${name}.js`));
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
