// Specification: the exported sh script's run: the plans' commands in their order, a fresh Mac without errors, a
// refused command's errors shown, a failing step undone, and a second run that changes nothing.
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONF_PATH } from '../../../src/core/macos/paths';
import { PFX_PASSWORD } from '../../unit/core/macos/fixtures';
import {
  FRESH_MAC,
  AWK_WRITES,
  exportScript,
  PASSTHROUGH,
  runScript,
  trustedRootExport,
  useScriptBench,
  WORK,
  useFakePrograms,
} from './script-bench';

import { makeFakePrograms } from './fake-programs';

const b = useScriptBench();
const fakes = useFakePrograms();

describe('the exported sh script, running', () => {
  it('runs the same commands in the same order as the plans list them', async () => {
    const fake = fakes.use(await makeFakePrograms(FRESH_MAC));
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
    const fake = fakes.use(
      await makeFakePrograms({
        ...FRESH_MAC,
        absent: [DEFAULT_CONF_PATH],
        creates: { '/usr/sbin/installer': [DEFAULT_CONF_PATH] },
      }),
    );
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
    const fake = fakes.use(
      await makeFakePrograms({
        ...FRESH_MAC,
        absent: [DEFAULT_CONF_PATH],
      }),
    );
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

  it("undoes the failing step's completed changes newest first and stops", async () => {
    const fake = fakes.use(
      await makeFakePrograms({
        ...FRESH_MAC,
        failWhenArg: 'add-certificates',
      }),
    );
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
    const fake = fakes.use(
      await makeFakePrograms({
        passthrough: PASSTHROUGH,
        passthroughWriteArg: AWK_WRITES,
        exit: { '/usr/bin/arch': 0, '/usr/bin/cmp': 0 },
        // The root is trusted in the admin trust settings, as `add-trusted-cert -d -r trustRoot` leaves it.
        writes: { '/usr/bin/security trust-settings-export': trustedRootExport() },
        stdout: {
          '/usr/sbin/pkgutil': 'package-id: com.1e.pkg.1E.Client\nversion: 5.1.2.3\nvolume: /\nlocation: Library\n',
          '/usr/bin/security': `SHA-1 hash: ${b.fx.root.fingerprint.replace(/:/g, '')}\nSHA-1 hash: ${b.fx.intermediate.fingerprint.replace(/:/g, '')}\n  1) ${b.fx.leaf.fingerprint.replace(/:/g, '')} "MAC01.local"\n`,
          '/bin/launchctl': 'system/com.1e.pkg.1E.Client = {\n\tstate = running\n}\n',
        },
      }),
    );
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
