// Making the V8 code cache of a verb bundle, at build time (scripts/build.mjs); bundle-cache.ts reads it at run time.
// Apart from the reader because node:v8 is needed only here: a run does not load it.
import { readFileSync, writeFileSync } from 'node:fs';
import { Script } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { cacheFileOf, cacheTrailer, wrap } from './bundle-cache';

/**
 * Writes the code cache for a bundle: every function compiled, not only the top level that V8 compiles at once
 * (a verb's work is in functions first called after loading). Run by the build; `runAs` is the path it will run from.
 */
export function makeCodeCache(file: string, runAs: string = file): number {
  const bytes = readFileSync(file);
  setFlagsFromString('--no-lazy');
  let script: Script;
  try {
    // Named as it will be run (the build writes into a temporary folder that is then renamed): V8 keeps this name
    // in the cached functions, and stack traces show it.
    script = new Script(wrap(bytes.toString('utf8')), { filename: runAs });
  } finally {
    setFlagsFromString('--lazy');
  }
  // Only now: the cache records V8's flags as they are when it is made, and a run has the default ones.
  const data = script.createCachedData();
  writeFileSync(cacheFileOf(file), Buffer.concat([data, cacheTrailer(data, bytes)]));
  return data.length;
}
