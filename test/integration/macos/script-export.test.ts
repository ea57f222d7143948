// Specification: the exported sh script, checked by shellcheck and run by the real /bin/sh against recording stand-ins.
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { unknownFacts } from '../../../src/core/macos/facts';
import type { Plan } from '../../../src/core/macos/action';
import { planOnboarding, type OnboardingRequest } from '../../../src/core/macos/onboarding';
import { DEFAULT_CONF_PATH } from '../../../src/core/macos/paths';
import { exportPlansAsScript } from '../../../src/core/macos/script';
import { trustSettingsPlist } from '../../../src/core/macos/executors/simulated/trust-settings';
import { PlanWorkspace } from '../../../src/core/macos/workspace';
import { mergeConf, parseConf, serialiseConf } from '../../../src/core/macos/conf';
import { openPfx } from '../../../src/core/pki/identity';
import { readPfx, rewrapPfx } from '../../../src/core/pki/pkcs12';
import { fakePkg, makeMacFixtures, PFX_PASSWORD, type MacFixtures } from '../../unit/core/macos/fixtures';
import { makeFakePrograms, type FakePrograms, type RecordedCall } from './fake-programs';

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
afterAll(async () => {
  await fx?.cleanup();
});

let fake: FakePrograms | undefined;
afterEach(async () => {
  await fake?.cleanup();
  fake = undefined;
});

/** The export of admin trust settings that trust the test root for every use (see trustSettingsPlist). */
function trustedRootExport(): string {
  const sha1 = fx.root.fingerprint.replace(/:/g, '');
  return trustSettingsPlist([
    {
      x509: fx.root,
      pem: fx.root.toString(),
      sha1,
      trust: { result: 'trustRoot', policies: [], modDate: new Date('2026-01-01T00:00:00Z') },
    },
  ]);
}

function request(): OnboardingRequest {
  return {
    switchAddress: 'tachyon.acme.local:4000',
    backgroundUrl: 'https://tachyon.acme.local/Background/?a=1&b=$(id)',
    loggingLevel: 'debug',
    settings: { 'Odd.Key': `it's "$(touch ${PWNED})" \`x\` \\n end` },
    caCertificates: [fx.root, fx.intermediate],
    identity: openPfx(fx.legacyPfx, PFX_PASSWORD).identity,
    pfxPath: hostilePfx,
    installerPath: hostilePkg,
  };
}

async function exportScript(
  opts: { prefix?: string; request?: Partial<OnboardingRequest> } = {},
): Promise<{ text: string; oneTime: string; plans: Plan[]; workspaceDir: string; planTimeFiles: string[] }> {
  const ws = await PlanWorkspace.create();
  try {
    const plans = await planOnboarding({ ...request(), ...opts.request }, unknownFacts(), ws, { forScript: true });
    const planTimeFiles = await readdir(ws.dir);
    const imp = plans.flatMap((p) => p.actions).find((a) => a.id === 'identity-import')!;
    const oneTime = imp.command.args[imp.command.secretArgs![0]!]!;
    const text = exportPlansAsScript(plans, {
      workspaceDir: ws.dir,
      ...(opts.prefix ? { programPrefix: opts.prefix, allowNonRoot: true } : {}),
    });
    return { text, oneTime, plans, workspaceDir: ws.dir, planTimeFiles };
  } finally {
    await ws.dispose();
  }
}

function shellcheck(text: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = execFile('/usr/bin/shellcheck', ['-s', 'sh', '-'], (err, stdout) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: stdout }),
    );
    child.stdin!.end(text);
  });
}

/** The script's private folder (mktemp -d /tmp/onboard.XXXXXXXX), as the calls name it. */
const WORK = /\/tmp\/onboard\.[A-Za-z0-9]{8}(?=\/|$)/;

/**
 * A call that reaches outside the script's private folder: the stand-ins run nothing, so this
 * is every call that would read or change something on a real Mac, and every step's command.
 */
function touchesTheMac(c: RecordedCall): boolean {
  if (['/usr/bin/mktemp', '/usr/bin/id', '/bin/stty'].includes(c.program)) return false;
  if (c.program === '/usr/bin/openssl') return false;
  if (['/bin/cat', '/bin/mkdir', '/bin/rm'].includes(c.program))
    return !c.args.every((a) => !a.startsWith('/') || WORK.test(a));
  return true;
}

function run(
  program: string,
  args: string[],
  opts: { input?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      program,
      args,
      { cwd, env: opts.env ?? { PATH: '/usr/bin:/bin' }, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
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

const PASSTHROUGH = {
  '/usr/bin/mktemp': '/usr/bin/mktemp',
  '/bin/rm': '/bin/rm',
  '/bin/cat': '/bin/cat',
  '/usr/bin/awk': '/usr/bin/awk',
  '/bin/mkdir': '/bin/mkdir',
  '/usr/bin/openssl': '/usr/bin/openssl',
  '/bin/cp': '/bin/cp',
  '/bin/test': '/usr/bin/test',
};
// awk's merge runs for real (it writes only into the script's /tmp folder); its check reads /Library and only records.
const AWK_WRITES = { '/usr/bin/awk': 5 };
// Stand-ins answer "not done yet" to every check, so every change runs. A fresh Mac has no
// admin trust settings: trust-settings-export fails as trustd answers then (research §2).
const NOT_DONE = {
  '/usr/bin/arch': 1,
  '/usr/bin/cmp': 1,
  '/bin/launchctl print': 1,
  '/usr/bin/awk check': 1,
  '/bin/test -d': 1,
  '/usr/bin/security trust-settings-export': 1,
};
const NO_TRUST_SETTINGS = {
  '/usr/bin/security trust-settings-export':
    'SecTrustSettingsCreateExternalRepresentation: No Trust Settings were found.\n',
};

describe('the exported sh script', () => {
  it('passes shellcheck with hostile paths, names and values', async () => {
    const { text } = await exportScript();
    const r = await shellcheck(text);
    expect(r.out).toBe('');
    expect(r.code).toBe(0);
  });

  // A quoted default inside ${ONBOARD_PFX:-…} holding a newline is what shellcheck misread (SC3060).
  it.each([
    ['a newline in a folder name', 'plain dir\nnext/client.pfx'],
    ['Unicode, $(), backticks, double quotes and ${…}', 'ünïcødé – $(id) `id` "dq" ${HOME} }:-x\nnext/client.pfx'],
    ['single quotes and a trailing newline', "it's\n/'client'.pfx\n"],
  ])('passes shellcheck with no warning when the PFX path has %s', async (_what, name) => {
    const { text } = await exportScript({
      request: { pfxPath: join(fx.dir, name) },
    });
    const r = await shellcheck(text);
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
    fake = await makeFakePrograms({
      passthrough: PASSTHROUGH,
      passthroughWriteArg: AWK_WRITES,
      exit: NOT_DONE,
      stderr: NO_TRUST_SETTINGS,
    });
    const { text } = await exportScript({ prefix: fake.prefix });
    const r = await runScript(text, { ONBOARD_PFX_PASSWORD: PFX_PASSWORD });
    expect(r.stderr).toContain('all steps finished');
    expect(r.code).toBe(0);
    const calls = await fake.calls();
    const installer = calls.find((c) => c.program === '/usr/sbin/installer')!;
    expect(installer.args).toEqual(['-pkg', hostilePkg, '-target', '/']);
    expect(existsSync(join(cwd, PWNED))).toBe(false);
    const conf = calls.findIndex(
      (c) =>
        c.program === '/usr/bin/install' && c.args.at(-1) === '/Library/Application Support/1E/Client/1E.Client.conf',
    );
    const written = await readFile(fake.installedFile(conf + 1), 'utf8');
    expect(written).toBe(
      serialiseConf(
        mergeConf(parseConf(''), {
          Switch: 'tachyon.acme.local:4000',
          BackgroundChannelUrl: request().backgroundUrl,
          LoggingLevel: 'debug',
          ...request().settings,
        }).doc,
      ),
    );
  });

  it('wraps no key at plan time: the identity file is made by the script on the Mac, from the PFX there', async () => {
    const { text, plans, planTimeFiles } = await exportScript();
    expect(planTimeFiles).not.toContain('identity.p12');
    expect(plans.find((p) => p.step === 'client-identity')!.files).toEqual([]);
    expect(text).toContain('-out "$work"/identity.p12');
  });

  it('imports a re-wrapped PFX under a one-time password, and no other program ever sees a password', async () => {
    fake = await makeFakePrograms({
      passthrough: PASSTHROUGH,
      passthroughWriteArg: AWK_WRITES,
      exit: NOT_DONE,
      stderr: NO_TRUST_SETTINGS,
    });
    const { text } = await exportScript({ prefix: fake.prefix });
    const r = await runScript(text, { ONBOARD_PFX_PASSWORD: PFX_PASSWORD });
    expect(r.code).toBe(0);
    const calls = await fake.calls();
    const n = calls.findIndex((c) => c.program === '/usr/bin/security' && c.args[0] === 'import');
    const imp = calls[n]!;
    const oneTime = imp.args[imp.args.indexOf('-P') + 1]!;
    expect(oneTime).toMatch(/^[0-9a-f]{48}$/);
    expect(imp.args).toEqual([
      'import',
      expect.stringMatching(/\/identity\.p12$/),
      '-k',
      '/Library/Keychains/System.keychain',
      '-t',
      'agg',
      '-f',
      'pkcs12',
      '-P',
      oneTime,
      '-T',
      '/Library/Application Support/1E/Client/1E.Client',
    ]);
    const opened = readPfx(await readFile(fake.importedFile(n + 1)), oneTime);
    expect(opened.certificates[0]!.fingerprint256).toBe(fx.leaf.fingerprint256);
    for (const c of calls) {
      expect(c.args.join('\0')).not.toContain(PFX_PASSWORD);
      if (c !== imp) expect(c.args.join('\0')).not.toContain(oneTime);
    }
  });

  it('asks for the PFX password on standard input when it is not in the environment', async () => {
    fake = await makeFakePrograms({
      passthrough: PASSTHROUGH,
      passthroughWriteArg: AWK_WRITES,
      exit: NOT_DONE,
      stderr: NO_TRUST_SETTINGS,
    });
    const { text } = await exportScript({ prefix: fake.prefix });
    const r = await runScript(text, {}, PFX_PASSWORD + '\n');
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('Password of');
    expect((await fake.calls()).some((c) => c.program === '/bin/stty' && c.args[0] === '-echo')).toBe(true);
  });

  it('asks for the password and opens the PFX before it runs anything that reaches the Mac', async () => {
    fake = await makeFakePrograms({
      passthrough: PASSTHROUGH,
      passthroughWriteArg: AWK_WRITES,
      exit: NOT_DONE,
      stderr: NO_TRUST_SETTINGS,
    });
    const { text } = await exportScript({ prefix: fake.prefix });
    const r = await runScript(text, {}, PFX_PASSWORD + '\n');
    expect(r.code).toBe(0);
    expect(r.stderr.indexOf('Password of')).toBeLessThan(r.stderr.indexOf('Step 1:'));
    const calls = await fake.calls();
    const opened = calls.findIndex(
      (c) => c.program === '/usr/bin/openssl' && c.args[0] === 'pkcs12' && c.args.includes('-passin'),
    );
    const first = calls.findIndex(touchesTheMac);
    expect(opened).toBeGreaterThanOrEqual(0);
    expect(first).toBeGreaterThan(opened);
  });

  it.each([
    ['from the environment', { ONBOARD_PFX_PASSWORD: 'wrong' }, ''],
    ['typed at the prompt', {}, 'wrong\n'],
  ])(
    'stops with exit 2 before any step when the PFX password %s is wrong',
    async (_how, env: NodeJS.ProcessEnv, input: string) => {
      fake = await makeFakePrograms({
        passthrough: PASSTHROUGH,
        passthroughWriteArg: AWK_WRITES,
        exit: NOT_DONE,
        stderr: NO_TRUST_SETTINGS,
      });
      const { text } = await exportScript({ prefix: fake.prefix });
      const r = await runScript(text, env, input);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('could not open');
      expect(r.stderr).not.toContain('Step 1:');
      const calls = await fake.calls();
      expect(calls.filter(touchesTheMac)).toEqual([]);
      // The stand-ins did run (so the list above is not empty by accident): the PFX was tried.
      expect(calls.some((c) => c.program === '/usr/bin/openssl' && c.args.includes('-passin'))).toBe(true);
    },
  );

  it('stops with exit 2 before asking anything when the installer is not on the Mac', async () => {
    const gone = join(fx.dir, 'gone', '1e.client-macOS_v5.1.2.3.pkg');
    await mkdir(join(fx.dir, 'gone'), { recursive: true });
    await writeFile(gone, fakePkg());
    fake = await makeFakePrograms({
      passthrough: PASSTHROUGH,
      passthroughWriteArg: AWK_WRITES,
      exit: NOT_DONE,
      stderr: NO_TRUST_SETTINGS,
    });
    const { text } = await exportScript({ prefix: fake.prefix, request: { installerPath: gone } });
    await rm(gone);
    const r = await runScript(text, {}, PFX_PASSWORD + '\n');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`the installer ${gone} is not on this Mac`);
    expect(r.stderr).toContain('Nothing was changed.');
    expect(r.stderr).not.toContain('Password of');
    expect((await fake.calls()).filter(touchesTheMac)).toEqual([]);
  });

  it('stops with exit 2 before any step when the PFX is not there, and takes its path from ONBOARD_PFX', async () => {
    fake = await makeFakePrograms({
      passthrough: PASSTHROUGH,
      passthroughWriteArg: AWK_WRITES,
      exit: NOT_DONE,
      stderr: NO_TRUST_SETTINGS,
    });
    const missing = join(fx.dir, 'no such folder', 'client.pfx');
    const { text } = await exportScript({
      prefix: fake.prefix,
      request: { pfxPath: missing },
    });
    const r = await runScript(text, { ONBOARD_PFX_PASSWORD: PFX_PASSWORD });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`the PFX file ${missing} is missing`);
    expect((await fake.calls()).filter(touchesTheMac)).toEqual([]);

    await fake.cleanup();
    fake = await makeFakePrograms({
      passthrough: PASSTHROUGH,
      passthroughWriteArg: AWK_WRITES,
      exit: NOT_DONE,
      stderr: NO_TRUST_SETTINGS,
    });
    const elsewhere = join(fx.dir, `elsewhere $(id)\n.pfx`);
    await copyFile(hostilePfx, elsewhere);
    const again = await exportScript({
      prefix: fake.prefix,
      request: { pfxPath: missing },
    });
    const ok = await runScript(again.text, { ONBOARD_PFX_PASSWORD: PFX_PASSWORD, ONBOARD_PFX: elsewhere });
    expect(ok.code).toBe(0);
    expect(
      (await fake.calls()).find((c) => c.program === '/usr/bin/openssl' && c.args.includes('-passin'))!.args,
    ).toContain(elsewhere);
  });

  it('runs the same commands in the same order as the plans list them', async () => {
    fake = await makeFakePrograms({
      passthrough: PASSTHROUGH,
      passthroughWriteArg: AWK_WRITES,
      exit: NOT_DONE,
      stderr: NO_TRUST_SETTINGS,
    });
    const { text, plans, workspaceDir } = await exportScript({ prefix: fake.prefix });
    const r = await runScript(text, { ONBOARD_PFX_PASSWORD: PFX_PASSWORD });
    expect(r.code).toBe(0);
    // The private folders differ (plan workspace, script folder), and so does the one-time password.
    const same = (program: string, args: readonly string[], work: string | RegExp) =>
      JSON.stringify([program, ...args.map((a) => a.replace(work, '<work>').replace(/^[0-9a-f]{48}$/, '<one-time>'))]);
    const expected = plans.flatMap((p) => p.actions).map((a) => same(a.command.program, a.command.args, workspaceDir));
    const planned = new Set(expected);
    const ran = (await fake.calls()).map((c) => same(c.program, c.args, WORK)).filter((c) => planned.has(c));
    expect(expected.length).toBeGreaterThan(10);
    expect(ran).toEqual(expected);
  });

  it('prints no error on a fresh Mac, where there is no 1E.Client.conf to keep', async () => {
    fake = await makeFakePrograms({
      passthrough: PASSTHROUGH,
      passthroughWriteArg: AWK_WRITES,
      exit: NOT_DONE,
      stderr: NO_TRUST_SETTINGS,
      absent: [DEFAULT_CONF_PATH],
      creates: { '/usr/sbin/installer': [DEFAULT_CONF_PATH] },
    });
    const { text } = await exportScript({ prefix: fake.prefix });
    const r = await runScript(text, { ONBOARD_PFX_PASSWORD: PFX_PASSWORD });
    expect(r.code).toBe(0);
    const lines = r.stderr.trimEnd().split('\n');
    expect(
      lines.filter(
        (l) => !/^(Checking the inputs|Step \d: |==> |= {3}already done: |onboard: all steps finished\.$)/.test(l),
      ),
    ).toEqual([]);
    // Still the planned commands: the copy of the missing file was tried and refused.
    const calls = await fake.calls();
    expect(calls.some((c) => c.program === '/bin/cp' && c.args[1] === DEFAULT_CONF_PATH && WORK.test(c.args[2]!))).toBe(
      true,
    );
    expect(calls.some((c) => c.program === '/bin/test' && c.args.join(' ') === `! -f ${DEFAULT_CONF_PATH}`)).toBe(true);
  });

  it('shows the errors of a refused command and of its fallback when both fail', async () => {
    // The package writes no 1E.Client.conf here, so there is nothing to keep as the backup either.
    fake = await makeFakePrograms({
      passthrough: PASSTHROUGH,
      passthroughWriteArg: AWK_WRITES,
      exit: NOT_DONE,
      stderr: NO_TRUST_SETTINGS,
      absent: [DEFAULT_CONF_PATH],
    });
    const { text } = await exportScript({ prefix: fake.prefix });
    const r = await runScript(text, { ONBOARD_PFX_PASSWORD: PFX_PASSWORD });
    expect(r.code).toBe(1);
    const saved = r.stderr.search(
      /cp: \/tmp\/onboard\.\w+\/1E\.Client\.conf\.before-install: No such file or directory/,
    );
    const conf = r.stderr.indexOf(`cp: ${DEFAULT_CONF_PATH}: No such file or directory`);
    expect(saved).toBeGreaterThanOrEqual(0);
    expect(conf).toBeGreaterThan(saved);
    expect(r.stderr).toContain('FAILED (exit 1)');
  });

  it('turns echo back on when the script is interrupted at the password prompt', async () => {
    fake = await makeFakePrograms({
      passthrough: PASSTHROUGH,
      passthroughWriteArg: AWK_WRITES,
      exit: NOT_DONE,
      stderr: NO_TRUST_SETTINGS,
    });
    const { text } = await exportScript({ prefix: fake.prefix });
    const path = join(fx.dir, 'interrupted.sh');
    await writeFile(path, text, { mode: 0o700 });
    try {
      // script(1) gives the shell a terminal; Ctrl-C typed there interrupts it as a technician would.
      const code = await new Promise<number | null>((resolve) => {
        const child = spawn('/usr/bin/script', ['-qec', `/bin/sh '${path.replace(/'/g, `'\\''`)}'`, '/dev/null'], {
          cwd,
          env: { PATH: '/usr/bin:/bin' },
        });
        let seen = '';
        let asked = false;
        // Once echo is off (the stand-in stty has recorded -echo), as it is while the technician types.
        const interruptWhenEchoIsOff = async (): Promise<void> => {
          while (!(await fake!.calls()).some((c) => c.program === '/bin/stty' && c.args[0] === '-echo'))
            await new Promise((r) => setTimeout(r, 20));
          child.stdin.write('\x03');
        };
        child.stdout.on('data', (d: Buffer) => {
          seen += d.toString();
          if (!asked && seen.includes('Password of')) {
            asked = true;
            void interruptWhenEchoIsOff();
          }
        });
        child.on('close', resolve);
      });
      expect(code).toBe(130);
    } finally {
      await rm(path, { force: true });
    }
    const stty = (await fake.calls()).filter((c) => c.program === '/bin/stty').map((c) => c.args.join(' '));
    expect(stty).toEqual(['-echo', 'echo']);
    expect((await fake.calls()).filter(touchesTheMac)).toEqual([]);
  });

  it("undoes the failing step's completed changes newest first and stops", async () => {
    fake = await makeFakePrograms({
      passthrough: PASSTHROUGH,
      passthroughWriteArg: AWK_WRITES,
      exit: NOT_DONE,
      stderr: NO_TRUST_SETTINGS,
      failWhenArg: 'add-certificates',
    });
    const { text } = await exportScript({ prefix: fake.prefix });
    const r = await runScript(text, { ONBOARD_PFX_PASSWORD: PFX_PASSWORD });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('FAILED (exit 1)');
    const security = (await fake.calls())
      .filter(
        (c) =>
          c.program === '/usr/bin/security' && !c.args[0]!.startsWith('find-') && c.args[0] !== 'trust-settings-export',
      )
      .map((c) => c.args[0]);
    // The trust is set first (as the user, behind its own dialog), then the batch adds the
    // certificates; the failed add undoes the trust only.
    expect(security).toEqual(['add-trusted-cert', 'add-certificates', 'remove-trusted-cert']);
    expect((await fake.calls()).some((c) => c.program === '/bin/launchctl' && c.args[0] !== 'managername')).toBe(false);
  });

  it('skips changes whose checks say they are done, so a second run changes nothing', async () => {
    fake = await makeFakePrograms({
      passthrough: PASSTHROUGH,
      passthroughWriteArg: AWK_WRITES,
      exit: { '/usr/bin/arch': 0, '/usr/bin/cmp': 0 },
      // The root is trusted in the admin trust settings, as `add-trusted-cert -d -r trustRoot` leaves it.
      writes: { '/usr/bin/security trust-settings-export': trustedRootExport() },
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
    const changing = (await fake.calls()).filter(
      (c) =>
        ['/usr/sbin/installer', '/usr/sbin/softwareupdate', '/usr/bin/install'].includes(c.program) ||
        (c.program === '/usr/bin/security' &&
          !c.args[0]!.startsWith('find-') &&
          c.args[0] !== 'trust-settings-export') ||
        (c.program === '/bin/launchctl' && !['print', 'managername'].includes(c.args[0]!)),
    );
    expect(changing).toEqual([]);
  });
});
