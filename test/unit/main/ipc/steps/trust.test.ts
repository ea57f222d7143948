// Trust & identity through the real router, against the simulated Mac: the plan, applying it, rollback, undo, and the old identity when the certificate is replaced.
import { describe, it, expect, beforeAll } from 'vitest';
import { X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { makePfx } from '../../../../support/openssl';
import { SimulatedMac } from '../../../../../src/core/macos/executors/simulated';
import type {
  ApplyOutcome,
  ChangeSummary,
  OnboardEvent,
  PreparedChanges,
  TrustPlan,
} from '../../../../../src/shared/contract';
import { changesBench } from './support';

const bench = changesBench();
const { withClient, readySession, call, failure } = bench;

describe('Trust & identity handlers', () => {
  it('refuse to plan without a chosen identity, saying where to go', async () => {
    const e = await failure(readySession(new SimulatedMac(), { identity: false }), 'planTrustIdentity', {});
    expect(e.code).toBe('no-identity');
    expect(e.hint).toMatch(/Client certificate/);
  });

  it('plan the root trust, the intermediate and the identity import with the one-time password masked', async () => {
    const session = readySession(withClient());
    const plan = await call<TrustPlan>(session, 'planTrustIdentity', {});
    const lines = plan.plans.flatMap((p) => p.actions.map((a) => a.command.line));
    expect(lines.some((l) => l.includes('add-trusted-cert -d -r trustRoot'))).toBe(true);
    expect(lines.some((l) => l.includes('add-certificates'))).toBe(true);
    const importLine = lines.find((l) => l.includes(' import '))!;
    expect(importLine).toContain('-P ••••');
    expect(importLine).toContain("-T '/Library/Application Support/1E/Client/1E.Client'");
    // Trust the root (as the user, its own macOS dialog), add root and intermediate, import, restart.
    expect(plan.pendingCount).toBe(5);
    expect(plan.trustDialogs).toBe(1);
    // The running client reads the keychain only at start: the step ends by restarting it.
    expect(lines.at(-1)).toBe('/bin/launchctl kickstart -k system/com.1e.pkg.1E.Client');
    expect(plan.adminPrompts).toBe(1);
    // Besides the administrator prompt, macOS asks a person to approve the root CA's trust setting.
    expect(plan.trustDialogs).toBe(1);
    expect(plan.identity.subject).toBe('CN=MAC01.local');
  });

  it('plan -A only when the technician asks for it, with the warning', async () => {
    const plan = await call<TrustPlan>(readySession(new SimulatedMac()), 'planTrustIdentity', { allowAnyApp: true });
    const identity = plan.plans.find((p) => p.step === 'client-identity')!;
    expect(identity.actions[0]!.command.args).toContain('-A');
    expect(identity.warnings.join(' ')).toMatch(/Any application on this Mac/);
  });

  it("apply everything behind one administrator prompt, report progress under the given id, and remove the plan's files", async () => {
    const mac = withClient();
    const session = readySession(mac);
    const plan = await call<TrustPlan>(session, 'planTrustIdentity', {});
    const workspace = dirname(plan.plans[0]!.files[0]!.path);
    expect(existsSync(workspace)).toBe(true);
    const events: OnboardEvent[] = [];
    const out = await call<ApplyOutcome>(session, 'applyChanges', { planId: plan.planId }, events, 'req-7');
    expect(out.ok).toBe(true);
    // The client was already loaded and running: it is only restarted.
    expect(out.actions.map((a) => a.status)).toEqual(['done', 'done', 'done', 'done', 'skipped', 'skipped', 'done']);
    const snap = mac.snapshot();
    // The trust dialog came first (outside the batch), so the root actions still share one prompt.
    expect(snap.adminPrompts).toHaveLength(1);
    expect(snap.trustDialogs).toEqual([{ change: 'add', certificate: 'Onboard Test Root CA', approved: true }]);
    expect(snap.certificates.filter((c) => c.trusted)).toHaveLength(1);
    expect(snap.identities).toHaveLength(1);
    expect(events.every((e) => e.requestId === 'req-7')).toBe(true);
    expect(events.filter((e) => e.status === 'done').map((e) => e.id)).toContain('identity-import');
    expect(existsSync(workspace)).toBe(false);
  });

  it('refuse to apply the same plan twice', async () => {
    const session = readySession(withClient());
    const plan = await call<TrustPlan>(session, 'planTrustIdentity', {});
    await call(session, 'applyChanges', { planId: plan.planId });
    const e = await failure(session, 'applyChanges', { planId: plan.planId });
    expect(e.code).toBe('plan-not-current');
  });

  it('skip what the keychain already holds when planned again', async () => {
    const session = readySession(withClient());
    await call(session, 'applyChanges', { planId: (await call<TrustPlan>(session, 'planTrustIdentity', {})).planId });
    const again = await call<TrustPlan>(session, 'planTrustIdentity', {});
    expect(again.pendingCount).toBe(0);
    expect(again.plans.flatMap((p) => p.actions.map((a) => a.reason))).toContain('already in the System keychain');
  });

  it('undo the CA changes across the whole step when the identity import fails, and say so', async () => {
    const mac = withClient();
    mac.failWhen({
      actionId: 'identity-import',
      stderr: 'security: SecKeychainItemImport: MAC verification failed during PKCS12 import (wrong password?)',
    });
    const session = readySession(mac);
    const plan = await call<TrustPlan>(session, 'planTrustIdentity', {});
    const out = await call<ApplyOutcome>(session, 'applyChanges', { planId: plan.planId });
    expect(out.ok).toBe(false);
    expect(out.failure!.message).toMatch(/MAC verification failed/);
    // The code travels with it, so the wizard advises it from its table as the CLI does from its own.
    expect(out.failure!.code).toBe('action-failed');
    expect(out.rolledBack.map((r) => r.status)).toEqual(['undone', 'undone', 'undone']);
    expect(out.rolledBack[0]!.title).toMatch(/intermediate/);
    expect(out.rolledBack[2]!.title).toMatch(/^Trust the root CA/);
    expect(mac.snapshot().certificates).toHaveLength(0);
    // Removing the trust is an admin trust change too: a second dialog.
    expect(mac.snapshot().trustDialogs.map((d) => d.change)).toEqual(['add', 'remove']);
    const summary = await call<ChangeSummary>(session, 'getChangeSummary', {});
    expect(summary.records.map((r) => r.status).sort()).toEqual(['failed', 'undone', 'undone', 'undone']);
    expect(summary.records.some((r) => r.undoable)).toBe(false);
  });

  it("undo from the summary puts the root trust back as it was, even after the plan's files are gone", async () => {
    const mac = withClient();
    const session = readySession(mac);
    await call(session, 'applyChanges', { planId: (await call<TrustPlan>(session, 'planTrustIdentity', {})).planId });
    const summary = await call<ChangeSummary>(session, 'getChangeSummary', {});
    const root = summary.records.find((r) => /^Trust the root CA/.test(r.title))!;
    const identity = summary.records.find((r) => /identity/.test(r.title))!;
    const undo = await call<PreparedChanges>(session, 'planUndo', { changeIds: [root.id, identity.id] });
    expect(undo.plans[0]!.actions[0]!.title).toMatch(/^Undo: Import the identity/);
    const out = await call<ApplyOutcome>(session, 'applyChanges', { planId: undo.planId });
    expect(out.ok).toBe(true);
    const snap = mac.snapshot();
    expect(snap.identities).toHaveLength(0);
    // The trust is removed; the root stays in the keychain (its own change was not undone), untrusted.
    expect(snap.certificates.map((c) => c.subject)).toEqual([bench.cas[0]!.subject, bench.cas[1]!.subject]);
    expect(snap.certificates.map((c) => c.trusted)).toEqual([false, false]);
    const after = await call<ChangeSummary>(session, 'getChangeSummary', {});
    expect(after.records.find((r) => r.id === root.id)!.status).toBe('undone');
  });
});

describe('replacing the certificate: the old identity', () => {
  let oldPfx: string;
  let oldSha1: string;
  beforeAll(async () => {
    const old = await bench.pki.issuer.issue('mac01-old', { cn: 'MAC01.local', sans: ['DNS:MAC01.local'] });
    oldPfx = join(bench.work, 'old.pfx');
    await makePfx(oldPfx, old.certPath, old.keyPath, 'old-pw', { legacy: true });
    oldSha1 = new X509Certificate(old.certPem).fingerprint.replace(/:/g, '');
  });

  /** A Mac already onboarded with the old certificate: root trusted, intermediate present, old identity imported. */
  async function macWithOldIdentity(): Promise<SimulatedMac> {
    const mac = withClient({
      certificates: [{ certificate: bench.cas[0]!, trusted: true }, { certificate: bench.cas[1]! }],
    });
    const r = await mac.asRoot().run({
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
    });
    expect(r.exitCode).toBe(0);
    return mac;
  }

  it('in replace-certificate mode plans the removal by default, after the import, and leaves only the new identity', async () => {
    const mac = await macWithOldIdentity();
    const session = readySession(mac);
    session.welcome.mode = 'replace-certificate';
    const plan = await call<TrustPlan>(session, 'planTrustIdentity', {});
    expect(plan.removeOldIdentities).toBe(true);
    expect(plan.oldIdentities).toEqual([
      expect.objectContaining({ sha1: oldSha1, name: 'MAC01.local', subject: 'CN=MAC01.local', problem: null }),
    ]);
    const ids = plan.plans.flatMap((p) => p.actions.map((a) => a.id));
    const remove = plan.plans.flatMap((p) => p.actions).find((a) => a.id.startsWith('identity-remove-'))!;
    expect(ids.indexOf(remove.id)).toBeGreaterThan(ids.indexOf('identity-import'));
    expect(remove).toMatchObject({ irreversible: true, undo: [] });
    expect(remove.command.line).toBe(
      `/usr/bin/security delete-identity -Z ${oldSha1} /Library/Keychains/System.keychain`,
    );
    expect((await call<ApplyOutcome>(session, 'applyChanges', { planId: plan.planId })).ok).toBe(true);
    expect(mac.snapshot().identities.map((i) => i.sha1)).toEqual([
      bench.leaf.certificate.fingerprint.replace(/:/g, ''),
    ]);
    expect(mac.snapshot().adminPrompts).toHaveLength(1);
    // The summary offers no undo for it.
    const summary = await call<ChangeSummary>(session, 'getChangeSummary', {});
    expect(summary.records.find((r) => r.title.startsWith('Remove the old identity'))).toMatchObject({
      status: 'done',
      undoable: false,
    });
  });

  it('on a new setup lists the old identity but keeps it unless the technician ticks the option', async () => {
    const mac = await macWithOldIdentity();
    const session = readySession(mac);
    const kept = await call<TrustPlan>(session, 'planTrustIdentity', {});
    expect(kept.removeOldIdentities).toBe(false);
    expect(kept.oldIdentities.map((o) => o.sha1)).toEqual([oldSha1]);
    expect(kept.plans.flatMap((p) => p.actions).some((a) => a.id.startsWith('identity-remove-'))).toBe(false);
    const removing = await call<TrustPlan>(session, 'planTrustIdentity', { removeOldIdentities: true });
    expect(removing.removeOldIdentities).toBe(true);
    expect((await call<ApplyOutcome>(session, 'applyChanges', { planId: removing.planId })).ok).toBe(true);
    expect(mac.snapshot().identities.map((i) => i.sha1)).not.toContain(oldSha1);
  });

  it('in replace-certificate mode keeps the old identity when the technician unticks the option', async () => {
    const mac = await macWithOldIdentity();
    const session = readySession(mac);
    session.welcome.mode = 'replace-certificate';
    const plan = await call<TrustPlan>(session, 'planTrustIdentity', { removeOldIdentities: false });
    expect(plan.removeOldIdentities).toBe(false);
    await call<ApplyOutcome>(session, 'applyChanges', { planId: plan.planId });
    expect(mac.snapshot().identities.map((i) => i.sha1)).toContain(oldSha1);
  });
});
