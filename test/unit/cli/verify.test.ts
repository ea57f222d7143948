import { describe, expect, it } from 'vitest';
import { tmpdir } from 'node:os';
import { run } from '../../../electron/cli/verify';
import { runInMemory } from '../../support/cli-io';

const verify = (args: string[]) => runInMemory(run, args, {}, { cwd: tmpdir() });

const base = ['--switch', 'tachyon.acme.local:4000', '--pfx', 'device.pfx'];

describe('onboard verify usage', () => {
  it('prints its help, naming every option and the exit codes, and exits 0', async () => {
    const r = await verify(['--help']);
    expect(r.code).toBe(0);
    for (const opt of ['--switch', '--background-url', '--pfx', '--ca', '--password-env', '--password-file', '--timeout', '--tls', '--json', '--report']) expect(r.out).toContain(opt);
    expect(r.out).toContain('Exit codes: 0');
  });

  it('requires the Switch address', async () => {
    const r = await verify(['--pfx', 'device.pfx']);
    expect(r).toMatchObject({ code: 2, err: expect.stringContaining('--switch HOST:PORT is required') });
  });

  it('requires the PFX', async () => {
    expect(await verify(['--switch', 'tachyon.acme.local:4000'])).toMatchObject({ code: 2, err: expect.stringContaining('--pfx FILE is required') });
  });

  it('refuses a Switch address without a port', async () => {
    const r = await verify(['--switch', 'tachyon.acme.local', '--pfx', 'device.pfx']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('host:port');
  });

  it('refuses a Background Channel URL that is not https', async () => {
    const r = await verify([...base, '--background-url', 'http://tachyon.acme.local/Background/']);
    expect(r).toMatchObject({ code: 2, err: expect.stringContaining('must use https') });
  });

  it('refuses a report name whose extension does not say html or json', async () => {
    expect(await verify([...base, '--report', 'out.pdf'])).toMatchObject({ code: 2, err: expect.stringContaining('must end in .html or .json') });
  });

  it('refuses TLS versions the 1E platform does not use', async () => {
    expect(await verify([...base, '--tls', '1.1'])).toMatchObject({ code: 2, err: expect.stringContaining('TLS 1.2 or 1.3') });
  });

  it('refuses a timeout that is not a sensible number of milliseconds', async () => {
    expect((await verify([...base, '--timeout', '5s'])).code).toBe(2);
    expect((await verify([...base, '--timeout', '10'])).code).toBe(2);
  });

  it('refuses a password on the command line, as an unknown option', async () => {
    const r = await verify([...base, '--password', 'hunter22']);
    expect(r.code).toBe(2);
    expect(r.err).not.toContain('hunter22');
  });

  it('says which PFX file is missing', async () => {
    const r = await verify(['--switch', 'tachyon.acme.local:4000', '--pfx', 'no-such.pfx', '--skip-mac-checks']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('no-such.pfx');
  });
});
