// An upgrade of an installed, configured 1E Client: the new package installed, every existing
// setting (and comment) kept, then the identity imported for the new client and the client restarted.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { SimulatedMac } from '../../src/core/macos/executors/simulated';
import {
  applyInstall,
  applyTrust,
  continueTo,
  type LabBench,
  openWizard,
  planInstallWith,
  screenshotWholeStep,
  startLabBench,
  walkSetupWithLabCa,
} from './support/harness';

const CA_PASSWORD = 'upgrade-lab-pw';
const CONF_PATH = '/Library/Application Support/1E/Client/1E.Client.conf';
const EXISTING_CONF = [
  '# Acme settings: do not edit by hand',
  'Switch=tachyon.acme.local:4000',
  'BackgroundChannelUrl=https://tachyon.acme.local/Background/',
  'LoggingLevel=Debug',
  'ConnectionTimeout=45',
  'PolicyEnabled=true',
  '',
].join('\n');
let bench: LabBench;
let mac: SimulatedMac;

beforeAll(async () => {
  bench = await startLabBench({
    name: 'Upgrade Lab',
    caPassword: CA_PASSWORD,
    intermediate: false,
    installerName: '1EClient-macOS.v24.1.0.5.pkg',
    makeExecutor: () =>
      (mac = new SimulatedMac({ arch: 'x86_64', client: { version: '23.7.0.1', conf: EXISTING_CONF, running: true } })),
  });
});
afterAll(async () => {
  await bench?.close();
});

describe('an upgrade', () => {
  it("keeps the existing configuration through the package's reset, shows it as kept, and installs the new version", async () => {
    const page = await openWizard(bench.browser, bench.server, { width: 900, height: 640 });
    // Upgrade mode fills the endpoints from the installed configuration: nothing typed.
    await walkSetupWithLabCa(page, { mode: 'Upgrade', labDir: bench.labDir, caPassword: CA_PASSWORD });

    await planInstallWith(page, bench.installer);
    const table = page.getByRole('table');
    expect(
      await page.getByRole('heading', { level: 2, name: 'Ready to upgrade the 1E Client from 23.7.0.1' }).count(),
    ).toBe(1);
    expect(await page.getByText(/Version 23\.7\.0\.1 is on this Mac now: this is an upgrade/).count()).toBe(1);
    expect(await table.getByText(/no setting changes, everything else is kept/).count()).toBe(1);
    for (const key of ['Switch', 'BackgroundChannelUrl', 'LoggingLevel', 'ConnectionTimeout', 'PolicyEnabled']) {
      const row = table.getByRole('row').filter({ has: page.getByRole('rowheader', { name: key }) });
      expect(await row.getByText('kept').count(), key).toBe(1);
    }
    const order = page.getByRole('list', { name: 'The changes, in the order they run' });
    expect(await order.getByText('Upgrade the 1E Client from 23.7.0.1 to 24.1.0.5').count()).toBe(1);
    await applyInstall(page, 'Upgrade and start');
    await screenshotWholeStep(page, 'changes-upgrade-installed');

    // After the upgrade, the identity is imported for the new client binary, and the client restarted.
    await continueTo(page, 'Trust & identity');
    await page
      .getByRole('heading', { level: 2, name: 'Ready to import the identity again for the new client' })
      .waitFor({ timeout: 30_000 });
    expect(await page.getByRole('main').getByRole('button', { name: 'Import the identity again' }).count()).toBe(1);
    expect(await page.getByText('/bin/launchctl kickstart -k system/com.1e.pkg.1E.Client').count()).toBe(1);
    await applyTrust(page);

    const snap = mac.snapshot();
    expect(snap.packages[0]!.version).toBe('24.1.0.5');
    expect(snap.files[CONF_PATH]).toBe(EXISTING_CONF);
    expect(snap.launchd[0]!.running).toBe(true);
    expect(snap.identities).toHaveLength(1);
    expect((page as unknown as { errors: string[] }).errors).toEqual([]);
  });
});
