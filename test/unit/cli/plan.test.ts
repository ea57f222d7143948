// Specification: `onboard plan` prints the whole plan (text, JSON, sh) and checks every input first.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../../src/cli/plan';
import { main } from '../../../src/cli/main';
import { memoryIo, type MemoryIo } from '../../support/cli-io';
import { makeMacFixtures, PFX_PASSWORD, type MacFixtures } from '../core/macos/fixtures';

let fx: MacFixtures;
beforeAll(async () => {
  fx = await makeMacFixtures();
  await writeFile(join(fx.dir, 'bundle.pem'), fx.root.toString() + fx.intermediate.toString());
  await writeFile(join(fx.dir, 'client.pfx'), fx.legacyPfx);
});
afterAll(async () => {
  await fx?.cleanup();
});

function io(env: NodeJS.ProcessEnv = {}): { io: MemoryIo; out: () => string; err: () => string } {
  const m = memoryIo({ PFXPW: PFX_PASSWORD, ...env }, { cwd: fx.dir });
  return { io: m, out: m.out, err: m.err };
}

const BASE = ['--switch', 'tachyon.acme.local:4000', '--background-url', 'https://tachyon.acme.local/Background/'];
const FULL = [
  ...BASE,
  '--ca',
  'bundle.pem',
  '--pfx',
  'client.pfx',
  '--password-env',
  'PFXPW',
  '--installer',
  '1e.client-macOS_v5.2.0.7.dmg',
  '--logging-level',
  'debug',
];

describe('onboard plan', () => {
  it('lists every step with exact command lines and the password masked', async () => {
    const t = io();
    expect(await run([...FULL, '--simulate'], t.io)).toBe(0);
    const text = t.out();
    for (const step of [
      'Install Rosetta 2',
      'Install the 1E Client',
      'Trust the root CAs and add the CA certificates',
      'Import the client certificate',
      'Configure the 1E Client',
      'Start the 1E Client',
    ])
      expect(text).toContain(step);
    // The trust as the user (its own macOS dialog), the certificate by the administrator batch.
    expect(text).toMatch(/\/usr\/bin\/security add-trusted-cert -d -r trustRoot \S+\.pem\n/);
    expect(text).toContain('/usr/bin/security add-certificates -k /Library/Keychains/System.keychain');
    expect(text).toContain('asks for 1 administrator password and 1 macOS trust dialog');
    expect(text).toMatch(/-P •••• -T '\/Library\/Application Support\/1E\/Client\/1E\.Client'/);
    expect(text).not.toContain(PFX_PASSWORD);
  });

  it('prints the plans as JSON', async () => {
    const t = io();
    expect(await run([...FULL, '--simulate', '--format', 'json'], t.io)).toBe(0);
    const json = JSON.parse(t.out());
    expect(json.plans.map((p: { step: string }) => p.step)).toEqual([
      'rosetta',
      'install-client',
      'ca-certificates',
      'client-identity',
      'configure-client',
      'start-client',
    ]);
    expect(json.plans[3].actions[0].command.args).toContain('••••');
    expect(t.out()).not.toContain(PFX_PASSWORD);
  });

  it('exports an sh script that shellcheck accepts and that holds no password', async () => {
    const t = io();
    expect(await run([...FULL, '--format', 'sh'], t.io)).toBe(0);
    const script = t.out();
    expect(script.startsWith('#!/bin/sh\n')).toBe(true);
    expect(script).not.toContain(PFX_PASSWORD);
    const code = await new Promise<number>((resolve) => {
      const child = execFile('/usr/bin/shellcheck', ['-s', 'sh', '-'], (err) => resolve(err ? 1 : 0));
      child.stdin!.end(script);
    });
    expect(code).toBe(0);
  });

  it('says so when it plans away from a Mac', async () => {
    const t = io();
    expect(await run(BASE, t.io)).toBe(0);
    expect(t.err()).toContain('not on a Mac');
  });

  it('plans the uninstall of an installed client from its receipt', async () => {
    const t = io();
    expect(await run(['--uninstall', '--simulate'], t.io)).toBe(0);
    expect(t.out()).toContain('nothing to remove');
  });

  it.each([
    [['--background-url', 'https://t/B/'], '--switch HOST:PORT is required'],
    [['--switch', 't:4000'], '--background-url URL is required'],
    [['--switch', 't:99999', '--background-url', 'https://t/B/'], 'out of range'],
    [['--switch', 't:4000', '--background-url', 'http://t/B/'], 'must use https'],
    [[...BASE, '--ca', 'missing.pem'], 'does not exist'],
    [[...BASE, '--ca', '.'], 'not a regular file'],
    [[...BASE, '--installer', 'bundle.pem'], 'not a macOS installer'],
    [[...BASE, '--logging-level', 'loud'], 'not a 1E Client logging level'],
    [[...BASE, '--set', 'Switch=x:1'], 'with its own option'],
    [[...BASE, '--set', 'no equals'], 'Name=value'],
    [[...BASE, '--allow-any-app'], 'only applies'],
    [[...BASE, '--pfx', 'client.pfx', '--password-env', 'NOPE'], 'NOPE'],
    [[...BASE, '--pfx', 'client.pfx', '--password-env', 'WRONG'], 'password'],
    [[...BASE, '--format', 'xml'], 'text, json or sh'],
    [[...BASE, '--simulate-arch', 'ppc', '--simulate'], 'arm64 or x86_64'],
  ])('refuses bad input %j with a clear message', async (argv, words) => {
    const t = io({ WRONG: 'not-the-password' });
    const code = await main(['plan', ...argv], t.io);
    expect(code).toBe(2);
    expect(t.err()).toContain(words);
    expect(t.err()).not.toMatch(/\n\s+at /);
  });
});
