// Specification: the local executor runs real programs without a shell, with a clean environment, timeouts and output caps.
import { describe, expect, it } from 'vitest';
import { LocalExecutor } from '../../../src/core/macos/executors/local';

describe('LocalExecutor', () => {
  it('passes argv exactly, with no shell in between', async () => {
    const r = await new LocalExecutor().run({ program: '/usr/bin/printf', args: ['%s|', '$(id)', "it's", 'a b'] });
    expect(r).toEqual({ exitCode: 0, stdout: "$(id)|it's|a b|", stderr: '' });
  });

  it('returns the exit status instead of throwing', async () => {
    const r = await new LocalExecutor().run({ program: '/bin/sh', args: ['-c', 'echo oops >&2; exit 3'] });
    expect(r).toMatchObject({ exitCode: 3, stderr: 'oops\n' });
  });

  it("gives programs a clean environment without the caller's secrets", async () => {
    process.env.ONBOARD_TEST_SECRET = 'do-not-leak';
    try {
      const r = await new LocalExecutor().run({ program: '/usr/bin/env', args: [] });
      expect(r.stdout).not.toContain('do-not-leak');
      expect(r.stdout).toContain('PATH=/usr/bin:/bin:/usr/sbin:/sbin');
    } finally {
      delete process.env.ONBOARD_TEST_SECRET;
    }
  });

  it('stops a program that runs too long', async () => {
    const r = await new LocalExecutor().run({ program: '/bin/sleep', args: ['10'], timeoutMs: 200 });
    expect(r.exitCode).toBe(137);
    expect(r.stderr).toContain('stopped after');
  });

  it('keeps only the first bytes of a flood of output', async () => {
    const r = await new LocalExecutor({ outputLimit: 1000 }).run({
      program: '/usr/bin/head',
      args: ['-c', '200000', '/dev/zero'],
    });
    expect(r.exitCode).toBe(0);
    expect(r.stdout.length).toBe(1000);
    expect(r.stderr).toContain('[output cut]');
  });

  it('says a missing program is missing', async () => {
    const r = await new LocalExecutor().run({ program: '/usr/bin/onboard-no-such-program', args: [] });
    expect(r.exitCode).toBe(127);
    expect(r.stderr).toContain('no such program');
  });

  it('refuses a program given without an absolute path', async () => {
    await expect(new LocalExecutor().run({ program: 'security', args: [] })).rejects.toMatchObject({
      code: 'internal',
    });
  });
});
