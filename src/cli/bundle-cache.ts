// Loading a verb's bundle (dist/cli/<verb>.js) with the V8 code cache the build left beside it (bundle-cache-make.ts).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readInputFileSync } from '../core/fsutil';
import { createRequire, Module } from 'node:module';
import { dirname } from 'node:path';
import { Script } from 'node:vm';

// Why: compiling a 250-300 KB bundle is a large share of a verb's start-up (V8 pre-parses every function to find
// where it ends, then compiles each one on its first call). With a code cache V8 reads the compiled bytecode instead.
// The cache is made once, at build time, by the node that builds (no writable place is needed at run time). V8
// refuses a cache made by another V8 version or with other flags (`cachedDataRejected`): the bundle is then
// compiled as if there were no cache. V8 checks only the source's length, and a release build of V8 does not check
// the cache's own bytes (a flipped byte crashes it or changes a string constant), so the cache file ends with a
// SHA-256 over the cache and the source it was made from: a cache for other source, or damaged, is not offered.

/** The same wrapper Node's CommonJS loader puts around a file, so the bundle sees what `require` would give it. */
export const wrap = (source: string): string =>
  `(function (exports, require, module, __filename, __dirname) { ${source}\n});`;

const HASH_BYTES = 32;

export const cacheFileOf = (bundle: string): string => `${bundle}.v8cache`;

/** The trailer: SHA-256 over the cache's bytes and the source's bytes as read (not the decoded string). */
export const cacheTrailer = (cache: Buffer, source: Buffer): Buffer =>
  createHash('sha256').update(cache).update(source).digest();

/** No cache is near this; a larger file is not one of ours. */
const MAX_CACHE_BYTES = 64 * 1024 * 1024;

function readCache(file: string, bytes: Buffer): Buffer | undefined {
  let data: Buffer;
  try {
    // A regular file only, opened without blocking and bounded: a FIFO or /dev/zero in its place is no cache.
    data = readInputFileSync(cacheFileOf(file), MAX_CACHE_BYTES);
  } catch {
    return undefined;
  }
  const end = data.length - HASH_BYTES;
  if (end <= 0) return undefined;
  const cache = data.subarray(0, end);
  return data.subarray(end).equals(cacheTrailer(cache, bytes)) ? cache : undefined;
}

export interface LoadedBundle {
  exports: unknown;
  /** true: compiled from the cache; false: compiled from source (no cache, another source, or V8 refused it). */
  cacheUsed: boolean;
}

/** Runs a CommonJS bundle as `require(file)` would (module, exports, require, __filename, __dirname), once. */
export function loadBundle(file: string): LoadedBundle {
  const cached = Module as unknown as { _cache: Record<string, { exports: unknown } | undefined> };
  const already = cached._cache[file];
  if (already) return { exports: already.exports, cacheUsed: false };
  const bytes = readFileSync(file);
  const cachedData = readCache(file, bytes);
  const script = new Script(wrap(bytes.toString('utf8')), { filename: file, cachedData });
  const cacheUsed = cachedData !== undefined && script.cachedDataRejected === false;
  const mod = new Module(file);
  mod.filename = file;
  const req = createRequire(file);
  cached._cache[file] = mod;
  try {
    const fn = script.runInThisContext() as (...args: unknown[]) => void;
    fn.call(mod.exports, mod.exports, req, mod, file, dirname(file));
  } catch (e) {
    delete cached._cache[file];
    throw e;
  }
  mod.loaded = true;
  return { exports: mod.exports, cacheUsed };
}
