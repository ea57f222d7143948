// Specification: the SimulatedMac runs each program through its handler table, fails chosen commands and shows its state read-only.
import { describe, expect, it } from 'vitest';
import { SIMULATED_PROGRAMS, SimulatedMac } from '../../../../../../src/core/macos/executors/simulated';
import { FACT_COMMANDS } from '../../../../../../src/core/macos/facts';

describe('the simulated Mac', () => {
  it('fails a chosen command without changing anything', async () => {
    const mac = new SimulatedMac();
    mac.failWhen({ program: '/usr/sbin/softwareupdate', stderr: 'No network', times: 1 });
    const before = mac.snapshot();
    expect(
      await mac
        .asRoot()
        .run({ program: '/usr/sbin/softwareupdate', args: ['--install-rosetta', '--agree-to-license'] }),
    ).toEqual({ exitCode: 1, stdout: '', stderr: 'No network\n' });
    expect(mac.snapshot()).toEqual(before);
    expect(
      (
        await mac
          .asRoot()
          .run({ program: '/usr/sbin/softwareupdate', args: ['--install-rosetta', '--agree-to-license'] })
      ).exitCode,
    ).toBe(0);
  });

  it('exposes its state read-only', () => {
    const snap = new SimulatedMac().snapshot();
    expect(Object.isFrozen(snap)).toBe(true);
    expect(() => {
      (snap.adminPrompts as string[]).push('x');
    }).toThrow();
  });

  it('answers every fact command, and says plainly when it does not model a program', async () => {
    const mac = new SimulatedMac();
    for (const c of Object.values(FACT_COMMANDS)) expect(SIMULATED_PROGRAMS).toContain(c.program);
    expect(await mac.run({ program: '/usr/bin/osascript', args: ['-e', 'beep'] })).toEqual({
      exitCode: 127,
      stdout: '',
      stderr: '/usr/bin/osascript: command not found (the simulated Mac does not model it)\n',
    });
    // A program name that is also an object's own property is still just an unknown program.
    expect((await mac.run({ program: 'constructor', args: [] })).exitCode).toBe(127);
  });

  it('comes back from its saved state as it was', async () => {
    const mac = new SimulatedMac({ arch: 'x86_64', client: { version: '24.1.0.5', running: true } });
    await mac.asRoot().run({ program: '/bin/mkdir', args: ['/Library/Application Support/1E/Client/x'] });
    const again = SimulatedMac.fromJSON(JSON.parse(JSON.stringify(mac.toJSON())));
    expect({ ...again.snapshot(), adminPrompts: [] }).toEqual({ ...mac.snapshot(), adminPrompts: [] });
    expect(again.toJSON()).toEqual(mac.toJSON());
  });
});
