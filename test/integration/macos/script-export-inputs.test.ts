// Specification: the exported sh script's inputs on the Mac: the PFX password asked before anything reaches the
// Mac, a missing installer or PFX refused before any step, and the terminal restored when interrupted.
import { spawn } from 'node:child_process';
import { copyFile, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fakePkg, PFX_PASSWORD } from '../../unit/core/macos/fixtures';
import { FRESH_MAC, exportScript, runScript, touchesTheMac, useScriptBench, useFakePrograms } from './script-bench';
import { makeFakePrograms } from './fake-programs';

const b = useScriptBench();
const fakes = useFakePrograms();

describe('the exported sh script, asking and refusing', () => {
  it('asks for the PFX password on standard input when it is not in the environment', async () => {
    const fake = fakes.use(await makeFakePrograms(FRESH_MAC));
    const { text } = await exportScript({ prefix: fake.prefix });
    const r = await runScript(text, {}, PFX_PASSWORD + '\n');
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('Password of');
    expect((await fake.calls()).some((c) => c.program === '/bin/stty' && c.args[0] === '-echo')).toBe(true);
  });

  it('asks for the password and opens the PFX before it runs anything that reaches the Mac', async () => {
    const fake = fakes.use(await makeFakePrograms(FRESH_MAC));
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
      const fake = fakes.use(await makeFakePrograms(FRESH_MAC));
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
    const gone = join(b.fx.dir, 'gone', '1e.client-macOS_v5.1.2.3.pkg');
    await mkdir(join(b.fx.dir, 'gone'), { recursive: true });
    await writeFile(gone, fakePkg());
    const fake = fakes.use(await makeFakePrograms(FRESH_MAC));
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
    let fake = fakes.use(await makeFakePrograms(FRESH_MAC));
    const missing = join(b.fx.dir, 'no such folder', 'client.pfx');
    const { text } = await exportScript({
      prefix: fake.prefix,
      request: { pfxPath: missing },
    });
    const r = await runScript(text, { ONBOARD_PFX_PASSWORD: PFX_PASSWORD });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`the PFX file ${missing} is missing`);
    expect((await fake.calls()).filter(touchesTheMac)).toEqual([]);

    await fake.cleanup();
    fake = fakes.use(await makeFakePrograms(FRESH_MAC));
    const elsewhere = join(b.fx.dir, `elsewhere $(id)\n.pfx`);
    await copyFile(b.hostilePfx, elsewhere);
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

  it('turns echo back on when the script is interrupted at the password prompt', async () => {
    const fake = fakes.use(await makeFakePrograms(FRESH_MAC));
    const { text } = await exportScript({ prefix: fake.prefix });
    const path = join(b.fx.dir, 'interrupted.sh');
    await writeFile(path, text, { mode: 0o700 });
    try {
      // script(1) gives the shell a terminal; Ctrl-C typed there interrupts it as a technician would.
      const code = await new Promise<number | null>((resolve) => {
        const child = spawn('/usr/bin/script', ['-qec', `/bin/sh '${path.replace(/'/g, `'\\''`)}'`, '/dev/null'], {
          cwd: b.cwd,
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
});
