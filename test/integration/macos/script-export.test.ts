// Specification: the exported sh script, checked by shellcheck and run by the real /bin/sh against recording stand-ins.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { unknownFacts } from '../../../electron/core/macos/facts';
import { planOnboarding, type OnboardingRequest } from '../../../electron/core/macos/onboarding';
import { exportPlansAsScript } from '../../../electron/core/macos/script';
import { PlanWorkspace } from '../../../electron/core/macos/workspace';
import { mergeConf, parseConf, serialiseConf } from '../../../electron/core/macos/conf';
import { readPfx, rewrapPfx } from '../../../electron/core/pki/pkcs12';
import { fakePkg, makeMacFixtures, PFX_PASSWORD, type MacFixtures } from '../../unit/core/macos/fixtures';
import { makeFakePrograms, type FakePrograms } from './fake-programs';

let fx: MacFixtures;
let hostileDir: string;
let hostilePfx: string;
let hostilePkg: string;
// Any injected command would create this file in the folder the script runs in.
const PWNED = 'pwned';
let cwd: string;

beforeAll(async () => {
  fx = await makeMacFixtures();
  cwd = join(fx.dir, 'cwd');
  await mkdir(cwd);
  hostileDir = join(fx.dir, `it's "odd" $(touch ${PWNED}) \`touch ${PWNED}\`\nline two`);
  await mkdir(hostileDir);
  hostilePfx = join(hostileDir, "client's $(id).pfx");
  // OpenSSL 3 (standing in for macOS's LibreSSL here) reads 3DES bags without -legacy, not RC2 ones.
  await writeFile(hostilePfx, rewrapPfx(fx.legacyPfx, PFX_PASSWORD, { profile: 'compatible' }));
  hostilePkg = join(hostileDir, '1e.client-macOS_v5.1.2.3.pkg');
  await writeFile(hostilePkg, fakePkg());
});
afterAll(async () => { await fx?.cleanup(); });

let fake: FakePrograms | undefined;
afterEach(async () => { await fake?.cleanup(); fake = undefined; });

function request(): OnboardingRequest {
  return {
    switchAddress: 'tachyon.acme.local:4000',
    backgroundUrl: 'https://tachyon.acme.local/Background/?a=1&b=$(id)',
    loggingLevel: 'debug',
    settings: { 'Odd.Key': `it's "$(touch ${PWNED})" \`x\` \\n end` },
    caCertificates: [fx.root, fx.intermediate],
    identity: { pfx: fx.legacyPfx, password: PFX_PASSWORD, sourcePath: hostilePfx },
    installerPath: hostilePkg,
  };
}

async function exportScript(opts: { prefix?: string } = {}): Promise<{ text: string; oneTime: string }> {
  const ws = await PlanWorkspace.create();
  try {
    const plans = await planOnboarding(request(), unknownFacts(), ws);
    const imp = plans.flatMap((p) => p.actions).find((a) => a.id === 'identity-import')!;
    const oneTime = imp.command.args[imp.command.secretArgs![0]!]!;
    const text = exportPlansAsScript(plans, { workspaceDir: ws.dir, ...(opts.prefix ? { programPrefix: opts.prefix, allowNonRoot: true } : {}) });
    return { text, oneTime };
  } finally {
    await ws.dispose();
  }
}

function run(program: string, args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(program, args, { cwd, env: opts.env ?? { PATH: '/usr/bin:/bin' }, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
    child.stdin!.on('error', () => undefined);
    child.stdin!.end(opts.input ?? '');
  });
}

async function runScript(text: string, env: NodeJS.ProcessEnv, input = ''): Promise<{ code: number; stderr: string }> {
  const path = join(fx.dir, `script-${Math.random().toString(36).slice(2)}.sh`);
  await writeFile(path, text, { mode: 0o700 });
  try {
    return await run('/bin/sh', [path], { env: { PATH: '/usr/bin:/bin', ...env }, input });
  } finally {
    await rm(path, { force: true });
  }
}

const PASSTHROUGH = { '/usr/bin/mktemp': '/usr/bin/mktemp', '/bin/rm': '/bin/rm', '/bin/cat': '/bin/cat', '/usr/bin/awk': '/usr/bin/awk', '/bin/mkdir': '/bin/mkdir', '/usr/bin/openssl': '/usr/bin/openssl', '/bin/cp': '/bin/cp', '/bin/test': '/usr/bin/test' };
// awk's merge runs for real (it writes only into the script's /tmp folder); its check reads /Library and only records.
const AWK_WRITES = { '/usr/bin/awk': 5 };
// Stand-ins answer "not done yet" to every check, so every change runs.
const NOT_DONE = { '/usr/bin/arch': 1, '/usr/bin/cmp': 1, '/bin/launchctl print': 1, '/usr/bin/awk check': 1 };

describe('the exported sh script', () => {
  it('passes shellcheck with hostile paths, names and values', async () => {
    const { text } = await exportScript();
    const r = await new Promise<{ code: number; out: string }>((resolve) => {
      const child = execFile('/usr/bin/shellcheck', ['-s', 'sh', '-'], (err, stdout) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: stdout }));
      child.stdin!.end(text);
    });
    expect(r.out).toBe('');
    expect(r.code).toBe(0);
  });

  it('contains neither the PFX password nor the one-time import password', async () => {
    const { text, oneTime } = await exportScript();
    expect(text).not.toContain(PFX_PASSWORD);
    expect(text).not.toContain(oneTime);
    expect(text).toContain('"$ONBOARD_IMPORT_PASSWORD"');
  });

  it('refuses to run except as root', async () => {
    const { text } = await exportScript();
    const r = await runScript(text, {});
    if (process.getuid?.() === 0) return;
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('run this script as root');
  });

  it('runs the planned commands with every hostile argument intact and nothing injected', async () => {
    fake = await makeFakePrograms({ passthrough: PASSTHROUGH, passthroughWriteArg: AWK_WRITES, exit: NOT_DONE });
    const { text } = await exportScript({ prefix: fake.prefix });
    const r = await runScript(text, { ONBOARD_PFX_PASSWORD: PFX_PASSWORD });
    expect(r.stderr).toContain('all steps finished');
    expect(r.code).toBe(0);
    const calls = await fake.calls();
    const installer = calls.find((c) => c.program === '/usr/sbin/installer')!;
    expect(installer.args).toEqual(['-pkg', hostilePkg, '-target', '/']);
    expect(existsSync(join(cwd, PWNED))).toBe(false);
    const conf = calls.findIndex((c) => c.program === '/usr/bin/install' && c.args.at(-1) === '/Library/Application Support/1E/Client/1E.Client.conf');
    const written = await readFile(fake.installedFile(conf + 1), 'utf8');
    expect(written).toBe(serialiseConf(mergeConf(parseConf(''), { Switch: 'tachyon.acme.local:4000', BackgroundChannelUrl: request().backgroundUrl, LoggingLevel: 'debug', ...request().settings }).doc));
  });

  it('imports a re-wrapped PFX under a one-time password, and no other program ever sees a password', async () => {
    fake = await makeFakePrograms({ passthrough: PASSTHROUGH, passthroughWriteArg: AWK_WRITES, exit: NOT_DONE });
    const { text } = await exportScript({ prefix: fake.prefix });
    const r = await runScript(text, { ONBOARD_PFX_PASSWORD: PFX_PASSWORD });
    expect(r.code).toBe(0);
    const calls = await fake.calls();
    const n = calls.findIndex((c) => c.program === '/usr/bin/security' && c.args[0] === 'import');
    const imp = calls[n]!;
    const oneTime = imp.args[imp.args.indexOf('-P') + 1]!;
    expect(oneTime).toMatch(/^[0-9a-f]{48}$/);
    expect(imp.args).toEqual(['import', expect.stringMatching(/\/identity\.p12$/), '-k', '/Library/Keychains/System.keychain', '-t', 'agg', '-f', 'pkcs12', '-P', oneTime, '-T', '/Library/Application Support/1E/Client/1E.Client']);
    const opened = readPfx(await readFile(fake.importedFile(n + 1)), oneTime);
    expect(opened.certificates[0]!.fingerprint256).toBe(fx.leaf.fingerprint256);
    for (const c of calls) {
      expect(c.args.join('\0')).not.toContain(PFX_PASSWORD);
      if (c !== imp) expect(c.args.join('\0')).not.toContain(oneTime);
    }
  });

  it('asks for the PFX password on standard input when it is not in the environment', async () => {
    fake = await makeFakePrograms({ passthrough: PASSTHROUGH, passthroughWriteArg: AWK_WRITES, exit: NOT_DONE });
    const { text } = await exportScript({ prefix: fake.prefix });
    const r = await runScript(text, {}, PFX_PASSWORD + '\n');
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('Password of');
    expect((await fake.calls()).some((c) => c.program === '/bin/stty' && c.args[0] === '-echo')).toBe(true);
  });

  it('stops with exit 2 and changes nothing when the PFX password is wrong', async () => {
    fake = await makeFakePrograms({ passthrough: PASSTHROUGH, passthroughWriteArg: AWK_WRITES, exit: NOT_DONE });
    const { text } = await exportScript({ prefix: fake.prefix });
    const r = await runScript(text, { ONBOARD_PFX_PASSWORD: 'wrong' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('could not open');
    expect((await fake.calls()).some((c) => c.program === '/usr/bin/security' && c.args[0] === 'import')).toBe(false);
  });

  it('undoes the failing step\'s completed changes newest first and stops', async () => {
    fake = await makeFakePrograms({ passthrough: PASSTHROUGH, passthroughWriteArg: AWK_WRITES, exit: NOT_DONE, failWhenArg: 'add-certificates' });
    const { text } = await exportScript({ prefix: fake.prefix });
    const r = await runScript(text, { ONBOARD_PFX_PASSWORD: PFX_PASSWORD });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('FAILED (exit 1)');
    const security = (await fake.calls()).filter((c) => c.program === '/usr/bin/security' && !c.args[0]!.startsWith('find-')).map((c) => c.args[0]);
    expect(security).toEqual(['add-trusted-cert', 'add-certificates', 'remove-trusted-cert', 'delete-certificate']);
    expect((await fake.calls()).some((c) => c.program === '/bin/launchctl')).toBe(false);
  });

  it('skips changes whose checks say they are done, so a second run changes nothing', async () => {
    fake = await makeFakePrograms({
      passthrough: PASSTHROUGH,
      passthroughWriteArg: AWK_WRITES,
      exit: { '/usr/bin/arch': 0, '/usr/bin/cmp': 0 },
      stdout: {
        '/usr/sbin/pkgutil': 'package-id: com.1e.pkg.1E.Client\nversion: 5.1.2.3\nvolume: /\nlocation: Library\n',
        '/usr/bin/security': `SHA-1 hash: ${fx.root.fingerprint.replace(/:/g, '')}\nSHA-1 hash: ${fx.intermediate.fingerprint.replace(/:/g, '')}\n  1) ${fx.leaf.fingerprint.replace(/:/g, '')} "MAC01.local"\n`,
        '/bin/launchctl': 'system/com.1e.pkg.1E.Client = {\n\tstate = running\n}\n',
      },
    });
    const { text } = await exportScript({ prefix: fake.prefix });
    const r = await runScript(text, { ONBOARD_PFX_PASSWORD: PFX_PASSWORD });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('nothing needed changing');
    const changing = (await fake.calls()).filter((c) => ['/usr/sbin/installer', '/usr/sbin/softwareupdate', '/usr/bin/install'].includes(c.program) || (c.program === '/usr/bin/security' && !c.args[0]!.startsWith('find-')) || (c.program === '/bin/launchctl' && c.args[0] !== 'print'));
    expect(changing).toEqual([]);
  });
});
