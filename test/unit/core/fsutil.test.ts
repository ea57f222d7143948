// The safe file primitives: inputs that are not regular files are refused without blocking, and grouped writes are all or nothing.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtemp, rm, readFile, writeFile, readdir, mkdir, stat } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OnboardError } from '../../../src/core/errors';
import { readInputFile, readInputFileSync, writeFilesTogether, writeFileAtomic } from '../../../src/core/fsutil';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'onboard-fsutil-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'no error';
  } catch (e) {
    return e instanceof OnboardError ? e.code : `not an OnboardError: ${String(e)}`;
  }
}

// The synchronous reader (check --batch) must refuse exactly what the asynchronous one refuses.
const readers: [string, (path: string, limit?: number) => Promise<Buffer>][] = [
  ['readInputFile', readInputFile],
  ['readInputFileSync', (path, limit) => new Promise((ok) => ok(readInputFileSync(path, limit)))],
];

describe.each(readers)('%s', (_name, readInputFile) => {
  it('refuses a FIFO at once instead of waiting for a writer', async () => {
    const fifo = join(dir, `pipe-${_name}`);
    execFileSync('/usr/bin/mkfifo', [fifo]);
    expect(await codeOf(readInputFile(fifo))).toBe('not-a-file');
  });

  it('refuses devices such as /dev/zero, which never end, and folders', async () => {
    expect(await codeOf(readInputFile('/dev/zero'))).toBe('not-a-file');
    expect(await codeOf(readInputFile(dir))).toBe('not-a-file');
  });

  it('refuses a file over the limit it is given, and reads one at the limit', async () => {
    const p = join(dir, 'sized');
    await writeFile(p, Buffer.alloc(100, 0x41));
    expect(await codeOf(readInputFile(p, 99))).toBe('file-too-large');
    expect((await readInputFile(p, 100)).length).toBe(100);
  });

  it('says a missing file is missing', async () => {
    expect(await codeOf(readInputFile(join(dir, 'nope')))).toBe('file-not-found');
  });
});

describe('writeFilesTogether', () => {
  it('replaces every file, with its own mode, and leaves no temporary file', async () => {
    const folder = join(dir, 'ok');
    await mkdir(folder);
    await writeFile(join(folder, 'a.key'), 'old key');
    await writeFilesTogether(
      [
        { path: join(folder, 'a.key'), data: 'new key', mode: 0o600 },
        { path: join(folder, 'a.csr'), data: 'new csr' },
      ],
      { overwrite: true },
    );
    expect(await readFile(join(folder, 'a.key'), 'utf8')).toBe('new key');
    expect((await stat(join(folder, 'a.key'))).mode & 0o777).toBe(0o600);
    expect((await readdir(folder)).sort()).toEqual(['a.csr', 'a.key']);
  });

  it('puts the first file back as it was when the second cannot be put in place', async () => {
    const folder = join(dir, 'half');
    await mkdir(folder);
    await writeFile(join(folder, 'mac.key'), 'the old private key');
    // A folder where the second file should go: staging succeeds, the final rename fails.
    await mkdir(join(folder, 'mac.csr'));
    await writeFile(join(folder, 'mac.csr', 'inside'), 'x');
    const code = await codeOf(
      writeFilesTogether(
        [
          { path: join(folder, 'mac.key'), data: 'a new private key', mode: 0o600 },
          { path: join(folder, 'mac.csr'), data: 'a new request' },
        ],
        { overwrite: true },
      ),
    );
    expect(code).toBe('write-failed');
    expect(await readFile(join(folder, 'mac.key'), 'utf8')).toBe('the old private key');
    expect((await readdir(folder)).sort()).toEqual(['mac.csr', 'mac.key']);
  });

  it('removes a new first file when the second cannot be written at all', async () => {
    const folder = join(dir, 'none');
    await mkdir(folder);
    const code = await codeOf(
      writeFilesTogether([
        { path: join(folder, 'new.key'), data: 'key' },
        { path: join(folder, 'missing-folder', 'new.csr'), data: 'csr' },
      ]),
    );
    expect(code).toBe('write-failed');
    expect(await readdir(folder)).toEqual([]);
  });
});

describe('writeFileAtomic', () => {
  it('writes durably (the folder flushed too) when asked, with the same result', async () => {
    const p = join(dir, 'index.json');
    await writeFileAtomic(p, '{"a":1}\n', { durable: true });
    await writeFileAtomic(p, '{"a":2}\n', { durable: true, overwrite: true });
    expect(await readFile(p, 'utf8')).toBe('{"a":2}\n');
  });
});
