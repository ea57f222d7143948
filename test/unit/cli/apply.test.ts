// Specification: `onboard apply` runs the plan step by step, refuses off macOS unless simulated, and reports what happened.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../electron/cli';
import { makeMacFixtures, PFX_PASSWORD, type MacFixtures } from '../core/macos/fixtures';
import { opensslOk } from '../../support/openssl';
import { readFile } from 'node:fs/promises';
import { memoryIo, type MemoryIo } from '../../support/cli-io';

/** A PFX holding only a certificate: nothing to import as an identity. */
async function certOnlyPfx(): Promise<Buffer> {
  const out = join(fx.dir, 'cert-only-src.pfx');
  await writeFile(join(fx.dir, 'leaf.pem'), fx.leaf.toString());
  await opensslOk(['pkcs12', '-export', '-nokeys', '-in', join(fx.dir, 'leaf.pem'), '-out', out, '-passout', 'env:PW'], { env: { PW: PFX_PASSWORD } });
  return readFile(out);
}

let fx: MacFixtures;
beforeAll(async () => {
  fx = await makeMacFixtures();
  await writeFile(join(fx.dir, 'bundle.pem'), fx.root.toString() + fx.intermediate.toString());
  await writeFile(join(fx.dir, 'modern.pfx'), fx.modernPfx);
});
afterAll(async () => { await fx?.cleanup(); });

function io(): { io: MemoryIo; out: () => string; err: () => string } {
  const m = memoryIo({ PFXPW: PFX_PASSWORD }, { cwd: fx.dir });
  return { io: m, out: m.out, err: m.err };
}

const FULL = ['--switch', 'tachyon.acme.local:4000', '--background-url', 'https://tachyon.acme.local/Background/', '--ca', 'bundle.pem', '--pfx', 'modern.pfx', '--password-env', 'PFXPW', '--installer', '1e.client-macOS_v5.2.0.7.dmg'];

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
    expect(await main(['apply', ...FULL, '--simulate', '--simulate-macos', '13.6', '--simulate-arch', 'x86_64'], t.io)).toBe(0);
    expect(t.out()).toContain('skipped: this is an Intel Mac');
    expect(t.out()).toContain('✓ Import the identity');
  });

  it('changes nothing when an input is bad, even one only a later step uses', async () => {
    const t = io();
    await writeFile(join(fx.dir, 'cert-only.pfx'), await certOnlyPfx());
    expect(await main(['apply', ...FULL.slice(0, 6), '--pfx', 'cert-only.pfx', '--password-env', 'PFXPW', '--simulate', '--json'], t.io)).toBe(2);
    expect(t.err()).toContain('no private key');
    expect(t.out()).toBe('');
  });

  it('uninstalls nothing on a simulated Mac without the client', async () => {
    const t = io();
    expect(await main(['apply', '--uninstall', '--simulate'], t.io)).toBe(0);
  });
});
