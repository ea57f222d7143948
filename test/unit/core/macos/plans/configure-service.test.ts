// Specification: configureClient, start/restart/stopClient and uninstallClient over the simulated Mac.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configureClient, resolvePackageFiles, restartClient, startClient, stopClient, uninstallClient } from '../../../../../electron/core/macos/plans';
import { FACT_COMMANDS, gatherFacts, parsePkgFiles } from '../../../../../electron/core/macos/facts';
import { SimulatedMac } from '../../../../../electron/core/macos/executors/simulated';
import { PlanWorkspace } from '../../../../../electron/core/macos/workspace';
import { runOnSimulatedMac } from '../fixtures';

let ws: PlanWorkspace;
beforeAll(async () => { ws = await PlanWorkspace.create(); });
afterAll(async () => { await ws?.dispose(); });

const CONF = '/Library/Application Support/1E/Client/1E.Client.conf';
const settings = { Switch: 'tachyon.acme.local:4000', BackgroundChannelUrl: 'https://tachyon.acme.local/Background/' };
const installed = (extra: object = {}) => new SimulatedMac({ rosetta: true, client: { version: '5.1.0.1', conf: '# site settings\nSwitch=old:4000\nCustom=1\n', ...extra } });

describe('configureClient', () => {
  it('merges the settings into the existing file, keeps a backup beside it, and a rerun changes nothing', async () => {
    const mac = installed();
    const p = await configureClient({ settings, facts: await gatherFacts(mac), workspace: ws });
    expect(p.actions.map((a) => a.id)).toEqual(['conf-backup', 'conf-write']);
    expect((await runOnSimulatedMac(mac, p)).ok).toBe(true);
    const files = mac.snapshot().files;
    expect(files[CONF]).toBe('# site settings\nSwitch=tachyon.acme.local:4000\nCustom=1\nBackgroundChannelUrl=https://tachyon.acme.local/Background/\n');
    expect(files[CONF + '.onboard-backup']).toBe('# site settings\nSwitch=old:4000\nCustom=1\n');
    const before = mac.snapshot();
    const again = await configureClient({ settings, facts: await gatherFacts(mac), workspace: ws });
    expect(again.actions.every((a) => a.status === 'skip')).toBe(true);
    await runOnSimulatedMac(mac, again);
    expect(mac.snapshot()).toEqual(before);
  });

  it('puts the old file back when writing fails halfway', async () => {
    const mac = installed();
    mac.failWhen({ actionId: 'conf-write', stderr: 'install: disk full' });
    const r = await runOnSimulatedMac(mac, await configureClient({ settings, facts: await gatherFacts(mac), workspace: ws }));
    expect(r.ok).toBe(false);
    expect(mac.snapshot().files[CONF]).toBe('# site settings\nSwitch=old:4000\nCustom=1\n');
  });

  it('writes into the /etc file when that is where the client keeps it', async () => {
    const mac = installed({ confPath: '/etc/1E/Client/1E.Client.conf' });
    await runOnSimulatedMac(mac, await configureClient({ settings, facts: await gatherFacts(mac), workspace: ws }));
    expect(mac.snapshot().files['/etc/1E/Client/1E.Client.conf']).toContain('Switch=tachyon.acme.local:4000');
  });
});

describe('starting, restarting and stopping the client', () => {
  it('registers and starts the daemon, then has nothing to do', async () => {
    const mac = installed();
    const r = await runOnSimulatedMac(mac, startClient(await gatherFacts(mac)));
    expect(r.ok).toBe(true);
    expect((await gatherFacts(mac)).daemon?.running).toBe(true);
    expect(startClient(await gatherFacts(mac), { afterChanges: false }).actions.every((a) => a.status === 'skip')).toBe(true);
  });

  it('restarts a running client after changes, so it reads them', async () => {
    const mac = installed({ running: true });
    const pid = (await gatherFacts(mac)).daemon?.pid;
    const p = startClient(await gatherFacts(mac), { afterChanges: true });
    expect(p.actions.find((a) => a.id === 'daemon-restart')?.status).toBe('pending');
    await runOnSimulatedMac(mac, p);
    expect((await gatherFacts(mac)).daemon?.pid).not.toBe(pid);
  });

  it('falls back to launchctl load -w when bootstrap is refused', async () => {
    const mac = installed();
    mac.failWhen({ program: '/bin/launchctl', argsInclude: ['bootstrap'], exitCode: 5, stderr: 'Bootstrap failed: 5: Input/output error' });
    expect((await runOnSimulatedMac(mac, startClient(await gatherFacts(mac)))).ok).toBe(true);
    expect(mac.commands().map((c) => c.line)).toContain('/bin/launchctl load -w /Library/LaunchDaemons/com.1e.pkg.1E.Client.plist');
  });

  it('stops the daemon, and restart kickstarts it', async () => {
    const mac = installed({ running: true });
    await runOnSimulatedMac(mac, restartClient(await gatherFacts(mac)));
    expect(mac.commands().some((c) => c.line === '/bin/launchctl kickstart -k system/com.1e.pkg.1E.Client')).toBe(true);
    await runOnSimulatedMac(mac, stopClient(await gatherFacts(mac)));
    expect((await gatherFacts(mac)).daemon).toBeNull();
    expect(stopClient(await gatherFacts(mac)).actions[0]!.status).toBe('skip');
  });
});

describe('uninstallClient', () => {
  it('refuses a receipt path that escapes the install location', () => {
    expect(resolvePackageFiles('/', 'Library', ['Application Support/1E/Client/1E.Client'])).toEqual(['/Library/Application Support/1E/Client/1E.Client']);
    expect(() => resolvePackageFiles('/', 'Library', ['../etc/passwd'])).toThrow(expect.objectContaining({ code: 'uninstall-path-escapes' }));
    expect(() => resolvePackageFiles('/', 'Library', ['/etc/passwd'])).toThrow(expect.objectContaining({ code: 'uninstall-path-escapes' }));
    expect(() => resolvePackageFiles('/', '/', [''])).toThrow(expect.objectContaining({ code: 'uninstall-path-escapes' }));
  });

  it('stops the client, removes exactly the package files and forgets the receipt', async () => {
    const mac = installed({ running: true });
    const facts = await gatherFacts(mac);
    const files = parsePkgFiles((await mac.run(FACT_COMMANDS.pkgFiles)).stdout);
    const p = uninstallClient({ facts, packageFiles: files });
    expect(p.actions.map((a) => a.id)).toEqual(['daemon-stop', 'uninstall-files-1', 'uninstall-forget']);
    expect((await runOnSimulatedMac(mac, p)).ok).toBe(true);
    const after = await gatherFacts(mac);
    expect(after.client).toBeNull();
    expect(after.daemon).toBeNull();
    expect(Object.keys(mac.snapshot().files).filter((f) => f.startsWith('/Library/Application Support/1E'))).toEqual([]);
  });

  it('has nothing to do when the client is not installed', async () => {
    const p = uninstallClient({ facts: await gatherFacts(new SimulatedMac()), packageFiles: [] });
    expect(p.actions).toEqual([]);
    expect(p.warnings[0]).toContain('not installed');
  });
});
