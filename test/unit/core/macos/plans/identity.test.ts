// Specification: importClientIdentity over the simulated Mac.
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importClientIdentity } from '../../../../../electron/core/macos/plans';
import { renderPlanText, viewPlan } from '../../../../../electron/core/macos/action';
import { gatherFacts } from '../../../../../electron/core/macos/facts';
import { SimulatedMac } from '../../../../../electron/core/macos/executors/simulated';
import { PlanWorkspace } from '../../../../../electron/core/macos/workspace';
import { analysePfx } from '../../../../../electron/core/pki/pkcs12';
import { makeMacFixtures, PFX_PASSWORD, runOnSimulatedMac, type MacFixtures } from '../fixtures';

let fx: MacFixtures;
beforeAll(async () => { fx = await makeMacFixtures(); });
afterAll(async () => { await fx?.cleanup(); });

async function withPlan<T>(mac: SimulatedMac, fn: (p: Awaited<ReturnType<typeof importClientIdentity>>, ws: PlanWorkspace) => Promise<T>, opts: { pfx?: Buffer; allowAnyApp?: boolean } = {}): Promise<T> {
  const ws = await PlanWorkspace.create();
  try {
    const p = await importClientIdentity({ pfx: opts.pfx ?? fx.modernPfx, password: PFX_PASSWORD, facts: await gatherFacts(mac), workspace: ws, allowAnyApp: opts.allowAnyApp ?? false });
    return await fn(p, ws);
  } finally {
    await ws.dispose();
  }
}

describe('importClientIdentity', () => {
  it('imports even an OpenSSL 3 AES PFX on macOS 14, because it is re-wrapped to the compatible profile first', async () => {
    const mac = new SimulatedMac({ macosVersion: '14.4.1' });
    await withPlan(mac, async (p) => {
      const r = await runOnSimulatedMac(mac, p);
      expect(r.ok).toBe(true);
    });
    expect(mac.snapshot().identities).toMatchObject([{ name: 'MAC01.local', anyApp: false, apps: ['/Library/Application Support/1E/Client/1E.Client'] }]);
  });

  it('gives security import a one-time password, never the technician\'s, and masks it everywhere it is shown', async () => {
    const mac = new SimulatedMac();
    await withPlan(mac, async (p) => {
      const cmd = p.actions[0]!.command;
      const oneTime = cmd.args[cmd.secretArgs![0]!]!;
      expect(oneTime).not.toBe(PFX_PASSWORD);
      expect(cmd.args).not.toContain(PFX_PASSWORD);
      expect(analysePfx(await readFile(cmd.args[1]!), oneTime).macOsCompatible).toBe(true);
      const shown = renderPlanText([p]) + JSON.stringify(viewPlan(p));
      expect(shown).not.toContain(oneTime);
      expect(shown).not.toContain(PFX_PASSWORD);
      const r = await runOnSimulatedMac(mac, p);
      expect(JSON.stringify(r) + JSON.stringify(mac.commands())).not.toContain(oneTime);
    });
  });

  it('keeps the re-wrapped file only in a private 0600 file that goes with the workspace', async () => {
    const mac = new SimulatedMac();
    let path = '';
    await withPlan(mac, async (p, ws) => {
      path = p.files[0]!.path;
      expect(p.files[0]!.secret).toBe(true);
      expect(path.startsWith(ws.dir)).toBe(true);
      const { statSync } = await import('node:fs');
      expect(statSync(path).mode & 0o777).toBe(0o600);
      expect(statSync(ws.dir).mode & 0o777).toBe(0o700);
    });
    expect(existsSync(path)).toBe(false);
  });

  it('skips an identity that is already in the keychain, so a rerun changes nothing', async () => {
    const mac = new SimulatedMac({ certificates: [{ certificate: fx.root, trusted: true }] });
    await withPlan(mac, (p) => runOnSimulatedMac(mac, p));
    const before = mac.snapshot();
    await withPlan(mac, async (p) => {
      expect(p.actions[0]!.status).toBe('skip');
      expect((await runOnSimulatedMac(mac, p)).changed).toBe(false);
    });
    expect(mac.snapshot()).toEqual(before);
  });

  it('uses -A only when asked, with a warning', async () => {
    const mac = new SimulatedMac();
    await withPlan(mac, async (p) => {
      expect(p.actions[0]!.command.args).toContain('-A');
      expect(p.actions[0]!.command.args).not.toContain('-T');
      expect(p.warnings.join(' ')).toContain('every application');
      await runOnSimulatedMac(mac, p);
    }, { allowAnyApp: true });
    expect(mac.snapshot().identities[0]!.anyApp).toBe(true);
  });

  it('reports a failed import with the command shown masked', async () => {
    const mac = new SimulatedMac();
    mac.failWhen({ actionId: 'identity-import', stderr: 'security: SecKeychainItemImport: simulated' });
    await withPlan(mac, async (p) => {
      const r = await runOnSimulatedMac(mac, p);
      expect(r.ok).toBe(false);
      expect(r.failure?.hint).toContain('-P ••••');
      expect(mac.snapshot().identities).toEqual([]);
    });
  });

  it('refuses a wrong PFX password before planning anything', async () => {
    const ws = await PlanWorkspace.create();
    try {
      await expect(importClientIdentity({ pfx: fx.modernPfx, password: 'wrong', facts: await gatherFacts(new SimulatedMac()), workspace: ws })).rejects.toMatchObject({ code: 'pfx-wrong-password' });
    } finally {
      await ws.dispose();
    }
  });
});
