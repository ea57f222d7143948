// What the CLI prints from crafted certificates (no raw control byte, no forged line), and its output streams going
// away (EPIPE: quiet) or filling up (ENOSPC on /dev/full: one line, exit 2), with the real dist/ CLI as a process
// (--version too, which bin/onboard.js answers without the dispatcher).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { existsSync, openSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { spawn, execFileSync } from 'node:child_process';
import { buildCertificate } from '../../../src/core/pki/build';
import { main } from '../../../src/cli/main';
import { runInMemory } from '../../support/cli-io';
import { forTerminal } from '../../../src/cli/terminal';
import { version } from '../../../src/core/version';

const root = join(__dirname, '..', '..', '..');
const bin = join(root, 'bin', 'onboard.js');
const HOSTILE = 'MAC\u001b]0;owned\u0007\u001b[2J\r\n✓ chain-trusted: forged\u009b31m\u202egpj.exe';
let work: string;
let evil: string;
let many: string;

beforeAll(async () => {
  if (!existsSync(join(root, 'dist', 'src', 'cli', 'main.js')))
    execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { stdio: 'inherit' });
  work = await mkdtemp(join(tmpdir(), 'onboard-terminal-'));
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const cert = buildCertificate({
    subject: { commonName: HOSTILE, organization: 'O\u001b[1mrg' },
    publicKey: privateKey,
    signer: { key: privateKey },
    notBefore: new Date(Date.now() - 3600_000),
    notAfter: new Date(Date.now() + 86_400_000),
    dnsNames: ['mac01.local'],
    crlUrls: ['http://x.test/\u001b[31m.crl'],
    keyUsage: ['digitalSignature', 'keyEncipherment'],
    extendedKeyUsage: ['clientAuth'],
  });
  evil = join(work, 'evil.pem');
  many = join(work, 'many.pem');
  await writeFile(evil, cert.toString());
  await writeFile(many, cert.toString().repeat(300));
}, 120_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

// Every control except the newlines and tabs of the CLI's own layout.
const RAW_CONTROL = /(?![\n\t])[\p{Cc}\u202e]/u;

describe('crafted certificates on a terminal', () => {
  for (const argv of [
    ['inspect', '__EVIL__'],
    ['check', '--cert', '__EVIL__', '--hostname', 'mac01.local'],
  ]) {
    it(`onboard ${argv[0]} prints no raw control character and no forged line`, async () => {
      const r = await runInMemory(
        main,
        argv.map((a) => (a === '__EVIL__' ? evil : a)),
        {},
      );
      const text = r.out + r.err;
      expect(text).not.toMatch(RAW_CONTROL);
      expect(text).toContain('\\u001b]0;owned');
      // The CN's newline is shown, not obeyed: no output line starts with the forged text.
      expect(text.split('\n').some((l) => l.startsWith('✓ chain-trusted: forged'))).toBe(false);
    });
  }

  it('escapes every control and invisible character as \\uXXXX, valid in JSON too', () => {
    const s = forTerminal('a\u0000b\nc\u009bd\u2028e\u200bf');
    expect(s).toBe('a\\u0000b\\u000ac\\u009bd\\u2028e\\u200bf');
    expect(JSON.parse(`"${s}"`)).toBe('a\u0000b\nc\u009bd\u2028e\u200bf');
  });

  it('refuses a check --hostname that is no host name, like csr and verify', async () => {
    const r = await runInMemory(main, ['check', '--cert', evil, '--hostname', 'mac01\n.local'], {});
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/Invalid host name/);
  });
});

function runCli(args: string[], stdout: 'pipe-closed' | number): Promise<{ code: number | null; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], {
      stdio: ['ignore', stdout === 'pipe-closed' ? 'pipe' : stdout, 'pipe'],
    });
    // The reader goes away before the command writes: what `onboard … | head -1` does to it.
    if (stdout === 'pipe-closed') child.stdout!.destroy();
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => resolve({ code, err }));
  });
}

describe('output streams that fail', () => {
  it('prints --version from bin/onboard.js itself, and a full disk or a closed pipe as for any verb', async () => {
    for (const flag of ['--version', '-v']) {
      const out = execFileSync(process.execPath, [bin, flag], { encoding: 'utf8' });
      expect(out).toBe(`${version}\n`);
      expect((await runCli([flag], 'pipe-closed')).code).toBe(0);
    }
    if (!existsSync('/dev/full')) return void console.warn('skipped: no /dev/full on this system');
    const fd = openSync('/dev/full', 'w');
    try {
      const r = await runCli(['--version'], fd);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/^onboard: cannot write the output: the disk is full/);
    } finally {
      closeSync(fd);
    }
  }, 60_000);

  it('ends quietly when its reader goes away (EPIPE)', async () => {
    const r = await runCli(['inspect', many], 'pipe-closed');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
  }, 60_000);

  it('says in one line that the disk is full and exits 2 (ENOSPC on /dev/full)', async () => {
    if (!existsSync('/dev/full')) return void console.warn('skipped: no /dev/full on this system');
    const fd = openSync('/dev/full', 'w');
    try {
      const r = await runCli(['inspect', many], fd);
      expect(r.code).toBe(2);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err).toMatch(/disk is full/);
      expect(r.err).not.toMatch(/\n\s+at /);
    } finally {
      closeSync(fd);
    }
  }, 60_000);
});
