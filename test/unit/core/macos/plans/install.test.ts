// Specification: installRosetta and installClient over the simulated Mac.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  installClient,
  installRosetta,
  versionFromFileName,
  detectInstallerKind,
} from '../../../../../src/core/macos/plans';
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

const plan = async (mac: SimulatedMac, installerPath: string) =>
  installClient({ installerPath, facts: await gatherFacts(mac), workspace: ws });

describe('installRosetta', () => {
  it('installs Rosetta on Apple Silicon and then has nothing left to do', async () => {
    const mac = new SimulatedMac({ arch: 'arm64' });
    const p = installRosetta(await gatherFacts(mac));
    expect(p.actions[0]!.command.args).toEqual(['--install-rosetta', '--agree-to-license']);
    expect((await runOnSimulatedMac(mac, p)).ok).toBe(true);
    expect(mac.snapshot().rosetta).toBe(true);
    expect(installRosetta(await gatherFacts(mac)).actions[0]!.status).toBe('skip');
  });

  it('is skipped on an Intel Mac', async () => {
    const p = installRosetta(await gatherFacts(new SimulatedMac({ arch: 'x86_64' })));
    expect(p.actions[0]).toMatchObject({ status: 'skip', reason: expect.stringContaining('Intel') });
  });
});

describe('installClient', () => {
  it('reads versions from 1E file names', () => {
    expect(versionFromFileName('1e.client-macOS_v5.1.2.3.dmg')).toBe('5.1.2.3');
    expect(versionFromFileName('1EClient-Non-Windows.v24.1.0.5.zip')).toBe('24.1.0.5');
    expect(versionFromFileName('client.pkg')).toBeNull();
  });

  it('recognises installers by content, not by name', async () => {
    expect(await detectInstallerKind(fx.pkgPath)).toBe('pkg');
    expect(await detectInstallerKind(fx.dmgPath)).toBe('dmg');
    expect(await detectInstallerKind(fx.zipPath)).toBe('zip');
    const fake = join(fx.dir, 'not-really.pkg');
    await writeFile(fake, 'hello');
    await expect(detectInstallerKind(fake)).rejects.toMatchObject({ code: 'installer-unrecognised' });
  });

  it('installs a .pkg with installer -target /, and a rerun changes nothing', async () => {
    const mac = new SimulatedMac();
    const p = await plan(mac, fx.pkgPath);
    expect(p.actions.map((a) => a.command.program)).toEqual(['/usr/sbin/installer']);
    expect((await runOnSimulatedMac(mac, p)).ok).toBe(true);
    expect((await gatherFacts(mac)).client?.version).toBe('5.1.2.3');
    const before = mac.snapshot();
    const again = await plan(mac, fx.pkgPath);
    expect(again.actions.find((a) => a.id === 'client-install')).toMatchObject({
      status: 'skip',
      reason: 'version 5.1.2.3 is already installed',
    });
    expect(again.actions.every((a) => a.status === 'skip')).toBe(true);
    await runOnSimulatedMac(mac, again);
    expect(mac.snapshot()).toEqual(before);
  });

  it('installs again when the receipt is there but the program is not: a receipt alone is not an installed client', async () => {
    const mac = new SimulatedMac();
    expect((await runOnSimulatedMac(mac, await plan(mac, fx.pkgPath))).ok).toBe(true);
    const rm = await mac
      .asRoot()
      .run({ program: '/bin/rm', args: ['-f', '/Library/Application Support/1E/Client/1E.Client'] });
    expect(rm.exitCode).toBe(0);
    const again = await plan(mac, fx.pkgPath);
    expect(again.actions.find((a) => a.id === 'client-install')).toMatchObject({
      status: 'pending',
      title: 'Install the 1E Client 5.1.2.3 again (the receipt says 5.1.2.3, but its program is missing)',
    });
    // The run-time check agrees: the receipt's version alone does not make it done.
    expect((await runOnSimulatedMac(mac, again)).ok).toBe(true);
    expect(mac.commands().filter((c) => c.line.startsWith('/usr/sbin/installer'))).toHaveLength(2);
  });

  it('mounts a .dmg read-only on a private mount point and always detaches it', async () => {
    const mac = new SimulatedMac();
    const p = await plan(mac, fx.dmgPath);
    expect(p.actions[0]!.command.args.slice(0, 6)).toEqual([
      'attach',
      '-nobrowse',
      '-readonly',
      '-noautoopen',
      '-plist',
      '-mountpoint',
    ]);
    expect(p.actions[0]!.root).toBe(false);
    expect(p.cleanup.map((c) => c.args[0])).toEqual(['detach']);
    const r = await runOnSimulatedMac(mac, p);
    expect(r.ok).toBe(true);
    expect(r.cleanup[0]!.exitCode).toBe(0);
    expect(mac.snapshot().mounts).toEqual([]);
    expect((await gatherFacts(mac)).client?.version).toBe('5.2.0.7');
  });

  it('detaches the disk image even when the installation fails', async () => {
    const mac = new SimulatedMac();
    mac.failWhen({ program: '/usr/sbin/installer', stderr: 'installer: The install failed.' });
    const r = await runOnSimulatedMac(mac, await plan(mac, fx.dmgPath));
    expect(r.ok).toBe(false);
    expect(r.failure?.message).toContain('The install failed');
    expect(mac.snapshot().mounts).toEqual([]);
    expect(mac.snapshot().packages).toEqual([]);
  });

  it("finds the package inside 1E's zip and installs it from a private folder", async () => {
    const mac = new SimulatedMac();
    const p = await plan(mac, fx.zipPath);
    expect(p.actions.map((a) => a.id)).toEqual(['installer-extract', 'client-install']);
    expect(p.actions[1]!.command.args[1]).toMatch(/installer-files\/macOS\/1e\.client-macOS_v24\.1\.0\.5\.pkg$/);
    expect((await runOnSimulatedMac(mac, p)).ok).toBe(true);
    expect((await gatherFacts(mac)).client?.version).toBe('24.1.0.5');
  });

  it('says an upgrade resets the configuration file, and keeps the file aside just before, in the same administrator batch', async () => {
    const mac = new SimulatedMac({ client: { version: '5.0.0.1', conf: 'Switch=mine:4000\n' } });
    const p = await plan(mac, fx.pkgPath);
    expect(p.actions.map((a) => a.id)).toEqual(['conf-save', 'client-install']);
    expect(p.actions[1]!.title).toBe('Upgrade the 1E Client from 5.0.0.1 to 5.1.2.3');
    expect(p.actions[1]!.detail).toContain('resets 1E.Client.conf');
    expect(p.actions[0]!.command.args).toEqual([
      '-p',
      '/Library/Application Support/1E/Client/1E.Client.conf',
      join(ws.dir, '1E.Client.conf.before-install'),
    ]);
    expect((await runOnSimulatedMac(mac, p)).ok).toBe(true);
    expect(mac.snapshot().adminPrompts).toHaveLength(1);
    expect(mac.snapshot().files[join(ws.dir, '1E.Client.conf.before-install')]).toBe('Switch=mine:4000\n');
    expect(mac.snapshot().files['/Library/Application Support/1E/Client/1E.Client.conf']).not.toContain('mine');
  });

  it('keeps nothing aside on a Mac that has no configuration file', async () => {
    const p = await plan(new SimulatedMac(), fx.pkgPath);
    expect(p.actions.map((a) => a.id)).toEqual(['client-install']);
  });
});
