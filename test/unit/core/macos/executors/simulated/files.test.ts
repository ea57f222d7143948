// Specification: the simulated Mac's files answer cat, tail, install and test like the BSD tools, and keep system folders for root.
import { describe, expect, it } from 'vitest';
import { SimulatedMac } from '../../../../../../src/core/macos/executors/simulated';

describe('the simulated files', () => {
  it('answers cat and tail for the configuration and the logs', async () => {
    const mac = new SimulatedMac({ client: { version: '5.1.0.1', conf: 'Switch=t:4000\n' } });
    mac.appendLog('/Library/Logs/1E.Client.log', 'one\ntwo\nthree');
    expect(
      (await mac.run({ program: '/bin/cat', args: ['/Library/Application Support/1E/Client/1E.Client.conf'] })).stdout,
    ).toBe('Switch=t:4000\n');
    expect((await mac.run({ program: '/usr/bin/tail', args: ['-n', '2', '/Library/Logs/1E.Client.log'] })).stdout).toBe(
      'two\nthree\n',
    );
    expect((await mac.run({ program: '/bin/cat', args: ['/Library/Logs/none.log'] })).stderr).toBe(
      'cat: /Library/Logs/none.log: No such file or directory\n',
    );
  });

  it('lets only root write under /Library, and tells install(1) failures by their EX_OSERR status', async () => {
    const mac = new SimulatedMac();
    const made = { program: '/usr/bin/install', args: ['-d', '/Library/Application Support/1E/Client'] };
    expect(await mac.run(made)).toEqual({
      exitCode: 71,
      stdout: '',
      stderr: 'install: mkdir /Library/Application Support/1E/Client: Permission denied\n',
    });
    const isDir = { program: '/bin/test', args: ['-d', '/Library/Application Support/1E/Client'] };
    expect((await mac.run(isDir)).exitCode).toBe(1);
    expect((await mac.asRoot().run(made)).exitCode).toBe(0);
    expect((await mac.run(isDir)).exitCode).toBe(0);
  });
});
