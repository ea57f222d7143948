// Install through the real router, against the simulated Mac: the plan (Rosetta, the package, the configuration as a diff, the start), applying it, undoing the configuration, and the uninstall.
import { describe, it, expect, beforeAll } from 'vitest';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SimulatedMac } from '../../../../../src/core/macos/executors/simulated';
import type { ApplyOutcome, ChangeSummary, InstallPlan, PreparedChanges } from '../../../../../src/shared/contract';
import { changesBench } from './support';

const bench = changesBench();
const { readySession, call, failure } = bench;

describe('Install handlers', () => {
  let pkgPath: string;
  beforeAll(async () => {
    pkgPath = join(bench.work, '1EClient-macOS.v24.1.0.5.pkg');
    await writeFile(pkgPath, Buffer.concat([Buffer.from('xar!'), Buffer.alloc(64)]));
  });

  it('refuse a relative installer path with an example of a full one', async () => {
    const e = await failure(readySession(new SimulatedMac()), 'planInstall', { installerPath: 'Downloads/1e.pkg' });
    expect(e.code).toBe('installer-path-relative');
    expect(e.hint).toMatch(/starting with \//);
  });

  it('plan Rosetta on Apple Silicon, the package, the configuration and the start, and apply them with one prompt', async () => {
    const mac = new SimulatedMac({ arch: 'arm64', rosetta: false });
    const session = readySession(mac);
    const plan = await call<InstallPlan>(session, 'planInstall', { installerPath: pkgPath });
    expect(plan.mac.rosettaNeeded).toBe(true);
    expect(plan.upgrade).toBe(false);
    expect(plan.configuration.find((l) => l.key === 'Switch')).toEqual({
      key: 'Switch',
      after: 'tachyon.acme.local:4000',
      change: 'added',
    });
    const out = await call<ApplyOutcome>(session, 'applyChanges', { planId: plan.planId });
    expect(out.failure).toBeUndefined();
    const snap = mac.snapshot();
    expect(snap.rosetta).toBe(true);
    expect(snap.packages[0]!.version).toBe('24.1.0.5');
    expect(snap.files['/Library/Application Support/1E/Client/1E.Client.conf']).toContain(
      'Switch=tachyon.acme.local:4000',
    );
    expect(snap.launchd[0]!.running).toBe(true);
    expect(snap.adminPrompts).toHaveLength(1);
  });

  it('on an upgrade shows the existing settings as kept and writes them back after the package reset them', async () => {
    const conf =
      'Switch=tachyon.acme.local:4000\nBackgroundChannelUrl=https://tachyon.acme.local/Background/\nLoggingLevel=Debug\n# keep me\nConnectionTimeout=45\n';
    const mac = new SimulatedMac({ arch: 'x86_64', client: { version: '23.7.0.1', conf, running: true } });
    const session = readySession(mac);
    const plan = await call<InstallPlan>(session, 'planInstall', { installerPath: pkgPath });
    expect(plan.upgrade).toBe(true);
    expect(plan.mac.installedVersion).toBe('23.7.0.1');
    expect(plan.configuration.every((l) => l.change === 'same')).toBe(true);
    expect(plan.configuration.find((l) => l.key === 'ConnectionTimeout')).toEqual({
      key: 'ConnectionTimeout',
      before: '45',
      after: '45',
      change: 'same',
    });
    const out = await call<ApplyOutcome>(session, 'applyChanges', { planId: plan.planId });
    expect(out.failure).toBeUndefined();
    const written = mac.snapshot().files['/Library/Application Support/1E/Client/1E.Client.conf']!;
    expect(written).toContain('LoggingLevel=Debug');
    expect(written).toContain('# keep me');
    expect(written).toContain('ConnectionTimeout=45');
    expect(mac.snapshot().packages[0]!.version).toBe('24.1.0.5');
  });

  it("on a new installation says the package writes the file, and the package's defaults survive the configuration", async () => {
    const mac = new SimulatedMac({ arch: 'x86_64' });
    const session = readySession(mac);
    const plan = await call<InstallPlan>(session, 'planInstall', { installerPath: pkgPath });
    expect(plan.confBase).toBe('package-defaults');
    expect(plan.plans.flatMap((p) => p.warnings).join(' ')).toContain(
      'package writes 1E.Client.conf with its defaults',
    );
    expect((await call<ApplyOutcome>(session, 'applyChanges', { planId: plan.planId })).ok).toBe(true);
    const written = mac.snapshot().files['/Library/Application Support/1E/Client/1E.Client.conf']!;
    expect(written).toContain('Switch=tachyon.acme.local:4000');
    expect(written).toContain('AuthenticationPolicy=optional');
    expect(written).toContain('LogPath=/Library/Logs/1E.Client.log');
    expect(written).toContain('# 1E Client configuration file');
  });

  it('after an upgrade, undoing the configuration from the summary gives back the file as it was before the run', async () => {
    const conf = 'Switch=old.acme.local:4000\nLoggingLevel=warning\n# mine\nConnectionTimeout=45\n';
    const mac = new SimulatedMac({ arch: 'x86_64', client: { version: '23.7.0.1', conf, running: true } });
    const session = readySession(mac);
    const plan = await call<InstallPlan>(session, 'planInstall', { installerPath: pkgPath });
    expect(plan.confBase).toBe('kept-through-upgrade');
    expect((await call<ApplyOutcome>(session, 'applyChanges', { planId: plan.planId })).ok).toBe(true);
    const summary = await call<ChangeSummary>(session, 'getChangeSummary', {});
    const write = summary.records.find((r) => /^Write .*1E\.Client\.conf$/.test(r.title))!;
    expect(write.undoable).toBe(true);
    const undo = await call<PreparedChanges>(session, 'planUndo', { changeIds: [write.id] });
    expect((await call<ApplyOutcome>(session, 'applyChanges', { planId: undo.planId })).ok).toBe(true);
    expect(mac.snapshot().files['/Library/Application Support/1E/Client/1E.Client.conf']).toBe(conf);
  });

  it('show a changed logging level as a change', async () => {
    const mac = new SimulatedMac({
      arch: 'x86_64',
      client: { version: '23.7.0.1', conf: 'Switch=old.acme.local:4000\nLoggingLevel=Info\n' },
    });
    const plan = await call<InstallPlan>(readySession(mac), 'planInstall', {
      installerPath: pkgPath,
      loggingLevel: 'debug',
    });
    expect(plan.configuration.find((l) => l.key === 'Switch')).toEqual({
      key: 'Switch',
      before: 'old.acme.local:4000',
      after: 'tachyon.acme.local:4000',
      change: 'changed',
    });
    expect(plan.configuration.find((l) => l.key === 'LoggingLevel')).toEqual({
      key: 'LoggingLevel',
      before: 'Info',
      after: 'debug',
      change: 'changed',
    });
  });

  it('plan the uninstall from the package receipt and remove the client', async () => {
    const mac = new SimulatedMac({ arch: 'x86_64', client: { version: '23.7.0.1', running: true } });
    const session = readySession(mac);
    session.welcome.mode = 'uninstall';
    const plan = await call<PreparedChanges>(session, 'planUninstall', {});
    expect(plan.plans[0]!.actions.map((a) => a.id)).toEqual(['daemon-stop', 'uninstall-files-1', 'uninstall-forget']);
    const out = await call<ApplyOutcome>(session, 'applyChanges', { planId: plan.planId });
    expect(out.ok).toBe(true);
    expect(mac.snapshot().packages).toHaveLength(0);
    expect(mac.snapshot().launchd).toHaveLength(0);
    const e = await failure(session, 'planInstall', { installerPath: pkgPath });
    expect(e.code).toBe('uninstall-mode');
  });
});
