// The verb bundles' V8 code cache: a bundle loads as require() would load it, with or without a usable cache.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { cacheFileOf, cacheTrailer } from '../../../src/cli/bundle-cache';

const dir = mkdtempSync(join(tmpdir(), 'onboard-bundle-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, 'sibling.js'), "module.exports = 'from the sibling';\n");

// The cache is made in one process (the build) and used in others (each run). In one process V8 would answer a
// second compile of the same source from its own memory and never look at the cache, so each step is a child node
// running the loader as the build compiles it.
const loader = join(dir, 'bundle-cache.js');
const maker = join(dir, 'bundle-cache-make.js');
buildSync({
  entryPoints: {
    'bundle-cache': join(__dirname, '../../../src/cli/bundle-cache.ts'),
    'bundle-cache-make': join(__dirname, '../../../src/cli/bundle-cache-make.ts'),
  },
  outdir: dir,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  logLevel: 'warning',
});

function makeCodeCache(file: string): void {
  execFileSync(process.execPath, ['-e', `require(${JSON.stringify(maker)}).makeCodeCache(${JSON.stringify(file)})`]);
}

interface Loaded {
  cacheUsed: boolean;
  exports: Record<string, unknown>;
  answer: number;
  again: boolean;
}

/** Loads the bundle in a fresh node, calls its answer(), and loads it a second time. */
function loadBundle(file: string): Loaded {
  const script = `
    const { loadBundle } = require(${JSON.stringify(loader)});
    const first = loadBundle(${JSON.stringify(file)});
    const again = loadBundle(${JSON.stringify(file)}).exports === first.exports;
    process.stdout.write(JSON.stringify({ cacheUsed: first.cacheUsed, exports: first.exports, answer: first.exports.answer?.(), again }));`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as Loaded;
}

// What a CommonJS bundle relies on: its own module and exports, require relative to itself, its file and folder.
const bundleSource = (answer: number) =>
  [
    "'use strict';",
    'exports.file = __filename;',
    'exports.dir = __dirname;',
    "exports.sibling = require('./sibling.js');",
    "exports.builtin = typeof require('node:path').join;",
    'exports.sameExports = module.exports === exports;',
    'exports.thisIsExports = this === exports;',
    `exports.answer = function answer() { return ${answer}; };`,
    '',
  ].join('\n');

let n = 0;
function bundle(source: string): string {
  const file = join(dir, `verb-${++n}.js`);
  writeFileSync(file, source);
  return file;
}

describe('verb bundles with a code cache', () => {
  it('loads from the cache the build makes, with the module semantics of require()', () => {
    const file = bundle(bundleSource(42));
    makeCodeCache(file);
    expect(existsSync(cacheFileOf(file))).toBe(true);
    const loaded = loadBundle(file);
    expect(loaded.cacheUsed).toBe(true);
    expect(loaded.exports).toMatchObject({
      file,
      dir,
      sibling: 'from the sibling',
      builtin: 'function',
      sameExports: true,
      thisIsExports: true,
    });
    expect(loaded.answer).toBe(42);
    // A second load is the same module, as with require().
    expect(loaded.again).toBe(true);
  });

  it('compiles from source when there is no cache', () => {
    const file = bundle(bundleSource(7));
    const loaded = loadBundle(file);
    expect(loaded.cacheUsed).toBe(false);
    expect(loaded.answer).toBe(7);
  });

  it('never runs a cache made for another source, even one of the same length (V8 checks only the length)', () => {
    const file = bundle(bundleSource(42));
    makeCodeCache(file);
    writeFileSync(file, bundleSource(43));
    const loaded = loadBundle(file);
    expect(loaded.cacheUsed).toBe(false);
    expect(loaded.answer).toBe(43);
  });

  it('runs without the cache when V8 refuses it', () => {
    const file = bundle(bundleSource(5));
    makeCodeCache(file);
    const data = readFileSync(cacheFileOf(file));
    // Spoil V8's part and seal it again: our check passes, so V8 itself sees a cache that is not valid.
    const cache = data.subarray(0, data.length - 32).fill(0x5a);
    writeFileSync(cacheFileOf(file), Buffer.concat([cache, cacheTrailer(cache, readFileSync(file))]));
    const loaded = loadBundle(file);
    expect(loaded.cacheUsed).toBe(false);
    expect(loaded.answer).toBe(5);
  });

  it('never offers V8 a damaged cache (V8 does not check its bytes: one flipped byte can crash it)', () => {
    const file = bundle(bundleSource(6));
    makeCodeCache(file);
    const data = readFileSync(cacheFileOf(file));
    for (const at of [40, Math.floor((data.length - 32) / 2), data.length - 33]) {
      const damaged = Buffer.from(data);
      damaged[at]! ^= 0x01;
      writeFileSync(cacheFileOf(file), damaged);
      const loaded = loadBundle(file);
      expect(loaded.cacheUsed).toBe(false);
      expect(loaded.answer).toBe(6);
    }
  });

  it('takes no FIFO for a cache (it would wait for a writer forever)', () => {
    const file = bundle(bundleSource(8));
    execFileSync('mkfifo', [cacheFileOf(file)]);
    const loaded = loadBundle(file);
    expect(loaded.cacheUsed).toBe(false);
    expect(loaded.answer).toBe(8);
  });

  it('passes a bundle’s own error on and does not keep the half-loaded module', () => {
    const file = bundle("throw new Error('broken bundle');\n");
    makeCodeCache(file);
    const script = `
      const { loadBundle } = require(${JSON.stringify(loader)});
      try { loadBundle(${JSON.stringify(file)}); } catch (e) { process.stdout.write(e.message + '|'); }
      require('node:fs').writeFileSync(${JSON.stringify(file)}, 'exports.fixed = true;');
      process.stdout.write(JSON.stringify(loadBundle(${JSON.stringify(file)}).exports));`;
    expect(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })).toBe('broken bundle|{"fixed":true}');
  });
});
