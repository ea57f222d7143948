// Specification: the exported sh script is safe to hand over: shellcheck passes with hostile paths and values, no
// password is in it, it refuses to run except as root, hostile arguments arrive intact, and only the import sees a
// one-time password.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mergeConf, parseConf, serialiseConf } from '../../../src/core/macos/conf';
import { readPfx } from '../../../src/core/pki/pkcs12';
import { PFX_PASSWORD } from '../../unit/core/macos/fixtures';
import {
  FRESH_MAC,
  exportScript,
  PWNED,
  request,
  runScript,
  shellcheck,
  useScriptBench,
  useFakePrograms,
} from './script-bench';
import { makeFakePrograms } from './fake-programs';

const b = useScriptBench();
const fakes = useFakePrograms();

describe('the exported sh script, handed over', () => {
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
      request: { pfxPath: join(b.fx.dir, name) },
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
    const fake = fakes.use(await makeFakePrograms(FRESH_MAC));
    const { text } = await exportScript({ prefix: fake.prefix });
    const r = await runScript(text, { ONBOARD_PFX_PASSWORD: PFX_PASSWORD });
    expect(r.stderr).toContain('all steps finished');
    expect(r.code).toBe(0);
    const calls = await fake.calls();
    const installer = calls.find((c) => c.program === '/usr/sbin/installer')!;
    expect(installer.args).toEqual(['-pkg', b.hostilePkg, '-target', '/']);
    expect(existsSync(join(b.cwd, PWNED))).toBe(false);
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
    const fake = fakes.use(await makeFakePrograms(FRESH_MAC));
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
    expect(opened.certificates[0]!.fingerprint256).toBe(b.fx.leaf.fingerprint256);
    for (const c of calls) {
      expect(c.args.join('\0')).not.toContain(PFX_PASSWORD);
      if (c !== imp) expect(c.args.join('\0')).not.toContain(oneTime);
    }
  });
});
