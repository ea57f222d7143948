// Specification: the simulated launchd starts the Intel 1E Client only where it can run, and prints its state as launchctl does.
import { describe, expect, it } from 'vitest';
import { SimulatedMac } from '../../../../../../src/core/macos/executors/simulated';
import { FACT_COMMANDS } from '../../../../../../src/core/macos/facts';

describe('the simulated launchd', () => {
  it('cannot run the Intel client on Apple Silicon until Rosetta is installed', async () => {
    const mac = new SimulatedMac({ client: { version: '5.1.0.1' } });
    await mac.asRoot().run({
      program: '/bin/launchctl',
      args: ['bootstrap', 'system', '/Library/LaunchDaemons/com.1e.pkg.1E.Client.plist'],
    });
    const print = (await mac.run(FACT_COMMANDS.launchctlPrint)).stdout;
    expect(print).toContain('state = not running');
    expect(print).toContain('Bad CPU type in executable');
    await mac.asRoot().run({ program: '/usr/sbin/softwareupdate', args: ['--install-rosetta', '--agree-to-license'] });
    await mac.asRoot().run({ program: '/bin/launchctl', args: ['kickstart', 'system/com.1e.pkg.1E.Client'] });
    expect((await mac.run(FACT_COMMANDS.launchctlPrint)).stdout).toMatch(/state = running\n[\s\S]*pid = \d+/);
  });

  it('refuses to bootstrap a job that is already loaded, with the error launchctl gives', async () => {
    const mac = new SimulatedMac({ arch: 'x86_64', client: { version: '24.1.0.5', running: true } });
    const r = await mac.asRoot().run({
      program: '/bin/launchctl',
      args: ['bootstrap', 'system', '/Library/LaunchDaemons/com.1e.pkg.1E.Client.plist'],
    });
    expect(r).toEqual({
      exitCode: 5,
      stdout: '',
      stderr: 'Bootstrap failed: 5: Input/output error\nTry re-running the command as root for richer errors.\n',
    });
    expect(
      (await mac.asRoot().run({ program: '/bin/launchctl', args: ['bootout', 'system/com.1e.pkg.1E.Client'] }))
        .exitCode,
    ).toBe(0);
    expect(
      await mac.asRoot().run({ program: '/bin/launchctl', args: ['bootout', 'system/com.1e.pkg.1E.Client'] }),
    ).toEqual({ exitCode: 3, stdout: '', stderr: 'Boot-out failed: 3: No such process\n' });
  });
});
