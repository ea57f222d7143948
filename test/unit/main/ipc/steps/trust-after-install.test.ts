// Trust & identity after Install, against the simulated Mac: the key goes to the installed client's program, and after an upgrade the identity is imported again.
import { describe, it, expect, beforeAll } from 'vitest';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makePfx } from '../../../../support/openssl';
import { SimulatedMac } from '../../../../../src/core/macos/executors/simulated';
import type { ApplyOutcome, ChangeSummary, InstallPlan, TrustPlan } from '../../../../../src/shared/contract';
import { changesBench } from './support';

const bench = changesBench();
const { withClient, readySession, call, failure } = bench;

describe('Trust & identity after Install', () => {
  let pkgPath: string;
  beforeAll(async () => {
    pkgPath = join(bench.work, '1EClient-macOS.v24.1.0.5-trust.pkg');
    await writeFile(pkgPath, Buffer.concat([Buffer.from('xar!'), Buffer.alloc(64)]));
  });

  it('refuses to plan the identity before the 1E Client is installed, pointing at the Install step', async () => {
    const e = await failure(readySession(new SimulatedMac()), 'planTrustIdentity', {});
    expect(e.code).toBe('client-not-installed');
    expect(e.hint).toMatch(/Install step/);
  });

  it('the simulated Mac refuses -T for a 1E Client that is not there, as security does', async () => {
    const mac = new SimulatedMac();
    const pfx = join(bench.work, 'no-client.pfx');
    const issued = await bench.pki.issuer.issue('mac-no-client', { cn: 'MAC02.local', sans: ['DNS:MAC02.local'] });
    await makePfx(pfx, issued.certPath, issued.keyPath, 'pw', { legacy: true });
    const r = await mac.asRoot().run({
      program: '/usr/bin/security',
      args: [
        'import',
        pfx,
        '-k',
        '/Library/Keychains/System.keychain',
        '-t',
        'agg',
        '-f',
        'pkcs12',
        '-P',
        'pw',
        '-T',
        '/Library/Application Support/1E/Client/1E.Client',
      ],
    });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/SecTrustedApplicationCreateFromPath.*No such file or directory/);
    expect(mac.snapshot().identities).toHaveLength(0);
  });

  it('on a new Mac: install, then import; the identity goes to the installed client and the client is restarted', async () => {
    const mac = new SimulatedMac({ arch: 'x86_64' });
    const session = readySession(mac);
    const install = await call<InstallPlan>(session, 'planInstall', { installerPath: pkgPath });
    expect((await call<ApplyOutcome>(session, 'applyChanges', { planId: install.planId })).ok).toBe(true);
    const pid = mac.snapshot().launchd[0]!.pid;
    const trust = await call<TrustPlan>(session, 'planTrustIdentity', {});
    // A fresh install: nothing to re-grant, the identity is simply imported.
    expect(trust.plans.flatMap((p) => p.actions).some((a) => a.id === 'identity-regrant-delete')).toBe(false);
    const out = await call<ApplyOutcome>(session, 'applyChanges', { planId: trust.planId });
    expect(out.ok).toBe(true);
    const snap = mac.snapshot();
    expect(snap.identities).toEqual([
      expect.objectContaining({ anyApp: false, apps: ['/Library/Application Support/1E/Client/1E.Client'] }),
    ]);
    expect(snap.launchd[0]!.running).toBe(true);
    expect(snap.launchd[0]!.pid).not.toBe(pid);
    // Planned again, nothing is left to do: not even a restart.
    const again = await call<TrustPlan>(session, 'planTrustIdentity', {});
    expect(again.plans.flatMap((p) => p.actions.filter((a) => a.status === 'pending').map((a) => a.id))).toEqual([]);
  });

  it('after an upgrade on the Install step, imports the existing identity again so the new binary gets its key', async () => {
    const mac = withClient();
    const session = readySession(mac);
    session.welcome.mode = 'upgrade';
    await call(session, 'applyChanges', { planId: (await call<TrustPlan>(session, 'planTrustIdentity', {})).planId });
    // Before any upgrade there is nothing to re-grant.
    expect((await call<TrustPlan>(session, 'planTrustIdentity', {})).pendingCount).toBe(0);
    const install = await call<InstallPlan>(session, 'planInstall', { installerPath: pkgPath });
    expect((await call<ApplyOutcome>(session, 'applyChanges', { planId: install.planId })).ok).toBe(true);
    const trust = await call<TrustPlan>(session, 'planTrustIdentity', {});
    const ids = trust.plans.flatMap((p) => p.actions.filter((a) => a.status === 'pending').map((a) => a.id));
    expect(ids).toEqual(['identity-regrant-delete', 'identity-import', 'daemon-restart']);
    const out = await call<ApplyOutcome>(session, 'applyChanges', { planId: trust.planId });
    expect(out.ok).toBe(true);
    expect(mac.snapshot().identities).toHaveLength(1);
    expect((await call<TrustPlan>(session, 'planTrustIdentity', {})).pendingCount).toBe(0);
    // Undoing the take-out later would need the one-time file, which is gone: the summary does not offer it.
    const summary = await call<ChangeSummary>(session, 'getChangeSummary', {});
    expect(summary.records.find((r) => r.title.startsWith('Take out the identity'))).toMatchObject({
      status: 'done',
      undoable: false,
    });
  });

  it('after an upgrade with -A chosen, still imports the identity again (with -A), since the old entry names the old binary', async () => {
    const mac = withClient();
    const session = readySession(mac);
    await call(session, 'applyChanges', { planId: (await call<TrustPlan>(session, 'planTrustIdentity', {})).planId });
    await call(session, 'applyChanges', {
      planId: (await call<InstallPlan>(session, 'planInstall', { installerPath: pkgPath })).planId,
    });
    const trust = await call<TrustPlan>(session, 'planTrustIdentity', { allowAnyApp: true });
    const pending = trust.plans.flatMap((p) => p.actions.filter((a) => a.status === 'pending'));
    expect(pending.map((a) => a.id)).toEqual(['identity-regrant-delete', 'identity-import', 'daemon-restart']);
    expect(pending[1]!.command.args).toContain('-A');
    expect((await call<ApplyOutcome>(session, 'applyChanges', { planId: trust.planId })).ok).toBe(true);
    expect(mac.snapshot().identities).toEqual([expect.objectContaining({ anyApp: true })]);
  });

  it('after an upgrade, offers no summary undo that would delete the identity the Mac had before', async () => {
    const mac = withClient();
    const session = readySession(mac);
    await call(session, 'applyChanges', { planId: (await call<TrustPlan>(session, 'planTrustIdentity', {})).planId });
    await call(session, 'applyChanges', {
      planId: (await call<InstallPlan>(session, 'planInstall', { installerPath: pkgPath })).planId,
    });
    await call(session, 'applyChanges', { planId: (await call<TrustPlan>(session, 'planTrustIdentity', {})).planId });
    const summary = await call<ChangeSummary>(session, 'getChangeSummary', {});
    const again = summary.records.filter((r) => /^Import again the identity/.test(r.title));
    expect(again).toHaveLength(1);
    expect(again[0]).toMatchObject({ status: 'done', undoable: false });
  });

  it('keeps the new identity when the restart fails after the old one was removed (no half rollback past a deletion)', async () => {
    const old = await bench.pki.issuer.issue('mac01-restart-old', { cn: 'MAC01.local', sans: ['DNS:MAC01.local'] });
    const oldPfx = join(bench.work, 'restart-old.pfx');
    await makePfx(oldPfx, old.certPath, old.keyPath, 'old-pw', { legacy: true });
    const mac = withClient({
      certificates: [{ certificate: bench.cas[0]!, trusted: true }, { certificate: bench.cas[1]! }],
    });
    expect(
      (
        await mac.asRoot().run({
          program: '/usr/bin/security',
          args: [
            'import',
            oldPfx,
            '-k',
            '/Library/Keychains/System.keychain',
            '-t',
            'agg',
            '-f',
            'pkcs12',
            '-P',
            'old-pw',
            '-T',
            '/Library/Application Support/1E/Client/1E.Client',
          ],
        })
      ).exitCode,
    ).toBe(0);
    const session = readySession(mac);
    session.welcome.mode = 'replace-certificate';
    mac.failWhen({
      actionId: 'daemon-restart',
      stderr: 'Could not kickstart service "com.1e.pkg.1E.Client": 5: Input/output error',
    });
    const plan = await call<TrustPlan>(session, 'planTrustIdentity', {});
    expect(plan.removeOldIdentities).toBe(true);
    const out = await call<ApplyOutcome>(session, 'applyChanges', { planId: plan.planId });
    expect(out.ok).toBe(false);
    expect(out.rolledBack).toEqual([]);
    expect(out.kept!.map((k) => k.id)).toEqual(['identity-import', expect.stringMatching(/^identity-remove-/)]);
    expect(mac.snapshot().identities.map((i) => i.sha1)).toEqual([
      bench.leaf.certificate.fingerprint.replace(/:/g, ''),
    ]);
  });

  it('when the re-import after an upgrade fails for good, says to make a fresh plan (the undo command names a file that is gone)', async () => {
    const mac = withClient();
    const session = readySession(mac);
    await call(session, 'applyChanges', { planId: (await call<TrustPlan>(session, 'planTrustIdentity', {})).planId });
    await call(session, 'applyChanges', {
      planId: (await call<InstallPlan>(session, 'planInstall', { installerPath: pkgPath })).planId,
    });
    mac.failWhen({
      program: '/usr/bin/security',
      argsInclude: ['import'],
      stderr: 'security: SecKeychainItemImport: User interaction is not allowed.',
    });
    const out = await call<ApplyOutcome>(session, 'applyChanges', {
      planId: (await call<TrustPlan>(session, 'planTrustIdentity', {})).planId,
    });
    expect(out.ok).toBe(false);
    expect(out.rolledBack).toEqual([expect.objectContaining({ id: 'identity-regrant-delete', status: 'failed' })]);
    expect(out.rolledBack[0]!.detail).toBe(
      'Could not be undone: security: SecKeychainItemImport: User interaction is not allowed. Fix the problem shown, then make a fresh plan on this step: it puts this back.',
    );
  });

  it('puts the identity back when the re-import after an upgrade fails', async () => {
    const mac = withClient();
    const session = readySession(mac);
    await call(session, 'applyChanges', { planId: (await call<TrustPlan>(session, 'planTrustIdentity', {})).planId });
    await call(session, 'applyChanges', {
      planId: (await call<InstallPlan>(session, 'planInstall', { installerPath: pkgPath })).planId,
    });
    mac.failWhen({ actionId: 'identity-import', stderr: 'security: SecKeychainItemImport: Write permissions error.' });
    const trust = await call<TrustPlan>(session, 'planTrustIdentity', {});
    const out = await call<ApplyOutcome>(session, 'applyChanges', { planId: trust.planId });
    expect(out.ok).toBe(false);
    expect(out.rolledBack.map((r) => [r.id, r.status])).toEqual([['identity-regrant-delete', 'undone']]);
    expect(mac.snapshot().identities).toHaveLength(1);
  });
});
