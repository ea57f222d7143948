// The bench the exported sh script is run on: hostile paths and values, the script exported from real plans, the
// real /bin/sh and shellcheck, and the recording stand-ins' settings (fake-programs.ts). Each script-export-*.test.ts
// calls useScriptBench() once.
import { execFile } from 'node:child_process';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { unknownFacts } from '../../../src/core/macos/facts';
import type { Plan } from '../../../src/core/macos/action';
import { planOnboarding, type OnboardingRequest } from '../../../src/core/macos/onboarding';
import { exportPlansAsScript } from '../../../src/core/macos/script';
import { trustSettingsPlist } from '../../../src/core/macos/executors/simulated/trust-settings';
import { PlanWorkspace } from '../../../src/core/macos/workspace';
import { openPfx } from '../../../src/core/pki/identity';
import { rewrapPfx } from '../../../src/core/pki/pkcs12';
import { fakePkg, makeMacFixtures, PFX_PASSWORD, type MacFixtures } from '../../unit/core/macos/fixtures';
import type { FakePrograms, FakeSpec, RecordedCall } from './fake-programs';

export interface ScriptBench {
  fx: MacFixtures;
  /** The folder the script runs in. */
  cwd: string;
  hostileDir: string;
  hostilePfx: string;
  hostilePkg: string;
}

// Any injected command would create this file in the folder the script runs in.
export const PWNED = 'pwned';
const b = {} as ScriptBench;

/** Makes the fixtures before the file's tests and removes them after; the same object is filled in for them. */
export function useScriptBench(): ScriptBench {
  beforeAll(async () => {
    b.fx = await makeMacFixtures();
    b.cwd = join(b.fx.dir, 'cwd');
    await mkdir(b.cwd);
    b.hostileDir = join(b.fx.dir, `it's "odd" $(touch ${PWNED}) \`touch ${PWNED}\`\nline two`);
    await mkdir(b.hostileDir);
    b.hostilePfx = join(b.hostileDir, "client's $(id).pfx");
    // OpenSSL 3 (standing in for macOS's LibreSSL here) reads 3DES bags without -legacy, not RC2 ones.
    await writeFile(b.hostilePfx, rewrapPfx(b.fx.legacyPfx, PFX_PASSWORD, { profile: 'compatible' }));
    b.hostilePkg = join(b.hostileDir, '1e.client-macOS_v5.1.2.3.pkg');
    await writeFile(b.hostilePkg, fakePkg());
  });
  afterAll(async () => {
    await b.fx?.cleanup();
  });
  return b;
}

export function request(): OnboardingRequest {
  return {
    switchAddress: 'tachyon.acme.local:4000',
    backgroundUrl: 'https://tachyon.acme.local/Background/?a=1&b=$(id)',
    loggingLevel: 'debug',
    settings: { 'Odd.Key': `it's "$(touch ${PWNED})" \`x\` \\n end` },
    caCertificates: [b.fx.root, b.fx.intermediate],
    identity: openPfx(b.fx.legacyPfx, PFX_PASSWORD).identity,
    pfxPath: b.hostilePfx,
    installerPath: b.hostilePkg,
  };
}

export async function exportScript(
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

export function shellcheck(text: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = execFile('/usr/bin/shellcheck', ['-s', 'sh', '-'], (err, stdout) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: stdout }),
    );
    child.stdin!.end(text);
  });
}

/** The script's private folder (mktemp -d /tmp/onboard.XXXXXXXX), as the calls name it. */
export const WORK = /\/tmp\/onboard\.[A-Za-z0-9]{8}(?=\/|$)/;

/**
 * A call that reaches outside the script's private folder: the stand-ins run nothing, so this
 * is every call that would read or change something on a real Mac, and every step's command.
 */
export function touchesTheMac(c: RecordedCall): boolean {
  if (['/usr/bin/mktemp', '/usr/bin/id', '/bin/stty'].includes(c.program)) return false;
  if (c.program === '/usr/bin/openssl') return false;
  if (['/bin/cat', '/bin/mkdir', '/bin/rm'].includes(c.program))
    return !c.args.every((a) => !a.startsWith('/') || WORK.test(a));
  return true;
}

export function run(
  program: string,
  args: string[],
  opts: { input?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      program,
      args,
      { cwd: b.cwd, env: opts.env ?? { PATH: '/usr/bin:/bin' }, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
    child.stdin!.on('error', () => undefined);
    child.stdin!.end(opts.input ?? '');
  });
}

export async function runScript(
  text: string,
  env: NodeJS.ProcessEnv,
  input = '',
): Promise<{ code: number; stderr: string }> {
  const path = join(b.fx.dir, `script-${Math.random().toString(36).slice(2)}.sh`);
  await writeFile(path, text, { mode: 0o700 });
  try {
    return await run('/bin/sh', [path], { env: { PATH: '/usr/bin:/bin', ...env }, input });
  } finally {
    await rm(path, { force: true });
  }
}

export const PASSTHROUGH = {
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
export const AWK_WRITES = { '/usr/bin/awk': 5 };
// Stand-ins answer "not done yet" to every check, so every change runs. A fresh Mac has no
// admin trust settings: trust-settings-export fails as trustd answers then (research §2).
export const NOT_DONE = {
  '/usr/bin/arch': 1,
  '/usr/bin/cmp': 1,
  '/bin/launchctl print': 1,
  '/usr/bin/awk check': 1,
  '/bin/test -d': 1,
  '/usr/bin/security trust-settings-export': 1,
};
export const NO_TRUST_SETTINGS = {
  '/usr/bin/security trust-settings-export':
    'SecTrustSettingsCreateExternalRepresentation: No Trust Settings were found.\n',
};

/** A fresh Mac's stand-ins: real tools pass through, every check answers "not done", no admin trust settings. */
export const FRESH_MAC = {
  passthrough: PASSTHROUGH,
  passthroughWriteArg: AWK_WRITES,
  exit: NOT_DONE,
  stderr: NO_TRUST_SETTINGS,
} satisfies FakeSpec;

/** The fake programs of the test that is running, removed after it: `fakes.use(await makeFakePrograms(...))`. */
export function useFakePrograms(): { use(f: FakePrograms): FakePrograms } {
  let current: FakePrograms | undefined;
  afterEach(async () => {
    await current?.cleanup();
    current = undefined;
  });
  return {
    use(f) {
      current = f;
      return f;
    },
  };
}

/** The export of admin trust settings that trust the test root for every use (see trustSettingsPlist). */
export function trustedRootExport(): string {
  const root = b.fx.root;
  return trustSettingsPlist([
    {
      x509: root,
      pem: root.toString(),
      sha1: root.fingerprint.replace(/:/g, ''),
      trust: { result: 'trustRoot', policies: [], modDate: new Date('2026-01-01T00:00:00Z') },
    },
  ]);
}
