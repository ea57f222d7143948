// Specification: configureClient, start/restart/stopClient and uninstallClient over the simulated Mac.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  configureClient,
  installClient,
  resolvePackageFiles,
  restartClient,
  startClient,
  stopClient,
  uninstallClient,
} from '../../../../../src/core/macos/plans';
import { executePlan } from '../../../../../src/core/macos/execute';
import type { Plan } from '../../../../../src/core/macos/action';
import { FACT_COMMANDS, gatherFacts, parsePkgFiles } from '../../../../../src/core/macos/facts';
import { SimulatedMac } from '../../../../../src/core/macos/executors/simulated';
import { PlanWorkspace } from '../../../../../src/core/macos/workspace';
import { makeMacFixtures, runOnSimulatedMac, type MacFixtures } from '../fixtures';

let ws: PlanWorkspace;
let fx: MacFixtures;
beforeAll(async () => {
  ws = await PlanWorkspace.create();
  fx = await makeMacFixtures();
});
afterAll(async () => {
  await ws?.dispose();
  await fx?.cleanup();
});

const CONF = '/Library/Application Support/1E/Client/1E.Client.conf';
const settings = { Switch: 'tachyon.acme.local:4000', BackgroundChannelUrl: 'https://tachyon.acme.local/Background/' };
const installed = (extra: object = {}) =>
  new SimulatedMac({
    rosetta: true,
    client: { version: '5.1.0.1', conf: '# site settings\nSwitch=old:4000\nCustom=1\n', ...extra },
  });

describe('configureClient', () => {
  it('merges the settings into the existing file, keeps a backup beside it, and a rerun changes nothing', async () => {
    const mac = installed();
    const p = await configureClient({ settings, facts: await gatherFacts(mac), workspace: ws });
    expect(p.actions.map((a) => a.id)).toEqual(['conf-backup', 'conf-merge', 'conf-write']);
    expect((await runOnSimulatedMac(mac, p)).ok).toBe(true);
    const files = mac.snapshot().files;
    expect(files[CONF]).toBe(
      '# site settings\nSwitch=tachyon.acme.local:4000\nCustom=1\nBackgroundChannelUrl=https://tachyon.acme.local/Background/\n',
    );
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
    const r = await runOnSimulatedMac(
      mac,
      await configureClient({ settings, facts: await gatherFacts(mac), workspace: ws }),
    );
    expect(r.ok).toBe(false);
    expect(mac.snapshot().files[CONF]).toBe('# site settings\nSwitch=old:4000\nCustom=1\n');
  });

  it('merges into the file as it is when the step runs, not as it was when planned', async () => {
    const mac = installed();
    const p = await configureClient({ settings, facts: await gatherFacts(mac), workspace: ws });
    // Someone edits the file between planning and applying: the edit survives.
    mac.appendLog(CONF, 'AddedLater=yes');
    expect((await runOnSimulatedMac(mac, p)).ok).toBe(true);
    expect(mac.snapshot().files[CONF]).toBe(
      '# site settings\nSwitch=tachyon.acme.local:4000\nCustom=1\nAddedLater=yes\nBackgroundChannelUrl=https://tachyon.acme.local/Background/\n',
    );
  });

  it("runs the merge on the Mac with awk in the C locale and the plan's own program, inside the same administrator batch", async () => {
    const mac = installed();
    const p = await configureClient({ settings, facts: await gatherFacts(mac), workspace: ws });
    const merge = p.actions.find((a) => a.id === 'conf-merge')!;
    expect(merge.command.program).toBe('/usr/bin/env');
    expect(merge.command.args.slice(0, 5)).toEqual([
      'LC_ALL=C',
      '/usr/bin/awk',
      '-f',
      expect.stringMatching(/conf-merge[^/]*\.awk$/),
      'merge',
    ]);
    expect(merge.command.args.at(-1)).toBe(CONF);
    expect(p.actions.every((a) => a.root)).toBe(true);
    await runOnSimulatedMac(mac, p);
    expect(mac.snapshot().adminPrompts).toHaveLength(1);
  });

  it('writes into the /etc file when that is where the client keeps it', async () => {
    const mac = installed({ confPath: '/etc/1E/Client/1E.Client.conf' });
    await runOnSimulatedMac(mac, await configureClient({ settings, facts: await gatherFacts(mac), workspace: ws }));
    expect(mac.snapshot().files['/etc/1E/Client/1E.Client.conf']).toContain('Switch=tachyon.acme.local:4000');
  });
});

/** Plans run as one, as the wizard's Install step does: one batch, one rollback. */
function asOne(...plans: Plan[]): Plan {
  return {
    step: 'install-client',
    title: 'Install and configure',
    actions: plans.flatMap((p) => p.actions),
    warnings: plans.flatMap((p) => p.warnings),
    cleanup: plans.flatMap((p) => p.cleanup),
    files: plans.flatMap((p) => p.files),
  };
}

async function installAndConfigure(mac: SimulatedMac, workspace: PlanWorkspace): Promise<Plan> {
  const facts = await gatherFacts(mac);
  const install = await installClient({ installerPath: fx.pkgPath, facts, workspace });
  const configure = await configureClient({ settings, facts, workspace, packageInstallBefore: true });
  return asOne(install, configure);
}

describe('configuring in the same run as the package install', () => {
  it("a fresh install keeps the package's default settings and comments, with ours merged in", async () => {
    const mac = new SimulatedMac({ rosetta: true });
    const workspace = await PlanWorkspace.create();
    try {
      const plan = await installAndConfigure(mac, workspace);
      expect(plan.warnings.join(' ')).toContain('package writes 1E.Client.conf with its defaults');
      const r = await executePlan(plan, { executor: mac, privileged: mac.privilegedRunner() });
      expect(r.ok, JSON.stringify(r.failure)).toBe(true);
    } finally {
      await workspace.dispose();
    }
    const conf = (await gatherFacts(mac)).conf!;
    expect(conf.values).toMatchObject({
      Switch: settings.Switch,
      BackgroundChannelUrl: settings.BackgroundChannelUrl,
      LogPath: '/Library/Logs/1E.Client.log',
      AuthenticationPolicy: 'optional',
      LoggingLevel: 'Info',
    });
    expect(conf.text).toContain('# 1E Client configuration file');
    // Undoing the configuration gives the package's own file back, not an empty one.
    expect(mac.snapshot().files[CONF + '.onboard-backup']).not.toContain('tachyon');
    expect(mac.snapshot().files[CONF + '.onboard-backup']).toContain('AuthenticationPolicy=optional');
  });

  it("an upgrade keeps the technician's settings, and undoing the configuration gives the file from before the run back", async () => {
    const original = '# site settings\nSwitch=old:4000\nCustom=1\nLoggingLevel=warning\n';
    const mac = installed({ conf: original });
    const workspace = await PlanWorkspace.create();
    let plan: Plan;
    try {
      plan = await installAndConfigure(mac, workspace);
      expect(plan.actions.map((a) => a.id)).toEqual([
        'conf-save',
        'client-install',
        'conf-backup',
        'conf-merge',
        'conf-write',
      ]);
      const r = await executePlan(plan, { executor: mac, privileged: mac.privilegedRunner() });
      expect(r.ok, JSON.stringify(r.failure)).toBe(true);
    } finally {
      await workspace.dispose();
    }
    expect((await gatherFacts(mac)).client?.version).toBe('5.1.2.3');
    const files = mac.snapshot().files;
    expect(files[CONF]).toBe(
      '# site settings\nSwitch=tachyon.acme.local:4000\nCustom=1\nLoggingLevel=warning\nBackgroundChannelUrl=https://tachyon.acme.local/Background/\n',
    );
    expect(files[CONF + '.onboard-backup']).toBe(original);
    // The summary's undo runs the recorded undo commands of the configuration write.
    const write = plan.actions.find((a) => a.id === 'conf-write')!;
    for (const u of write.undo!) expect((await mac.asRoot().run(u)).exitCode).toBe(0);
    expect(mac.snapshot().files[CONF]).toBe(original);
  });

  it("a failure after the write, in the same run, puts the technician's file back", async () => {
    const original = 'Switch=old:4000\nCustom=1\n';
    const mac = installed({ conf: original });
    const workspace = await PlanWorkspace.create();
    try {
      const plan = asOne(
        await installAndConfigure(mac, workspace),
        startClient(await gatherFacts(mac), { afterChanges: true }),
      );
      mac.failWhen({ program: '/bin/launchctl', argsInclude: ['kickstart'] });
      mac.failWhen({ program: '/bin/launchctl', argsInclude: ['bootstrap'] });
      mac.failWhen({ program: '/bin/launchctl', argsInclude: ['load'] });
      const r = await executePlan(plan, { executor: mac, privileged: mac.privilegedRunner() });
      expect(r.ok).toBe(false);
    } finally {
      await workspace.dispose();
    }
    expect(mac.snapshot().files[CONF]).toBe(original);
  });
});

describe('starting, restarting and stopping the client', () => {
  it('registers and starts the daemon, then has nothing to do', async () => {
    const mac = installed();
    const r = await runOnSimulatedMac(mac, startClient(await gatherFacts(mac)));
    expect(r.ok).toBe(true);
    expect((await gatherFacts(mac)).daemon?.running).toBe(true);
    expect(startClient(await gatherFacts(mac), { afterChanges: false }).actions.every((a) => a.status === 'skip')).toBe(
      true,
    );
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
    mac.failWhen({
      program: '/bin/launchctl',
      argsInclude: ['bootstrap'],
      exitCode: 5,
      stderr: 'Bootstrap failed: 5: Input/output error',
    });
    expect((await runOnSimulatedMac(mac, startClient(await gatherFacts(mac)))).ok).toBe(true);
    expect(mac.commands().map((c) => c.line)).toContain(
      '/bin/launchctl load -w /Library/LaunchDaemons/com.1e.pkg.1E.Client.plist',
    );
  });

  it('judges the legacy load by launchd, not by its exit status, which is 0 even when it fails', async () => {
    const mac = installed();
    mac.failWhen({ program: '/bin/launchctl', argsInclude: ['bootstrap'], exitCode: 5 });
    // launchctl(1): load "will only return a non-zero exit code due to improper usage".
    mac.failWhen({
      program: '/bin/launchctl',
      argsInclude: ['load'],
      exitCode: 0,
      stderr: 'Load failed: 5: Input/output error\nTry running `launchctl bootstrap` as root for richer errors.',
    });
    const r = await runOnSimulatedMac(mac, startClient(await gatherFacts(mac)));
    expect(r.ok).toBe(false);
    expect(r.failure?.actionId).toBe('daemon-load');
    expect(r.actions.find((a) => a.id === 'daemon-load')?.output).toMatch(
      /Load failed: 5[\s\S]*the change is not there/,
    );
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
    expect(resolvePackageFiles('/', 'Library', ['Application Support/1E/Client/1E.Client'])).toEqual([
      '/Library/Application Support/1E/Client/1E.Client',
    ]);
    expect(() => resolvePackageFiles('/', 'Library', ['../etc/passwd'])).toThrow(
      expect.objectContaining({ code: 'uninstall-path-escapes' }),
    );
    expect(() => resolvePackageFiles('/', 'Library', ['/etc/passwd'])).toThrow(
      expect.objectContaining({ code: 'uninstall-path-escapes' }),
    );
    expect(() => resolvePackageFiles('/', '/', [''])).toThrow(
      expect.objectContaining({ code: 'uninstall-path-escapes' }),
    );
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
    expect(Object.keys(mac.snapshot().files).filter((f) => f.startsWith('/Library/Application Support/1E'))).toEqual(
      [],
    );
  });

  it('has nothing to do when the client is not installed', async () => {
    const p = uninstallClient({ facts: await gatherFacts(new SimulatedMac()), packageFiles: [] });
    expect(p.actions).toEqual([]);
    expect(p.warnings[0]).toContain('not installed');
  });
});
