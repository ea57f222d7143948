// Password files are inputs like any other: a regular file of a sane size, never a FIFO or a device.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../src/cli/main';
import { runInMemory } from '../../support/cli-io';

let dir: string;
const cli = (argv: string[]) => runInMemory(main, argv, {}, { cwd: dir });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'onboard-inputs-'));
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  await writeFile(
    join(dir, 'enc.key'),
    privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'right one' }),
  );
  await writeFile(join(dir, 'pw.txt'), 'right one\nsecond line is ignored\n');
  await writeFile(join(dir, 'huge.txt'), Buffer.alloc(65 * 1024, 0x61));
  execFileSync('/usr/bin/mkfifo', [join(dir, 'fifo')]);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('--password-file', () => {
  it('reads the first line of a small regular file', async () => {
    const r = await cli(['inspect', 'enc.key', '--password-file', 'pw.txt']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/EC/);
  });

  it('refuses /dev/zero with one clear line and exit 2, without reading it', async () => {
    const r = await cli(['inspect', 'enc.key', '--password-file', '/dev/zero']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^onboard inspect: The password file \/dev\/zero is not a regular file/);
  });

  it('refuses a FIFO at once instead of waiting for a writer', async () => {
    const r = await cli(['inspect', 'enc.key', '--password-file', 'fifo']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/The password file fifo is not a regular file/);
  });

  it('refuses a file far larger than any password', async () => {
    const r = await cli(['inspect', 'enc.key', '--password-file', 'huge.txt']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/The password file huge\.txt is larger than 64 KB/);
  });
});
