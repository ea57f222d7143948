// Specification: the administrator batch script, run by the real /bin/sh against recording stand-ins for the macOS programs.
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { execFile } from 'node:child_process';
import {
  PrivilegedBatch,
  buildBatchScript,
  osascriptLauncher,
} from '../../../src/core/macos/executors/privileged-batch';
import { LocalExecutor } from '../../../src/core/macos/executors/local';
import type { BatchItem } from '../../../src/core/macos/execute';
import { makeFakePrograms, type FakePrograms } from './fake-programs';

let fake: FakePrograms | undefined;
afterEach(async () => {
  await fake?.cleanup();
  fake = undefined;
});

/** Runs the batch with /bin/sh directly: osascript does not exist here. */
function batch(f: FakePrograms, onLaunch?: (script: string) => void): PrivilegedBatch {
  return new PrivilegedBatch({
    executor: new LocalExecutor(),
    programPrefix: f.prefix,
    launcher: (script) => {
      onLaunch?.(script);
      return { program: '/bin/sh', args: [script] };
    },
  });
}

const hostile = `/tmp/it's "quoted" $(touch /tmp/onboard-pwned) \`id\`\nnew line.pem`;

const items: BatchItem[] = [
  {
    id: 'a',
    title: 'Trust the root',
    command: {
      program: '/usr/bin/security',
      args: ['add-trusted-cert', '-d', '-r', 'trustRoot', '-k', '/Library/Keychains/System.keychain', hostile],
    },
    undo: [{ program: '/usr/bin/security', args: ['remove-trusted-cert', '-d', hostile] }],
  },
  {
    id: 'b',
    title: 'Write the conf',
    command: {
      program: '/usr/bin/install',
      args: ['-m', '0644', '/tmp/ws/conf', '/Library/Application Support/1E/Client/1E.Client.conf'],
    },
    undo: [{ program: '/bin/rm', args: ['-f', '/Library/Application Support/1E/Client/1E.Client.conf'] }],
  },
  { id: 'c', title: 'Start', command: { program: '/bin/launchctl', args: ['kickstart', 'FAIL-HERE'] } },
];

describe('the privileged batch script', () => {
  it('tells each item as it ends while the batch runs, in order, the next one starting with it', async () => {
    fake = await makeFakePrograms({ failWhenArg: 'FAIL-HERE' });
    const told: string[] = [];
    const result = await batch(fake).runBatch('Step', items, 'apply', (id, phase) => told.push(`${id}:${phase}`));
    expect(result.items.map((i) => i.outcome)).toEqual(['done', 'done', 'failed']);
    expect(told).toEqual(['a:done', 'b:running', 'b:done', 'c:running', 'c:failed']);
  });

  it('runs every action once, in order, with each argument exactly as planned', async () => {
    fake = await makeFakePrograms();
    const result = await batch(fake).runBatch('Step', items.slice(0, 2), 'apply');
    expect(result.ran).toBe(true);
    expect(result.items.map((i) => i.outcome)).toEqual(['done', 'done']);
    expect(await fake.calls()).toEqual([
      { program: '/usr/bin/security', args: items[0]!.command.args },
      { program: '/usr/bin/install', args: items[1]!.command.args },
    ]);
    expect(existsSync('/tmp/onboard-pwned')).toBe(false);
  });

  it('stops at the first failure and undoes the completed actions newest first', async () => {
    fake = await makeFakePrograms({ failWhenArg: 'FAIL-HERE' });
    const result = await batch(fake).runBatch('Step', items, 'apply');
    expect(result.items.map((i) => [i.id, i.outcome, i.exitCode])).toEqual([
      ['a', 'done', 0],
      ['b', 'done', 0],
      ['c', 'failed', 1],
    ]);
    expect(result.items[2]!.output).toContain('simulated failure');
    expect(result.items[0]!.undo?.exitCode).toBe(0);
    expect(result.items[1]!.undo?.exitCode).toBe(0);
    const programs = (await fake.calls()).map((c) => `${c.program} ${c.args[0]}`);
    expect(programs).toEqual([
      '/usr/bin/security add-trusted-cert',
      '/usr/bin/install -m',
      '/bin/launchctl kickstart',
      '/bin/rm -f',
      '/usr/bin/security remove-trusted-cert',
    ]);
  });

  it('undoes nothing at or before an action that cannot be undone, when a later one fails', async () => {
    fake = await makeFakePrograms({ failWhenArg: 'FAIL-HERE' });
    const removal: BatchItem = {
      id: 'r',
      title: 'Remove the old identity',
      command: { program: '/usr/bin/security', args: ['delete-identity', '-Z', 'AB12'] },
      irreversible: true,
    };
    const result = await batch(fake).runBatch('Step', [items[0]!, removal, items[2]!], 'apply');
    expect(result.items.map((i) => [i.id, i.outcome])).toEqual([
      ['a', 'done'],
      ['r', 'done'],
      ['c', 'failed'],
    ]);
    expect(result.items[0]!.undo).toBeUndefined();
    const programs = (await fake.calls()).map((c) => `${c.program} ${c.args[0]}`);
    expect(programs).toEqual([
      '/usr/bin/security add-trusted-cert',
      '/usr/bin/security delete-identity',
      '/bin/launchctl kickstart',
    ]);
  });

  it('skips an action whose check says it is already done, including a check on the output', async () => {
    fake = await makeFakePrograms({
      stdout: { '/usr/sbin/pkgutil': 'package-id: com.1e.pkg.1E.Client\nversion: 5.1.2.3\nvolume: /\n' },
    });
    const result = await batch(fake).runBatch(
      'Step',
      [
        {
          id: 'install',
          title: 'Install',
          command: { program: '/usr/sbin/installer', args: ['-pkg', '/x.pkg', '-target', '/'] },
          check: {
            command: { program: '/usr/sbin/pkgutil', args: ['--pkg-info', 'com.1e.pkg.1E.Client'] },
            stdoutIncludes: 'version: 5.1.2.3\n',
          },
        },
        {
          id: 'other',
          title: 'Other version',
          command: { program: '/usr/sbin/installer', args: ['-pkg', '/y.pkg', '-target', '/'] },
          check: {
            command: { program: '/usr/sbin/pkgutil', args: ['--pkg-info', 'com.1e.pkg.1E.Client'] },
            stdoutIncludes: 'version: 5.1.2\n',
          },
        },
      ],
      'apply',
    );
    expect(result.items.map((i) => i.outcome)).toEqual(['skipped', 'done']);
    expect((await fake.calls()).filter((c) => c.program === '/usr/sbin/installer').map((c) => c.args[1])).toEqual([
      '/y.pkg',
    ]);
  });

  it('runs the fallback when the command is refused', async () => {
    fake = await makeFakePrograms({ failWhenArg: 'bootstrap' });
    const result = await batch(fake).runBatch(
      'Step',
      [
        {
          id: 'load',
          title: 'Load',
          command: { program: '/bin/launchctl', args: ['bootstrap', 'system', '/Library/LaunchDaemons/x.plist'] },
          fallback: { program: '/bin/launchctl', args: ['load', '-w', '/Library/LaunchDaemons/x.plist'] },
        },
      ],
      'apply',
    );
    expect(result.items[0]!.outcome).toBe('done');
    expect((await fake.calls()).map((c) => c.args[0])).toEqual(['bootstrap', 'load']);
  });

  it('keeps going through every undo in keep-going mode, even when one fails', async () => {
    fake = await makeFakePrograms({ failWhenArg: 'FAIL-HERE' });
    const result = await batch(fake).runBatch(
      'Undo',
      [
        { id: 'u1', title: 'u1', command: { program: '/bin/rm', args: ['-f', 'FAIL-HERE'] } },
        { id: 'u2', title: 'u2', command: { program: '/bin/rm', args: ['-f', '/x'] } },
      ],
      'keep-going',
    );
    expect(result.items.map((i) => i.outcome)).toEqual(['failed', 'done']);
  });

  it('reports that nothing ran when the administrator prompt is cancelled', async () => {
    fake = await makeFakePrograms();
    const cancelled = new PrivilegedBatch({
      executor: new LocalExecutor(),
      programPrefix: fake.prefix,
      launcher: () => ({
        program: '/bin/sh',
        args: ['-c', 'echo "execution error: User canceled. (-128)" >&2; exit 1'],
      }),
    });
    const result = await cancelled.runBatch('Step', items.slice(0, 1), 'apply');
    expect(result.ran).toBe(false);
    expect(result.message).toBe('The administrator prompt was cancelled.');
    expect(await fake.calls()).toEqual([]);
  });

  it('keeps the script in a private folder that is gone afterwards', async () => {
    fake = await makeFakePrograms();
    let seen = '';
    let mode = 0;
    await batch(fake, (script) => {
      seen = script;
    }).runBatch('Step', items.slice(0, 1), 'apply');
    expect(seen).not.toBe('');
    expect(existsSync(seen)).toBe(false);
    // Check the permissions while it exists, by running a batch whose launcher inspects the folder first.
    await batch(fake, (script) => {
      mode = statSync(dirname(script)).mode & 0o777;
      seen = (statSync(script).mode & 0o777).toString(8);
    }).runBatch('Step', items.slice(0, 1), 'apply');
    expect(mode).toBe(0o700);
    expect(seen).toBe('700');
  });

  it('passes shellcheck', async () => {
    const text = buildBatchScript('Trust "the" $(CA)', items, 'apply', "/tmp/res ults/it's");
    const { code, out } = await new Promise<{ code: number; out: string }>((resolve) => {
      const child = execFile('/usr/bin/shellcheck', ['-s', 'sh', '-'], (err, stdout) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: stdout }),
      );
      child.stdin!.end(text);
    });
    expect(out).toBe('');
    expect(code).toBe(0);
  });

  it('asks macOS for administrator rights through osascript with the script path quoted for both AppleScript and sh', () => {
    const c = osascriptLauncher(`/tmp/dir "x"/it's.sh`, 'Trust the CA');
    expect(c.program).toBe('/usr/bin/osascript');
    expect(c.args).toEqual([
      '-e',
      `do shell script "/bin/sh '/tmp/dir \\"x\\"/it'\\\\''s.sh'" with prompt "Onboard needs an administrator to: Trust the CA" with administrator privileges`,
    ]);
  });
});

/** macOS's own /bin/sh (bash 3.2.57 in POSIX mode), built for this machine (see its README), when it is here. */
const APPLE_SH = [
  process.env.ONBOARD_MACOS_USERLAND,
  join(__dirname, '..', '..', '..', '..', 'shared', 'macos-userland', 'bin'),
  join(__dirname, '..', '..', '..', '..', '..', 'shared', 'macos-userland', 'bin'),
]
  .filter((d): d is string => !!d)
  .map((d) => join(d, 'sh'))
  .find((p) => existsSync(p));

describe("the privileged batch script under macOS's own sh", () => {
  if (!APPLE_SH) it.skip("SKIPPED: macOS's sh is not at ../shared/macos-userland/bin", () => {});
  it.each(APPLE_SH ? ['C.UTF-8', 'C'] : [])(
    'in the %s locale: runs in order, judges a command by its confirm, stops at the failure and undoes newest first',
    async (locale) => {
      fake = await makeFakePrograms({
        failWhenArg: 'FAIL-HERE',
        launchdRefuses: true,
        exit: { '/bin/launchctl print': 1 },
      });
      const f = fake;
      const apple = new PrivilegedBatch({
        executor: new LocalExecutor(),
        programPrefix: f.prefix,
        // do shell script runs /bin/sh, which on macOS has xpg_echo on (this build needs -O for it).
        launcher: (script) => ({
          program: '/usr/bin/env',
          args: [`LC_ALL=${locale}`, APPLE_SH!, '-O', 'xpg_echo', script],
        }),
      });
      const confirmed: BatchItem = {
        id: 'load',
        title: 'Register',
        command: { program: '/bin/launchctl', args: ['load', '-w', '/Library/LaunchDaemons/x.plist'] },
        confirm: { command: { program: '/bin/launchctl', args: ['print', 'system/x'] } },
      };
      const ok = await apple.runBatch('Step', items.slice(0, 2), 'apply');
      expect(ok.items.map((i) => i.outcome)).toEqual(['done', 'done']);
      const failed = await apple.runBatch('Step', items, 'apply');
      expect(failed.items.map((i) => [i.id, i.outcome])).toEqual([
        ['a', 'done'],
        ['b', 'done'],
        ['c', 'failed'],
      ]);
      expect(failed.items[0]!.undo?.exitCode).toBe(0);
      // launchctl load exits 0 here, but print does not find the job: not done.
      const judged = await apple.runBatch('Step', [confirmed], 'apply');
      expect(judged.items[0]).toMatchObject({ outcome: 'failed', exitCode: 1 });
      expect(judged.items[0]!.output).toContain('Load failed: 5: Input/output error');
      expect(judged.items[0]!.output).toContain('the change is not there');
      expect(existsSync('/tmp/onboard-pwned')).toBe(false);
    },
  );
});
