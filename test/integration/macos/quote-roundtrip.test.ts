// Specification: the one quoting function, checked against the real /bin/sh.
import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { shellQuoteArgv } from '../../../src/core/macos/quote';

/** Runs a script with /bin/sh and returns its stdout as bytes. */
function sh(script: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      '/bin/sh',
      ['-s'],
      { encoding: 'buffer', maxBuffer: 256 * 1024 * 1024, timeout: 60_000 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`sh failed: ${err.message} ${stderr.toString()}`));
        else resolve(stdout);
      },
    );
    child.stdin!.end(script);
  });
}

// A small deterministic generator, so a failure can be reproduced from its seed.
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NASTY = [
  "'",
  '"',
  '$',
  '`',
  '\\',
  '\n',
  '\r',
  '\t',
  ' ',
  '$(',
  '${',
  '*',
  '?',
  '[',
  ']',
  '~',
  '#',
  '!',
  '&',
  ';',
  '|',
  '<',
  '>',
  '(',
  ')',
  '{',
  '}',
  '=',
  '-',
  '--',
  '%',
  '^',
  ',',
  "'\\''",
  'é',
  'ß',
  '日本',
  '🙂',
  '\u00a0',
  '\u202e',
  '\u0001',
  '\u007f',
];

function randomWord(next: () => number): string {
  const len = Math.floor(next() * 12);
  let w = '';
  for (let i = 0; i < len; i++) {
    const r = next();
    if (r < 0.45) w += NASTY[Math.floor(next() * NASTY.length)];
    else if (r < 0.9) w += String.fromCharCode(0x20 + Math.floor(next() * 95));
    else w += String.fromCodePoint(0xa0 + Math.floor(next() * 0x2ff00));
  }
  return w.replace(/[\uD800-\uDFFF]/g, 'x');
}

describe('shell quoting through the real /bin/sh', () => {
  it('gives back exactly the same words for 10,000 random argv', async () => {
    const next = rng(20240501);
    const argvs: string[][] = [];
    for (let i = 0; i < 10_000; i++) {
      const n = Math.floor(next() * 6);
      argvs.push(Array.from({ length: n }, () => randomWord(next)));
    }
    // Each line hands the words to printf, which writes the count then each word NUL-terminated.
    const script = argvs.map((a) => `set -- ${shellQuoteArgv(a)}\nprintf '%s\\0' "$#" "$@"`).join('\n') + '\n';
    const out = (await sh(script)).toString('utf8').split('\0');
    let at = 0;
    for (const expected of argvs) {
      const count = Number(out[at++]);
      const got = out.slice(at, at + count);
      at += count;
      expect(got).toEqual(expected);
    }
    expect(at).toBe(out.length - 1);
  });

  it('keeps a word that starts with a dash, is empty, or looks like an assignment a single word', async () => {
    const words = ['-n', '', 'A=b', '--', '~root', '-e\\n'];
    const out = (await sh(`set -- ${shellQuoteArgv(words)}\nprintf '%s\\0' "$@"`)).toString('utf8').split('\0');
    out.pop();
    expect(out).toEqual(words);
  });

  it('never runs a command hidden in a word', async () => {
    const out = await sh(`printf '%s' ${shellQuoteArgv(['$(echo pwned)`echo pwned`; echo pwned'])}`);
    expect(out.toString()).toBe('$(echo pwned)`echo pwned`; echo pwned');
  });
});
