// Specification: importCaCertificates over the simulated Mac, which keeps macOS 11+'s rule that an admin trust change needs a person's approval.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importCaCertificates } from '../../../../../src/core/macos/plans';
import { gatherFacts } from '../../../../../src/core/macos/facts';
import { SimulatedMac } from '../../../../../src/core/macos/executors/simulated';
import { countPrompts } from '../../../../../src/core/macos/action';
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

const trustedNow = (mac: SimulatedMac) =>
  mac.snapshot().certificates.map((c) => [c.subject.includes('Root'), c.trusted]);

describe('importCaCertificates', () => {
  it('trusts the root as the user behind one macOS dialog, then adds both certificates in one administrator batch', async () => {
    const mac = new SimulatedMac();
    const p = await plan(mac);
    expect(p.actions.map((a) => [a.id.replace(/-[0-9a-f]{16}$/, ''), a.root, a.approval ?? null])).toEqual([
      ['ca-trust', false, 'trust-settings'],
      ['ca-add', true, null],
      ['ca-add', true, null],
    ]);
    expect(p.actions[0]!.command.args.slice(0, 4)).toEqual(['add-trusted-cert', '-d', '-r', 'trustRoot']);
    // No -k: the trust does not add the certificate; add-certificates does, as root.
    expect(p.actions[0]!.command.args).not.toContain('-k');
    expect(countPrompts(p.actions)).toEqual({ adminPrompts: 1, trustDialogs: 1 });
    const r = await runOnSimulatedMac(mac, p);
    expect(r.ok).toBe(true);
    expect(trustedNow(mac)).toEqual([
      [true, true],
      [false, false],
    ]);
    expect(mac.snapshot().adminPrompts).toHaveLength(1);
    expect(mac.snapshot().trustDialogs).toEqual([
      { change: 'add', certificate: 'Onboard Test Root CA', approved: true },
    ]);
  });

  it('checks the trust in the admin trust settings, not the certificate in the keychain', async () => {
    const p = await plan(new SimulatedMac(), [fx.root]);
    const trust = p.actions[0]!;
    expect(trust.check!.command.args.slice(0, 2)).toEqual(['trust-settings-export', '-d']);
    expect(trust.check!.adminTrust).toEqual({ sha1: fx.root.fingerprint.replace(/:/g, '') });
    expect(p.actions[1]!.check!.stdoutIncludes).toBe(`SHA-1 hash: ${fx.root.fingerprint.replace(/:/g, '')}`);
  });

  it('writes one PEM file per certificate into the private workspace', async () => {
    const p = await plan(new SimulatedMac());
    expect(p.files.map((f) => f.path.startsWith(ws.dir + '/'))).toEqual([true, true]);
    expect(p.files.every((f) => !f.secret)).toBe(true);
  });

  it('skips what is done and changes nothing on a rerun: no prompt, no dialog', async () => {
    const mac = new SimulatedMac();
    await runOnSimulatedMac(mac, await plan(mac));
    const before = mac.snapshot();
    const again = await plan(mac);
    expect(again.actions.map((a) => [a.status, a.reason])).toEqual([
      ['skip', 'already trusted for all users (admin trust settings)'],
      ['skip', 'already in the System keychain'],
      ['skip', 'already in the System keychain'],
    ]);
    const r = await runOnSimulatedMac(mac, again);
    expect(r.changed).toBe(false);
    expect(mac.snapshot()).toEqual(before);
  });

  it('never calls a root done that a refused add-trusted-cert -k left in the keychain untrusted', async () => {
    // An earlier attempt over SSH: the certificate is added first, then the trust is refused.
    const mac = new SimulatedMac({ session: 'background' });
    const file = join(fx.dir, 'root-for-ssh.pem');
    await writeFile(file, fx.root.toString());
    const refused = await mac.asRoot().run({
      program: '/usr/bin/security',
      args: ['add-trusted-cert', '-d', '-r', 'trustRoot', '-k', '/Library/Keychains/System.keychain', file],
    });
    expect(refused).toMatchObject({
      exitCode: 1,
      stderr:
        'SecTrustSettingsSetTrustSettings: The authorization was denied since no user interaction was possible.\n',
    });
    expect(trustedNow(mac)).toEqual([[true, false]]);
    const p = await plan(mac, [fx.root]);
    expect(p.actions.map((a) => [a.title, a.status])).toEqual([
      [expect.stringContaining('in the System keychain but not trusted'), 'pending'],
      [expect.stringContaining('Add the root CA'), 'skip'],
    ]);
    // Run from the same SSH login: stopped before any change, and still not called done.
    const r = await runOnSimulatedMac(mac, p);
    expect(r).toMatchObject({ ok: false, changed: false, failure: { code: 'trust-needs-person' } });
    expect(r.failure!.hint).toContain('com.apple.security.root');
    expect(r.actions.map((a) => a.outcome)).toEqual(['not-run', 'skipped']);
    expect((await plan(mac, [fx.root])).actions[0]!.status).toBe('pending');
    // With a person at the Mac, only the trust is set.
    mac.session = 'aqua';
    expect((await runOnSimulatedMac(mac, p)).ok).toBe(true);
    expect(trustedNow(mac)).toEqual([[true, true]]);
    expect(mac.snapshot().adminPrompts).toEqual([]);
    expect(mac.snapshot().trustDialogs).toHaveLength(1);
  });

  it('trusts a root already in the System keychain, and its undo takes the trust back (another dialog) and leaves the certificate', async () => {
    const mac = new SimulatedMac({ certificates: [{ certificate: fx.root }, { certificate: fx.intermediate }] });
    const p = await plan(mac);
    const trust = p.actions.find((a) => a.id.startsWith('ca-trust-'))!;
    expect(trust).toMatchObject({ status: 'pending', title: expect.stringContaining('but not trusted') });
    expect(p.actions.filter((a) => a.id.startsWith('ca-add-')).map((a) => a.status)).toEqual(['skip', 'skip']);
    expect((await runOnSimulatedMac(mac, p)).ok).toBe(true);
    expect(mac.snapshot().certificates.map((c) => c.trusted)).toEqual([true, false]);
    expect((await plan(mac)).actions.every((a) => a.status === 'skip')).toBe(true);
    for (const u of trust.undo!) expect((await mac.run(u)).exitCode).toBe(0);
    expect(mac.snapshot().certificates.map((c) => c.trusted)).toEqual([false, false]);
    expect(mac.snapshot().trustDialogs.map((d) => d.change)).toEqual(['add', 'remove']);
  });

  it('replaces a Never Trust setting on a root with trust', async () => {
    const mac = new SimulatedMac({ certificates: [{ certificate: fx.root, trust: 'deny' }] });
    const p = await plan(mac, [fx.root]);
    expect(p.actions[0]!.title).toContain('set to Never Trust');
    await runOnSimulatedMac(mac, p);
    expect(mac.snapshot().certificates[0]).toMatchObject({ trusted: true, trustSetting: 'trustRoot' });
  });

  it('undoes the root trust and the certificate added when adding the intermediate fails', async () => {
    const mac = new SimulatedMac();
    const p = await plan(mac);
    mac.failWhen({
      actionId: p.actions[2]!.id,
      stderr: 'security: SecCertificateAddToKeychain: Write permissions error.',
    });
    const r = await runOnSimulatedMac(mac, p);
    expect(r.ok).toBe(false);
    expect(r.rolledBack).toBe(true);
    expect(r.actions.map((a) => a.outcome)).toEqual(['undone', 'undone', 'failed']);
    expect(r.failure?.message).toContain('Write permissions error');
    expect(mac.snapshot().certificates).toEqual([]);
    expect(trustedNow(mac)).toEqual([]);
    // Taking the trust back is a change of the admin trust settings too: one more dialog.
    expect(mac.snapshot().trustDialogs.map((d) => d.change)).toEqual(['add', 'remove']);
  });

  it('stops, changing nothing, when the person cancels the dialog', async () => {
    const mac = new SimulatedMac();
    mac.grantTrustDialogs = false;
    const r = await runOnSimulatedMac(mac, await plan(mac));
    expect(r).toMatchObject({ ok: false, changed: false });
    expect(r.failure!.message).toContain('The authorization was canceled by the user.');
    expect(mac.snapshot().certificates).toEqual([]);
    expect(mac.snapshot().adminPrompts).toEqual([]);
  });

  it('leaves out a non-CA certificate with a warning', async () => {
    const p = await plan(new SimulatedMac(), [fx.root, fx.leaf]);
    expect(p.actions).toHaveLength(2);
    expect(p.warnings.join(' ')).toContain('"MAC01.local" is not a CA certificate');
  });
});
