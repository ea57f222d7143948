// Specification: the simulated Mac mounts disk images, installs the 1E Client package and keeps its receipt as pkgutil shows it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedMac } from '../../../../../../src/core/macos/executors/simulated';
import { FACT_COMMANDS, parsePkgInfo } from '../../../../../../src/core/macos/facts';
import { makeMacFixtures, type MacFixtures } from '../../fixtures';

let fx: MacFixtures;
beforeAll(async () => {
  fx = await makeMacFixtures();
});
afterAll(async () => {
  await fx?.cleanup();
});

describe('the simulated packages', () => {
  it('mounts a disk image at the given mount point and prints the plist', async () => {
    const mac = new SimulatedMac();
    const r = await mac.run({
      program: '/usr/bin/hdiutil',
      args: ['attach', '-nobrowse', '-readonly', '-noautoopen', '-plist', '-mountpoint', '/tmp/mnt', fx.dmgPath],
    });
    expect(r.stdout).toContain('<key>mount-point</key>\n\t\t\t<string>/tmp/mnt</string>');
    expect(mac.snapshot().files['/tmp/mnt/1e.client-macOS_v5.2.0.7.pkg']).toBeDefined();
    await mac.run({ program: '/usr/bin/hdiutil', args: ['detach', '/tmp/mnt', '-force'] });
    expect(mac.snapshot().mounts).toEqual([]);
  });

  it('installs the package as root only, reads its version from the file name and forgets its receipt', async () => {
    const mac = new SimulatedMac();
    const install = { program: '/usr/sbin/installer', args: ['-pkg', fx.pkgPath, '-target', '/'] };
    expect((await mac.run(install)).stderr).toBe('installer: Must be run as root to install this package.\n');
    expect((await mac.asRoot().run(install)).stdout).toContain('installer: The install was successful.');
    expect(parsePkgInfo((await mac.run(FACT_COMMANDS.pkgInfo)).stdout)).toMatchObject({ version: '5.1.2.3' });
    expect((await mac.asRoot().run(install)).stdout).toContain('installer: Upgrading at base path /');
    const forget = { program: '/usr/sbin/pkgutil', args: ['--forget', 'com.1e.pkg.1E.Client'] };
    expect((await mac.asRoot().run(forget)).stdout).toBe("Forgot package 'com.1e.pkg.1E.Client' on '/'.\n");
    expect((await mac.run(FACT_COMMANDS.pkgInfo)).stderr).toBe("No receipt for 'com.1e.pkg.1E.Client' found at '/'.\n");
  });
});
