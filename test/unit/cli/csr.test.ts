import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtemp, rm, readFile, writeFile, stat, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { main } from '../../../src/cli/main';
import { runInMemory } from '../../support/cli-io';
import { readCsr } from '../../../src/core/pki/csr';

const env = { KEY_PW: 'key password' };
let dir: string;

const cli = (argv: string[]) => runInMemory(main, argv, env, { cwd: dir });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'onboard-csr-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('onboard csr', () => {
  it('writes an encrypted 0600 key and a request for the exact host name, and says what to do next', async () => {
    const r = await cli([
      'csr',
      '--hostname',
      'MAC01.local',
      '--out-key',
      'mac.key',
      '--out-csr',
      'mac.csr',
      '--key-password-env',
      'KEY_PW',
    ]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('onboard pfx');
    expect((await stat(join(dir, 'mac.key'))).mode & 0o777).toBe(0o600);
    const key = createPrivateKey({ key: await readFile(join(dir, 'mac.key')), passphrase: env.KEY_PW });
    const csr = readCsr(
      Buffer.from((await readFile(join(dir, 'mac.csr'), 'utf8')).replace(/-----[^-]+-----|\s/g, ''), 'base64'),
    );
    expect(csr.commonName).toBe('MAC01.local');
    expect(csr.publicKey.export({ type: 'spki', format: 'der' })).toEqual(
      createPublicKey(key).export({ type: 'spki', format: 'der' }),
    );
  });

  it('prints JSON with the key size and whether the key is encrypted', async () => {
    const r = await cli([
      'csr',
      '--hostname',
      'MAC02.local',
      '--san',
      'mac02.acme.example',
      '--key-size',
      '3072',
      '--out-key',
      'j.key',
      '--out-csr',
      'j.csr',
      '--json',
    ]);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({
      subject: 'CN=MAC02.local',
      dnsNames: ['MAC02.local', 'mac02.acme.example'],
      keySize: 3072,
      keyEncrypted: false,
      template: null,
    });
  });

  it('refuses an existing output file unless --force', async () => {
    await writeFile(join(dir, 'old.csr'), 'old');
    const r = await cli(['csr', '--hostname', 'MAC03.local', '--out-key', 'new.key', '--out-csr', 'old.csr']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/old\.csr already exists/);
    expect(await readdir(dir)).not.toContain('new.key');
  });

  it('refuses an invalid host name and a wrong key size', async () => {
    const bad = await cli(['csr', '--hostname', 'MAC_04', '--out-key', 'a.key', '--out-csr', 'a.csr']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/Invalid host name/);
    const size = await cli([
      'csr',
      '--hostname',
      'MAC04.local',
      '--key-size',
      '1024',
      '--out-key',
      'a.key',
      '--out-csr',
      'a.csr',
    ]);
    expect(size.code).toBe(2);
    expect(size.err).toMatch(/2048, 3072 or 4096/);
    expect(await readdir(dir)).not.toContain('a.key');
  });

  it('keeps the old key when --force fails half-way (the request cannot be written)', async () => {
    await writeFile(join(dir, 'kept.key'), 'the old private key\n', { mode: 0o600 });
    const r = await cli([
      'csr',
      '--hostname',
      'MAC05.local',
      '--out-key',
      'kept.key',
      '--out-csr',
      'no-such-folder/kept.csr',
      '--force',
    ]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/Could not write .*kept\.csr/);
    expect(await readFile(join(dir, 'kept.key'), 'utf8')).toBe('the old private key\n');
    expect((await readdir(dir)).filter((n) => n.includes('kept'))).toEqual(['kept.key']);
  });
});
