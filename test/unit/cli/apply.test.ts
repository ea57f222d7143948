// Specification: `onboard apply` runs the plan step by step, refuses off macOS unless simulated, and reports what happened.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main';
import { PFX_PASSWORD } from '../core/macos/fixtures';
import { opensslOk } from '../../support/openssl';
import { readFile } from 'node:fs/promises';
import { makePfx } from '../../support/openssl';
import { createHash, X509Certificate } from 'node:crypto';
import { applyBench, FULL } from './apply-bench';

/** A PFX holding only a certificate: nothing to import as an identity. */
async function certOnlyPfx(): Promise<Buffer> {
  const out = join(bench.fx.dir, 'cert-only-src.pfx');
  await writeFile(join(bench.fx.dir, 'leaf.pem'), bench.fx.leaf.toString());
  await opensslOk(
    ['pkcs12', '-export', '-nokeys', '-in', join(bench.fx.dir, 'leaf.pem'), '-out', out, '-passout', 'env:PW'],
    { env: { PW: PFX_PASSWORD } },
  );
  return readFile(out);
}

const bench = applyBench();
const io = () => bench.io();

describe('onboard apply', () => {
  it('refuses to run away from a Mac without --simulate', async () => {
    if (process.platform === 'darwin') return;
    const t = io();
    expect(await main(['apply', ...FULL], t.io)).toBe(2);
    expect(t.err()).toContain('runs only on macOS');
    expect(t.err()).toContain('--simulate');
  });

  it('onboards a simulated Mac and reports every step', async () => {
    const t = io();
    expect(await main(['apply', ...FULL, '--simulate'], t.io)).toBe(0);
    expect(t.out()).toContain('✓ Import the identity "MAC01.local" into the System keychain');
    expect(t.out()).toContain('Done (on the simulated Mac): every step finished.');
    expect(t.out() + t.err()).not.toContain(PFX_PASSWORD);
  });

  it('prints the results as JSON', async () => {
    const t = io();
    expect(await main(['apply', ...FULL, '--simulate', '--json'], t.io)).toBe(0);
    const json = JSON.parse(t.out());
    expect(json).toMatchObject({ ok: true, simulated: true });
    expect(json.steps.map((s: { step: string; ok: boolean }) => s.ok)).toEqual([true, true, true, true, true, true]);
    expect(t.out()).not.toContain(PFX_PASSWORD);
  });

  it('imports an OpenSSL 3 PFX on a simulated macOS 13 Intel Mac and skips Rosetta there', async () => {
    const t = io();
    expect(
      await main(['apply', ...FULL, '--simulate', '--simulate-macos', '13.6', '--simulate-arch', 'x86_64'], t.io),
    ).toBe(0);
    expect(t.out()).toContain('skipped: this is an Intel Mac');
    expect(t.out()).toContain('✓ Import the identity');
  });

  it('changes nothing when an input is bad, even one only a later step uses', async () => {
    const t = io();
    await writeFile(join(bench.fx.dir, 'cert-only.pfx'), await certOnlyPfx());
    expect(
      await main(
        ['apply', ...FULL.slice(0, 6), '--pfx', 'cert-only.pfx', '--password-env', 'PFXPW', '--simulate', '--json'],
        t.io,
      ),
    ).toBe(2);
    expect(t.err()).toContain('no private key');
    expect(t.out()).toBe('');
  });

  it('uninstalls nothing on a simulated Mac without the client', async () => {
    const t = io();
    expect(await main(['apply', '--uninstall', '--simulate'], t.io)).toBe(0);
  });
});

describe('onboard apply --simulate-state', () => {
  it('keeps the simulated Mac in a file: a second run with the same file has nothing to change', async () => {
    const first = io();
    expect(await main(['apply', ...FULL, '--simulate', '--simulate-state', 'rerun.json'], first.io), first.err()).toBe(
      0,
    );
    expect(first.out()).toContain('Done (on the simulated Mac): every step finished.');
    const state = JSON.parse(await readFile(join(bench.fx.dir, 'rerun.json'), 'utf8'));
    expect(state).toMatchObject({
      format: 'onboard-simulated-mac/1',
      macosVersion: '14.4.1',
      arch: 'arm64',
      rosetta: true,
    });
    expect(state.identities.map((i: { name: string }) => i.name)).toEqual(['MAC01.local']);
    expect(state.packages.map((p: { version: string }) => p.version)).toEqual(['5.2.0.7']);
    expect(JSON.stringify(state)).not.toContain(PFX_PASSWORD);

    const second = io();
    expect(
      await main(['apply', ...FULL, '--simulate', '--simulate-state', 'rerun.json', '--json'], second.io),
      second.err(),
    ).toBe(0);
    const json = JSON.parse(second.out());
    expect(json.steps.map((s: { changed: boolean }) => s.changed)).toEqual([false, false, false, false, false, false]);
    const third = io();
    expect(await main(['apply', ...FULL, '--simulate', '--simulate-state', 'rerun.json'], third.io)).toBe(0);
    expect(third.out()).toContain('Done (on the simulated Mac): nothing needed changing.');
  });

  it('without the state file every run starts from a fresh Mac', async () => {
    const again = io();
    expect(await main(['apply', ...FULL, '--simulate'], again.io)).toBe(0);
    expect(again.out()).toContain('every step finished.');
  });

  it('refuses a state file that is not one, one that disagrees with --simulate-macos, and the option without --simulate', async () => {
    await writeFile(join(bench.fx.dir, 'notes.json'), 'shopping list');
    const bad = io();
    expect(await main(['apply', ...FULL, '--simulate', '--simulate-state', 'notes.json'], bad.io)).toBe(2);
    expect(bad.err()).toContain('notes.json is not a simulated Mac state (not JSON)');
    expect(await readFile(join(bench.fx.dir, 'notes.json'), 'utf8')).toBe('shopping list');
    const other = io();
    expect(
      await main(
        ['apply', ...FULL, '--simulate', '--simulate-state', 'rerun.json', '--simulate-macos', '13.6'],
        other.io,
      ),
    ).toBe(2);
    expect(other.err()).toMatch(/disagree with rerun\.json, a simulated arm64 Mac with macOS 14\.4\.1/);
    const alone = io();
    expect(await main(['apply', ...FULL, '--simulate-state', 'rerun.json'], alone.io)).toBe(2);
    expect(alone.err()).toContain('go with --simulate');
    const nowhere = io();
    expect(
      await main(['apply', ...FULL, '--simulate', '--simulate-state', join('no-such-folder', 's.json')], nowhere.io),
    ).toBe(2);
    expect(nowhere.err()).toMatch(/folder .*no-such-folder does not exist/);
  });
});

describe('onboard plan/apply --remove-old-identities', () => {
  const sha1 = (pem: string) => createHash('sha1').update(new X509Certificate(pem).raw).digest('hex').toUpperCase();
  let oldSha: string;
  let newSha: string;

  beforeAll(async () => {
    // The Mac already has the old identity for MAC01.local; the technician brings a renewed certificate.
    const first = io();
    expect(
      await main(['apply', ...FULL, '--simulate', '--simulate-state', 'replace.json'], first.io),
      first.err(),
    ).toBe(0);
    oldSha = sha1(bench.fx.leaf.toString());
    const renewed = await bench.fx.pki.issuer.issue('mac01-renewed', { cn: 'MAC01.local', sans: ['MAC01.local'] });
    await makePfx(join(bench.fx.dir, 'renewed.pfx'), renewed.certPath, renewed.keyPath, PFX_PASSWORD, {
      legacy: true,
      chainPaths: [bench.fx.pki.intermediate!.certPath],
    });
    newSha = sha1(renewed.certPem);
  });

  const RENEWED = [
    ...FULL.slice(0, 6),
    '--pfx',
    'renewed.pfx',
    '--password-env',
    'PFXPW',
    '--installer',
    '1e.client-macOS_v5.2.0.7.dmg',
    '--simulate',
    '--simulate-state',
    'replace.json',
  ];

  it('lists the old identity for removal in the plan only when asked', async () => {
    const without = io();
    expect(await main(['plan', ...RENEWED], without.io), without.err()).toBe(0);
    expect(without.out()).not.toContain('Remove the old identity');
    const asked = io();
    expect(await main(['plan', ...RENEWED, '--remove-old-identities', '--json'], asked.io), asked.err()).toBe(0);
    type View = { id: string; title: string; status: string; command: { line: string } };
    const actions: View[] = JSON.parse(asked.out()).plans.flatMap((p: { actions: View[] }) => p.actions);
    const removal = actions.find((a) => a.id.startsWith('identity-remove-'))!;
    expect(removal.title).toMatch(/^Remove the old identity "MAC01\.local"/);
    expect(removal.status).toBe('pending');
    expect(removal.command.line).toContain(`delete-identity -Z ${oldSha}`);
    expect(actions.some((a) => a.command.line.includes(`delete-identity -Z ${newSha}`))).toBe(false);
  });

  it('removes it on apply, after importing the new one, leaving only the new identity', async () => {
    const t = io();
    expect(await main(['apply', ...RENEWED, '--remove-old-identities'], t.io), t.err()).toBe(0);
    const out = t.out();
    expect(out).toMatch(/✓ Import the identity "MAC01\.local"[\s\S]*✓ Remove the old identity "MAC01\.local"/);
    const state = JSON.parse(await readFile(join(bench.fx.dir, 'replace.json'), 'utf8'));
    expect(state.identities.map((i: { sha1: string }) => i.sha1)).toEqual([newSha]);
    // Nothing left to remove on a rerun.
    const rerun = io();
    expect(await main(['plan', ...RENEWED, '--remove-old-identities'], rerun.io)).toBe(0);
    expect(rerun.out()).not.toContain('Remove the old identity');
    expect(rerun.err()).toContain('holds no older identity');
  });

  it('needs --pfx', async () => {
    const t = io();
    expect(await main(['plan', ...FULL.slice(0, 6), '--remove-old-identities'], t.io)).toBe(2);
    expect(t.err()).toContain('--remove-old-identities only applies when an identity is imported');
  });
});
