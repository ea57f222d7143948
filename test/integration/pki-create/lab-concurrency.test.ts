// The lab's records under real concurrency and real signals: `onboard lab` run as separate processes (dist/), killed
// mid-issue, racing a revocation, two batches at once; then the index is checked against the files on disk and
// OpenSSL checks the CRLs with -crl_check_all.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtemp, rm, readFile, readdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir, hostname } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { openssl } from '../../support/openssl';

const root = join(__dirname, '..', '..', '..');
const bin = join(root, 'bin', 'onboard.js');
const env = { ...process.env, CA_PW: 'lab ca secret', PFX_PW: 'device-pfx-pw' };
const pw = ['--ca-password-env', 'CA_PW'];

let work: string;
let labDir: string;

interface Done {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
  err: string;
}

function start(args: string[]): { child: ChildProcess; done: Promise<Done> } {
  const child = spawn(process.execPath, [bin, 'lab', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  // 'close' comes after the process is reaped, so its pid is really gone when a test goes on.
  const done = new Promise<Done>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, out, err })));
  return { child, done };
}

const run = (args: string[]) => start(args).done;
const hosts = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => ['--hostname', `${prefix}${i}.lab.test`]).flat();

async function indexSerials(): Promise<Map<string, { revokedAt?: string }>> {
  const index = JSON.parse(await readFile(join(labDir, 'index.json'), 'utf8')) as {
    issued: { serial: string; revokedAt?: string }[];
  };
  return new Map(index.issued.map((r) => [r.serial, r]));
}

const serialOfPem = (pem: string) => new X509Certificate(pem).serialNumber.toLowerCase().replace(/^(00)+(?=.)/, '');

/** Every certificate file under `dir` (PEM and PFX alike: a PFX is checked through its PEM twin, or alone by name). */
async function unrecordedFiles(dir: string): Promise<string[]> {
  const serials = await indexSerials();
  const names = existsSync(dir) ? await readdir(dir) : [];
  const missing: string[] = [];
  for (const n of names.filter((x) => x.endsWith('.pem'))) {
    if (!serials.has(serialOfPem(await readFile(join(dir, n), 'utf8')))) missing.push(n);
  }
  for (const n of names.filter((x) => x.endsWith('.pfx'))) {
    const r = await openssl(['pkcs12', '-in', join(dir, n), '-nokeys', '-clcerts', '-passin', 'env:PFX_PW'], { env });
    expect(r.code, r.stderr).toBe(0);
    if (!serials.has(serialOfPem(r.stdout))) missing.push(n);
  }
  return missing;
}

async function verifyWithCrls(certFile: string): Promise<{ code: number; text: string }> {
  const parts: string[] = [];
  for (const ca of ['root', 'intermediate']) {
    const r = await openssl(['crl', '-inform', 'DER', '-in', join(labDir, 'crl', `${ca}.crl`)]);
    expect(r.code, r.stderr).toBe(0);
    parts.push(r.stdout);
  }
  const crls = join(work, `crls-${Date.now()}.pem`);
  const cas = join(work, 'cas.pem');
  await writeFile(crls, parts.join(''));
  await writeFile(
    cas,
    (await readFile(join(labDir, 'root.pem'), 'utf8')) + (await readFile(join(labDir, 'intermediate.pem'), 'utf8')),
  );
  const r = await openssl(['verify', '-CAfile', cas, '-crl_check_all', '-CRLfile', crls, certFile]);
  return { code: r.code, text: r.stdout + r.stderr };
}

beforeAll(async () => {
  if (!existsSync(join(root, 'dist', 'src', 'cli', 'main.js')))
    execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { stdio: 'inherit' });
  work = await mkdtemp(join(tmpdir(), 'onboard-lab-race-'));
  labDir = join(work, 'lab');
  const init = await run([
    'init',
    '--dir',
    labDir,
    '--name',
    'Race Lab',
    '--intermediate',
    '--crl-base-url',
    'http://127.0.0.1:8080/crl',
    ...pw,
  ]);
  expect(init.code, init.err).toBe(0);
}, 120_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('lab commands as separate processes', () => {
  it('never loses a revocation made while a batch is being issued', async () => {
    const first = await run([
      'issue',
      '--dir',
      labDir,
      '--hostname',
      'victim.lab.test',
      '--out',
      join(work, 'v'),
      '--password-env',
      'PFX_PW',
      ...pw,
    ]);
    expect(first.code, first.err).toBe(0);
    const victim = join(work, 'v', 'victim.lab.test.pem');
    const batch = start([
      'issue',
      '--dir',
      labDir,
      ...hosts('race', 12),
      '--out',
      join(work, 'race'),
      '--password-env',
      'PFX_PW',
      ...pw,
    ]);
    // Revoke while the batch runs: it waits for the batch, or says the lab is busy; it never reports a lost success.
    await new Promise((r) => setTimeout(r, 300));
    let revoke = await run(['revoke', '--dir', labDir, '--cert', victim]);
    const issued = await batch.done;
    expect(issued.code, issued.err).toBe(0);
    if (revoke.code !== 0) {
      expect(revoke.code).toBe(2);
      expect(revoke.err).toMatch(/busy/);
      revoke = await run(['revoke', '--dir', labDir, '--cert', victim]);
    }
    expect(revoke.code, revoke.err).toBe(0);
    expect((await indexSerials()).get(serialOfPem(await readFile(victim, 'utf8')))?.revokedAt).toBeDefined();
    expect(await unrecordedFiles(join(work, 'race'))).toEqual([]);
    const crl = await run(['crl', '--dir', labDir, ...pw]);
    expect(crl.code, crl.err).toBe(0);
    const v = await verifyWithCrls(victim);
    expect(v.code).not.toBe(0);
    expect(v.text).toMatch(/certificate revoked/);
    expect((await verifyWithCrls(join(work, 'race', 'race0.lab.test.pem'))).code).toBe(0);
  });

  it('records every certificate of two batches issued at once', async () => {
    const a = start([
      'issue',
      '--dir',
      labDir,
      ...hosts('a', 6),
      '--out',
      join(work, 'a'),
      '--password-env',
      'PFX_PW',
      ...pw,
    ]);
    const b = start([
      'issue',
      '--dir',
      labDir,
      ...hosts('b', 6),
      '--out',
      join(work, 'b'),
      '--password-env',
      'PFX_PW',
      ...pw,
    ]);
    const [ra, rb] = await Promise.all([a.done, b.done]);
    for (const r of [ra, rb]) {
      if (r.code !== 0) expect(r.err).toMatch(/busy/);
    }
    expect([ra.code, rb.code]).toContain(0);
    expect(await unrecordedFiles(join(work, 'a'))).toEqual([]);
    expect(await unrecordedFiles(join(work, 'b'))).toEqual([]);
  });

  for (const signal of ['SIGKILL', 'SIGTERM', 'SIGINT'] as const) {
    it(`leaves no unrecorded certificate when issue is killed with ${signal}, and no lock that blocks`, async () => {
      const out = join(work, `killed-${signal}`);
      const p = start([
        'issue',
        '--dir',
        labDir,
        ...hosts(signal.toLowerCase(), 30),
        '--out',
        out,
        '--password-env',
        'PFX_PW',
        ...pw,
      ]);
      // Kill it once its first files are out, in the middle of the batch.
      for (let i = 0; i < 600; i++) {
        const names = existsSync(out) ? await readdir(out) : [];
        if (names.some((n) => n.endsWith('.pem'))) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      p.child.kill(signal);
      const killed = await p.done;
      expect(killed.signal === signal || killed.code !== 0).toBe(true);
      expect(await unrecordedFiles(out)).toEqual([]);
      // Every certificate left behind can be revoked, at once: the killed command's lock is stale, not busy.
      const pems = (await readdir(out)).filter((n) => n.endsWith('.pem'));
      expect(pems.length).toBeGreaterThan(0);
      const r = await run(['revoke', '--dir', labDir, '--cert', join(out, pems[0]!)]);
      expect(r.code, r.err).toBe(0);
    });
  }

  it('says the lab is busy (exit 2) while a live process holds it, and takes over a dead one', async () => {
    const lock = join(labDir, 'lab.lock');
    await writeFile(lock, JSON.stringify({ pid: process.pid, host: hostname(), nonce: 'held-by-test', since: 'now' }));
    try {
      const r = await run(['revoke', '--dir', labDir, '--serial', '01']);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/busy/);
      expect(r.err).toContain(lock);
      expect(r.err).not.toMatch(/\n\s+at /);
    } finally {
      await rm(lock, { force: true });
    }
    const dead = start(['--help']);
    await dead.done;
    await writeFile(lock, JSON.stringify({ pid: dead.child.pid, host: hostname(), nonce: 'dead', since: 'then' }));
    const r = await run(['crl', '--dir', labDir, ...pw]);
    expect(r.code, r.err).toBe(0);
    expect(existsSync(lock)).toBe(false);
  }, 60_000);
});
