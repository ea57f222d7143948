// Specification: importCaCertificates over the simulated Mac.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importCaCertificates } from '../../../../../src/core/macos/plans';
import { gatherFacts } from '../../../../../src/core/macos/facts';
import { SimulatedMac } from '../../../../../src/core/macos/executors/simulated';
import { PlanWorkspace } from '../../../../../src/core/macos/workspace';
import { makeMacFixtures, runOnSimulatedMac, type MacFixtures } from '../fixtures';

let fx: MacFixtures;
let ws: PlanWorkspace;
beforeAll(async () => {
  fx = await makeMacFixtures();
  ws = await PlanWorkspace.create();
});
afterAll(async () => {
  await ws?.dispose();
  await fx?.cleanup();
});

async function plan(mac: SimulatedMac, certs = [fx.intermediate, fx.root, fx.root]) {
  return importCaCertificates({ certificates: certs, facts: await gatherFacts(mac), workspace: ws });
}

describe('importCaCertificates', () => {
  it('trusts the root, adds the intermediate untrusted, once each, root first', async () => {
    const mac = new SimulatedMac();
    const p = await plan(mac);
    expect(p.actions.map((a) => a.command.args[0])).toEqual(['add-trusted-cert', 'add-certificates']);
    expect(p.actions[0]!.command.args.slice(0, 6)).toEqual([
      'add-trusted-cert',
      '-d',
      '-r',
      'trustRoot',
      '-k',
      '/Library/Keychains/System.keychain',
    ]);
    const r = await runOnSimulatedMac(mac, p);
    expect(r.ok).toBe(true);
    expect(mac.snapshot().certificates.map((c) => [c.subject.includes('Root'), c.trusted])).toEqual([
      [true, true],
      [false, false],
    ]);
    expect(mac.snapshot().adminPrompts).toHaveLength(1);
  });

  it('writes one PEM file per certificate into the private workspace', async () => {
    const p = await plan(new SimulatedMac());
    expect(p.files.map((f) => f.path.startsWith(ws.dir + '/'))).toEqual([true, true]);
    expect(p.files.every((f) => !f.secret)).toBe(true);
  });

  it('skips certificates already in the System keychain and changes nothing on a rerun', async () => {
    const mac = new SimulatedMac();
    await runOnSimulatedMac(mac, await plan(mac));
    const before = mac.snapshot();
    const again = await plan(mac);
    expect(again.actions.map((a) => [a.status, a.reason])).toEqual([
      ['skip', 'already in the System keychain'],
      ['skip', 'already in the System keychain'],
    ]);
    const r = await runOnSimulatedMac(mac, again);
    expect(r.changed).toBe(false);
    expect(mac.snapshot()).toEqual(before);
  });

  it('trusts a root that is already in the System keychain but not trusted, and its undo leaves the certificate', async () => {
    const mac = new SimulatedMac({ certificates: [{ certificate: fx.root }, { certificate: fx.intermediate }] });
    const p = await plan(mac);
    const trust = p.actions.find((a) => a.id.startsWith('ca-trust-'))!;
    expect(trust).toMatchObject({
      status: 'pending',
      title: expect.stringContaining('in the System keychain but not trusted'),
    });
    expect(trust.check).toBeUndefined();
    expect(p.actions.find((a) => a.id.startsWith('ca-add-'))!.status).toBe('skip');
    expect((await runOnSimulatedMac(mac, p)).ok).toBe(true);
    expect(mac.snapshot().certificates.map((c) => c.trusted)).toEqual([true, false]);
    expect((await plan(mac)).actions.every((a) => a.status === 'skip')).toBe(true);
    for (const u of trust.undo!) expect((await mac.asRoot().run(u)).exitCode).toBe(0);
    expect(mac.snapshot().certificates.map((c) => c.trusted)).toEqual([false, false]);
  });

  it('replaces a Never Trust setting on a root with trust', async () => {
    const mac = new SimulatedMac({ certificates: [{ certificate: fx.root, trust: 'deny' }] });
    const p = await plan(mac, [fx.root]);
    expect(p.actions[0]!.title).toContain('set to Never Trust');
    await runOnSimulatedMac(mac, p);
    expect(mac.snapshot().certificates[0]).toMatchObject({ trusted: true, trustSetting: 'trustRoot' });
  });

  it('undoes the root trust when adding the intermediate fails', async () => {
    const mac = new SimulatedMac();
    mac.failWhen({
      program: '/usr/bin/security',
      argsInclude: ['add-certificates'],
      stderr: 'security: SecCertificateAddToKeychain: Write permissions error.',
    });
    const r = await runOnSimulatedMac(mac, await plan(mac));
    expect(r.ok).toBe(false);
    expect(r.rolledBack).toBe(true);
    expect(r.actions.map((a) => a.outcome)).toEqual(['undone', 'failed']);
    expect(r.failure?.message).toContain('Write permissions error');
    expect(mac.snapshot().certificates).toEqual([]);
  });

  it('leaves out a non-CA certificate with a warning', async () => {
    const p = await plan(new SimulatedMac(), [fx.root, fx.leaf]);
    expect(p.actions).toHaveLength(1);
    expect(p.warnings.join(' ')).toContain('"MAC01.local" is not a CA certificate');
  });
});
