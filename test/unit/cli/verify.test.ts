import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:net';
import { mkdir, chmod, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../../src/cli/verify';
import { runInMemory } from '../../support/cli-io';
import { makePfx, makeTestPki, type TestPki } from '../../support/openssl';

const verify = (args: string[]) => runInMemory(run, args, {}, { cwd: tmpdir() });

const base = ['--switch', 'tachyon.acme.local:4000', '--pfx', 'device.pfx'];

describe('onboard verify usage', () => {
  it('prints its help, naming every option and the exit codes, and exits 0', async () => {
    const r = await verify(['--help']);
    expect(r.code).toBe(0);
    for (const opt of [
      '--switch',
      '--background-url',
      '--pfx',
      '--ca',
      '--password-env',
      '--password-file',
      '--timeout',
      '--tls',
      '--skip-crl',
      '--skip-ocsp',
      '--json',
      '--report',
    ])
      expect(r.out).toContain(opt);
    expect(r.out).toContain('Exit codes: 0');
  });

  it('requires the Switch address', async () => {
    const r = await verify(['--pfx', 'device.pfx']);
    expect(r).toMatchObject({ code: 2, err: expect.stringContaining('--switch HOST:PORT is required') });
  });

  it('requires the PFX', async () => {
    expect(await verify(['--switch', 'tachyon.acme.local:4000'])).toMatchObject({
      code: 2,
      err: expect.stringContaining('--pfx FILE is required'),
    });
  });

  it('refuses a Switch address without a port', async () => {
    const r = await verify(['--switch', 'tachyon.acme.local', '--pfx', 'device.pfx']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('host:port');
  });

  it('refuses a Background Channel URL that is not https', async () => {
    const r = await verify([...base, '--background-url', 'http://tachyon.acme.local/Background/']);
    expect(r).toMatchObject({ code: 2, err: expect.stringContaining('must use https') });
  });

  it('refuses a report name whose extension does not say html or json', async () => {
    expect(await verify([...base, '--report', 'out.pdf'])).toMatchObject({
      code: 2,
      err: expect.stringContaining('must end in .html or .json'),
    });
  });

  it('refuses TLS versions the 1E platform does not use', async () => {
    expect(await verify([...base, '--tls', '1.1'])).toMatchObject({
      code: 2,
      err: expect.stringContaining('TLS 1.2 or 1.3'),
    });
  });

  it('refuses a timeout that is not a sensible number of milliseconds', async () => {
    expect((await verify([...base, '--timeout', '5s'])).code).toBe(2);
    expect((await verify([...base, '--timeout', '10'])).code).toBe(2);
  });

  it('refuses a password on the command line, as an unknown option', async () => {
    const r = await verify([...base, '--password', 'hunter22']);
    expect(r.code).toBe(2);
    expect(r.err).not.toContain('hunter22');
  });

  it('says which PFX file is missing', async () => {
    const r = await verify(['--switch', 'tachyon.acme.local:4000', '--pfx', 'no-such.pfx', '--skip-mac-checks']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('no-such.pfx');
  });
});

describe('onboard verify --report is checked before anything is probed', () => {
  const PW = 'verify report pw';
  let pki: TestPki;
  let server: Server;
  let port: number;
  let connections = 0;
  const inDir = (args: string[]) => runInMemory(run, args, { PW }, { cwd: pki.dir });
  const probeArgs = () => [
    '--switch',
    `127.0.0.1:${port}`,
    '--pfx',
    'device.pfx',
    '--password-env',
    'PW',
    '--skip-crl',
    '--skip-mac-checks',
    '--timeout',
    '3000',
  ];

  beforeAll(async () => {
    pki = await makeTestPki({ name: 'Verify Report' });
    const device = await pki.issuer.issue('MAC01.local', { sans: ['MAC01.local'] });
    await makePfx(join(pki.dir, 'device.pfx'), device.certPath, device.keyPath, PW, {
      chainPaths: [pki.root.certPath],
    });
    // A "Switch" that hangs up at once: every probe that runs leaves a connection counted here.
    server = createServer((s) => {
      connections++;
      s.destroy();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as { port: number }).port;
  });
  afterAll(async () => {
    await new Promise((r) => server?.close(r));
    await pki?.cleanup();
  });

  it('refuses an existing report file without --force, before connecting, and keeps the file', async () => {
    await writeFile(join(pki.dir, 'taken.json'), 'keep me');
    const before = connections;
    const r = await inDir([...probeArgs(), '--report', 'taken.json']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/taken\.json already exists[\s\S]*--force/);
    expect(connections).toBe(before);
    expect(await readFile(join(pki.dir, 'taken.json'), 'utf8')).toBe('keep me');
  });

  it('refuses a report in a folder that does not exist, before connecting', async () => {
    const before = connections;
    const r = await inDir([...probeArgs(), '--report', join('no-such-folder', 'r.html')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/folder .*no-such-folder does not exist/);
    expect(r.err).toContain('Create the folder first');
    expect(connections).toBe(before);
  });

  it('refuses a report path that is a folder, even with --force', async () => {
    await mkdir(join(pki.dir, 'folder.json'), { recursive: true });
    const before = connections;
    const r = await inDir([...probeArgs(), '--report', 'folder.json', '--force']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('folder.json is a folder');
    expect(connections).toBe(before);
  });

  it('refuses a folder it cannot write in, before connecting, and leaves nothing there', async () => {
    // root writes anywhere its permissions say no, so as root use a read-only place the kernel owns.
    let folder = '/sys';
    if (process.getuid?.() !== 0) {
      folder = join(pki.dir, 'read-only');
      await mkdir(folder, { recursive: true });
      await chmod(folder, 0o555);
    }
    const before = connections;
    const r = await inDir([...probeArgs(), '--report', join(folder, 'r.json')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/cannot write in/);
    expect(connections).toBe(before);
    if (folder !== '/sys') expect(await readdir(folder)).toEqual([]);
  });

  it('with --force replaces the report after probing (so the refusals above are not just a dead Switch)', async () => {
    await writeFile(join(pki.dir, 'replace.json'), 'old');
    const before = connections;
    const r = await inDir([...probeArgs(), '--report', 'replace.json', '--force']);
    expect(r.code, r.err).toBe(1);
    expect(connections).toBeGreaterThan(before);
    expect(JSON.parse(await readFile(join(pki.dir, 'replace.json'), 'utf8'))).toMatchObject({
      format: 'onboard-report/1',
    });
    expect((await readdir(pki.dir)).filter((f) => f.endsWith('.probe'))).toEqual([]);
  });
});
