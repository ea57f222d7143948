// The changes half's handlers through the real router, against the simulated Mac.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createRouter } from '../../../../src/main/ipc/router';
import { createHandlers } from '../../../../src/main/ipc/handlers';
import { createSession, closeSession, type Session } from '../../../../src/main/ipc/session';
import { SimulatedMac } from '../../../../src/core/macos/executors/simulated';
import type {
  OnboardEvent,
  TrustPlan,
  InstallPlan,
  ApplyOutcome,
  PreparedChanges,
  ChangeSummary,
} from '../../../../src/shared/contract';
import { makePfx, makeTestPki, type TestPki } from '../../../support/openssl';

let pki: TestPki;
let work: string;
let leaf: { certificate: X509Certificate; key: ReturnType<typeof createPrivateKey> };
let cas: X509Certificate[];
const router = createRouter<Session>(createHandlers());

beforeAll(async () => {
  pki = await makeTestPki({ intermediate: true });
  const issued = await pki.issuer.issue('mac01', { cn: 'MAC01.local', sans: ['DNS:MAC01.local'] });
  leaf = { certificate: new X509Certificate(issued.certPem), key: createPrivateKey(await readFile(issued.keyPath)) };
  cas = [new X509Certificate(pki.root.certPem), new X509Certificate(pki.intermediate!.certPem)];
  work = await mkdtemp(join(tmpdir(), 'onboard-changes-test-'));
});
const opened: Session[] = [];
afterAll(async () => {
  await Promise.all(opened.map(closeSession));
  await pki?.cleanup();
  await rm(work, { recursive: true, force: true });
});

/** A Mac with the 1E Client installed and running: the identity's key can be granted to its binary. */
function withClient(opts: ConstructorParameters<typeof SimulatedMac>[0] = {}): SimulatedMac {
  return new SimulatedMac({ arch: 'x86_64', client: { version: '23.7.0.1', running: true }, ...opts });
}

function readySession(mac: SimulatedMac, opts: { identity?: boolean } = {}): Session {
  const s = createSession({ shell: 'preview', executor: mac });
  opened.push(s);
  s.setup.caCertificates = cas;
  s.setup.endpoints = {
    switchAddress: 'tachyon.acme.local:4000',
    backgroundUrl: 'https://tachyon.acme.local/Background/',
  };
  if (opts.identity !== false) s.setup.identity = { ...leaf, chain: [cas[1]!], source: 'lab', label: 'Lab CA: Test' };
  return s;
}

async function call<T>(
  session: Session,
  method: string,
  payload: unknown,
  events: OnboardEvent[] = [],
  requestId?: string,
): Promise<T> {
  const r = await router.dispatch(method, payload, { session, emit: (e) => events.push(e), requestId });
  if (!r.ok) throw new Error(`${method}: ${r.error.code}: ${r.error.message} (${r.error.hint})`);
  return r.value as T;
}

async function failure(session: Session, method: string, payload: unknown) {
  const r = await router.dispatch(method, payload, { session, emit: () => undefined });
  if (r.ok) throw new Error(`${method} unexpectedly succeeded`);
  return r.error;
}

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
    expect(plan.pendingCount).toBe(4);
    // The running client reads the keychain only at start: the step ends by restarting it.
    expect(lines.at(-1)).toBe('/bin/launchctl kickstart -k system/com.1e.pkg.1E.Client');
    expect(plan.adminPrompts).toBe(1);
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
    expect(out.actions.map((a) => a.status)).toEqual(['done', 'done', 'done', 'skipped', 'skipped', 'done']);
    const snap = mac.snapshot();
    expect(snap.adminPrompts).toHaveLength(1);
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
    expect(out.rolledBack.map((r) => r.status)).toEqual(['undone', 'undone']);
    expect(out.rolledBack[0]!.title).toMatch(/intermediate/);
    expect(mac.snapshot().certificates).toHaveLength(0);
    const summary = await call<ChangeSummary>(session, 'getChangeSummary', {});
    expect(summary.records.map((r) => r.status).sort()).toEqual(['failed', 'undone', 'undone']);
    expect(summary.records.some((r) => r.undoable)).toBe(false);
  });

  it("undo from the summary puts the root trust back as it was, even after the plan's files are gone", async () => {
    const mac = withClient();
    const session = readySession(mac);
    await call(session, 'applyChanges', { planId: (await call<TrustPlan>(session, 'planTrustIdentity', {})).planId });
    const summary = await call<ChangeSummary>(session, 'getChangeSummary', {});
    const root = summary.records.find((r) => /root CA/.test(r.title))!;
    const identity = summary.records.find((r) => /identity/.test(r.title))!;
    const undo = await call<PreparedChanges>(session, 'planUndo', { changeIds: [root.id, identity.id] });
    expect(undo.plans[0]!.actions[0]!.title).toMatch(/^Undo: Import the identity/);
    const out = await call<ApplyOutcome>(session, 'applyChanges', { planId: undo.planId });
    expect(out.ok).toBe(true);
    const snap = mac.snapshot();
    expect(snap.identities).toHaveLength(0);
    expect(snap.certificates.map((c) => c.subject)).toEqual([cas[1]!.subject]);
    const after = await call<ChangeSummary>(session, 'getChangeSummary', {});
    expect(after.records.find((r) => r.id === root.id)!.status).toBe('undone');
  });
});

describe('replacing the certificate: the old identity', () => {
  let oldPfx: string;
  let oldSha1: string;
  beforeAll(async () => {
    const old = await pki.issuer.issue('mac01-old', { cn: 'MAC01.local', sans: ['DNS:MAC01.local'] });
    oldPfx = join(work, 'old.pfx');
    await makePfx(oldPfx, old.certPath, old.keyPath, 'old-pw', { legacy: true });
    oldSha1 = new X509Certificate(old.certPem).fingerprint.replace(/:/g, '');
  });

  /** A Mac already onboarded with the old certificate: root trusted, intermediate present, old identity imported. */
  async function macWithOldIdentity(): Promise<SimulatedMac> {
    const mac = withClient({ certificates: [{ certificate: cas[0]!, trusted: true }, { certificate: cas[1]! }] });
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
    session.setup.mode = 'replace-certificate';
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
    expect(mac.snapshot().identities.map((i) => i.sha1)).toEqual([leaf.certificate.fingerprint.replace(/:/g, '')]);
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
    session.setup.mode = 'replace-certificate';
    const plan = await call<TrustPlan>(session, 'planTrustIdentity', { removeOldIdentities: false });
    expect(plan.removeOldIdentities).toBe(false);
    await call<ApplyOutcome>(session, 'applyChanges', { planId: plan.planId });
    expect(mac.snapshot().identities.map((i) => i.sha1)).toContain(oldSha1);
  });
});

describe('Install handlers', () => {
  let pkgPath: string;
  beforeAll(async () => {
    pkgPath = join(work, '1EClient-macOS.v24.1.0.5.pkg');
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
    session.setup.mode = 'uninstall';
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

describe('Trust & identity after Install', () => {
  let pkgPath: string;
  beforeAll(async () => {
    pkgPath = join(work, '1EClient-macOS.v24.1.0.5-trust.pkg');
    await writeFile(pkgPath, Buffer.concat([Buffer.from('xar!'), Buffer.alloc(64)]));
  });

  it('refuses to plan the identity before the 1E Client is installed, pointing at the Install step', async () => {
    const e = await failure(readySession(new SimulatedMac()), 'planTrustIdentity', {});
    expect(e.code).toBe('client-not-installed');
    expect(e.hint).toMatch(/Install step/);
  });

  it('the simulated Mac refuses -T for a 1E Client that is not there, as security does', async () => {
    const mac = new SimulatedMac();
    const pfx = join(work, 'no-client.pfx');
    const issued = await pki.issuer.issue('mac-no-client', { cn: 'MAC02.local', sans: ['DNS:MAC02.local'] });
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
    session.setup.mode = 'upgrade';
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
    const old = await pki.issuer.issue('mac01-restart-old', { cn: 'MAC01.local', sans: ['DNS:MAC01.local'] });
    const oldPfx = join(work, 'restart-old.pfx');
    await makePfx(oldPfx, old.certPath, old.keyPath, 'old-pw', { legacy: true });
    const mac = withClient({ certificates: [{ certificate: cas[0]!, trusted: true }, { certificate: cas[1]! }] });
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
    session.setup.mode = 'replace-certificate';
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
    expect(mac.snapshot().identities.map((i) => i.sha1)).toEqual([leaf.certificate.fingerprint.replace(/:/g, '')]);
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

describe('the report', () => {
  it('is refused before any verification, with the way to get one', async () => {
    const e = await failure(readySession(new SimulatedMac()), 'exportReport', { format: 'json' });
    expect(e.code).toBe('no-verification');
    expect(e.hint).toMatch(/Verify/);
  });
});

describe('closing a session', () => {
  it('removes the private folders of plans prepared but never applied', async () => {
    const session = readySession(withClient());
    const plan = await call<TrustPlan>(session, 'planTrustIdentity', {});
    const workspace = dirname(plan.plans[0]!.files[0]!.path);
    expect(existsSync(workspace)).toBe(true);
    await closeSession(session);
    expect(existsSync(workspace)).toBe(false);
  });
});
